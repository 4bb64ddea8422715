#!/usr/bin/env bash
# A private PostgreSQL 15 + PostGIS cluster for this checkout, under var/pg, on 127.0.0.1 only.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
#   scripts/pg.sh start                start (initialising on first use); prints nothing else
#   scripts/pg.sh stop                 stop it
#   scripts/pg.sh status               exit 0 when running
#   scripts/pg.sh url [DBNAME] [ROLE]  print a connection string for DBNAME (default: accessibility) as ROLE:
#                                      postgres (the superuser, default), owner (migrations) or app (the service)
#   scripts/pg.sh createdb NAME        create a database owned by the owner role, with PostGIS (if missing)
#   scripts/pg.sh dropdb NAME          drop a database (if present)
#   scripts/pg.sh replica start|stop|status|url [DBNAME] [ROLE]|sql NAME|drop
#                                      a streaming standby of this cluster on PG_REPLICA_PORT (default PG_PORT + 10),
#                                      made once with pg_basebackup under var/pg/replica (hot standby: read-only
#                                      queries; `drop` removes it and its replication slot). See docs/scale.md.
# Three roles: the superuser `postgres` (creates databases, extensions and the other roles; never used by the
# service), `accessibility_owner` (owns the schema, runs migrations; not a superuser) and `accessibility_app`
# (serves requests: reads and writes data, only appends to audit_entries). Their passwords are generated once
# under var/pg/ (mode 600). PG_VAR moves the whole cluster elsewhere (the crash test runs its own).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PG_PORT:-55432}
REPLICA_PORT=${PG_REPLICA_PORT:-$((PORT + 10))}
PGBIN=/usr/lib/postgresql/15/bin
VAR=${PG_VAR:-$ROOT/var/pg}
DATA=$VAR/data
PWFILE=$VAR/password
OWNER_ROLE=accessibility_owner
APP_ROLE=accessibility_app
REPLICATION_ROLE=accessibility_replication
REPLICATION_SLOT=accessibility_standby

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() {
  local db=postgres
  if [ "${1:-}" = "--db" ]; then db=$2; shift 2; fi
  PGPASSWORD=$(cat "$PWFILE") psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$PORT user=postgres dbname=$db" "$@"
}

secret() { # secret FILE: a generated password, kept in FILE (mode 600)
  [ -s "$1" ] || (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$1")
}

init() {
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is not installed: run scripts/install.sh" >&2; exit 1; }
  mkdir -p "$VAR"
  secret "$PWFILE"
  if [ "$(id -u)" = 0 ]; then
    # The postgres user must reach the data folder; a checkout under /root is not reachable,
    # so the cluster then lives in /var/tmp and var/pg/data points to it.
    if ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
      chmod o+x "$VAR" 2>/dev/null || true
    fi
    if ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
      local elsewhere=/var/tmp/accessibility-pg-$(echo -n "$VAR" | sha256sum | head -c 12)
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

url() { # url DB ROLE
  local db=${1:-accessibility}
  case "${2:-postgres}" in
    postgres) echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Password=$(cat "$PWFILE");Database=$db" ;;
    owner) echo "Host=127.0.0.1;Port=$PORT;Username=$OWNER_ROLE;Password=$(cat "$VAR/owner-password");Database=$db" ;;
    app) echo "Host=127.0.0.1;Port=$PORT;Username=$APP_ROLE;Password=$(cat "$VAR/app-password");Database=$db" ;;
    *) echo "unknown role '$2': postgres, owner or app" >&2; exit 2 ;;
  esac
}

# The owner and the runtime role, neither a superuser nor allowed to create databases or roles.
# Passwords go by stdin (never on a command line).
roles() {
  secret "$VAR/owner-password"
  secret "$VAR/app-password"
  psql_admin <<SQL
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['$OWNER_ROLE', '$APP_ROLE']) r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE $OWNER_ROLE WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD '$(cat "$VAR/owner-password")';
ALTER ROLE $APP_ROLE WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD '$(cat "$VAR/app-password")';
SQL
}

# createdb NAME: the database, owned by the owner role, with the extensions only a superuser may create. A database
# made before the roles existed (owned by postgres) is handed over to the owner role, extension objects excepted.
createdb() {
  local db=$1
  psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql_admin -c "CREATE DATABASE \"$db\" OWNER $OWNER_ROLE"
  psql_admin -c "ALTER DATABASE \"$db\" OWNER TO $OWNER_ROLE"
  psql_admin --db "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;
DO \$\$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND c.relowner <> '$OWNER_ROLE'::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND d.deptype IN ('e', 'a', 'i'))
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO $OWNER_ROLE', r.obj);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.proowner <> '$OWNER_ROLE'::regrole
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO $OWNER_ROLE', r.obj);
  END LOOP;
END
\$\$;
SQL
}

# The standby's data folder: beside the primary's (which, as root, may live in /var/tmp: see init).
replica_data() { echo "$(readlink -f "$DATA")-replica"; }

