#!/usr/bin/env bash
# The N-task Slurm projection of the daily run (docs/BENCHMARKS.md, "Slurm projection").
#
#   bench/slurm_projection.sh project PER_SYMBOL_S TASK_OVERHEAD_S [START_S=0] [AFTER_S=0] [SYMBOLS=400] [SYMBOL_FILE]
#     Prints the wall time of the run over N = 1, 4, 16, 64 array tasks (one 2-core node each, like
#     the per-symbol time's machine, running WORKERS=2 worker processes):
#       START_S + TASK_OVERHEAD_S + ceil(symbols of the largest shard / WORKERS) x WORKERS x PER_SYMBOL_S + AFTER_S
#     (each worker trains a symbol in WORKERS x PER_SYMBOL_S; a shard of 7 takes 4 rounds).
#     PER_SYMBOL_S is the wall time per symbol of one task (e.g. the Training section's 3.40 s per
#     coin with 2 workers on a 2-core machine); TASK_OVERHEAD_S what a task costs besides its
#     symbols; START_S the delay from sbatch to the start of the last array task; AFTER_S the
#     delay from the end of the array to the end of the summary job. The largest shard is
#     ceil(SYMBOLS / N) unless SYMBOL_FILE (one symbol per line, e.g. BTCUSDT) is given: then the
#     real `--shard i/N` split (FNV-1a 64 of the name modulo N, training/shard.h) is counted.
#   bench/slurm_projection.sh live-names [COUNT=400] [DIR=../shared/data/candles/1m]
#     Prints COUNT symbol names as the live benchmark's universe names them (bench/live_universe.cpp:
#     the coins of DIR in name order, then <BASE>X<kkk><QUOTE>[-PERP] for k >= their number), one
#     plausible SYMBOL_FILE for `project`.
#   bench/slurm_projection.sh measure [BUILD_DIR=build] [REPS=5]
#     Measures the task overhead and the Slurm delays, then prints the projection with the
#     placeholder 3.40 s per symbol plus the measured Postgres + S3 surcharge per symbol:
#     - under scripts/with-postgres.sh and scripts/with-s3.sh: trains the 3 sample coins (trend_ma)
#       into run R; REPS times the same coins sequentially with Postgres + S3 and with SQLite + a
#       local folder (the surcharge of the cluster's backends per symbol); REPS times a
#       `huracan train --shard i/64` task whose shard holds none of them (process start, config,
#       Postgres connect + migrations check, S3 archive, the scheduler on no symbol, and the run
#       summary of R written to S3); REPS times `huracan summary --rebuild` (the job after the
#       array); medians;
#     - under scripts/with-slurm.sh (root, slurm-wlm, munge): REPS times an array of 2 trivial
#       tasks of 1 CPU (both fit on the 2-CPU node at once) plus an afterany job, as
#       deploy/slurm/submit.sh submits them: sbatch to the start of the first and the last task,
#       the end of the last task to the start of the dependent job; medians.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
self="$root/bench/slurm_projection.sh"

# FNV-1a 64 of a symbol's bytes, as training::StableSymbolHash (the --shard split).
fnv_js='const fnv = s => { let h = 14695981039346656037n;
  for (const b of Buffer.from(s, "utf8")) { h ^= BigInt(b); h = (h * 1099511628211n) & 0xffffffffffffffffn; } return h; };'

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

