#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite on 127.0.0.1 and print its URL.
# Idempotent: a server already running in $PGDIR is reused. Runs the server as the `postgres`
# user when invoked as root (PostgreSQL refuses to run as root).
set -euo pipefail
PGDIR=${SECPLAN_PG_DIR:-/tmp/secplan-pg}
PORT=${SECPLAN_PG_PORT:-55432}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -s "$PGDIR/PG_VERSION" ]; then
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
  as_pg "$BIN/initdb" -D "$PGDIR" -U postgres -A trust --no-sync >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
for db in secplan_test; do
  as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$db"
done
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/secplan_test"
