#!/usr/bin/env bash
# Mechanic benchmark (docs/BENCHMARKS.md, "Mechanic"): time per symbol of one `huracan mechanic`
# pass on real data. Trains champions first (not timed), then runs one pass and prints each
# symbol's seconds (the pass's own `symbol_seconds`), their mean and the projection to 400 symbols.
# Usage: bench/mechanic.sh [BUILD_DIR=build] [COINS=3] [ENGINES=all]
#        env: COSTS=zero trains and fine-tunes with zero costs, so that engines are active and the
#        XGBoost engines' boosters are fitted (and warm-started); default: the default costs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
coins="${2:-3}"
engines="${3:-all}"
bin="$root/$build/huracan"
[ -x "$bin" ] || bin="$build/huracan"
shared="$root/../shared/data/candles/1m"
if [ ! -d "$shared" ]; then echo "mechanic: $shared not found (../shared): skipping"; exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/data"
# BTC (the reference) and the first COINS-1 other coins, by file name.
ln -s "$shared"/BTC-USDT-PERP_1m_*.parquet "$tmp/data/"
ls "$shared"/*.parquet | grep -v BTC-USDT-PERP | head -n $((coins - 1)) | while read -r f; do ln -s "$f" "$tmp/data/"; done
eng=()
[ "$engines" = all ] || eng=(--engines "$engines")
[ -z "${COSTS:-}" ] || eng+=(--costs "$COSTS")
cat >"$tmp/rules.json" <<'JSON'
{"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,"sharpe_margin":0,"min_first_net_sharpe":-1000000}
JSON
export OMP_WAIT_POLICY=PASSIVE
"$bin" train --data-dir "$tmp/data" --archive "$tmp/archive" --db "$tmp/h.db" --run-id bench --retries 0 \
  --promotion-rules "$tmp/rules.json" "${eng[@]}" >"$tmp/train.out" 2>"$tmp/train.err" || {
  cat "$tmp/train.err"
  exit 1
}
/usr/bin/time -v "$bin" mechanic --once --data-dir "$tmp/data" --archive "$tmp/archive" --db "$tmp/h.db" \
  --promotion-rules "$tmp/rules.json" --run-id bench-mech ${COSTS:+--costs "$COSTS"} >"$tmp/mech.out" 2>"$tmp/mech.err" || true
grep -E "Elapsed|Maximum resident" "$tmp/mech.err" | sed 's/^\s*/pass: /'
node -e '
  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const s = Object.entries(j.symbol_seconds);
  for (const [k, v] of s) console.log(`${k} ${v.toFixed(2)} s`);
  const mean = s.reduce((a, [, v]) => a + v, 0) / s.length;
  console.log(`symbols ${s.length}, mean ${mean.toFixed(2)} s per symbol, 400 symbols ${(400 * mean / 60).toFixed(1)} min on one core; ` +
              `promoted ${j.promoted.length}, refused ${j.refused.length}, failed ${j.failed.length}`);
' "$tmp/mech.out"
