// Independent oracle for the `talib-reference` feature recipe: runs TA-Lib's own C code (npm
// `talib`) over a candle file and prints timestamp_ms plus the recipe's columns as CSV, in the
// recipe's order. Cells where TA-Lib gives no value (warm-up) are empty.
// Usage: node tests/js/talib_reference.mjs FILE.(parquet|csv) [--rows N] [--bin OUT]
// With --bin, the columns go to OUT as raw little-endian float64, column after column (NaN where
// TA-Lib gives no value), and stdout gets one line: the row count, then the column names.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const require = createRequire(import.meta.url);
const talib = require('talib');

// Bars as plain arrays: {ts, open, high, low, close, volume}.
export async function readBars(path) {
  const bars = { ts: [], open: [], high: [], low: [], close: [], volume: [] };
  if (path.endsWith('.csv')) {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
    for (const line of lines.slice(1)) {
      const [t, o, h, l, c, v] = line.split(',');
      bars.ts.push(t);
      bars.open.push(Number(o));
      bars.high.push(Number(h));
      bars.low.push(Number(l));
      bars.close.push(Number(c));
      bars.volume.push(Number(v));
    }
    return bars;
  }
  const buf = readFileSync(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({
    file, compressors, columns: ['timestamp', 'open', 'high', 'low', 'close', 'volume'],
  });
  for (const r of rows) {
    const t = r.timestamp;
    bars.ts.push(typeof t === 'bigint' ? t.toString() : t instanceof Date ? String(t.getTime()) : String(t));
    bars.open.push(r.open);
    bars.high.push(r.high);
    bars.low.push(r.low);
    bars.close.push(r.close);
    bars.volume.push(r.volume);
  }
  return bars;
}

export function run(name, inputs, opts, n) {
  const res = talib.execute({ name, startIdx: 0, endIdx: n - 1, ...inputs, ...opts });
  if (res.error) throw new Error(`${name}: ${res.error}`);
  return res;
}

// The talib-reference columns: [column name(s), TA-Lib function, inputs, options, output name(s)].
export function talibSpecs(b) {
  const c = { inReal: b.close };
  const hlc = { high: b.high, low: b.low, close: b.close };
  const hlcv = { ...hlc, volume: b.volume };
  const specs = [
    ['rsi_14', 'RSI', c, { optInTimePeriod: 14 }, ['outReal']],
    ['atr_14', 'ATR', hlc, { optInTimePeriod: 14 }, ['outReal']],
    ['natr_14', 'NATR', hlc, { optInTimePeriod: 14 }, ['outReal']],
    ['adx_14', 'ADX', hlc, { optInTimePeriod: 14 }, ['outReal']],
    ['plus_di_14', 'PLUS_DI', hlc, { optInTimePeriod: 14 }, ['outReal']],
    ['minus_di_14', 'MINUS_DI', hlc, { optInTimePeriod: 14 }, ['outReal']],
    [['macd_12_26_9', 'macd_signal_12_26_9', 'macd_hist_12_26_9'], 'MACD', c,
      { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }, ['outMACD', 'outMACDSignal', 'outMACDHist']],
    [['bb_upper_20_2', 'bb_middle_20_2', 'bb_lower_20_2'], 'BBANDS', c,
      { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
      ['outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand']],
    ['ema_20', 'EMA', c, { optInTimePeriod: 20 }, ['outReal']],
    ['sma_20', 'SMA', c, { optInTimePeriod: 20 }, ['outReal']],
    ['willr_14', 'WILLR', hlc, { optInTimePeriod: 14 }, ['outReal']],
    ['cci_20', 'CCI', hlc, { optInTimePeriod: 20 }, ['outReal']],
    ['mfi_14', 'MFI', hlcv, { optInTimePeriod: 14 }, ['outReal']],
    ['obv', 'OBV', { inReal: b.close, volume: b.volume }, {}, ['outReal']],
    [['stoch_k_14_3_3', 'stoch_d_14_3_3'], 'STOCH', hlc,
      { optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 },
      ['outSlowK', 'outSlowD']],
    ['roc_10', 'ROC', c, { optInTimePeriod: 10 }, ['outReal']],
  ];
  return specs;
}

export function talibColumns(b) {
  const n = b.close.length;
  const specs = talibSpecs(b);
  const names = [];
  const columns = [];
  for (const [cols, fn, inputs, opts, outs] of specs) {
    const res = run(fn, inputs, opts, n);
    const colNames = Array.isArray(cols) ? cols : [cols];
    colNames.forEach((name, k) => {
      const col = new Array(n).fill(null);
      const vals = res.result[outs[k]];
      for (let i = 0; i < res.nbElement; i++) col[res.begIndex + i] = vals[i];
      names.push(name);
      columns.push(col);
    });
  }
  return { names, columns };
}

async function main() {
  const args = process.argv.slice(2);
  const path = args[0];
  const rowsArg = args.indexOf('--rows');
  const bars = await readBars(path);
  if (rowsArg >= 0) {
    const m = Number(args[rowsArg + 1]);
    for (const k of Object.keys(bars)) bars[k] = bars[k].slice(0, m);
  }
  const { names, columns } = talibColumns(bars);
  const n = bars.close.length;
  const binArg = args.indexOf('--bin');
  if (binArg >= 0) {
    const data = new Float64Array(n * columns.length);
    columns.forEach((col, j) => {
      for (let i = 0; i < n; i++) data[j * n + i] = col[i] === null ? NaN : col[i];
    });
    writeFileSync(args[binArg + 1], new Uint8Array(data.buffer));
    process.stdout.write(`${n},${names.join(',')}\n`);
    return;
  }
  const out = ['timestamp_ms,' + names.join(',') + '\n'];
  for (let i = 0; i < n; i++) {
    let line = bars.ts[i];
    for (const col of columns) line += ',' + (col[i] === null ? '' : String(col[i]));
    out.push(line + '\n');
  }
  process.stdout.write(out.join(''));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`talib_reference: ${e.message}\n`);
    process.exit(2);
  });
}
