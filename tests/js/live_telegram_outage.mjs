// Telegram goes away mid-run and comes back (docs/RELIABILITY.md, "Feeds go away and come back"):
//   node live_telegram_outage.mjs HURACAN_BINARY WORKDIR REPLAY_DIR ARCHIVE DB FROM TO SPEED BAD_BARS [MIN_OUTAGE_MS]
// `huracan live --mode shadow --telegram --serve 0` replays REPLAY_DIR (SOLUSDT, DOGEUSDT) from FROM
// to TO at SPEED x real time against the fake Bot API. Once the runner is trading, the fake goes
// away (its connections are cut, nothing listens on its port): the bot's getUpdates and the
// alert pushes fail. Meanwhile the runner reaches BAD_BARS (ISO times, comma-separated, in order),
// each a symbol's bad bar, and raises a "degraded" alert for each; the status page's bar time must
// keep advancing. Once the bar time is past the last bad bar and at least MIN_OUTAGE_MS (default
// 1500) have passed, the fake comes back on the same port: every queued alert is pushed while the
// run goes on, and the bot answers a /status sent right at the return within 3 s of the first push
// (its polls, backed off up to 60 s, poll again as soon as a push goes through). The run must end on
// its own (exit 0). Writes WORKDIR/outage.json (the report and the figures, every push) for the
// C++ test, which checks the pushes and compares the trades with a run without Telegram. Exits 1
// with the first failed check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {FakeTelegram, message, sleep, waitFor} from './fake_telegram.mjs';
import {LiveChild} from './live_child.mjs';

const [binary, work, replay, archive, db, from, to, speed, badBars, minOutageArg] = process.argv.slice(2);
const badBar = badBars.split(',').pop();
const alertCount = badBars.split(',').length;
const minOutageMs = Number(minOutageArg || 1500);
const TOKEN = '515151:OUTAGE-secret-token';
const OPERATOR = 111;

let fake = new FakeTelegram(TOKEN);
const port = await fake.listen();
const env = {...process.env, TELEGRAM_API_BASE: `http://127.0.0.1:${port}`, TELEGRAM_TOKEN: TOKEN,
  TELEGRAM_CHAT_ID: String(OPERATOR), HURACAN_TELEGRAM_POLL_TIMEOUT_SECONDS: '1'};
delete env.HURACAN_CONFIG;
delete env.HURACAN_HTTP_TOKEN;

const live = new LiveChild(binary, ['--mode', 'shadow', '--replay', replay, '--from', from, '--to', to, '--speed', speed,
  '--archive', archive, '--db', db, '--symbols', 'SOLUSDT,DOGEUSDT', '--telegram', '--serve', '0'], env, work);

// The runner's newest bar time (ms) from the status page; 0 before the first bar.
async function lastBar(base) {
  const r = await fetch(`${base}/api/status`, {signal: AbortSignal.timeout(2000)});
  const j = JSON.parse(await r.text());
  return j.live && j.live.bars_processed > 0 ? Date.parse(j.live.feed.last_bar) : 0;
}

await live.check(async () => {
  const base = await live.statusPage(20000);
  await waitFor('the bot to poll', () => fake.calls.some((c) => c.method === 'getUpdates'));
  const firstBar = await waitFor('the first bar', () => lastBar(base), 20000, 20);
  const bad = Date.parse(badBar);
  assert.ok(firstBar < bad, `the runner was past the bad bar (${badBar}) before the outage: lower SPEED`);

  // Telegram goes away.
  const calledBefore = fake.calls.length;
  await fake.close();
  const downAt = Date.now();
  const bars = [];  // the bar time seen every 100 ms during the outage
  while (Date.now() - downAt < minOutageMs || bars.length === 0 || bars[bars.length - 1] <= bad) {
    bars.push(await lastBar(base));
    if (Date.now() - downAt > minOutageMs + 20000) throw new Error('the bar time did not pass the bad bar within 20 s of the outage');
    await sleep(100);
  }
  const outageMs = Date.now() - downAt;
  assert.ok(bars[0] < bad, 'the bad bar came before the outage: lower SPEED');
  // Never stuck: at 100 ms per sample a busy machine may show one bar time twice, never for 0.5 s.
  let stuckSince = 0;
  for (let i = 1; i < bars.length; ++i) {
    stuckSince = bars[i] > bars[i - 1] ? i : stuckSince;
    assert.ok(i - stuckSince < 5, `the bar time stood still during the outage from sample ${stuckSince} to ${i}`);
  }
  // On time: the replay kept at least half its pace (SPEED x real time) through the outage.
  const pace = (bars[bars.length - 1] - bars[0]) / outageMs;
  assert.ok(pace >= Number(speed) / 2, `the runner fell behind during the outage: ${pace.toFixed(0)}x real time`);

  // It comes back on the same port.
  fake = new FakeTelegram(TOKEN);
  assert.equal(await fake.listen(port), port);
  const upAt = Date.now();
  const upBar = bars[bars.length - 1];
  fake.addUpdate(message(1, OPERATOR, '/status'));
  const alerts = () => fake.sent().filter((c) => c.body.text.startsWith('[degraded]'));
  await waitFor('the degraded alerts queued during the outage', () => alerts().length >= alertCount);
  const degraded = alerts()[0];
  assert.equal(degraded.body.chat_id, OPERATOR);
  const status = await waitFor('the /status reply after the outage',
    () => fake.sent().find((c) => c.body.text.includes('Live runner')));
  assert.ok(status.at - degraded.at <= 3000,
    `/status answered ${status.at - degraded.at} ms after the first push went through (bound 3000 ms)`);
  const lastAlert = alerts()[alertCount - 1];
  const stillRunning = (await lastBar(base)) < Date.parse(to);

  const {code, signal} = await live.exited;
  assert.equal(signal, null, live.err);
  assert.equal(code, 0, live.err);
  assert.ok(stillRunning, 'the run ended before the bot answered or pushed: raise the span or lower SPEED');
  assert.ok(!(live.out + live.err).includes('OUTAGE-secret'), 'the token leaked into the output');
  const report = JSON.parse(live.out);
  const figures = {report, calls_before: calledBefore, outage_ms: outageMs, samples: bars.length,
    pace: Math.round((bars[bars.length - 1] - bars[0]) / outageMs), bar_at_down: new Date(bars[0]).toISOString(), bar_at_up: new Date(upBar).toISOString(),
    alert_pushed_after_ms: degraded.at - upAt, last_alert_pushed_after_ms: lastAlert.at - upAt,
    status_replied_after_ms: status.at - upAt,
    pushes: fake.sent().map((c) => c.body.text.split('\n')[0])};
  fs.writeFileSync(`${work}/outage.json`, JSON.stringify(figures, null, 1));
  console.log(`live_telegram_outage: ok: outage ${outageMs} ms (bar ${figures.bar_at_down} -> ${figures.bar_at_up}, ` +
    `${bars.length} samples, ${figures.pace}x real time), ${alertCount} alert(s) pushed ${figures.alert_pushed_after_ms}-` +
    `${figures.last_alert_pushed_after_ms} ms and /status answered ${figures.status_replied_after_ms} ms after the ` +
    `return; ${report.bar_times} bar times, ${report.trades_logged} trades`);
}, () => fake.close());
