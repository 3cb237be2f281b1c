// Independent oracle for the Parquet reader tests: reads each file with hyparquet and prints one
// JSON line per file: {file, rows, columns: [{name, type, nulls, sha256}]} or {file, error}.
// The digest is SHA-256 over every row: 0x00 for a null, else 0x01 then the value, as
//   int64 (INT32/INT64/INT96 and raw TIMESTAMP units): 8 bytes little-endian;
//   double (FLOAT widened, DOUBLE): 8 bytes little-endian IEEE;
//   bytes (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY): u32 little-endian length, then the bytes;
//   bool: one byte 0/1.
// tests/parquet/parquet_test_util.h computes the same digest over our reader's columns.
// Usage: node tests/js/parquet_digest.mjs [--values N] [--strip PREFIX] FILE...
//   --values N adds the first N values as text; --strip drops PREFIX from the printed paths.
// The golden digests of ../shared were made from the repo root with
//   node tests/js/parquet_digest.mjs --strip ../shared/data/candles/ ../shared/data/candles/{1m,1h,1d}/*.parquet \
//     > tests/parquet/golden/shared_candles.jsonl
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

// Keep raw integers: no Date objects for timestamps, no day conversion for dates.
const parsers = {
  timestampFromMilliseconds: v => BigInt(v),
  timestampFromMicroseconds: v => BigInt(v),
  timestampFromNanoseconds: v => BigInt(v),
  dateFromDays: v => BigInt(v),
};

function kindOf(type) {
  if (type === 'INT32' || type === 'INT64' || type === 'INT96') return 'int64';
  if (type === 'FLOAT' || type === 'DOUBLE') return 'double';
  if (type === 'BOOLEAN') return 'bool';
  return 'bytes';
}

function valueBytes(kind, v) {
  if (kind === 'int64') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)));
    return b;
  }
  if (kind === 'double') {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(Number(v));
    return b;
  }
  if (kind === 'bool') return Buffer.from([v ? 1 : 0]);
  const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(bytes.length);
  return Buffer.concat([len, bytes]);
}

function text(kind, v) {
  if (v === null || v === undefined) return null;
  if (kind === 'bytes') return typeof v === 'string' ? v : Buffer.from(v).toString('hex');
  return String(v);
}

let showValues = 0;
let strip = '';
const files = [];
for (let i = 2; i < process.argv.length; ++i) {
  if (process.argv[i] === '--values') showValues = Number(process.argv[++i]);
  else if (process.argv[i] === '--strip') strip = process.argv[++i];
  else files.push(process.argv[i]);
}
const shown = path => (strip && path.startsWith(strip) ? path.slice(strip.length) : path);

// One buffer per column, hashed once (per-value hash updates are slow on 216k-row files).
function digest(kind, values) {
  const parts = [];
  let nulls = 0;
  for (const v of values) {
    if (v === null || v === undefined) {
      ++nulls;
      parts.push(ZERO);
    } else {
      parts.push(ONE, valueBytes(kind, v));
    }
  }
  return { nulls, sha256: createHash('sha256').update(Buffer.concat(parts)).digest('hex') };
}
const ZERO = Buffer.from([0]);
const ONE = Buffer.from([1]);

for (const path of files) {
  try {
    const buf = readFileSync(path);
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const metadata = parquetMetadata(file);
    const leaves = parquetSchema(metadata).children.map(c => ({ name: c.element.name, type: c.element.type }));
    const chunks = new Map(leaves.map(l => [l.name, []]));
    await parquetRead({ file, metadata, compressors, parsers, utf8: true,
                        onChunk: c => chunks.get(c.columnName)?.push(c) });
    const rows = Number(metadata.num_rows);
    const columns = leaves.map(({ name, type }) => {
      const kind = kindOf(type);
      const values = [];
      for (const c of chunks.get(name).sort((a, b) => a.rowStart - b.rowStart)) {
        if (c.rowStart !== values.length) throw new Error(`column ${name}: chunk at ${c.rowStart}, expected ${values.length}`);
        for (const v of c.columnData) values.push(v);
      }
      if (values.length !== rows) throw new Error(`column ${name}: ${values.length} values for ${rows} rows`);
      const out = { name, kind, ...digest(kind, values) };
      if (showValues) out.values = values.slice(0, showValues).map(v => text(kind, v));
      return out;
    });
    console.log(JSON.stringify({ file: shown(path), rows, columns }));
  } catch (e) {
    console.log(JSON.stringify({ file: shown(path), error: String(e && e.message || e) }));
  }
}
