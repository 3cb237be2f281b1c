// A real S3 server for the tests: npm s3rver on 127.0.0.1, behind a proxy that verifies every
// request's SigV4 signature with AWS's own signer (@smithy/signature-v4) and refuses a mismatch,
// an unknown key or an expired presigned URL with 403 (s3rver itself checks no signature).
//   node --openssl-legacy-provider s3_server.mjs DIR   (s3rver's continuation tokens use DES)
//     -> prints {"endpoint":"http://127.0.0.1:PORT"} once ready
// Env: S3_TEST_ACCESS_KEY, S3_TEST_SECRET_KEY (the one accepted key), S3_TEST_BUCKET (created).
// Fault injection (for retry tests), on the proxy port, not signed:
//   POST /__fault?mode=500|reset|slow|corrupt|none&count=N&delay_ms=MS&skip=K  after K more
//        requests pass, the next N answer 500, have their connection reset, are forwarded only
//        after MS ms, or get their answer's body with one byte flipped
//   GET  /__stats  -> {"requests": N, "faults": N, "refused": N}
//   GET  /__log    -> ["PUT /bucket/key", ...] every request forwarded to s3rver, in order
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const { SignatureV4 } = require('@smithy/signature-v4');

const dir = process.argv[2] || '/tmp/huracan-s3rver';
const ACCESS = process.env.S3_TEST_ACCESS_KEY || 'HURACANTESTKEY';
const SECRET = process.env.S3_TEST_SECRET_KEY || 'huracan-test-secret';
const BUCKET = process.env.S3_TEST_BUCKET || 'huracan';

class Sha256 {
  constructor(secret) {
    this.h = secret ? crypto.createHmac('sha256', Buffer.from(secret)) : crypto.createHash('sha256');
  }
  update(data) {
    this.h.update(typeof data === 'string' ? Buffer.from(data) : data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

const backend = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
const backendAddr = await backend.run();

const fault = { mode: 'none', count: 0, delay_ms: 0, skip: 0 };
const log = [];
const stats = { requests: 0, faults: 0, refused: 0 };

function amzToDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

function refuse(res, why) {
  stats.refused++;
  res.writeHead(403, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>${why}</Message></Error>`);
}

// Returns null when the request is correctly signed, else the reason.
async function verify(req, url, body) {
  const query = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const scopeOf = (cred) => cred.split('/');
  if (query['X-Amz-Signature']) {
    const [ak, , region, service] = scopeOf(query['X-Amz-Credential'] || '');
    if (ak !== ACCESS) return 'unknown access key';
    const date = amzToDate(query['X-Amz-Date']);
    const expires = Number(query['X-Amz-Expires']);
    if (!date || !(expires > 0)) return 'bad presigned query';
    if (Date.now() > date.getTime() + expires * 1000) return 'Request has expired';
    const given = query['X-Amz-Signature'];
    const rest = { ...query };
    for (const k of Object.keys(rest)) if (k.startsWith('X-Amz-')) delete rest[k];
    const signer = new SignatureV4({ credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, region, service, sha256: Sha256, uriEscapePath: false });
    const signed = await signer.presign(
      { method: req.method, protocol: 'http:', hostname: req.headers.host, path: url.pathname, query: rest, headers: { host: req.headers.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { signingDate: date, expiresIn: expires, unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) });
    return signed.query['X-Amz-Signature'] === given ? null : 'signature mismatch';
  }
  const auth = req.headers.authorization || '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
  if (!m) return 'missing or malformed Authorization';
  const [ak, , region, service] = scopeOf(m[1]);
  if (ak !== ACCESS) return 'unknown access key';
  const headers = {};
  for (const name of m[2].split(';')) headers[name] = req.headers[name] ?? '';
  const payload = req.headers['x-amz-content-sha256'];
  if (payload !== 'UNSIGNED-PAYLOAD' && payload !== crypto.createHash('sha256').update(body).digest('hex')) return 'payload hash mismatch';
  const signer = new SignatureV4({ credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const signed = await signer.signRequest(
    { method: req.method, protocol: 'http:', hostname: req.headers.host, path: url.pathname, query, headers },
    { signingDate: amzToDate(req.headers['x-amz-date']) || new Date(0) });
  const sig = /Signature=([0-9a-f]+)$/.exec(signed.headers.authorization)[1];
  return sig === m[3] ? null : 'signature mismatch';
}

const proxy = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/__fault') {
      fault.mode = url.searchParams.get('mode') || 'none';
      fault.count = Number(url.searchParams.get('count') || 1);
      fault.delay_ms = Number(url.searchParams.get('delay_ms') || 0);
      fault.skip = Number(url.searchParams.get('skip') || 0);
      res.end('ok\n');
      return;
    }
    if (url.pathname === '/__log') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(log) + '\n');
      return;
    }
    if (url.pathname === '/__stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(stats) + '\n');
      return;
    }
    stats.requests++;
    let delay = 0;
    let corrupt = false;
    if (fault.mode !== 'none' && fault.skip > 0) {
      fault.skip--;
    } else if (fault.mode !== 'none' && fault.count > 0) {
      fault.count--;
      stats.faults++;
      if (fault.mode === '500') {
        res.writeHead(500, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>injected</Message></Error>');
        return;
      }
      if (fault.mode === 'reset') {
        req.socket.resetAndDestroy ? req.socket.resetAndDestroy() : req.socket.destroy();
        return;
      }
      if (fault.mode === 'slow') delay = fault.delay_ms;
      if (fault.mode === 'corrupt') corrupt = true;
    }
    let why;
    try {
      why = await verify(req, url, body);
    } catch (e) {
      why = 'verification failed: ' + e.message;
    }
    if (why) return refuse(res, why);
    const headers = { ...req.headers };
    delete headers.authorization;  // s3rver would try (and fail) to check it itself
    const search = new URLSearchParams(url.searchParams);
    for (const k of [...search.keys()]) if (k.startsWith('X-Amz-')) search.delete(k);
    const qs = search.toString();
    log.push(`${req.method} ${url.pathname}`);
    const forward = () => {
      const up = http.request({ host: '127.0.0.1', port: backendAddr.port, method: req.method, path: url.pathname + (qs ? '?' + qs : ''), headers }, (upRes) => {
        if (!corrupt) {
          res.writeHead(upRes.statusCode, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const parts = [];
        upRes.on('data', (c) => parts.push(c));
        upRes.on('end', () => {
          const out = Buffer.concat(parts);
          if (out.length > 0) out[out.length >> 1] ^= 0x01;
          res.writeHead(upRes.statusCode, upRes.headers);
          res.end(out);
        });
      });
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(body);
    };
    if (delay > 0) setTimeout(forward, delay);
    else forward();
  });
});
proxy.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ endpoint: `http://127.0.0.1:${proxy.address().port}` }));
});
const stop = () => {
  proxy.close();
  backend.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
