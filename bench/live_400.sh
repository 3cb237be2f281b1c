#!/usr/bin/env bash
# The 400-symbol live shadow benchmark (docs/BENCHMARKS.md, "Live: 400 symbols"): `huracan live
# --mode shadow --replay --speed max` over one day of 1m bars for the first N symbols of the
# universe of bench/make_live_universe.sh (made first when missing), N = 50, 100, 200, 400, under
# /usr/bin/time -v: wall time, the bar loop's seconds and bars/s (from the JSON report), trades,
# peak RSS, and the memory per symbol (the least-squares slope of peak RSS over N). Then the 400
# symbols once more with --state-dir (the state saved, with an fsync, at each bar time).
# Usage: bench/live_400.sh [BUILD_DIR=build] [OUT=BUILD_DIR/live-universe]
#        env: COUNTS ("50 100 200 400"), DAY (2025-11-07), STATE (1: also the --state-dir run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "$root" && realpath -m "${1:-build}")"
out="$(realpath -m "${2:-$build/live-universe}")"
day="${DAY:-2025-11-07}"
counts="${COUNTS:-50 100 200 400}"
if [ ! -d "$root/../shared/data/candles/1m" ]; then echo "live_400: ../shared/data/candles/1m not found: skipping"; exit 0; fi
max=$(echo "$counts" | tr ' ' '\n' | sort -n | tail -1)
if [ ! -f "$out/universe.tsv" ] || [ "$(($(wc -l <"$out/universe.tsv") - 1))" -lt "$max" ] ||
  [ ! -d "$out/archive/champion" ]; then
  SYMBOLS="$max" DAY="$day" bash "$root/bench/make_live_universe.sh" "$build" "$out"
fi
runs="$out/runs"
rm -rf "$runs"
mkdir -p "$runs"

# One run: prints "n wall_s loop_s bars bars_per_s trades peak_mib".
run() {
  local n="$1" name="$2"
  shift 2
  local list
  list=$(tail -n +2 "$out/universe.tsv" | head -n "$n" | cut -f1 | paste -sd,)
  rm -rf "$out/archive/live_logs"
  /usr/bin/time -v -o "$runs/$name.time" "$build/huracan" live --mode shadow --replay "$out/replay" --speed max \
    --from "$day" --costs zero --archive "$out/archive" --db "$runs/$name.db" --symbols "$list" "$@" \
    >"$runs/$name.json" 2>"$runs/$name.err"
  node -e '
    const fs = require("fs");
    const [n, json, time] = process.argv.slice(1);
    const j = JSON.parse(fs.readFileSync(json, "utf8"));
    const t = fs.readFileSync(time, "utf8");
    const wall = t.match(/Elapsed \(wall clock\) time.*: (.*)/)[1].split(":").reduce((a, x) => a * 60 + Number(x), 0);
    const rss = Number(t.match(/Maximum resident set size \(kbytes\): (\d+)/)[1]) / 1024;
    const syms = Object.values(j.symbols);
    const traded = syms.filter((s) => s.model_id).length;
    if (traded !== Number(n)) { console.error(`live_400: ${n - traded} of ${n} symbols not traded`); process.exit(1); }
    const bars = syms.reduce((a, s) => a + s.bars, 0), trades = syms.reduce((a, s) => a + s.trades, 0);
    console.log([n, wall.toFixed(2), j.seconds.toFixed(2), bars, (bars / j.seconds).toFixed(0), trades, rss.toFixed(0)].join(" "));
  ' "$n" "$runs/$name.json" "$runs/$name.time"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "day $day, universe $out"
echo "| symbols | wall (s) | bar loop (s) | bars | bars/s | trades | peak RSS (MiB) |"
echo "|---|---|---|---|---|---|---|"
: >"$runs/rows.txt"
for n in $counts; do
  row=$(run "$n" "n$n")
  echo "$row" >>"$runs/rows.txt"
  echo "$row" | awk '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}'
done
awk '{ n++; sx += $1; sy += $7; sxx += $1 * $1; sxy += $1 * $7 }
  END { if (n < 2) exit; b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n;
        printf "peak RSS = %.1f MiB + %.3f MiB x symbols (least squares over %d runs)\n", a, b, n }' "$runs/rows.txt"
if [ "${STATE:-1}" = 1 ]; then
  row=$(run "$max" "state$max" --state-dir "$runs/state")
  echo "$row" | awk '{printf "with --state-dir: %s symbols, wall %s s, bar loop %s s, %s bars/s, %s trades, peak RSS %s MiB\n", $1, $2, $3, $5, $6, $7}'
fi
