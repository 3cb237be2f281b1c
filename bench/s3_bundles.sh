#!/usr/bin/env bash
# S3 bundle throughput (docs/BENCHMARKS.md, "S3 bundles"), against the local S3 test server
# (scripts/with-s3.sh: npm s3rver behind the SigV4-verifying proxy on 127.0.0.1):
#   1. trains one coin of the embedded sample (SOLUSDT, every engine) once, for a real bundle;
#   2. bundle_throughput: puts and gets that bundle REPS x BUNDLES times through the s3:// store and
#      a local folder in the same run, with 1 and 4 clients (threads sharing one store);
#   3. publishing through `huracan train`: the 3 sample coins (trend_ma only, so the archive's
#      share is visible) with an s3:// archive and with a local one, REPS times each, alternating;
#      wall time and the archive + promotion stage seconds from the summary.
# Needs a build with -DHURACAN_BUILD_BENCH=ON, node and tests/js/node_modules (scripts/with-s3.sh
# exits 77 without them).
# Usage: bench/s3_bundles.sh [BUILD_DIR=build] [BUNDLES=24] [REPS=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
bundles="${2:-24}"
reps="${3:-3}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
if [ -z "${HURACAN_TEST_S3_URL:-}" ]; then exec "$root/scripts/with-s3.sh" "$0" "$build" "$bundles" "$reps"; fi
bin="$build/huracan"
bench="$build/bench/bundle_throughput"
for b in "$bin" "$bench"; do
  [ -x "$b" ] || {
    echo "s3_bundles: $b not built (configure with -DHURACAN_BUILD_BENCH=ON)" >&2
    exit 2
  }
done
sample="$root/data/sample"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "S3 server: $S3_ENDPOINT (s3rver behind the SigV4 proxy), bucket $HURACAN_TEST_S3_URL"

# 1. One real bundle.
"$bin" train --data-dir "$sample" --symbols SOLUSDT --archive "$tmp/seed" --db "$tmp/seed.db" --run-id seed \
  --mode sequential >"$tmp/seed.out" 2>&1 || {
  cat "$tmp/seed.out" >&2
  exit 1
}
bundle=$(find "$tmp/seed/challengers" -name sha256.txt -printf '%h\n' | head -1)

# 2. Store throughput, S3 first, the local folder last (the ratio's reference).
"$bench" --bundle "$bundle" --store "$HURACAN_TEST_S3_URL/bench" --store "$tmp/local" --bundles "$bundles" \
  --clients 1,4 --reps "$reps"

# 3. Publishing through `huracan train`.
publish() {
  local archive="$1" tag="$2" start end
  start=$(date +%s.%N)
  "$bin" train --data-dir "$sample" --symbols all --engines trend_ma --archive "$archive" --db "$tmp/$tag.db" \
    --run-id "$tag" --mode sequential --promotion-rules "$tmp/rules.json" >"$tmp/$tag.out" 2>&1 || {
    cat "$tmp/$tag.out" >&2
    exit 1
  }
  end=$(date +%s.%N)
  "$bin" summary --archive "$archive" --json >"$tmp/$tag.json"
  node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let arch = 0, n = 0;
    for (const s of j.symbols) { if (!s.outcome) continue; n++;
      for (const [k, v] of Object.entries(s.outcome.stages)) if (k === "archive" || k === "promotion") arch += v; }
    console.log(`${(process.argv[3] - process.argv[2]).toFixed(3)} ${arch.toFixed(3)} ${n}`);
  ' "$tmp/$tag.json" "$start" "$end"
}
# Permissive promotion rules, so every coin is promoted (a copy to models/ and a champion pointer).
echo '{"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,"sharpe_margin":0.1,"min_first_net_sharpe":-1000000}' \
  >"$tmp/rules.json"
echo
echo "publishing through huracan train (3 sample coins, trend_ma, sequential): wall s, archive + promotion stage s (sum over symbols), symbols"
for r in $(seq 1 "$reps"); do
  publish "$HURACAN_TEST_S3_URL/train$r" "s3r$r" >>"$tmp/pub.s3"
  publish "$tmp/train$r" "localr$r" >>"$tmp/pub.local"
  echo "  rep $r s3:    $(tail -1 "$tmp/pub.s3")"
  echo "  rep $r local: $(tail -1 "$tmp/pub.local")"
done
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for b in s3 local; do
  echo "  median $b: wall $(cut -d' ' -f1 "$tmp/pub.$b" | median) s, archive + promotion $(cut -d' ' -f2 "$tmp/pub.$b" | median) s"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