project() {
  local per="$1" over="$2" start="${3:-0}" after="${4:-0}" symbols="${5:-400}" file="${6:-}"
  node -e "$fnv_js"'
    const [per, over, start, after, count, file, workers] = process.argv.slice(1);
    const P = +per, O = +over, S = +start, A = +after, W = Math.max(1, +workers || 1);
    let names = null;
    if (file) names = require("fs").readFileSync(file, "utf8").split("\n").map(s => s.trim()).filter(Boolean);
    const n = names ? names.length : +count;
    console.log(`${n} symbols, ${P} s per symbol per task (${W} workers), task overhead ${O} s, start delay ${S} s, ` +
                `after the array ${A} s; largest shard: ${names ? "the real --shard split" : "ceil(symbols / N)"}`);
    console.log("| tasks N | symbols in the largest shard | wall | of which symbols | of which overhead + scheduling |");
    console.log("|---|---|---|---|---|");
    for (const N of [1, 4, 16, 64]) {
      let big = Math.ceil(n / N);
      if (names) { const c = new Array(N).fill(0); for (const s of names) c[Number(fnv(s) % BigInt(N))]++; big = Math.max(...c); }
      const sym = Math.ceil(big / W) * W * P, rest = S + O + A, wall = sym + rest;
      const fmt = s => s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`;
      console.log(`| ${N} | ${big} | **${fmt(wall)}** | ${fmt(sym)} | ${fmt(rest)} (${(100 * rest / wall).toFixed(1)}%) |`);
    }
  ' "$per" "$over" "$start" "$after" "$symbols" "$file" "${WORKERS:-2}"
}

# Inside with-postgres.sh + with-s3.sh: the task overhead and the summary job's time.
measure_task() {
  local bin="$1" reps="$2" tmp run idx
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  local sample="$root/data/sample" archive="$HURACAN_TEST_S3_URL/projection-$$" run="projection$$"
  echo '{"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,"sharpe_margin":0.1,"min_first_net_sharpe":-1000000}' \
    >"$tmp/rules.json"
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" train --data-dir "$sample" --symbols all --engines trend_ma --archive "$archive" --db "$DATABASE_URL" \
    --run-id "$run" --mode parallel --max-concurrent 2 --threads 1 --promotion-rules "$tmp/rules.json" \
    >"$tmp/seed.out" 2>&1 || {
    cat "$tmp/seed.out" >&2
    return 1
  }
  t1=$(date +%s.%N)
  echo "seed run (3 sample coins, trend_ma, Postgres + S3, parallel x2): $(echo "$t1 - $t0" | bc) s wall"
  # A shard of 64 that holds none of the sample's symbols.
  idx=$(node -e "$fnv_js"'
    const used = new Set(process.argv.slice(1).map(s => Number(fnv(s) % 64n)));
    for (let i = 0; i < 64; i++) if (!used.has(i)) { console.log(i); break; }
  ' BTCUSDT-PERP DOGEUSDT SOLUSDT)
  # The per-symbol surcharge of the cluster's backends: the 3 sample coins, sequential, with
  # Postgres + the S3 archive vs SQLite + a local folder (what the per-symbol time was measured with).
  : >"$tmp/cluster"
  : >"$tmp/local"
  for r in $(seq 1 "$reps"); do
    for b in cluster local; do
      local db="$DATABASE_URL" arch="$archive"
      [ "$b" = local ] && db="$tmp/local$r.db" arch="$tmp/archive$r"
      t0=$(date +%s.%N)
      "$bin" train --data-dir "$sample" --symbols all --engines trend_ma --archive "$arch" --db "$db" \
        --run-id "$run$b$r" --mode sequential --threads 1 --promotion-rules "$tmp/rules.json" >"$tmp/$b.out" 2>&1 || {
        cat "$tmp/$b.out" >&2
        return 1
      }
      t1=$(date +%s.%N)
      echo "$t1 - $t0" | bc >>"$tmp/$b"
    done
  done
  local wc wl
  wc=$(median <"$tmp/cluster")
  wl=$(median <"$tmp/local")
  echo "3 sample coins, sequential: Postgres + S3 median $wc s of $(paste -sd' ' "$tmp/cluster"); SQLite + folder median $wl s of $(paste -sd' ' "$tmp/local")"
  echo "per-symbol surcharge of Postgres + S3: $(echo "scale=3; ($wc - $wl) / 3" | bc) s"
  : >"$tmp/task"
  : >"$tmp/summary"
  for _ in $(seq 1 "$reps"); do
    t0=$(date +%s.%N)
    "$bin" train --data-dir "$sample" --symbols all --engines trend_ma --archive "$archive" --db "$DATABASE_URL" \
      --run-id "$run" --shard "$idx/64" --max-concurrent 2 --threads 1 >"$tmp/task.out" 2>&1 || {
      cat "$tmp/task.out" >&2
      return 1
    }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc >>"$tmp/task"
    t0=$(date +%s.%N)
    "$bin" summary --rebuild --run-id "$run" --archive "$archive" --db "$DATABASE_URL" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc >>"$tmp/summary"
  done
  grep -m1 '^train:' "$tmp/task.out" || true
  echo "task overhead (empty shard $idx/64 of run $run, Postgres + S3): median $(median <"$tmp/task") s of $(paste -sd' ' "$tmp/task")"
  echo "summary job (summary --rebuild): median $(median <"$tmp/summary") s of $(paste -sd' ' "$tmp/summary")"
}

# Inside with-slurm.sh: scheduling delays of a 2-task array and its afterany job.
measure_slurm() {
  local reps="$1" tmp
  tmp="$(mktemp -d /tmp/huracan-slurm-bench-XXXXXX)"
  chmod 777 "$tmp"
  trap 'rm -rf "$tmp"' RETURN
  : >"$tmp/first"
  : >"$tmp/last"
  : >"$tmp/dep"
  for r in $(seq 1 "$reps"); do
    mkdir -p "$tmp/$r"
    chmod 777 "$tmp/$r"
    local sub array dep
    sub=$(date +%s.%N)
    array=$(sbatch --parsable --array=0-1 --cpus-per-task=1 --output=/dev/null \
      --wrap "date +%s.%N > $tmp/$r/start.\$SLURM_ARRAY_TASK_ID; date +%s.%N > $tmp/$r/end.\$SLURM_ARRAY_TASK_ID")
    array=${array%%;*}
    dep=$(sbatch --parsable --dependency=afterany:"$array" --output=/dev/null --wrap "date +%s.%N > $tmp/$r/dep")
    dep=${dep%%;*}
    for _ in $(seq 1 600); do
      [ -s "$tmp/$r/dep" ] && break
      sleep 0.1
    done
    [ -s "$tmp/$r/dep" ] || {
      echo "slurm_projection: the dependent job did not run (array $array, job $dep)" >&2
      return 1
    }
    node -e '
      const fs = require("fs"), d = process.argv[1], sub = +process.argv[2];
      const read = f => +fs.readFileSync(`${d}/${f}`, "utf8");
      const starts = [0, 1].map(i => read(`start.${i}`)), ends = [0, 1].map(i => read(`end.${i}`));
      console.log([Math.min(...starts) - sub, Math.max(...starts) - sub, read("dep") - Math.max(...ends)].map(x => x.toFixed(3)).join(" "));
    ' "$tmp/$r" "$sub" >"$tmp/$r/delays"
    read -r first last after <"$tmp/$r/delays"
    echo "  rep $r: sbatch -> first task ${first} s, -> last task ${last} s; array end -> dependent job ${after} s"
    echo "$first" >>"$tmp/first"
    echo "$last" >>"$tmp/last"
    echo "$after" >>"$tmp/dep"
  done
  echo "slurm delays, medians of $reps: sbatch -> first task $(median <"$tmp/first") s, -> last of 2 tasks $(median <"$tmp/last") s, array end -> afterany job $(median <"$tmp/dep") s"
}

case "${1:-}" in
  project)
    shift
    [ $# -ge 2 ] || {
      echo "usage: $0 project PER_SYMBOL_S TASK_OVERHEAD_S [START_S] [AFTER_S] [SYMBOLS] [SYMBOL_FILE]" >&2
      exit 2
    }
    project "$@"
    ;;
  live-names)
    count="${2:-400}"
    dir="${3:-$root/../shared/data/candles/1m}"
    mapfile -t coins < <(find "$dir" -maxdepth 1 -name '*_1m_*.parquet' -printf '%f\n' | sort | sed 's/_1m_.*//')
    [ ${#coins[@]} -gt 0 ] || {
      echo "slurm_projection: no 1m candle files in $dir" >&2
      exit 2
    }
    for ((k = 0; k < count; k++)); do
      c=${coins[k % ${#coins[@]}]}
      base=${c%%-*} rest=${c#*-}
      [ "$k" -ge ${#coins[@]} ] && base=$base$(printf 'X%03d' "$k")
      quote=${rest%%-*}
      perp=""
      [ "$rest" != "$quote" ] && perp=-${rest#*-}
      echo "$base$quote$perp"
    done
    ;;
  _task) measure_task "$2" "$3" ;;
  _slurm) measure_slurm "$2" ;;
  measure)
    build="${2:-build}"
    reps="${3:-5}"
    case "$build" in /*) ;; *) build="$root/$build" ;; esac
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$root/scripts/with-postgres.sh" "$root/scripts/with-s3.sh" "$self" _task "$build/huracan" "$reps" | tee "${TMPDIR:-/tmp}/slurm_projection.$$"
    set +e
    "$root/scripts/with-slurm.sh" "$self" _slurm "$reps" | tee -a "${TMPDIR:-/tmp}/slurm_projection.$$"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" -eq 0 ] || echo "(no Slurm delays: scripts/with-slurm.sh exited $rc; 77 = slurm-wlm/munge or root missing)"
    over=$(sed -n 's/^task overhead.*median \([0-9.]*\) s.*/\1/p' "${TMPDIR:-/tmp}/slurm_projection.$$")
    summ=$(sed -n 's/^summary job.*median \([0-9.]*\) s.*/\1/p' "${TMPDIR:-/tmp}/slurm_projection.$$")
    start=$(sed -n 's/^slurm delays.*-> last of 2 tasks \([0-9.]*\) s.*/\1/p' "${TMPDIR:-/tmp}/slurm_projection.$$")
    after=$(sed -n 's/^slurm delays.*afterany job \([0-9.]*\) s.*/\1/p' "${TMPDIR:-/tmp}/slurm_projection.$$")
    extra=$(sed -n 's/^per-symbol surcharge of Postgres + S3: \(-\?[0-9.]*\) s.*/\1/p' "${TMPDIR:-/tmp}/slurm_projection.$$")
    rm -f "${TMPDIR:-/tmp}/slurm_projection.$$"
    per=$(echo "3.40 + ${extra:-0}" | bc)
    echo
    echo "projection with the placeholder 3.40 s per symbol (bench/train_e2e.sh, 2 workers on 2 cores, SQLite +"
    echo "a local archive) plus the measured Postgres + S3 surcharge = $per s:"
    project "$per" "$over" "${start:-0}" "$(echo "${after:-0} + ${summ:-0}" | bc)" 400
    ;;
  *)
    echo "usage: $0 project PER_SYMBOL_S TASK_OVERHEAD_S [START_S] [AFTER_S] [SYMBOLS] [SYMBOL_FILE] | live-names [COUNT] [DIR] | measure [BUILD_DIR] [REPS]" >&2
    exit 2
    ;;
esac
