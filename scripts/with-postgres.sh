#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL 15 server:
#   scripts/with-postgres.sh <command> [args...]
# Starts a server (data dir under /tmp, 127.0.0.1, a free non-default port, fsync off), exports
# DATABASE_URL=postgres://huracan:huracan@127.0.0.1:PORT/huracan (and HURACAN_TEST_PG_STOP /
# HURACAN_TEST_PG_START, commands that stop and start that server), runs the command, and always
# stops the server and removes its data dir. Exits with the command's exit code; 77 when
# PostgreSQL is not installed (ctest treats it as skipped).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x "$PGBIN/initdb" ]]; then
  echo "with-postgres: $PGBIN/initdb not found: PostgreSQL 15 is not installed" >&2
  exit 77
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

DATA=$(mktemp -d /tmp/huracan-pg-XXXXXX)
chmod 755 "$DATA"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DATA"
SOCK="$DATA/sock"
mkdir -p "$SOCK"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$SOCK"

# A free port in 25432..25631, searched from a random offset (several servers start at once
# under ctest -j); `start_server` tries another one when the port is taken before it binds.
free_port() {
  local off=$((RANDOM % 200)) i p
  for i in $(seq 0 199); do
    p=$((25432 + (off + i) % 200))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

stop() {
  if [[ -f "$DATA/db/postmaster.pid" ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA/db" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DATA"
}
trap stop EXIT INT TERM

as_pg "$PGBIN/initdb" -D "$DATA/db" -U postgres --auth=trust -E UTF8 --locale=C >"$DATA/initdb.log" 2>&1 || {
  cat "$DATA/initdb.log" >&2
  exit 2
}
# The server's settings live in its config file, so a plain `pg_ctl start` (a test restarting the
# server) brings it back on the same port.
cat >>"$DATA/db/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
PORT=""
for attempt in 1 2 3 4 5; do
  p=$(free_port) || { echo "with-postgres: no free port" >&2; exit 2; }
  echo "port = $p" >>"$DATA/db/postgresql.conf"  # the last setting wins
  if as_pg "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w -t 30 start >/dev/null; then PORT=$p; break; fi
done
[[ -n "$PORT" ]] || { cat "$DATA/server.log" >&2; exit 2; }
as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE huracan LOGIN PASSWORD 'huracan'" -c "CREATE DATABASE huracan OWNER huracan" >/dev/null

export DATABASE_URL="postgres://huracan:huracan@127.0.0.1:$PORT/huracan"
# For tests that stop and start the server mid-run (shell commands; both wait until done).
PG_AS=""
[[ $(id -u) -eq 0 ]] && PG_AS="runuser -u postgres --"
export HURACAN_TEST_PG_STOP="$PG_AS $PGBIN/pg_ctl -D $DATA/db -m fast -w stop"
export HURACAN_TEST_PG_START="$PG_AS $PGBIN/pg_ctl -D $DATA/db -l $DATA/server.log -w -t 30 start"
set +e
"$@"
rc=$?
set -e
exit $rc
