// `huracan serve` as an operator would use it, against the real binary:
//   node serve_e2e.mjs BINARY WORKDIR
// 1. without HURACAN_HTTP_TOKEN: /metrics parses (prom_parse.mjs) with HELP and TYPE for every
//    metric, /healthz is 503 (no live runner), /api/status is JSON, POST /api/pause is refused (403)
//    and changes nothing; a malformed request, an oversized header and a silent client do not stall
//    the server;
// 2. with a token: no or a wrong bearer token is refused (401), the right one pauses; the token
//    appears in no page, API answer or log line.
// Prints "serve_e2e: ok" and exits 0, or prints the failures and exits 1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseExposition } from './prom_parse.mjs';

const [binary, workdir] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const archive = path.join(workdir, 'archive');
fs.mkdirSync(archive, { recursive: true });

function startServe(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--port', '0', '--archive', archive, '--db', path.join(workdir, 'h.db')],
                        { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/([\d.]+):(\d+)/.exec(out);
      if (m) resolve({ child, base: `http://${m[1]}:${m[2]}`, port: Number(m[2]), logs: () => out + err });
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}${err}`)));
    setTimeout(() => reject(new Error('serve did not start in 10 s')), 10000);
  });
}

async function get(url, opts = {}) {
  const r = await fetch(url, { ...opts, signal: AbortSignal.timeout(5000) });
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
}

// Sends raw bytes and waits for the server to answer or close (or 8 s).
function raw(port, bytes, { keepSilent = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    const done = () => { sock.destroy(); resolve(got); };
    sock.on('connect', () => { if (!keepSilent) sock.write(bytes); });
    sock.on('data', (d) => { got += d; });
    sock.on('close', done);
    sock.on('error', done);
    sock.setTimeout(8000, done);
  });
}

const baseEnv = { ...process.env };
delete baseEnv.HURACAN_HTTP_TOKEN;
delete baseEnv.HURACAN_HTTP_TOKEN_FILE;

// --- 1. no token ---
{
  const s = await startServe(baseEnv);
  try {
    const m = await get(s.base + '/metrics');
    check(m.status === 200, `/metrics status ${m.status}`);
    check(m.type.startsWith('text/plain; version=0.0.4'), `/metrics content type ${m.type}`);
    const p = parseExposition(m.text);
    for (const e of p.errors) failures.push(`/metrics: ${e}`);
    for (const want of ['huracan_live_attached', 'huracan_champions', 'huracan_bars_processed_total',
                        'huracan_decisions_total', 'huracan_trades_total', 'huracan_rejections_total',
                        'huracan_decision_latency_seconds', 'huracan_feed_lag_seconds',
                        'huracan_feed_reconnects_total', 'huracan_position', 'huracan_realised_pnl_today'])
      check(p.families.has(want), `/metrics lacks ${want}`);
    const attached = p.families.get('huracan_live_attached');
    check(attached && attached.samples[0]?.value === 0, 'huracan_live_attached should be 0 without a runner');
    console.log(`serve_e2e: /metrics ${p.families.size} families, ${[...p.families.values()].reduce((n, f) => n + f.samples.length, 0)} samples`);

    const h = await get(s.base + '/healthz');
    check(h.status === 503, `/healthz without a runner: ${h.status}`);
    const a = await get(s.base + '/api/status');
    check(a.status === 200 && a.type.startsWith('application/json'), `/api/status ${a.status} ${a.type}`);
    const j = JSON.parse(a.text);
    check(j.live === null && Array.isArray(j.champions), '/api/status: live should be null, champions a list');
    const page = await get(s.base + '/');
    check(page.status === 200 && page.text.includes('no live runner attached'), 'page without a runner');
    check(!/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\//.test(page.text.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '')),
          'the page must not load anything external');

    const pause = await get(s.base + '/api/pause', { method: 'POST', headers: { Authorization: 'Bearer guess' } });
    check(pause.status === 403, `POST /api/pause without HURACAN_HTTP_TOKEN: ${pause.status}`);
    check(!fs.existsSync(path.join(archive, 'control', 'paused.json')), 'a refused pause must not write the flag');
    const getPause = await get(s.base + '/api/pause');
    check(getPause.status === 404 || getPause.status === 405, `GET /api/pause: ${getPause.status}`);

    // Malformed and hostile requests: each answered or closed, and the server still answers at once.
    const silent = raw(s.port, '', { keepSilent: true });
    const bad = await raw(s.port, 'GARBAGE\r\n\r\n');
    check(bad === '' || /^HTTP\/1\.1 4\d\d/.test(bad), `malformed request answered: ${bad.slice(0, 40)}`);
    const huge = await raw(s.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(100000) + '\r\n\r\n');
    check(huge === '' || /^HTTP\/1\.1 4\d\d/.test(huge), `oversized header answered: ${huge.slice(0, 40)}`);
    const t0 = Date.now();
    const again = await get(s.base + '/healthz');
    check(again.status === 503 && Date.now() - t0 < 2000, `server stalled after bad requests (${Date.now() - t0} ms)`);
    await silent;  // the silent client is dropped by the read timeout
  } finally {
    s.child.kill('SIGTERM');
  }
}

// --- 2. with a token ---
{
  const token = 'tok-' + Math.random().toString(36).slice(2) + '-secret';
  const s = await startServe({ ...baseEnv, HURACAN_HTTP_TOKEN: token });
  try {
    const none = await get(s.base + '/api/pause', { method: 'POST' });
    check(none.status === 401, `POST /api/pause without a bearer token: ${none.status}`);
    const wrong = await get(s.base + '/api/pause', { method: 'POST', headers: { Authorization: 'Bearer ' + token + 'x' } });
    check(wrong.status === 401, `POST /api/pause with a wrong token: ${wrong.status}`);
    check(!fs.existsSync(path.join(archive, 'control', 'paused.json')), 'a refused pause must not write the flag');
    const ok = await get(s.base + '/api/pause', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
    check(ok.status === 200, `POST /api/pause with the token: ${ok.status} ${ok.text}`);
    check(fs.existsSync(path.join(archive, 'control', 'paused.json')), 'pause should write the flag');
    const m = parseExposition((await get(s.base + '/metrics')).text);
    check(m.families.get('huracan_paused')?.samples[0]?.value === 1, 'huracan_paused should be 1 after the pause');
    const resume = await get(s.base + '/api/resume', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
    check(resume.status === 200 && !fs.existsSync(path.join(archive, 'control', 'paused.json')), 'resume');
    for (const p of ['/', '/api/status', '/metrics', '/healthz']) {
      const r = await get(s.base + p);
      check(!r.text.includes(token), `${p} shows the token`);
    }
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.on('exit', r));
    check(!s.logs().includes(token), 'the logs show the token');
  } finally {
    s.child.kill('SIGTERM');
  }
}

if (failures.length) {
  for (const f of failures) console.log('FAIL ' + f);
  process.exit(1);
}
console.log('serve_e2e: ok');
