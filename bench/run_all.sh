#!/usr/bin/env bash
# Every benchmark of docs/BENCHMARKS.md, in one go: the Google Benchmark binaries (median of 5
# repetitions each), then the end-to-end training benchmark. Needs ../shared for the real data
# (the binaries say so and skip when it is absent).
# Usage: bench/run_all.sh [BUILD_DIR=build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
cd "$root"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>&1 | grep -E "_median|skip|Skip|error" || true
done
echo "== train_e2e"
bash bench/train_e2e.sh "$build"
echo "== fee_sweep"
bash bench/fee_sweep.sh "$build"
