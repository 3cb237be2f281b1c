#!/usr/bin/env bash
# Fails when a module under src/ includes a header of a higher layer (docs/ARCHITECTURE.md).
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# Lowest first; a module may include itself and anything before it in this list.
LAYERS=(core storage data features ml engines regime meta costs decision execution backtest registry training live control config cli)
declare -A rank
for i in "${!LAYERS[@]}"; do rank[${LAYERS[$i]}]=$i; done

bad=0
for dir in "$root"/src/*/; do
  mod="$(basename "$dir")"
  if [ -z "${rank[$mod]+x}" ]; then
    echo "check-layers: src/$mod is not in the layer list (scripts/check-layers.sh, docs/ARCHITECTURE.md)"
    bad=1
    continue
  fi
  while IFS= read -r hit; do
    file="${hit%%:*}"
    inc="$(echo "$hit" | sed -E 's/.*#include "([a-z_]+)\/.*/\1/')"
    [ -n "${rank[$inc]+x}" ] || continue
    if [ "${rank[$inc]}" -gt "${rank[$mod]}" ]; then
      echo "check-layers: ${file#"$root"/} (layer $mod) includes $inc, a higher layer"
      bad=1
    fi
  done < <(grep -rHE '^#include "[a-z_]+/' "$dir" || true)
done
if [ "$bad" -ne 0 ]; then exit 1; fi
echo "check-layers: ok"
