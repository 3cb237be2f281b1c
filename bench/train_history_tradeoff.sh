#!/usr/bin/env bash
# The history-length trade-off of the daily training run (docs/BENCHMARKS.md, "Training"):
# trains the same coins with --history-days 36 (the default), 72 and 150 (all the 1m data), and
# prints, per setting, the wall and CPU time and each coin's out-of-sample result from the
# model_metrics rows: days of OOS, trades, net Sharpe, net bps per trade, PSR.
# Usage: bench/train_history_tradeoff.sh [BUILD_DIR=build] [COIN_PREFIX...]
#   default coins: SOL-USDT XRP-USDT DOGE-USDT (BTC-USDT-PERP is the reference either way)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
shift || true
coins=("$@")
[ "${#coins[@]}" -gt 0 ] || coins=(SOL-USDT XRP-USDT DOGE-USDT)
bin="$root/$build/huracan"
[ -x "$bin" ] || bin="$build/huracan"
shared="$root/../shared/data/candles/1m"
if [ ! -d "$shared" ]; then echo "train_history_tradeoff: $shared not found (../shared): skipping"; exit 0; fi
command -v sqlite3 >/dev/null || { echo "train_history_tradeoff: needs the sqlite3 command"; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/data"
ln -s "$shared"/BTC-USDT-PERP_1m_*.parquet "$tmp/data/"
for c in "${coins[@]}"; do ln -s "$shared/${c}"_1m_*.parquet "$tmp/data/"; done
symbols=$(printf '%s\n' "${coins[@]}" | tr -d '-' | paste -sd,)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "coins: $symbols (reference BTC-USDT-PERP); every engine; parallel x2, 1 thread each"
for days in 36 72 150; do
  out="$tmp/h$days"
  mkdir -p "$out"
  set +e
  /usr/bin/time -v "$bin" train --data-dir "$tmp/data" --symbols "$symbols" --archive "$out/archive" \
    --db "$out/h.db" --run-id tradeoff --mode parallel --max-concurrent 2 --threads 1 \
    --history-days "$days" >"$out/train.out" 2>"$out/train.err"
  rc=$?
  set -e
  wall=$(grep "Elapsed (wall clock)" "$out/train.err" | awk '{print $NF}' |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu=$(grep -E "(User|System) time \(seconds\)" "$out/train.err" | awk '{s += $NF} END {printf "%.1f", s}')
  echo "--history-days $days: wall ${wall} s, CPU ${cpu} s, exit $rc"
  sqlite3 -separator ' | ' "$out/h.db" \
    "SELECT m.symbol, mm.\"window\", printf('%.1f', mm.days), mm.trades, printf('%.2f', mm.sharpe),
            printf('%.1f', mm.net_bps), printf('%.3f', mm.psr)
       FROM model_metrics mm JOIN models m ON m.model_id = mm.model_id ORDER BY m.symbol, mm.\"window\";" |
    sed 's/^/  /'
done
echo "columns: symbol | window | OOS days | trades | net Sharpe | net bps/trade | PSR"
