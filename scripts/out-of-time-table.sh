#!/usr/bin/env bash
# Renders `huracan check out-of-time --format json` (stdin) as the Markdown table of
# docs/TRAINING.md, "Out-of-time check", plus its total line.
# Usage: huracan check out-of-time ... --format json | scripts/out-of-time-table.sh
set -euo pipefail
node -e '
  const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const f = (v) => (v === null || v === undefined ? "-" : v.toFixed(2));
  console.log("| symbol | promised bps | band 90 % | realised bps | inside | trades before | trades after |");
  console.log("|---|---:|---:|---:|---|---:|---:|");
  for (const [sym, s] of Object.entries(j.symbols)) {
    const band = s.band_lo_bps === null ? "-" : `[${f(s.band_lo_bps)}, ${f(s.band_hi_bps)}]`;
    const inside = s.inside === null ? "-" : s.inside ? "yes" : "no";
    console.log(`| ${sym} | ${f(s.promised_bps)} | ${band} | ${f(s.realised_bps)} | ${inside} | ${s.trades_before} | ${s.trades_after} |`);
  }
  const t = j.total;
  const share = t.inside_share === null ? "null" : t.inside_share.toFixed(2);
  console.log(`\nTotal: ${t.coins} coins, ${t.coins_with_trades_after} with trades after the split, inside_share ${share} (${t.coins_inside} of ${t.coins_judged} judged), ${t.coins_failed} failed.`);
'
