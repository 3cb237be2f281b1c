// End-to-end run of the real `huracan bot` against the fake Bot API (fake_telegram.mjs).
//   node telegram_e2e.mjs HURACAN_BINARY WORKDIR [DB_URL]
// Builds an archive of 4 champions and a long daily summary in WORKDIR, then runs the bot three
// times: (1) through a 502 and a 429 on getUpdates and a 429 on sendMessage, 6 updates; (2) a
// restart that must resume at the saved offset, 5 more updates (stale, pause, status, summary);
// (3) an outage (the fake refuses every poll) with --max-polls. Exits 1 with the first failed
// check; the C++ test then checks the audit rows in the database.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {FakeTelegram, message} from './fake_telegram.mjs';

const [binary, work, dbArg] = process.argv.slice(2);
const TOKEN = '123456:SECRET-token-never-logged';
const OPERATOR = 111;
const STRANGER = 999;
const archive = path.join(work, 'archive');
const db = dbArg || path.join(work, 'bot.db');

function writeJson(file, obj) {
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, JSON.stringify(obj, null, 2));
}

// Champions and their OOS metrics (models/SYM/TS/metrics.json, key "oos").
const champions = {'BTCUSDT-PERP': 5.0, 'SOLUSDT': 3.0, 'ETHUSDT-PERP': 2.0, 'DOGEUSDT': -1.0};
for (const [sym, net] of Object.entries(champions)) {
  const ts = '20251108T020000Z';
  const prefix = `models/${sym}/${ts}/`;
  writeJson(path.join(archive, 'champion', sym, 'latest.json'), {
    symbol: sym, model_id: `${sym}@${ts}`, path: prefix, sha256: 'ab'.repeat(32),
    promoted_at: '2025-11-08T02:00:00.000Z', reason: 'fixture', previous: [], rolled_back: []});
  writeJson(path.join(archive, prefix, 'metrics.json'), {oos: {model_id: `${sym}@${ts}`, trades: 120, days: 20,
    net_sharpe: net / 2, psr: 0.97, max_drawdown: 0.1, hit_rate: 0.55, net_bps: net, cost_bps: 4, window: 'w'}});
}
// A daily summary long enough to need several messages.
const failed = [];
for (let i = 0; i < 60; ++i)
  failed.push({symbol: `COIN${i}USDT`, status: 'failed', attempts: 2, retries: 1, error: `worker failed: ${'x'.repeat(80)} #${i}`});
writeJson(path.join(archive, 'summaries', 'daily', '2025-11-08.json'),
  {date: '2025-11-08', run_id: '20251108', generated_at: '2025-11-08T03:00:00.000Z', symbols: failed});

function runBot(fake, port, extra) {
  return new Promise((resolve) => {
    const env = {...process.env, TELEGRAM_API_BASE: `http://127.0.0.1:${port}`, TELEGRAM_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: String(OPERATOR), HURACAN_TELEGRAM_POLL_TIMEOUT_SECONDS: '1'};
    delete env.HURACAN_CONFIG;
    const child = spawn(binary, ['bot', '--archive', archive, '--db', db, ...extra], {env});
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => resolve({code, signal, out, err}));
  });
}

const selector = () => JSON.parse(fs.readFileSync(path.join(archive, 'symbols_selector.json'), 'utf8'));
const repliesTo = (fake, chat) => fake.sent().filter((c) => c.body.chat_id === chat).map((c) => c.body.text);
const noToken = (what, text) => assert.ok(!text.includes('SECRET-token'), `${what} shows the token:\n${text}`);

