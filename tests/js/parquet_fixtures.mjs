// Writes the Parquet interop fixtures used by tests/parquet: files as other writers make them
// (dictionary pages, SNAPPY/GZIP/none, data page v1 and v2, several row groups, nulls, timestamps
// in ms/µs/ns, INT32/INT64/FLOAT/DOUBLE/BYTE_ARRAY/BOOLEAN) plus files our reader must refuse.
// Values are deterministic (seeded). Usage: node tests/js/parquet_fixtures.mjs OUTDIR
// (PARQUET_FIXTURE_ROWS=200 makes the small files of fuzz/corpus/parquet.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import parquetjs from '@dsnp/parquetjs';

const out = process.argv[2];
if (!out) throw new Error('usage: parquet_fixtures.mjs OUTDIR');
mkdirSync(out, { recursive: true });

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const N = Number(process.env.PARQUET_FIXTURE_ROWS || 5000);  // small values make a fuzz seed corpus
const range = n => Array.from({ length: n }, (_, i) => i);

// ---- hyparquet-writer: data page v2, dictionary when it pays, per-column codec/encoding ----
function hyp(name, columnData, opts = {}) {
  const writer = new ByteWriter();
  parquetWrite({ writer, columnData, compressors: { GZIP: b => new Uint8Array(gzipSync(b)) }, ...opts });
  writeFileSync(`${out}/${name}`, Buffer.from(writer.getBuffer()));
}

const t0 = 1735689600000n;  // 2025-01-01 in ms
const ints = range(N).map(i => (i * 7919) % 1000 - 500);
const doubles = range(N).map(() => (rand() - 0.5) * 1e4);
const words = ['alpha', 'beta', 'gamma', 'δέλτα', '', 'epsilon-with-a-longer-value'];
const strings = range(N).map(i => words[i % words.length]);
const bools = range(N).map(i => i % 3 === 0);
const withNulls = (arr, every) => arr.map((v, i) => (i % every === 1 ? null : v));

const mixed = (suffix = '') => [
  { name: 'i32' + suffix, data: ints, type: 'INT32', nullable: false },
  { name: 'i64' + suffix, data: ints.map(v => BigInt(v) * 1000000007n), type: 'INT64', nullable: false },
  { name: 'f32' + suffix, data: doubles.map(v => Math.fround(v)), type: 'FLOAT', nullable: false },
  { name: 'f64' + suffix, data: doubles, type: 'DOUBLE', nullable: false },
  { name: 'str' + suffix, data: strings, type: 'STRING', nullable: false },
  { name: 'flag' + suffix, data: bools, type: 'BOOLEAN', nullable: false },
];
for (const codec of ['SNAPPY', 'GZIP', 'UNCOMPRESSED']) {
  hyp(`hyp_mixed_${codec.toLowerCase()}.parquet`, mixed(), { codec, rowGroupSize: 1500, pageSize: 4096 });
}
hyp('hyp_nulls.parquet', [
  { name: 'i64', data: withNulls(ints.map(BigInt), 5), type: 'INT64' },
  { name: 'f64', data: withNulls(doubles, 3), type: 'DOUBLE' },
  { name: 'str', data: withNulls(strings, 4), type: 'STRING' },
  { name: 'flag', data: withNulls(bools, 6), type: 'BOOLEAN' },
  { name: 'all_null', data: range(N).map(() => null), type: 'DOUBLE' },
], { rowGroupSize: 2000 });
// Dictionary encoding of low-cardinality numbers (RLE_DICTIONARY indices).
hyp('hyp_dictionary.parquet', [
  { name: 'level', data: range(N).map(i => BigInt(i % 17)), type: 'INT64', encoding: 'RLE_DICTIONARY' },
  { name: 'price', data: range(N).map(i => 100 + (i % 9) * 0.25), type: 'DOUBLE', encoding: 'RLE_DICTIONARY' },
  { name: 'venue', data: range(N).map(i => ['binance', 'okx', 'bybit'][i % 3]), type: 'STRING' },
], { codec: 'SNAPPY' });
hyp('hyp_encodings.parquet', [
  { name: 'delta64', data: range(N).map(i => t0 + BigInt(i) * 60000n + BigInt(i % 7)), type: 'INT64',
    encoding: 'DELTA_BINARY_PACKED' },
  { name: 'delta32', data: ints, type: 'INT32', encoding: 'DELTA_BINARY_PACKED' },
  { name: 'bss64', data: doubles, type: 'DOUBLE', encoding: 'BYTE_STREAM_SPLIT' },
  { name: 'bss32', data: doubles.map(v => Math.fround(v)), type: 'FLOAT', encoding: 'BYTE_STREAM_SPLIT' },
  { name: 'rle_bool', data: bools, type: 'BOOLEAN', encoding: 'RLE' },
], { rowGroupSize: 1000 });

