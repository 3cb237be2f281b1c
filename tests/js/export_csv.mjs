// Independent oracle for `huracan data export FILE --format csv`: reads a Parquet candle file with
// hyparquet and prints the same CSV (header timestamp_ms,open,high,low,close,volume; doubles in the
// shortest round-trip form that C++ std::to_chars(double) produces).
// Usage: node tests/js/export_csv.mjs FILE.parquet
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

// std::to_chars(first, last, double): the shortest digits that round-trip, printed as %f or %e,
// whichever is shorter (%f on a tie; the length is judged on the shortest digits). JS
// toExponential() without an argument gives those digits.
export function toChars(x) {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const e = Number(expText);
  const n = digits.length;
  const sign = neg ? '-' : '';
  if (digits === '0') return sign + '0';
  const absExp = Math.abs(e);
  const sci = digits[0] + (n > 1 ? '.' + digits.slice(1) : '') + 'e' + (e < 0 ? '-' : '+') +
              (absExp < 10 ? '0' : '') + absExp;
  let fixed;
  // libstdc++ prints the exact integer in %f form (it differs from the padded digits above 2^53).
  if (e >= n - 1) fixed = Math.abs(x) >= 2 ** 53 ? BigInt(Math.abs(x)).toString() : digits + '0'.repeat(e - (n - 1));
  else if (e >= 0) fixed = digits.slice(0, e + 1) + '.' + digits.slice(e + 1);
  else fixed = '0.' + '0'.repeat(-e - 1) + digits;
  return sign + (fixed.length <= sci.length ? fixed : sci);
}

function timestampText(v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return String(v.getTime());
  return String(v);
}

async function main() {
  const path = process.argv[2];
  const buf = readFileSync(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({
    file, compressors, columns: ['timestamp', 'open', 'high', 'low', 'close', 'volume'],
  });
  const out = ['timestamp_ms,open,high,low,close,volume\n'];
  for (const r of rows) {
    out.push(`${timestampText(r.timestamp)},${toChars(r.open)},${toChars(r.high)},${toChars(r.low)},` +
             `${toChars(r.close)},${toChars(r.volume)}\n`);
  }
  process.stdout.write(out.join(''));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
