// Times the talib-reference set through npm `talib` (TA-Lib's C code) on one candle file, to
// compare with bench_features' BM_TalibReferenceBatch on the same bars (docs/BENCHMARKS.md).
// Only the TA-Lib calls are timed (not reading the file).
// Usage: node tests/js/talib_bench.mjs FILE.parquet [--reps N]
import { readBars, run, talibSpecs } from './talib_reference.mjs';

async function main() {
  const args = process.argv.slice(2);
  const repsArg = args.indexOf('--reps');
  const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 15;
  const bars = await readBars(args[0]);
  const n = bars.close.length;
  const specs = talibSpecs(bars);
  const times = [];
  for (let r = 0; r < reps + 2; r++) {
    const t0 = process.hrtime.bigint();
    for (const [, fn, inputs, opts] of specs) run(fn, inputs, opts, n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r >= 2) times.push(ms);  // two warm-up runs
  }
  times.sort((a, b) => a - b);
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({
    file: args[0], bars: n, functions: specs.length, reps,
    median_ms: times[Math.floor(times.length / 2)], min_ms: times[0],
    process_cpu_s: (cpu.user + cpu.system) / 1e6,
  }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`talib_bench: ${e.message}\n`);
  process.exit(2);
});
