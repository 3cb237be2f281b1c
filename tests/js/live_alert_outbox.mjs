// One `huracan live --telegram` run for the alert outbox tests (docs/RELIABILITY.md, "Feeds go away
// and come back"):
//   node live_alert_outbox.mjs HURACAN_BINARY WORKDIR OUT_JSON up|down KILL_WHEN_FILE|- LIVE_ARGS...
// The fake Bot API is up for the whole run, or down (nothing listens on its port: every getUpdates
// and push fails). With KILL_WHEN_FILE, the run is killed (SIGKILL) 500 ms after that file appears (the
// runner has gone on a few bars, so its restart state is past what made the file).
// Writes OUT_JSON: {code, signal, err, pushes: the texts Telegram took, in order}. Exits 1 only when
// the run could not be started or timed out.
import fs from 'node:fs';
import {FakeTelegram, sleep} from './fake_telegram.mjs';
import {LiveChild} from './live_child.mjs';

const [binary, work, outJson, telegram, killWhen, ...args] = process.argv.slice(2);
const TOKEN = '616161:OUTBOX-secret-token';
const OPERATOR = 111;

const fake = new FakeTelegram(TOKEN);
const port = await fake.listen();
if (telegram === 'down') await fake.close();
const env = {...process.env, TELEGRAM_API_BASE: `http://127.0.0.1:${port}`, TELEGRAM_TOKEN: TOKEN,
  TELEGRAM_CHAT_ID: String(OPERATOR), HURACAN_TELEGRAM_POLL_TIMEOUT_SECONDS: '1'};
delete env.HURACAN_CONFIG;
delete env.HURACAN_HTTP_TOKEN;

const live = new LiveChild(binary, [...args, '--telegram'], env, work);
let killAt = 0, ended = false;
live.exited.then(() => (ended = true));
const done = await Promise.race([live.exited, (async () => {
  for (const until = Date.now() + 30000; Date.now() < until && !ended;) {
    if (killWhen !== '-' && killAt === 0 && fs.existsSync(killWhen)) killAt = Date.now() + 500;
    if (killAt !== 0 && Date.now() >= killAt) live.child.kill('SIGKILL');
    await sleep(20);
  }
  return null;
})()]);
if (telegram === 'up') await fake.close();
if (done === null) {
  live.child.kill('SIGKILL');
  console.log(`huracan live did not end within 30 s:\n${live.err.slice(-4000)}`);
  process.exit(1);
}
const pushes = telegram === 'up' ? fake.sent().map((c) => c.body.text) : [];
fs.writeFileSync(outJson, JSON.stringify({code: done.code, signal: done.signal, err: live.err, pushes}, null, 1));
console.log(`live_alert_outbox: exit ${done.code} ${done.signal || ''}, ${pushes.length} push(es)`);
