#!/usr/bin/env bash
# The 400-coin training benchmark (docs/BENCHMARKS.md, "Training: 400 coins"): `huracan train` on
# 50, 100, 200 and 400 symbols of 38 days of 1m bars (36 days + 2 of warm-up, the default
# history), all engines, 2 workers of 1 thread on 2 cores, a fresh archive and SQLite database per
# run. The symbols are generated (never committed) by `make_live_universe train-data` from the 12
# coins of ../shared/data/candles/1m and named after the 250 coins of ../shared/data/candles/1d
# (bench/live_universe.cpp, MakeTrainData, has the transforms).
# Per run: wall, CPU (user + sys of every process), peak RSS of the largest process, and the peak of
# the whole process tree's RSS sampled every second.
# Usage: bench/train_400.sh [BUILD_DIR=build] [OUT=BUILD_DIR/train-400]
#        env: COUNTS ("50 100 200 400"), DAYS (38), KEEP=1 keeps each run's archive and database
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "$root" && realpath -m "${1:-build}")"
out="$(realpath -m "${2:-$build/train-400}")"
shared="$root/../shared/data/candles"
if [ ! -d "$shared/1m" ]; then echo "train_400: $shared/1m not found (../shared): skipping"; exit 0; fi
gen="$build/bench/make_live_universe"
[ -x "$gen" ] || {
  echo "train_400: $gen missing (configure with -DHURACAN_BUILD_BENCH=ON)" >&2
  exit 2
}
counts=(${COUNTS:-50 100 200 400})
max=0
for n in "${counts[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
days="${DAYS:-38}"
if [ ! -f "$out/universe.tsv" ] || [ "$(($(wc -l <"$out/universe.tsv") - 1))" -lt "$max" ] ||
  [ "$(cat "$out/days" 2>/dev/null)" != "$days" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  "$gen" train-data --shared "$shared/1m" --daily "$shared/1d" --out "$out" --symbols "$max" --days "$days"
  echo "$days" >"$out/days"
fi

# Peak of the sum of VmRSS over a process and all its descendants, sampled every second.
tree_rss_peak() {
  local pid=$1 peak=0
  while kill -0 "$pid" 2>/dev/null; do
    local pids sum=0
    pids="$pid $(pgrep -d ' ' -P "$pid" || true)"
    for c in $(pgrep -P "$pid" || true); do pids="$pids $(pgrep -d ' ' -P "$c" || true)"; done
    for p in $pids; do
      local kb
      kb=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
      sum=$((sum + ${kb:-0}))
    done
    [ "$sum" -gt "$peak" ] && peak=$sum
    sleep 1
  done
  echo $((peak / 1024))
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %10s %10s %14s %12s %12s %8s %6s\n' symbols wall_s cpu_s cpu_per_sym_s max_rss_mib tree_rss_mib trained exit
for n in "${counts[@]}"; do
  run="$out/run-$n"
  rm -rf "$run"
  mkdir -p "$run/data"
  # The reference (BTC-USDT-PERP) is one of the first 12 symbols, so every subset holds it.
  for f in $(awk -F'\t' -v n="$n" 'NR > 1 && NR <= n + 1 {print $7}' "$out/universe.tsv"); do
    ln -s "$out/data/$f" "$run/data/"
  done
  set +e
  /usr/bin/time -v "$build/huracan" train --data-dir "$run/data" --symbols all --mode parallel --max-concurrent 2 \
    --threads 1 --retries 0 --archive "$run/archive" --db "$run/h.db" --run-id "bench$n" \
    >"$run/train.out" 2>"$run/train.err" &
  tpid=$!
  tree=$(tree_rss_peak "$tpid")
  wait "$tpid"
  rc=$?
  set -e
  wall=$(grep "Elapsed (wall clock)" "$run/train.err" | awk '{print $NF}' |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$run/train.err" | awk '{printf "%.0f", $NF/1024}')
  cpu=$(grep -E "(User|System) time \(seconds\)" "$run/train.err" | awk '{s += $NF} END {printf "%.1f", s}')
  trained=$(sqlite3 "$run/h.db" "select count(*) from run_ledger where run_id = 'bench$n' and status = 'done'" 2>/dev/null || echo ?)
  printf '%8s %10s %10s %14s %12s %12s %8s %6s\n' "$n" "$wall" "$cpu" \
    "$(awk -v c="$cpu" -v n="$n" 'BEGIN {printf "%.2f", c / n}')" "$rss" "$tree" "$trained" "$rc"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$run/archive" "$run/h.db"
done
