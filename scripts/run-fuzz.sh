#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz tree for SECONDS each, from its committed seed corpus
# (fuzz/corpus/NAME), and prints one line per target: runs, final coverage, corpus size, crashes.
# A crash stops the script with exit 1 (the input is kept in FUZZ_DIR/crashes/NAME).
# With MERGE=1, inputs that add coverage are merged back (minimised) into fuzz/corpus/NAME.
# With FUZZ_JOBS=N, N targets run at once (default 1: each has a whole core); the lines come in the
# targets' order once all have run.
# Usage: scripts/run-fuzz.sh FUZZ_DIR SECONDS [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz_dir="$1"
seconds="$2"
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parquet csv recipe costs bundle engine_params feature_state telegram kline)
fi
jobs="${FUZZ_JOBS:-1}"
results="$fuzz_dir/results"
rm -rf "$results" && mkdir -p "$results"
# Runs one target; writes its table line to results/NAME and, on a crash, results/NAME.failed.
run_one() {
  local t="$1" bin="$fuzz_dir/fuzz/fuzz_$1" work="$fuzz_dir/corpus/$1" crashes="$fuzz_dir/crashes/$1"
  local log="$fuzz_dir/fuzz_$1.log" rc=0 runs cov n_crash
  rm -rf "$work" "$crashes" && mkdir -p "$work" "$crashes"
  cp "$root/fuzz/corpus/$t/"* "$work/"
  "$bin" -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$work" >"$log" 2>&1 || rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  n_crash=$(find "$crashes" -type f | wc -l)
  printf '%-15s %12s %8s %8s %8s\n' "$t" "${runs:-0}" "${cov:-0}" "$(ls "$work" | wc -l)" "$n_crash" >"$results/$t"
  if [ "$rc" -ne 0 ] || [ "$n_crash" -ne 0 ]; then
    echo "fuzz_$t failed (exit $rc); log: $log; inputs: $crashes" >"$results/$t.failed"
    return
  fi
  if [ "${MERGE:-0}" = 1 ]; then
    "$bin" -merge=1 -max_len=262144 "$root/fuzz/corpus/$t" "$work" >/dev/null 2>&1
  fi
}
running=0
for t in "${targets[@]}"; do
  if [ "$jobs" -le 1 ]; then
    run_one "$t"
    continue
  fi
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait
status=0
printf '%-15s %12s %8s %8s %8s\n' target runs cov corpus crashes
for t in "${targets[@]}"; do
  cat "$results/$t"
  if [ -f "$results/$t.failed" ]; then
    cat "$results/$t.failed" >&2
    tail -40 "$fuzz_dir/fuzz_$t.log" >&2
    status=1
  fi
done
exit $status