replica_running() {
  local rdata; rdata=$(replica_data)
  [ -f "$rdata/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$rdata/" status >/dev/null 2>&1
}

# replica start: a hot standby streaming from this cluster through a physical replication slot (so it can be stopped
# and catch up later; max_slot_wal_keep_size bounds what a standby that never returns may hold on the primary).
# The replication role may only replicate; its password lives in a passfile the postgres user reads (mode 600).
replica_start() {
  running || { echo "the primary is not running: scripts/pg.sh start" >&2; exit 1; }
  local rdata passfile
  rdata=$(replica_data)
  passfile=$(dirname "$rdata")/$(basename "$rdata").pgpass
  if [ ! -f "$rdata/PG_VERSION" ]; then
    secret "$VAR/replication-password"
    psql_admin >/dev/null <<SQL
SELECT format('CREATE ROLE %I', '$REPLICATION_ROLE') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$REPLICATION_ROLE') \gexec
ALTER ROLE $REPLICATION_ROLE WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$(cat "$VAR/replication-password")';
SELECT pg_create_physical_replication_slot('$REPLICATION_SLOT') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$REPLICATION_SLOT');
ALTER SYSTEM SET max_slot_wal_keep_size = '2GB';
SELECT pg_reload_conf();
SQL
    (umask 077; echo "127.0.0.1:$PORT:*:$REPLICATION_ROLE:$(cat "$VAR/replication-password")" >"$passfile")
    rm -rf "$rdata"; mkdir -p "$rdata"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$rdata" "$passfile"; fi
    chmod 700 "$rdata"
    as_pg env PGPASSFILE="$passfile" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U "$REPLICATION_ROLE" -w \
      -D "$rdata" -X stream -S "$REPLICATION_SLOT" -c fast
    # What pg_basebackup -R would write, but naming the passfile instead of copying the password into the config.
    as_pg touch "$rdata/standby.signal"
    as_pg tee -a "$rdata/postgresql.auto.conf" >/dev/null <<CONF
primary_conninfo = 'host=127.0.0.1 port=$PORT user=$REPLICATION_ROLE passfile=$passfile application_name=$REPLICATION_SLOT'
primary_slot_name = '$REPLICATION_SLOT'
CONF
  fi
  if ! replica_running; then
    touch "$VAR/replica.log"
    [ "$(id -u)" = 0 ] && chown postgres "$VAR/replica.log"
    # hot_standby_feedback: a vacuum on the primary never cancels a tile query running on the standby.
    as_pg "$PGBIN/pg_ctl" -D "$rdata/" -l "$VAR/replica.log" -w -t 120 \
      -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c hot_standby_feedback=on" \
      start >/dev/null
  fi
}

replica_stop() {
  if replica_running; then as_pg "$PGBIN/pg_ctl" -D "$(replica_data)/" -m fast -w stop >/dev/null; fi
}

replica() {
  case "${1:-}" in
    start) replica_start ;;
    stop) replica_stop ;;
    status) replica_running ;;
    url) PORT=$REPLICA_PORT url "${2:-accessibility}" "${3:-postgres}" ;;
    sql) PORT=$REPLICA_PORT psql_admin --db "$2" -tA ;;
    drop)
      replica_stop
      rm -rf "$(replica_data)" "$(replica_data).pgpass"
      if running; then
        psql_admin -c "SELECT pg_drop_replication_slot('$REPLICATION_SLOT') FROM pg_replication_slots WHERE slot_name = '$REPLICATION_SLOT'" >/dev/null
      fi
      ;;
    *) echo "usage: $0 replica start|stop|status|url [db] [postgres|owner|app]|sql NAME|drop" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  start)
    [ -f "$DATA/PG_VERSION" ] || init
    if ! running; then
      touch "$VAR/server.log"
      [ "$(id -u)" = 0 ] && chown postgres "$VAR/server.log"
      # synchronous_commit stays on (the default): a commit is on disk before the service answers 201.
      as_pg "$PGBIN/pg_ctl" -D "$DATA/" -l "$VAR/server.log" -w -t 60 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200" \
        start >/dev/null
    fi
    roles
    createdb accessibility
    (umask 077
     url accessibility app >"$VAR/connection-string"
     url accessibility owner >"$VAR/owner-connection-string"
     url postgres postgres >"$VAR/superuser-connection-string")
    ;;
  stop)
    replica_stop
    if running; then as_pg "$PGBIN/pg_ctl" -D "$DATA/" -m fast -w stop >/dev/null; fi
    ;;
  status) running ;;
  url) url "${2:-accessibility}" "${3:-postgres}" ;;
  createdb) roles; createdb "$2" ;;
  dropdb) psql_admin -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)" ;;
  sql) psql_admin --db "$2" -tA ;; # runs the SQL on stdin in database NAME as the superuser (test set-up)
  replica) shift; replica "$@" ;;
  *) echo "usage: $0 start|stop|status|url [db] [postgres|owner|app]|createdb NAME|dropdb NAME|sql NAME <SQL|replica start|stop|status|url|sql|drop" >&2; exit 2 ;;
esac
