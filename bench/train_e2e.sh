#!/usr/bin/env bash
# End-to-end training benchmark (docs/BENCHMARKS.md, "Training"): wall time and peak memory of
# `huracan train` on real data, with every engine and walk-forward, plus the time per stage.
#   1. one coin (SOL-USDT, 150 days of 1m bars, BTC-USDT-PERP as reference), 2 threads;
#   2. all 12 coins of ../shared/data/candles/1m, 2 workers in parallel (2 cores);
#   3. the per-coin cost from (2) and the projection to 400 coins.
# Usage: bench/train_e2e.sh [BUILD_DIR=build] [extra train flags, e.g. --history-days 150]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
shift || true
extra=("$@")
bin="$root/$build/huracan"
[ -x "$bin" ] || bin="$build/huracan"
shared="$root/../shared/data/candles/1m"
if [ ! -d "$shared" ]; then echo "train_e2e: $shared not found (../shared): skipping"; exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Runs `huracan train ...` under /usr/bin/time -v; prints "wall_s peak_mib exit cpu_s" (cpu = user +
# sys of the scheduler and its workers: the fair number on a shared, loaded machine).
timed() {
  local name="$1"
  shift
  set +e
  /usr/bin/time -v "$bin" train "$@" "${extra[@]}" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  set -e
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$tmp/$name.err" | awk '{print $NF}' |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$tmp/$name.err" | awk '{printf "%.0f", $NF/1024}')
  cpu=$(grep -E "(User|System) time \(seconds\)" "$tmp/$name.err" | awk '{s += $NF} END {printf "%.2f", s}')
  echo "$wall $rss $rc $cpu"
}

# Stage seconds summed over the symbols of a run's summary JSON.
stages() {
  node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const tot = {}; let n = 0;
    for (const s of j.symbols) { if (!s.outcome) continue; n++;
      for (const [k, v] of Object.entries(s.outcome.stages)) tot[k] = (tot[k] || 0) + v; }
    const all = Object.values(tot).reduce((a, b) => a + b, 0);
    const parts = Object.entries(tot).map(([k, v]) => `${k} ${(v / n).toFixed(2)} s (${(100 * v / all).toFixed(0)}%)`);
    console.log(`per coin (mean of ${n}): ` + parts.join(", ") + `; total ${(all / n).toFixed(2)} s`);
  ' "$1"
}

summary_json() { ls "$1"/summaries/daily/*.json | head -1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $bin; extra flags: ${extra[*]:-(none)}"

mkdir -p "$tmp/one"
ln -s "$shared"/SOL-USDT_1m_*.parquet "$shared"/BTC-USDT-PERP_1m_*.parquet "$tmp/one/"
read -r w1 m1 rc1 c1 < <(timed one --data-dir "$tmp/one" --symbols SOLUSDT --archive "$tmp/a1" --db "$tmp/h1.db" \
  --run-id bench1 --mode sequential --threads 2)
echo "one coin (SOLUSDT, every engine, walk-forward, 2 threads): wall ${w1} s, CPU ${c1} s, peak RSS ${m1} MiB, exit ${rc1}"
stages "$(summary_json "$tmp/a1")"

read -r w12 m12 rc12 c12 < <(timed all --data-dir "$shared" --symbols all --archive "$tmp/a12" --db "$tmp/h12.db" \
  --run-id bench12 --mode parallel --max-concurrent 2 --threads 1)
echo "all 12 coins (parallel x2, 1 thread each): wall ${w12} s, CPU ${c12} s, peak RSS ${m12} MiB, exit ${rc12}"
stages "$(summary_json "$tmp/a12")"
node -e '
  const [w1, w12, c1, c12] = process.argv.slice(1).map(Number);
  const per = w12 / 12, cper = c12 / 12;
  console.log(`per coin at 12 coins: ${per.toFixed(2)} s wall, ${cper.toFixed(2)} s CPU ` +
              `(one coin alone: ${w1.toFixed(2)} s wall, ${c1.toFixed(2)} s CPU)`);
  console.log(`projection to 400 coins: ${(400 * per / 60).toFixed(1)} min wall at this load; ` +
              `${(400 * cper / 2 / 60).toFixed(1)} min on an idle 2-core machine (CPU / 2 cores); ` +
              `${(25 * cper / 2 / 60).toFixed(1)} min on 16 such machines with --shard i/16`);
' "$w1" "$w12" "$c1" "$c12"