// Candle files with TIMESTAMP logical types in each unit (explicit schema).
const closes = range(N).map(i => 100 + Math.sin(i / 50) * 5 + i * 1e-3);
function candles(name, unit, scale, codec) {
  const schema = [
    { name: 'root', num_children: 6 },
    { name: 'timestamp', type: 'INT64', repetition_type: 'REQUIRED',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit } },
    ...['open', 'high', 'low', 'close', 'volume'].map(n => ({ name: n, type: 'DOUBLE', repetition_type: 'REQUIRED' })),
  ];
  hyp(name, [
    { name: 'timestamp', data: range(N).map(i => (t0 + BigInt(i) * 60000n) * scale) },
    { name: 'open', data: closes.map(c => c - 0.1) },
    { name: 'high', data: closes.map(c => c + 0.5) },
    { name: 'low', data: closes.map(c => c - 0.5) },
    { name: 'close', data: closes },
    { name: 'volume', data: range(N).map(i => 1000 + (i % 100)) },
  ], { schema, codec, rowGroupSize: 2048 });
}
candles('BTC-USDT_1m_ts_millis.parquet', 'MILLIS', 1n, 'SNAPPY');
candles('BTC-USDT_1m_ts_micros.parquet', 'MICROS', 1000n, 'GZIP');
candles('BTC-USDT_1m_ts_nanos.parquet', 'NANOS', 1000000n, 'UNCOMPRESSED');

// Refusals: a candle file without `close`; a nested (list) column.
hyp('refuse_missing_close.parquet', [
  { name: 'timestamp', data: range(10).map(i => t0 + BigInt(i) * 60000n), type: 'INT64' },
  ...['open', 'high', 'low', 'volume'].map(n => ({ name: n, data: range(10).map(() => 1.5), type: 'DOUBLE' })),
]);

// ---- @dsnp/parquetjs: data page v1 (and v2), GZIP/SNAPPY/BROTLI, optional fields ----
async function pj(name, schemaDef, rows, opts) {
  const schema = new parquetjs.ParquetSchema(schemaDef);
  const w = await parquetjs.ParquetWriter.openFile(schema, `${out}/${name}`, opts);
  for (const r of rows) await w.appendRow(r);
  await w.close();
}
const pjRows = range(Math.min(3000, N)).map(i => ({
  ts: new Date(Number(t0) + i * 60000),
  ts_us: BigInt(Number(t0) + i * 60000) * 1000n + BigInt(i % 1000),
  n32: ints[i],
  n64: BigInt(ints[i]) * 3n,
  x: doubles[i],
  f: Math.fround(doubles[i]),
  s: strings[i],
  b: bools[i],
  ...(i % 4 === 2 ? {} : { maybe: doubles[i] * 2 }),
}));
const pjSchema = codec => ({
  ts: { type: 'TIMESTAMP_MILLIS', compression: codec },
  ts_us: { type: 'TIMESTAMP_MICROS', compression: codec },
  n32: { type: 'INT32', compression: codec },
  n64: { type: 'INT64', compression: codec },
  x: { type: 'DOUBLE', compression: codec },
  f: { type: 'FLOAT', compression: codec },
  s: { type: 'UTF8', compression: codec },
  b: { type: 'BOOLEAN', compression: codec },
  maybe: { type: 'DOUBLE', optional: true, compression: codec },
});
await pj('pj_v1_gzip.parquet', pjSchema('GZIP'), pjRows, { rowGroupSize: 1000, useDataPageV2: false });
await pj('pj_v1_snappy.parquet', pjSchema('SNAPPY'), pjRows, { rowGroupSize: 700, useDataPageV2: false });
await pj('pj_v1_none.parquet', pjSchema('UNCOMPRESSED'), pjRows, { rowGroupSize: 3000, useDataPageV2: false });
await pj('pj_v2_gzip.parquet', pjSchema('GZIP'), pjRows, { rowGroupSize: 1000, useDataPageV2: true });
await pj('refuse_brotli.parquet', { x: { type: 'DOUBLE', compression: 'BROTLI' } }, range(10).map(i => ({ x: i })), {});
await pj('refuse_nested.parquet', {
  id: { type: 'INT64' },
  fills: { repeated: true, fields: { px: { type: 'DOUBLE' }, qty: { type: 'DOUBLE' } } },
}, range(10).map(i => ({ id: BigInt(i), fills: [{ px: i, qty: 1 }, { px: i + 0.5, qty: 2 }] })), {});
// Candle files whose `close` column cannot be read: BROTLI-compressed, or nested (a list).
const candleRows = range(10).map(i => ({
  timestamp: t0 + BigInt(i) * 60000n, open: 1.5, high: 2, low: 1, volume: 3, close: 1.75 }));
const flat = { timestamp: { type: 'INT64' }, open: { type: 'DOUBLE' }, high: { type: 'DOUBLE' },
  low: { type: 'DOUBLE' }, volume: { type: 'DOUBLE' } };
await pj('refuse_candles_brotli.parquet', { ...flat, close: { type: 'DOUBLE', compression: 'BROTLI' } },
  candleRows, {});
await pj('refuse_candles_nested.parquet', { ...flat, close: { repeated: true, fields: { px: { type: 'DOUBLE' } } } },
  candleRows.map(r => ({ ...r, close: [{ px: r.close }] })), {});
console.log('fixtures written to', out);
