#!/usr/bin/env bash
# The live soak test (docs/RELIABILITY.md, "Load"): `huracan live --mode shadow --replay` over
# SYMBOLS symbols of the benchmark universe (bench/make_live_universe.sh) for DAYS simulated days,
# sampling the process's resident memory (VmRSS of /proc/PID/status) every INTERVAL seconds. The
# bar loop is the last `seconds` (from the report) of the process's life; before it, the bundles
# and the history are loaded. It fails when the peak RSS of the last quarter of the bar loop
# exceeds the peak of its first quarter by more than MAX_GROWTH_MIB, when the decision latency p99
# of the report exceeds MAX_P99_US, or when a symbol was not traded.
# Usage: scripts/soak.sh [BUILD_DIR=build]
#   env: SYMBOLS (50), DAYS (1), SPEED (max; or a factor such as 100), DAY (2025-11-07: the last
#        simulated day), MAX_GROWTH_MIB (16), MAX_P99_US (100), INTERVAL (0.5), OUT (the universe
#        folder, BUILD_DIR/soak-universe-SYMBOLSxDAYS)
# `make soak` runs 50 symbols x 1 day; `make soak-long` 400 symbols x 10 days (docs/RELIABILITY.md has the last runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "$root" && realpath -m "${1:-build}")"
symbols="${SYMBOLS:-50}" days="${DAYS:-1}" speed="${SPEED:-max}" day="${DAY:-2025-11-07}"
max_growth="${MAX_GROWTH_MIB:-16}" max_p99="${MAX_P99_US:-100}" interval="${INTERVAL:-0.5}"
out="$(realpath -m "${OUT:-$build/soak-universe-${symbols}x${days}}")"
if [ ! -d "$root/../shared/data/candles/1m" ]; then echo "soak: ../shared/data/candles/1m not found: skipping"; exit 0; fi
# The replay folder holds the DAYS simulated days and 3 days of history before them.
if [ ! -f "$out/universe.tsv" ] || [ ! -d "$out/archive/champion" ]; then
  SYMBOLS="$symbols" DAY="$day" WARMUP_DAYS=$((days + 2)) bash "$root/bench/make_live_universe.sh" "$build" "$out"
fi
from=$(date -u -d "$day - $((days - 1)) days" +%F)
run="$out/run"
rm -rf "$run" "$out/archive/live_logs"
mkdir -p "$run"
list=$(tail -n +2 "$out/universe.tsv" | head -n "$symbols" | cut -f1 | paste -sd,)
start=$(date +%s.%N)
"$build/huracan" live --mode shadow --replay "$out/replay" --speed "$speed" --from "$from" --costs zero \
  --archive "$out/archive" --db "$run/soak.db" --symbols "$list" >"$run/report.json" 2>"$run/stderr.txt" &
pid=$!
: >"$run/rss.tsv"
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && echo "$(date +%s.%N) $rss" >>"$run/rss.tsv"
  sleep "$interval"
done
rc=0
wait "$pid" || rc=$?
if [ "$rc" != 0 ]; then
  echo "soak: huracan live exited $rc" >&2
  tail -5 "$run/stderr.txt" >&2
  exit 1
fi
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
node -e '
  const fs = require("fs");
  const [report, rssFile, symbols, days, wall, maxGrowth, maxP99] = process.argv.slice(1);
  const j = JSON.parse(fs.readFileSync(report, "utf8"));
  const s = fs.readFileSync(rssFile, "utf8").trim().split("\n").map((l) => l.split(" ").map(Number));
  const t1 = s[s.length - 1][0], t0 = Math.max(s[0][0], t1 - j.seconds), q = (t1 - t0) / 4;
  const inLoop = s.filter(([t]) => t >= t0).length;
  if (inLoop < 8) { console.error(`soak: only ${inLoop} RSS samples in the bar loop; run longer or lower INTERVAL`); process.exit(1); }
  const peak = (from, to) => Math.max(...s.filter(([t]) => t >= from && t <= to).map(([, kb]) => kb)) / 1024;
  const first = peak(t0, t0 + q), last = peak(t1 - q, t1), all = peak(s[0][0], t1);
  const syms = Object.values(j.symbols);
  const traded = syms.filter((x) => x.model_id).length;
  const bars = syms.reduce((a, x) => a + x.bars, 0), trades = syms.reduce((a, x) => a + x.trades, 0);
  const growth = last - first;
  console.log(`symbols ${symbols}, simulated days ${days}, wall ${Number(wall).toFixed(1)} s, bar loop ${j.seconds.toFixed(1)} s, ` +
    `${j.bar_times} bar times, ${bars} bars, ${trades} trades`);
  console.log(`RSS samples ${s.length} (${inLoop} in the bar loop): peak first quarter ${first.toFixed(1)} MiB, last quarter ${last.toFixed(1)} MiB, ` +
    `growth ${growth.toFixed(1)} MiB (bound ${maxGrowth}), peak of the run ${all.toFixed(1)} MiB`);
  console.log(`decision latency p50 ${j.decision_latency_us.p50.toFixed(1)} us, p99 ${j.decision_latency_us.p99.toFixed(1)} us (bound ${maxP99})`);
  let ok = true;
  if (traded !== Number(symbols)) { console.error(`soak: ${symbols - traded} of ${symbols} symbols not traded`); ok = false; }
  if (growth > Number(maxGrowth)) { console.error(`soak: FAILED: RSS grew ${growth.toFixed(1)} MiB > ${maxGrowth} MiB`); ok = false; }
  if (j.decision_latency_us.p99 > Number(maxP99)) { console.error(`soak: FAILED: p99 ${j.decision_latency_us.p99.toFixed(1)} us > ${maxP99} us`); ok = false; }
  console.log(ok ? "soak: passed" : "soak: failed");
  process.exit(ok ? 0 : 1);
' "$run/report.json" "$run/rss.tsv" "$symbols" "$days" "$wall" "$max_growth" "$max_p99"
