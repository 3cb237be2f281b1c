// A fake Binance kline feed on 127.0.0.1, written apart from the C++ client it tests (docs/LIVE.md,
// "Bar sources"). It replays klines built from real candle files (read with hyparquet) and injects
// one fault, chosen on the command line:
//   node fake_binance.mjs --data F[,F...] --from MS --bars N [--scenario S] [--at K] [--tick-ms T]
//        [--clients C] [--ping-every P] [--outage-ms D] [--log FILE] [--tls CERT KEY]
// Files are named BASE-QUOTE[-PERP]_..parquet: "-PERP" files are USD-M futures (ws path /fstream,
// REST /fapi/v1/klines), the others spot (ws /stream, REST /api/v3/klines). The websocket clients
// ask for combined streams (`?streams=solusdt@kline_1m/...`) and get `{"stream","data"}` messages.
// The timeline is bar times from..from+N*60s (the bar at from+N*60s is sent too, so a client can
// see the end); one tick every T ms sends every subscribed symbol's closed kline (x:true) of that
// time, in file order. Ticks run only while C clients are connected. REST answers every bar of
// the files (startTime/endTime on open time, inclusive; limit <= 1000).
// Scenarios (at tick K, default N/3):
//   clean        nothing injected
//   disconnect   closes every client socket; 3 bar times pass unsent (REST has them)
//   duplicates   ticks K..K+2 send each closed kline twice
//   out_of_order tick K sends bar K+1 first, then bar K (late and out of order), then goes on at K+2
//   late         the first file's kline of each tick from K on is sent after the others, 30 ms later
//   not_closed   every tick sends 3 x:false updates (other values) per symbol before the closed kline
//   gap          bar times K..K+4 are skipped on the stream (REST has them)
//   stall        from K, sends nothing and answers no ping, socket kept open, until a new client
//                connects; 2 bar times pass unsent
//   outage       the server goes away for D ms (default 1000): closes every client socket, refuses
//                new websocket connections (socket destroyed, logged {ev:"refused"}) and answers
//                REST with 503 (logged {ev:"rest_refused"}); 30 bar times pass unsent (REST has
//                them once it is back); then it comes back ({ev:"outage_end"}) and goes on
// Every P ticks each client is pinged; pongs are logged. The log (JSON lines) records every kline
// sent ({ev:"kline",symbol,t,x}), connections, disconnects, pongs and REST calls. Prints
// "listening PORT" once ready.
// --tls CERT KEY: the same server over TLS (node https; wss:// and https://) with that PEM
// certificate chain and key; connections log the SNI name the client sent (servername), failed
// TLS handshakes are logged ({ev:"tls_error"}).
import http from 'node:http';
import https from 'node:https';
import { readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import WebSocket from 'ws';
import { toChars } from './export_csv.mjs';

const MINUTE = 60_000;

function args() {
  const out = { scenario: 'clean', tickMs: 2, clients: 1, pingEvery: 25, outageMs: 1000, log: '' };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const k = a[i], v = a[i + 1];
    if (k === '--tls') {
      out.tls = { cert: readFileSync(v), key: readFileSync(a[i + 2]) };
      i += 1;  // two values
    } else if (k === '--data') out.files = v.split(',');
    else if (k === '--from') out.from = Number(v);
    else if (k === '--bars') out.bars = Number(v);
    else if (k === '--scenario') out.scenario = v;
    else if (k === '--at') out.at = Number(v);
    else if (k === '--tick-ms') out.tickMs = Number(v);
    else if (k === '--clients') out.clients = Number(v);
    else if (k === '--ping-every') out.pingEvery = Number(v);
    else if (k === '--outage-ms') out.outageMs = Number(v);
    else if (k === '--log') out.log = v;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!out.files || !Number.isFinite(out.from) || !Number.isFinite(out.bars)) {
    throw new Error('usage: --data F[,F] --from MS --bars N [--scenario S] [--at K] [--tick-ms T] [--clients C]');
  }
  out.at ??= Math.floor(out.bars / 3);
  return out;
}

