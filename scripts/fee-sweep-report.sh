#!/usr/bin/env bash
# The cost frontier on real coins (docs/DECISION.md, "The cost frontier"): for every 1m coin of a
# folder, `huracan backtest --fee-sweep` at the default levels, and a Markdown table of the combined
# run's net bps per trade (trades) at each per-side fee, plus the engines that traded at any level.
# Usage: scripts/fee-sweep-report.sh BIN DATA_DIR [COSTS=default] [LEVELS=0,1,2.5,5,7.5,10]
set -euo pipefail
bin="$1"
dir="$2"
costs="${3:-default}"
levels="${4:-0,1,2.5,5,7.5,10}"
echo "| coin | $(echo "$levels" | sed 's/,/ | /g') | engines that traded |"
echo "|---|$(echo "$levels" | sed 's/[^,]*/---/g; s/,/|/g')|---|"
for f in "$dir"/*_1m_*.parquet; do
  coin="$(basename "$f" | sed 's/_1m_.*//')"
  "$bin" backtest --data "$f" --costs "$costs" --fee-sweep "$levels" --format json 2>/dev/null |
    node -e '
      const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const cell = (m) => m.trades > 0 ? `${m.net_bps_per_trade.toFixed(2)} (${m.trades})` : "-";
      const traded = Object.entries(j.engines).filter(([, ls]) => ls.some((m) => m.trades > 0)).map(([id]) => id);
      console.log(`| ${process.argv[1]} | ${j.combined.map(cell).join(" | ")} | ${traded.join(", ") || "none"} |`);
    ' "$coin"
done
