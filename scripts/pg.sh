#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS cluster for this checkout, under var/pg, on 127.0.0.1 only.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
#   scripts/pg.sh start          start (initialising on first use); prints nothing else
#   scripts/pg.sh stop           stop it
#   scripts/pg.sh status         exit 0 when running
#   scripts/pg.sh url [DBNAME]   print a connection string for DBNAME (default: accessibility)
#   scripts/pg.sh createdb NAME  create a database (if missing)
#   scripts/pg.sh dropdb NAME    drop a database (if present)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PG_PORT:-55432}
PGBIN=/usr/lib/postgresql/15/bin
VAR=$ROOT/var/pg
DATA=$VAR/data
PWFILE=$VAR/password

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() {
  PGPASSWORD=$(cat "$PWFILE") psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$PORT user=postgres dbname=postgres" "$@"
}

init() {
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is not installed: run scripts/install.sh" >&2; exit 1; }
  mkdir -p "$VAR"
  if [ ! -s "$PWFILE" ]; then
    (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$PWFILE")
  fi
  if [ "$(id -u)" = 0 ]; then
    # The postgres user must reach the data folder; a checkout under /root is not reachable,
    # so the cluster then lives in /var/tmp and var/pg/data points to it.
    if ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
      chmod o+x "$VAR" 2>/dev/null || true
    fi
    if ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
      local elsewhere=/var/tmp/accessibility-pg-$(echo -n "$ROOT" | sha256sum | head -c 12)
      mkdir -p "$elsewhere"
      chown postgres:postgres "$elsewhere"
      ln -sfn "$elsewhere" "$DATA"
    else
      mkdir -p "$DATA"
      chown postgres:postgres "$DATA"
    fi
    install -o postgres -m 600 "$PWFILE" "$VAR/.pw-for-initdb"
  else
    mkdir -p "$DATA"
    install -m 600 "$PWFILE" "$VAR/.pw-for-initdb"
  fi
  chmod 700 "$DATA/" 2>/dev/null || true
  as_pg "$PGBIN/initdb" -D "$DATA/" -U postgres --pwfile="$VAR/.pw-for-initdb" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$VAR/initdb.log"
  rm -f "$VAR/.pw-for-initdb"
}

running() {
  [ -f "$DATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$DATA/" status >/dev/null 2>&1
}

url() {
  echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Password=$(cat "$PWFILE");Database=${1:-accessibility}"
}

case "${1:-}" in
  start)
    [ -f "$DATA/PG_VERSION" ] || init
    if ! running; then
      touch "$VAR/server.log"
      [ "$(id -u)" = 0 ] && chown postgres "$VAR/server.log"
      as_pg "$PGBIN/pg_ctl" -D "$DATA/" -l "$VAR/server.log" -w -t 60 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c synchronous_commit=off -c max_connections=200" \
        start >/dev/null
    fi
    psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='accessibility'" | grep -q 1 \
      || psql_admin -c "CREATE DATABASE accessibility"
    (umask 077; url accessibility >"$VAR/connection-string")
    ;;
  stop)
    if running; then as_pg "$PGBIN/pg_ctl" -D "$DATA/" -m fast -w stop >/dev/null; fi
    ;;
  status) running ;;
  url) url "${2:-accessibility}" ;;
  createdb)
    psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$2'" | grep -q 1 || psql_admin -c "CREATE DATABASE \"$2\""
    ;;
  dropdb) psql_admin -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)" ;;
  *) echo "usage: $0 start|stop|status|url [db]|createdb NAME|dropdb NAME" >&2; exit 2 ;;
esac