const opt = args();
if (opt.log) writeFileSync(opt.log, '');
const log = (o) => { if (opt.log) appendFileSync(opt.log, JSON.stringify(o) + '\n'); };

// symbols: {pair, futures, stream, bars: Map(t -> row)}
const symbols = [];
for (const f of opt.files) {
  const m = basename(f).match(/^([A-Z0-9]+)-([A-Z0-9]+)(-PERP)?_/);
  if (!m) throw new Error(`${f}: not BASE-QUOTE[-PERP]_...`);
  const buf = readFileSync(f);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({ file, compressors, columns: ['timestamp', 'open', 'high', 'low', 'close', 'volume'] });
  const pair = m[1] + m[2];
  const bars = new Map();
  const sorted = [];
  for (const r of rows) {
    const row = { t: Number(r.timestamp), o: r.open, h: r.high, l: r.low, c: r.close, v: r.volume };
    bars.set(row.t, row);
    sorted.push(row);
  }
  sorted.sort((x, y) => x.t - y.t);
  symbols.push({ pair, futures: !!m[3], stream: pair.toLowerCase() + '@kline_1m', bars, sorted });
}

function klineMessage(sym, row, closed, eventTime) {
  const k = { t: row.t, T: row.t + MINUTE - 1, s: sym.pair, i: '1m', f: 100, L: 200, o: toChars(row.o),
              c: toChars(row.c), h: toChars(row.h), l: toChars(row.l), v: toChars(row.v), n: 100, x: closed,
              q: '0', V: '0', Q: '0', B: '0' };
  return JSON.stringify({ stream: sym.stream, data: { e: 'kline', E: eventTime, s: sym.pair, k } });
}

// ---- REST ----
let down = false;  // the outage scenario: neither websocket nor REST answers

function rest(req, res, url) {
  if (down) {
    log({ ev: 'rest_refused' });
    res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
    return;
  }
  const futures = url.pathname === '/fapi/v1/klines';
  if (!futures && url.pathname !== '/api/v3/klines') {
    res.writeHead(404).end('{"code":-1,"msg":"not found"}');
    return;
  }
  const pair = url.searchParams.get('symbol');
  const sym = symbols.find((s) => s.pair === pair && s.futures === futures);
  if (!sym) {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":-1121,"msg":"Invalid symbol."}');
    return;
  }
  const start = Number(url.searchParams.get('startTime') ?? 0);
  const end = Number(url.searchParams.get('endTime') ?? Number.MAX_SAFE_INTEGER);
  const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 500));
  const rows = sym.sorted.filter((r) => r.t >= start && r.t <= end).slice(0, limit);
  log({ ev: 'rest', symbol: pair, futures, start, end, limit, rows: rows.length });
  const body = rows.map((r) => [r.t, toChars(r.o), toChars(r.h), toChars(r.l), toChars(r.c), toChars(r.v),
                                r.t + MINUTE - 1, '0', 100, '0', '0', '0']);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const onRequest = (req, res) => rest(req, res, new URL(req.url, 'http://127.0.0.1'));
const server = opt.tls ? https.createServer(opt.tls, onRequest) : http.createServer(onRequest);
server.on('tlsClientError', (e) => log({ ev: 'tls_error', message: String(e) }));
const wss = new WebSocket.Server({ noServer: true });  // ws answers pings by itself
server.on('upgrade', (req, socket, head) => {
  if (down) {
    log({ ev: 'refused' });
    socket.destroy();
    return;
  }
  const url = new URL(req.url, 'http://127.0.0.1');
  const futures = url.pathname === '/fstream';
  if (!futures && url.pathname !== '/stream') {
    socket.destroy();
    return;
  }
  const streams = (url.searchParams.get('streams') ?? '').split('/');
  wss.handleUpgrade(req, socket, head, (ws) => onClient(ws, futures, streams, socket.servername));
});

// ---- the timeline ----
let clients = [];   // {ws, futures, streams, stalled}
let tick = 0;       // index of the next bar time to send
let timer = null;
let stalled = false;
const injected = new Set();
const timeAt = (i) => opt.from + i * MINUTE;