const fake = new FakeTelegram(TOKEN);
const port = await fake.listen();
const now = () => Math.floor(Date.now() / 1000);
try {
  // ---- run 1: outage at start, then 6 updates ----
  fake.failNext('getUpdates', {status: 502});
  fake.failNext('getUpdates', {status: 429, retry_after: 1});
  fake.failNext('sendMessage', {status: 429, retry_after: 1});
  fake.addUpdate(message(1, OPERATOR, '/help'));
  fake.addUpdate(message(2, OPERATOR, '/trade 2'));
  fake.addUpdate(message(3, STRANGER, '/trade 5', {username: 'mallory'}));
  fake.addUpdate(message(4, OPERATOR, '/champions'));
  fake.addUpdate(message(5, OPERATOR, '/block SOLUSDT'));
  fake.addUpdate(message(6, OPERATOR, '/allow NOPEUSDT BTCUSDT-PERP'));
  fake.addUpdate(message(7, OPERATOR, '/trade abc'));
  fake.addUpdate(message(8, OPERATOR, '/pause', {date: now() - 600}));
  fake.addUpdate(message(9, OPERATOR, '/pause'));
  fake.addUpdate(message(10, OPERATOR, '/status'));
  fake.addUpdate(message(11, OPERATOR, '/summary'));
  fake.addUpdate(message(12, OPERATOR, '/frobnicate 3'));
  const t0 = Date.now();
  const r1 = await runBot(fake, port, ['--max-updates', '6', '--backoff-ms', '200']);
  assert.equal(r1.code, 0, `run 1 exit ${r1.code} ${r1.signal}\n${r1.err}`);
  noToken('run 1 stderr', r1.err + r1.out);
  assert.match(r1.err, /getUpdates: HTTP 502; retrying in 200 ms/);
  assert.match(r1.err, /Too Many Requests: retry after 1; retrying in 1000 ms/);
  assert.match(r1.err, /sendMessage: Too Many Requests: retry after 1; retrying in 1000 ms/);
  assert.match(r1.out, /6 updates, 5 commands run, 1 refused/);
  const polls = fake.calls.filter((c) => c.method === 'getUpdates');
  assert.ok(polls[2].at - polls[1].at >= 950, 'getUpdates 429 retry_after honoured');
  for (const c of fake.calls) assert.equal(c.token, TOKEN);

  const op = repliesTo(fake, OPERATOR);
  assert.equal(op.length, 5, JSON.stringify(op));
  assert.match(op[0], /^Commands:\n\/trade N/);
  assert.match(op[1], /Top by champion net edge: BTCUSDT-PERP, SOLUSDT\nSelector written\. Trading 2: BTCUSDT-PERP, SOLUSDT/);
  assert.match(op[2], /Champions \(4\)/);
  assert.match(op[2], /BTCUSDT-PERP: BTCUSDT-PERP@20251108T020000Z, age [0-9.]+ d, net edge 5\.00 bps\/trade/);
  assert.match(op[3], /Trading 1: BTCUSDT-PERP\nallow: \(none\)\nblock: SOLUSDT/);
  assert.match(op[4], /Unknown symbol\(s\), nothing changed: NOPEUSDT\./);
  const stranger = repliesTo(fake, STRANGER);
  assert.deepEqual(stranger, ['Not allowed: this chat may not command this bot. The attempt was logged.']);
  // The 429 on the first reply was retried after retry_after, and replies to one chat are >= 1 s apart.
  const sends = fake.calls.filter((c) => c.method === 'sendMessage');
  assert.equal(sends[0].status, 429);
  assert.ok(sends[1].at - sends[0].at >= 950, 'sendMessage 429 retry_after honoured');
  const opTimes = fake.sent().filter((c) => c.body.chat_id === OPERATOR).map((c) => c.at);
  for (let i = 1; i < opTimes.length; ++i) assert.ok(opTimes[i] - opTimes[i - 1] >= 990, `1 msg/s per chat: ${opTimes}`);
  assert.deepEqual(selector().symbols, ['BTCUSDT-PERP']);
  assert.deepEqual(selector().block, ['SOLUSDT']);
  assert.match(selector().source, /^telegram chat 111 \(@operator\) \/block SOLUSDT$/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(archive, 'control', 'telegram_offset.json'), 'utf8')).offset, 7);

  // ---- run 2: restart; resumes at offset 7, runs nothing twice ----
  const before = fake.sent().length;
  const callsBefore = fake.calls.length;
  const r2 = await runBot(fake, port, ['--max-updates', '6']);
  assert.equal(r2.code, 0, `run 2 exit ${r2.code}\n${r2.err}`);
  noToken('run 2 stderr', r2.err + r2.out);
  assert.equal(fake.calls[callsBefore].body.offset, 7, 'restart resumes at the saved offset');
  assert.match(r2.out, /6 updates, 5 commands run, 1 refused/);
  const op2 = fake.sent().slice(before).map((c) => c.body.text);
  assert.match(op2[0], /^Bad arguments: 'abc' is not a whole number from 1 to 1000\.\nUsage: \/trade N/);
  assert.match(op2[1], /^Refused: \/pause was sent at .*, 6\d\d s ago \(limit 300 s\), so it was not run\./);
  assert.match(op2[2], /^Paused: no new entries/);
  assert.match(op2[3], /champions: 4\nselector: 1 symbols: BTCUSDT-PERP\nentries: PAUSED since /);
  assert.match(op2[3], /last daily summary: 2025-11-08/);
  const summaryParts = op2.slice(4, -1);
  assert.ok(summaryParts.length >= 2, `summary split into ${summaryParts.length} part(s)`);
  for (const p of summaryParts) assert.ok(p.length <= 4096);
  assert.match(summaryParts[0], /2025-11-08/);
  assert.match(op2[op2.length - 1], /^Unknown command \/frobnicate\. \/help lists the commands\./);
  // Every update handled exactly once over both runs: 12 updates, 11 + 1 replies plus the summary's extra parts.
  assert.equal(fake.sent().length, 12 + summaryParts.length - 1);
  assert.ok(fs.existsSync(path.join(archive, 'control', 'paused.json')));
  assert.equal(JSON.parse(fs.readFileSync(path.join(archive, 'control', 'telegram_offset.json'), 'utf8')).offset, 13);

  // ---- run 3: outage; every poll fails, the bot backs off and reports, no crash ----
  for (let i = 0; i < 3; ++i) fake.failNext('getUpdates', {status: 502});
  const r3 = await runBot(fake, port, ['--max-polls', '3', '--backoff-ms', '100']);
  assert.equal(r3.signal, null);
  assert.equal(r3.code, 2, r3.err);
  noToken('run 3 stderr', r3.err);
  assert.match(r3.err, /retrying in 100 ms/);
  assert.match(r3.err, /retrying in 200 ms/);
  assert.match(r3.err, /huracan: telegram: getUpdates failed 3 time\(s\) in a row; last: getUpdates: HTTP 502/);
  console.log(`ok: ${fake.calls.length} API calls, ${fake.sent().length} messages, ${Date.now() - t0} ms`);
} finally {
  await fake.close();
}

// ---- run 4: nothing listening (connection refused) ----
const r4 = await runBot(fake, port, ['--max-polls', '2', '--backoff-ms', '100']);
assert.equal(r4.code, 2, r4.err);
noToken('run 4 stderr', r4.err);
assert.match(r4.err, /getUpdates: .*(refused|connect)/i);
console.log('ok: connection refused reported');
