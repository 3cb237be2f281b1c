// Regenerates tests/data/fixtures/SOLUSDT-1m-2025-10-12.csv: the first hour of 2025-10-12 from the
// embedded SOL-USDT sample, in Binance's spot kline dump layout as published since 2025 (12
// columns, no header, open_time and close_time in µs). OHLCV values are the sample's own, printed
// round-trip exact; the derived columns (quote volume, trade count, taker volumes) are plausible
// fillers, since the sample does not carry them.
// Run from the repo root: node tests/js/make_binance_fixture.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { toChars } from './export_csv.mjs';

const SRC = 'data/sample/SOL-USDT_1m_20251011_20251108.parquet';
const OUT = 'tests/data/fixtures/SOLUSDT-1m-2025-10-12.csv';
const START = Date.UTC(2025, 9, 12);
const ROWS = 60;

const buf = readFileSync(SRC);
const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
const rows = await parquetReadObjects({ file, compressors, columns: ['timestamp', 'open', 'high', 'low', 'close', 'volume'] });
const first = rows.findIndex(r => Number(r.timestamp) === START);
if (first < 0) throw new Error(`${SRC}: no bar at ${new Date(START).toISOString()}`);
const lines = [];
for (const r of rows.slice(first, first + ROWS)) {
  const openUs = r.timestamp * 1000n;
  const closeUs = openUs + 59_999_999n;
  const quote = (r.volume * (r.open + r.close) / 2).toFixed(8);
  const count = Math.max(1, Math.round(r.volume / 3));
  const takerBase = (r.volume * 0.5).toFixed(4);
  const takerQuote = (r.volume * 0.5 * r.close).toFixed(8);
  lines.push([openUs, toChars(r.open), toChars(r.high), toChars(r.low), toChars(r.close), toChars(r.volume),
              closeUs, quote, count, takerBase, takerQuote, 0].join(','));
}
writeFileSync(OUT, lines.join('\n') + '\n');
console.log(OUT, lines.length, 'rows');
