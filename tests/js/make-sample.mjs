// Regenerates data/sample/ from ../shared/data/candles/1m: the last 28 days of three coins.
// Run from the repo root: node tests/js/make-sample.mjs  (needs tests/js/node_modules).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';

const SRC = '../shared/data/candles/1m';
const FILES = ['BTC-USDT-PERP', 'SOL-USDT', 'DOGE-USDT'];
const DAYS = 28;
mkdirSync('data/sample', { recursive: true });
for (const base of FILES) {
  const path = `${SRC}/${base}_1m_20250611_20251108.parquet`;
  const buf = readFileSync(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({ file, compressors, columns: ['timestamp', 'open', 'high', 'low', 'close', 'volume'] });
  const keep = rows.slice(rows.length - DAYS * 1440);
  const first = new Date(Number(keep[0].timestamp)).toISOString().slice(0, 10).replaceAll('-', '');
  const last = new Date(Number(keep[keep.length - 1].timestamp)).toISOString().slice(0, 10).replaceAll('-', '');
  const col = (name, type) => ({ name, data: keep.map(r => name === 'timestamp' ? BigInt(r[name]) : r[name]), type });
  const out = parquetWriteBuffer({
    columnData: [col('timestamp', 'INT64'), col('open', 'DOUBLE'), col('high', 'DOUBLE'), col('low', 'DOUBLE'),
                 col('close', 'DOUBLE'), col('volume', 'DOUBLE')],
    codec: 'SNAPPY',
  });
  const name = `data/sample/${base}_1m_${first}_${last}.parquet`;
  writeFileSync(name, Buffer.from(out));
  console.log(name, keep.length, 'rows', out.byteLength, 'bytes');
}
