#!/usr/bin/env bash
# Prints the sha256 of every output a refactor must leave byte-identical, one line per output:
# `huracan features` (default and talib-reference recipes, batch and streaming), the pinned recipe
# hashes, and `huracan backtest --format json`, for every 1m file of DIR against its BTC reference.
# Compare the output of two builds with diff:
#   scripts/output-digests.sh OLD/huracan DIR > old.txt; scripts/output-digests.sh NEW/huracan DIR > new.txt
# Usage: scripts/output-digests.sh HURACAN_BINARY [DATA_DIR (default ../shared/data/candles/1m)] [JOBS]
set -euo pipefail
bin="$(realpath "$1")"
dir="${2:-../shared/data/candles/1m}"
jobs="${3:-2}"
[[ -d "$dir" ]] || { echo "output-digests: no data folder $dir" >&2; exit 2; }
ref="$(ls "$dir"/BTC-USDT-PERP_1m_*.parquet 2>/dev/null | head -1)"
[[ -n "$ref" ]] || { echo "output-digests: no BTC-USDT-PERP file in $dir" >&2; exit 2; }
for recipe in default talib-reference; do
  printf '%s  hash:%s\n' "$("$bin" features --recipe "$recipe" --hash)" "$recipe"
done
one() {
  local bin="$1" ref="$2" f="$3" name
  name="$(basename "$f" .parquet)"
  for recipe in default talib-reference; do
    for mode in batch streaming; do
      printf '%s  features:%s:%s:%s\n' \
        "$("$bin" features --data "$f" --ref "$ref" --recipe "$recipe" --mode "$mode" --format csv | sha256sum | cut -c1-64)" \
        "$recipe" "$mode" "$name"
    done
  done
  printf '%s  backtest:%s\n' \
    "$("$bin" backtest --data "$f" --ref "$ref" --engines all --format json | sha256sum | cut -c1-64)" "$name"
}
export -f one
ls "$dir"/*_1m_*.parquet | xargs -P "$jobs" -I{} bash -c 'one "$@"' _ "$bin" "$ref" {} | sort -k2
