#!/usr/bin/env bash
# The measurement behind docs/ENGINES.md, "Selection and calibration on separate rows": for every
# 1m file of DATA_DIR, `huracan backtest --format json` at `--costs zero` and at the default costs,
# one run after the other, then one table row per cost setting, over the rule engines only (the
# custom engines seasonality, gbdt, ridge and meta_label fit as before):
#   on                 rule engines whose fit switched at least one side on (`signals.<id>.on`)
#   trading            of those, engines with trades > 0 when run alone (`engines.<id>.trades`)
#   trades             their trades, summed
#   net/trade          trade-weighted mean of their out-of-sample `engines.<id>.net_bps_per_trade`
#   median             the median of the engines' net_bps_per_trade
#   > 0, >= floor      engines whose realised net/trade was positive, reached the net-edge floor
#                      (2 bps): the least any side that is on promised (shrunk edge - fit cost > floor)
#   range              min .. max of the engines' net_bps_per_trade
# Usage: scripts/selection-split-report.sh HURACAN_BINARY [DATA_DIR (default ../shared/data/candles/1m)] [OUT_DIR]
# OUT_DIR (default: a temporary folder) keeps the JSON of every run; the table goes to stdout.
set -euo pipefail
bin="$(realpath "$1")"
dir="${2:-../shared/data/candles/1m}"
out="${3:-$(mktemp -d)}"
[[ -d "$dir" ]] || { echo "selection-split-report: no data folder $dir" >&2; exit 2; }
mkdir -p "$out"
for costs in zero default; do
  for f in "$dir"/*_1m_*.parquet; do
    name="$(basename "$f" .parquet)"
    [[ -s "$out/$name.$costs.json" ]] || "$bin" backtest --data "$f" --costs "$costs" --format json > "$out/$name.$costs.json" 2>/dev/null
  done
done
echo "| costs | coins | on | trading | trades | net/trade (bps) | median | > 0 | >= floor | range (bps) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for costs in zero default; do
  jq -s -r --arg costs "$costs" --argjson floor 2 '
    def custom: . == "seasonality" or . == "gbdt" or . == "ridge" or . == "meta_label";
    def r2: . * 100 | round / 100;
    (map(.signals | to_entries | map(select((.key | custom | not) and .value.on)) | length) | add) as $on
    | (map(.engines | to_entries | map(select((.key | custom | not) and .value.trades > 0) | .value)) | add) as $tr
    | ($tr | map(.trades) | add // 0) as $n
    | ($tr | map(.net_bps_per_trade) | sort) as $x
    | "| \($costs) | \(length) | \($on) | \($tr | length) | \($n) | "
      + (if $n > 0 then
           "\($tr | map(.trades * .net_bps_per_trade) | add / $n | r2) | \($x[($x | length) / 2 | floor] | r2) | "
           + "\($x | map(select(. > 0)) | length) | \($x | map(select(. >= $floor)) | length) | \($x[0] | r2) .. \($x[-1] | r2)"
         else "- | - | 0 | 0 | -" end)
      + " |"' "$out"/*."$costs".json
done
