#!/usr/bin/env bash
# Installs what is missing (apt packages, npm test tools) and does nothing when all is present.
# Safe to run again and again; uses sudo when not root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  build-essential cmake pkg-config git
  libxgboost-dev xgboost libpqxx-dev libpq-dev postgresql-15
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libyaml-cpp-dev libtbb-dev libcpp-httplib-dev libzstd-dev libsnappy-dev zlib1g-dev
  libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev libboost1.81-dev
  clang clang-format libclang-rt-14-dev
  chromium
  slurm-wlm munge
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node: any installed nodejs will do (some images ship one with npm built in, which conflicts
# with Debian's separate npm package), so only ask apt for them when the commands are absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm tools used only by tests (independent Parquet reader/writer, TA-Lib oracle, S3 server).
js="$here/tests/js"
stamp="$js/node_modules/.huracan-stamp"
want="$(sha256sum "$js/package.json" "$js/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-deps: npm install in tests/js"
  (cd "$js" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  want="$(sha256sum "$js/package.json" "$js/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)"
  echo "$want" >"$stamp"
fi