function onClient(ws, futures, streams, servername) {
  if (stalled) {
    // a new client ends the stall: 2 bar times have passed unsent; the stalled sockets are dropped
    stalled = false;
    tick += 2;
    for (const old of clients) old.ws.terminate();
    clients = [];
    log({ ev: 'stall_end', tick });
  }
  const c = { ws, futures, streams: new Set(streams) };
  clients.push(c);
  log({ ev: 'connect', futures, streams, ...(opt.tls ? { servername: servername || null } : {}) });
  ws.on('pong', () => log({ ev: 'pong' }));
  ws.on('error', (e) => log({ ev: 'error', message: String(e) }));
  ws.on('close', () => {
    clients = clients.filter((x) => x !== c);
    log({ ev: 'disconnect', futures });
  });
  schedule();
}

function schedule() {
  if (!timer && clients.length >= opt.clients && tick <= opt.bars && !stalled) timer = setTimeout(step, opt.tickMs);
}

function send(sym, row, closed) {
  for (const c of clients) {
    if (c.futures !== sym.futures || !c.streams.has(sym.stream) || c.ws.readyState !== WebSocket.OPEN) continue;
    c.ws.send(klineMessage(sym, row, closed, row.t + MINUTE));
    if (closed) log({ ev: 'kline', symbol: sym.pair, futures: sym.futures, t: row.t, x: true });
  }
}

function sendTime(i, order = symbols) {
  for (const sym of order) {
    const row = sym.bars.get(timeAt(i));
    if (row) send(sym, row, true);
  }
}

function once(name) {
  if (injected.has(name)) return false;
  injected.add(name);
  return true;
}

function step() {
  timer = null;
  if (clients.length < opt.clients || tick > opt.bars || stalled) return;
  const i = tick;
  const s = opt.scenario;
  if (opt.pingEvery > 0 && i % opt.pingEvery === 0) for (const c of clients) if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
  if (s === 'disconnect' && i === opt.at && once(s)) {
    log({ ev: 'inject', scenario: s, tick: i });
    tick += 3;
    for (const c of clients) c.ws.terminate();
    return;  // resumes when the clients are back
  }
  if (s === 'outage' && i === opt.at && once(s)) {
    log({ ev: 'inject', scenario: s, tick: i });
    down = true;
    tick += 30;
    for (const c of clients) c.ws.terminate();
    setTimeout(() => {
      down = false;
      log({ ev: 'outage_end', tick });
    }, opt.outageMs);
    return;  // resumes when the clients are back
  }
  if (s === 'stall' && i === opt.at && once(s)) {
    log({ ev: 'inject', scenario: s, tick: i });
    stalled = true;
    for (const c of clients) c.ws._socket.pause();  // reads nothing: no pong either
    return;
  }
  if (s === 'gap' && i === opt.at && once(s)) {
    log({ ev: 'inject', scenario: s, tick: i });
    tick += 5;
    schedule();
    return;
  }
  if (s === 'out_of_order' && i === opt.at && once(s)) {
    log({ ev: 'inject', scenario: s, tick: i });
    sendTime(i + 1);
    sendTime(i);
    tick += 2;
    schedule();
    return;
  }
  if (s === 'not_closed') {
    for (const sym of symbols) {
      const row = sym.bars.get(timeAt(i));
      if (!row) continue;
      for (let u = 1; u <= 3; ++u) send(sym, { ...row, c: row.c * (1 + u / 1000), v: row.v * u / 4 }, false);
    }
  }
  if (s === 'late' && i >= opt.at && symbols.length > 1) {
    sendTime(i, symbols.slice(1));
    setTimeout(() => {
      sendTime(i, symbols.slice(0, 1));
      tick = i + 1;
      schedule();
    }, 30);
    return;
  }
  sendTime(i);
  if (s === 'duplicates' && i >= opt.at && i < opt.at + 3) sendTime(i);
  tick = i + 1;
  schedule();
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
