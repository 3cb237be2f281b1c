// A fake Telegram Bot API on 127.0.0.1, written apart from the C++ client it tests (docs/CONTROL.md).
// It answers POST /bot<TOKEN>/getUpdates and /bot<TOKEN>/sendMessage like the real API:
//   - getUpdates {offset, timeout}: confirms (forgets) every update with update_id < offset, then
//     returns the rest at once, or waits up to `timeout` seconds for one to be added;
//   - sendMessage {chat_id, text}: refuses text over 4096 characters (400), else records it;
//   - a wrong token gets 401 {"ok":false,"error_code":401,"description":"Unauthorized"}.
// Every call is recorded (method, body, time, token seen). Scripted failures are queued per method:
// {status: 502} answers "Bad Gateway" HTML, {status: 429, retry_after: S} answers the API's JSON.
import http from 'node:http';

export class FakeTelegram {
  constructor(token) {
    this.token = token;
    this.updates = [];  // pending, update_id ascending
    this.calls = [];    // {method, body, at, status}
    this.failures = {getUpdates: [], sendMessage: []};
    this.waiters = [];
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  // port 0: a free one; a given port: e.g. the one of a fake that went away, to come back on it.
  listen(port = 0) {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => resolve(this.server.address().port)));
  }

  close() {
    for (const w of this.waiters) w();
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  addUpdate(update) {
    this.updates.push(update);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  failNext(method, failure) { this.failures[method].push(failure); }

  sent() { return this.calls.filter((c) => c.method === 'sendMessage' && c.status === 200); }

  reply(res, status, obj, call) {
    call.status = status;
    res.writeHead(status, {'Content-Type': 'application/json'});
    res.end(JSON.stringify(obj));
  }

  handle(req, res) {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url);
      const call = {method: m ? m[2] : req.url, body: null, at: Date.now(), status: 0, token: m ? m[1] : null};
      this.calls.push(call);
      try {
        call.body = raw ? JSON.parse(raw) : {};
      } catch {
        return this.reply(res, 400, {ok: false, error_code: 400, description: 'Bad Request: invalid JSON'}, call);
      }
      if (!m || req.method !== 'POST') return this.reply(res, 404, {ok: false, error_code: 404, description: 'Not Found'}, call);
      if (m[1] !== this.token) return this.reply(res, 401, {ok: false, error_code: 401, description: 'Unauthorized'}, call);
      const method = m[2];
      const failure = (this.failures[method] || []).shift();
      if (failure) {
        call.status = failure.status;
        if (failure.status === 429) {
          return this.reply(res, 429, {ok: false, error_code: 429,
            description: `Too Many Requests: retry after ${failure.retry_after}`,
            parameters: {retry_after: failure.retry_after}}, call);
        }
        res.writeHead(failure.status, {'Content-Type': 'text/html'});
        return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      }
      if (method === 'getUpdates') return this.getUpdates(call, res);
      if (method === 'sendMessage') {
        const {chat_id, text} = call.body;
        if (typeof chat_id !== 'number' || typeof text !== 'string' || text.length === 0)
          return this.reply(res, 400, {ok: false, error_code: 400, description: 'Bad Request: chat_id and text required'}, call);
        if (text.length > 4096)
          return this.reply(res, 400, {ok: false, error_code: 400, description: 'Bad Request: message is too long'}, call);
        return this.reply(res, 200, {ok: true, result: {message_id: this.calls.length, chat: {id: chat_id}, text}}, call);
      }
      return this.reply(res, 404, {ok: false, error_code: 404, description: 'Not Found: method not found'}, call);
    });
  }

  getUpdates(call, res) {
    const offset = Number(call.body.offset || 0);
    const timeout = Number(call.body.timeout || 0);
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const answer = () => this.reply(res, 200, {ok: true, result: this.updates.slice(0, 100)}, call);
    if (this.updates.length > 0 || timeout <= 0) return answer();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (this.updates.length > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
      answer();
    };
    const timer = setTimeout(finish, timeout * 1000);
    this.waiters.push(finish);
  }
}

// A text message update as the API sends it.
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `fn` every `every` ms until it returns something truthy (returned), for at most `ms` ms.
export async function waitFor(what, fn, ms = 15000, every = 50) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

export function message(update_id, chat_id, text, {date = Math.floor(Date.now() / 1000), username = 'operator'} = {}) {
  return {update_id, message: {message_id: update_id, date, text,
    chat: {id: chat_id, type: 'private'}, from: {id: chat_id, is_bot: false, username}}};
}
