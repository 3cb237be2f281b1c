#!/usr/bin/env bash
# Fails when a C++ source of ours differs from what clang-format (.clang-format) would write.
# tests/js/node_modules holds npm's C++ and is not ours. `make format` fixes what this reports.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"
command -v clang-format >/dev/null || { echo "check-format: clang-format not installed (scripts/install-deps.sh)"; exit 1; }
files=$(find src apps tests bench fuzz -path tests/js -prune -o \( -name '*.h' -o -name '*.cpp' \) -print)
bad=$(echo "$files" | xargs clang-format --dry-run 2>&1 | grep -oE '^[^:]+\.(h|cpp)' | sort -u || true)
if [ -n "$bad" ]; then
  echo "check-format: not clang-formatted (run make format):"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
echo "check-format: $(echo "$files" | wc -l) files clean"
