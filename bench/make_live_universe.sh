#!/usr/bin/env bash
# The live benchmark's universe (docs/LIVE.md, "The benchmark universe"): N symbols of 1m bars
# made from the 12 real files of ../shared/data/candles/1m (bench/live_universe.cpp has the
# transforms), over the replayed day plus WARMUP_DAYS of history, and a champion for every symbol:
# the 12 base coins are trained once with zero costs (`--costs zero`, permissive promotion rules, so
# engines are active) on the bars before the warm-up, then each derived symbol gets a copy of its
# base coin's bundle under its own id, with its own champion pointer. Generated, never committed.
# Usage: bench/make_live_universe.sh [BUILD_DIR=build] [OUT=BUILD_DIR/live-universe]
#        env: SYMBOLS (400), DAY (2025-11-07), WARMUP_DAYS (3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "$root" && realpath -m "${1:-build}")"
out="$(realpath -m "${2:-$build/live-universe}")"
shared="$root/../shared/data/candles/1m"
if [ ! -d "$shared" ]; then echo "make_live_universe: $shared not found (../shared): skipping"; exit 0; fi
[ -x "$build/bench/make_live_universe" ] || {
  echo "make_live_universe: $build/bench/make_live_universe missing (configure with -DHURACAN_BUILD_BENCH=ON)" >&2
  exit 2
}
rm -rf "$out"
mkdir -p "$out"
"$build/bench/make_live_universe" data --shared "$shared" --out "$out" --symbols "${SYMBOLS:-400}" \
  --day "${DAY:-2025-11-07}" --warmup-days "${WARMUP_DAYS:-3}"
echo '{"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,"sharpe_margin":0.1,"min_first_net_sharpe":-1000000}' \
  >"$out/rules.json"
(cd "$out" && "$build/huracan" train --mode parallel --max-concurrent 2 --threads 1 --retries 0 --symbols all \
  --data-dir train --archive archive --db train.db --promotion-rules rules.json --costs zero >train.log 2>&1) || {
  echo "make_live_universe: training failed, see $out/train.log" >&2
  exit 1
}
"$build/bench/make_live_universe" champions --out "$out"
