// The whole control loop as the operator lives it, against the real binary and the fake Bot API:
//   node live_loop_e2e.mjs HURACAN_BINARY WORKDIR DATA_DIR ARCHIVE DB FROM TO SPEED
// `huracan live --mode paper --telegram --serve 0` replays DATA_DIR from FROM to TO at SPEED x real
// time, trading the symbols of the archive's selector; mid-run the operator sends /trade 2, the
// selector changes, the runner trades the new two from the next bar, /status shows them, a
// stranger's /trade 5 is refused, and the status page (/api/status and /) shows the two and the
// swaps. The champion swaps are pushed
// to the operator's chat. First, `huracan train` pushes its daily summary to the operator. Writes WORKDIR/loop.json (the report, the selector, the replies) for the
// C++ test, which checks the decisions, the trades and the audit rows. Exits 1 with the first
// failed check.
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {FakeTelegram, message, waitFor} from './fake_telegram.mjs';
import {LiveChild} from './live_child.mjs';

const [binary, work, data, archive, db, from, to, speed] = process.argv.slice(2);
const TOKEN = '424242:LIVE-secret-token';
const OPERATOR = 111;
const STRANGER = 999;
const decisions = path.join(work, 'decisions.txt');

const fake = new FakeTelegram(TOKEN);
const port = await fake.listen();
const selectorPath = path.join(archive, 'symbols_selector.json');

async function get(url) {
  const r = await fetch(url, {signal: AbortSignal.timeout(5000)});
  return {status: r.status, text: await r.text()};
}

const env = {...process.env, TELEGRAM_API_BASE: `http://127.0.0.1:${port}`, TELEGRAM_TOKEN: TOKEN,
  TELEGRAM_CHAT_ID: String(OPERATOR), HURACAN_TELEGRAM_POLL_TIMEOUT_SECONDS: '1'};
delete env.HURACAN_CONFIG;
delete env.HURACAN_HTTP_TOKEN;
const t0 = Date.now();

function run(args) {
  return new Promise((resolve) => {
    const c = spawn(binary, args, {env, cwd: work, stdio: ['ignore', 'pipe', 'pipe']});
    let o = '', e = '';
    c.stdout.on('data', (d) => (o += d));
    c.stderr.on('data', (d) => (e += d));
    c.on('exit', (code) => resolve({code, out: o, err: e}));
  });
}

// The daily summary push after a training run (one coin, one engine, its own archive).
const pushArchive = path.join(work, 'push-archive');
const tr = await run(['train', '--mode', 'sequential', '--retries', '0', '--data-dir', data, '--archive', pushArchive,
  '--db', path.join(work, 'push.db'), '--costs', 'zero', '--symbols', 'DOGEUSDT', '--engines', 'seasonality']);
if (tr.code !== 0) await fake.close();
assert.equal(tr.code, 0, tr.err);
assert.match(tr.out, /^summary: pushed to Telegram \(1 chat\(s\)\)$/m);
const pushed = fake.sent().map((c) => c.body);
assert.equal(pushed.length, 1, JSON.stringify(pushed));
assert.equal(pushed[0].chat_id, OPERATOR);
assert.match(pushed[0].text, /DOGEUSDT/);
assert.ok(!(tr.out + tr.err).includes('LIVE-secret'), 'the token leaked into the training output');
fake.calls.length = 0;

const live = new LiveChild(binary, ['--mode', 'paper', '--replay', data, '--from', from, '--to', to, '--speed', speed,
  '--archive', archive, '--db', db, '--decisions-out', decisions, '--telegram', '--serve', '0'], env, work);
const replies = (chat) => fake.sent().filter((c) => c.body.chat_id === chat).map((c) => c.body.text);

await live.check(async () => {
  const base = await live.statusPage();
  // The runner is trading: its first snapshot is on the page, with the selector's symbols.
  const before = JSON.parse(fs.readFileSync(selectorPath, 'utf8'));
  const first = await waitFor('the first bar', async () => {
    const j = JSON.parse((await get(`${base}/api/status`)).text);
    return j.live && j.live.bars_processed > 0 && j.live;
  });
  assert.deepEqual(first.traded, before.symbols);

  // The operator trades the top 2.
  fake.addUpdate(message(1, OPERATOR, '/trade 2'));
  const selector = await waitFor('the selector', () => {
    const j = JSON.parse(fs.readFileSync(selectorPath, 'utf8'));
    return j.source !== before.source && j;
  });
  assert.equal(selector.symbols.length, 2);
  assert.match(selector.source, /^telegram chat 111 \(@operator\) \/trade 2$/);
  // The runner takes it at its next bar.
  const swapped = await waitFor('the runner to trade the two', async () => {
    const j = JSON.parse((await get(`${base}/api/status`)).text);
    return j.live.swaps.length > 0 && j.live;
  });
  assert.deepEqual([...swapped.traded].sort(), [...selector.symbols].sort());

  // /status from the operator shows the live figures; a stranger's /trade 5 is refused.
  fake.addUpdate(message(2, OPERATOR, '/status'));
  fake.addUpdate(message(3, STRANGER, '/trade 5', {username: 'mallory'}));
  const status = await waitFor('the /status reply', () => replies(OPERATOR).find((t) => t.includes('Live runner')));
  assert.match(status, /mode: paper/);
  assert.match(status, new RegExp(`symbols traded: 2: ${selector.symbols.join(', ')}`));
  assert.match(status, /today's PnL: [+-]\d/);
  assert.match(status, /feed: replay, /);
  assert.match(status, /degraded: none/);
  const refused = await waitFor('the refusal', () => replies(STRANGER)[0]);
  assert.match(refused, /^Not allowed/);
  assert.deepEqual(JSON.parse(fs.readFileSync(selectorPath, 'utf8')).symbols, selector.symbols,
    'the stranger changed nothing');

  // The page shows it.
  const api = JSON.parse((await get(`${base}/api/status`)).text);
  assert.deepEqual(api.selector.symbols, selector.symbols);
  assert.equal(api.live.traded.length, 2);
  assert.ok(api.live.equity_curve.length >= 1, 'the equity curve has points');
  const page = await get(`${base}/`);
  assert.equal(page.status, 200);
  for (const sym of selector.symbols) assert.ok(page.text.includes(sym), `the page names ${sym}`);
  assert.ok(page.text.includes('deselected') && page.text.includes('selected'), 'the page lists the swaps');

  const {code, signal} = await live.exited;
  assert.equal(signal, null, live.err);
  assert.equal(code, 0, live.err);
  assert.ok(!(live.out + live.err).includes('LIVE-secret'), 'the token leaked into the output');
  // The swap was pushed to the operator, nothing to the stranger beyond the refusal.
  assert.ok(replies(OPERATOR).some((t) => t.startsWith('[champion swap] ')), JSON.stringify(replies(OPERATOR)));
  assert.equal(replies(STRANGER).length, 1);
  const report = JSON.parse(live.out);
  fs.writeFileSync(path.join(work, 'loop.json'), JSON.stringify({report, selector: selector.symbols,
    replies: replies(OPERATOR)}, null, 1));
  console.log(`live_loop_e2e: ok in ${Date.now() - t0} ms, ${report.bar_times} bar times, ${report.trades_logged} trades`);
}, () => fake.close());
