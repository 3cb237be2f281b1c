#!/usr/bin/env bash
# Runs a command against a throw-away S3 server (npm s3rver behind a SigV4-verifying proxy,
# tests/js/s3_server.mjs) on 127.0.0.1:
#   scripts/with-s3.sh <command> [args...]
# Exports S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and
# HURACAN_TEST_S3_URL=s3://huracan, runs the command, and always stops the server and removes
# its data. Exits with the command's exit code; 77 when node or the npm tools are missing
# (ctest treats it as skipped).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JS=${HURACAN_JS_DIR:-$ROOT/tests/js}
if ! command -v node >/dev/null || [[ ! -d "$JS/node_modules/s3rver" || ! -d "$JS/node_modules/@smithy/signature-v4" ]]; then
  echo "with-s3: node or the npm test tools (s3rver, @smithy/signature-v4) are not installed" >&2
  exit 77
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

DATA=$(mktemp -d /tmp/huracan-s3-XXXXXX)
PID=""
stop() {
  if [[ -n "$PID" ]]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap stop EXIT INT TERM

export S3_TEST_ACCESS_KEY=HURACANTESTKEY S3_TEST_SECRET_KEY=huracan-test-secret S3_TEST_BUCKET=huracan
# s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy
# provider: without it every listing past 1000 keys answers 500.
node --openssl-legacy-provider "$JS/s3_server.mjs" "$DATA/store" >"$DATA/server.out" 2>"$DATA/server.err" &
PID=$!
for _ in $(seq 1 100); do
  [[ -s "$DATA/server.out" ]] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
ENDPOINT=$(sed -n 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$DATA/server.out" | head -1)
if [[ -z "$ENDPOINT" ]]; then
  echo "with-s3: the S3 server did not start" >&2
  cat "$DATA/server.err" >&2
  exit 2
fi

export S3_ENDPOINT=$ENDPOINT AWS_ACCESS_KEY_ID=$S3_TEST_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_TEST_SECRET_KEY
export AWS_REGION=us-east-1 HURACAN_TEST_S3_URL=s3://huracan
unset S3_ADDRESSING
set +e
"$@"
rc=$?
set -e
exit $rc
