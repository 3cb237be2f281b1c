#!/usr/bin/env bash
# Fee-sweep benchmark (docs/BENCHMARKS.md, "Fee sweep"): `huracan backtest --fee-sweep` with six
# levels against one plain backtest of the same coin, interleaved in one run so that the ratio is
# measured under the same machine load. Reports the median wall and CPU seconds of each and the ratio.
# Usage: bench/fee_sweep.sh [BUILD_DIR=build] [REPEATS=5] [COIN=SOL-USDT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
repeats="${2:-5}"
coin="${3:-SOL-USDT}"
bin="$root/$build/huracan"
[ -x "$bin" ] || bin="$build/huracan"
shared="$root/../shared/data/candles/1m"
if [ ! -d "$shared" ]; then echo "fee_sweep: $shared not found (../shared): skipping"; exit 0; fi
data="$(ls "$shared"/"$coin"_1m_*.parquet | head -1)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Prints "wall_s cpu_s" of one command.
timed() {
  /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$bin" backtest --data "$data" "$@" >/dev/null 2>"$tmp/err" ||
    { cat "$tmp/err"; exit 1; }
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$tmp/t"
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $(basename "$data"), every engine; $repeats repeats, interleaved"
: >"$tmp/plain"
: >"$tmp/sweep"
for _ in $(seq "$repeats"); do
  timed >>"$tmp/plain"
  timed --fee-sweep 0,1,2.5,5,7.5,10 >>"$tmp/sweep"
done
pw=$(cut -d' ' -f1 "$tmp/plain" | median)
pc=$(cut -d' ' -f2 "$tmp/plain" | median)
sw=$(cut -d' ' -f1 "$tmp/sweep" | median)
sc=$(cut -d' ' -f2 "$tmp/sweep" | median)
echo "one backtest:              median wall ${pw} s, CPU ${pc} s"
echo "fee sweep, 6 levels:       median wall ${sw} s, CPU ${sc} s"
awk -v a="$sc" -v b="$pc" 'BEGIN {printf "ratio (CPU, sweep / one backtest): %.2f (target < 2)\n", a / b}'
