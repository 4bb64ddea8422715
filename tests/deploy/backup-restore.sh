#!/usr/bin/env bash
# The backups of docs/deploy.md, restored: a throw-away cluster with WAL archiving (scripts/backup.sh archive-wal), a
# base backup, reports filed through the service, a noted time, more reports, then
#  - point-in-time recovery to the noted time into another cluster: exactly the first reports are there, the service
#    starts on it, serves them and takes a new one;
#  - the night's pg_dump restored into a new database: every table as it was, with its owner and grants.
# Needs the Debug build (make test builds it) and PostgreSQL 15 + PostGIS (scripts/install.sh).
# Ends with one line: "backup and restore: N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
DLL=$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
PGBIN=/usr/lib/postgresql/15/bin
passed=0; failed=0

check() { # check NAME COMMAND…: one named step
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"; else failed=$((failed + 1)); echo "not ok - $name"; fi
}
finish() {
  echo "backup and restore: $passed passed, $failed failed"
  [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { # a port nobody listens on (the test may run beside other clusters and services)
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}

WORK=$(mktemp -d /var/tmp/registry-restore-test.XXXXXX)
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
SRC_PORT=$(free_port); DST_PORT=$(free_port); API_PORT=$(free_port)
api_pid=
cleanup() {
  [ -n "$api_pid" ] && { kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null; }
  PG_VAR=$WORK/src PG_PORT=$SRC_PORT scripts/pg.sh stop >/dev/null 2>&1
  [ -f "$WORK/dst/data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/dst/data" -m immediate -w stop >/dev/null 2>&1
  if [ -n "${KEEP_RESTORE_TEST:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log=$WORK/test.log
src() { PG_VAR=$WORK/src PG_PORT=$SRC_PORT scripts/pg.sh "$@"; }
dst() { PG_VAR=$WORK/dst PG_PORT=$DST_PORT scripts/pg.sh "$@"; }

# The service on one database of one cluster (CLUSTER: src or dst), as in production: migrations as the owner role,
# requests as the runtime role; connection strings and the key only in its environment.
key=$(head -c 32 /dev/urandom | base64)
start_service() { # start_service CLUSTER DB
  stop_service
  (
    ConnectionStrings__Registry=$($1 url "$2" app); ConnectionStrings__RegistryOwner=$($1 url "$2" owner)
    export ConnectionStrings__Registry ConnectionStrings__RegistryOwner
    export Registry__PersonalDataKey=$key Registry__LoadDemoData=false Registry__Reports__PerIpPermits=1000
    exec dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT"
  ) >>"$WORK/api.log" 2>&1 &
  api_pid=$!
  # As scripts/test.sh waits for its service: a first start loads the districts, minutes on a loaded machine.
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "the service did not start on $1/$2; last lines of its log:" >&2; tail -n 30 "$WORK/api.log" >&2
  return 1
}
stop_service() { [ -n "$api_pid" ] && { kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null; }; api_pid=; }

file_report() { # file_report DESCRIPTION LON: prints the new report's id (Open311, anonymous, as a 12345 system files)
  curl -fsS -X POST "http://127.0.0.1:$API_PORT/open311/v2/requests.json" \
    --data-urlencode service_code=curb_ramp --data-urlencode 'attribute[problem]=broken' \
    --data-urlencode lat=34.8670 --data-urlencode "long=$2" --data-urlencode "description=$1" \
    | sed -nE 's/.*"service_request_id":"([0-9]+)".*/\1/p'
}
report_status() { # report_status ID: the HTTP status of reading it back
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API_PORT/open311/v2/requests/$1.json"
}
marked() { # marked CLUSTER DB: the descriptions of this test's reports, in order
  echo "SELECT string_agg(description, ',' ORDER BY id) FROM reports WHERE description LIKE '恢复测试%'" | $1 sql "$2"
}
table_counts() { # table_counts CLUSTER DB: every table of the registry with its exact row count
  $1 sql "$2" <<'SQL'
SELECT string_agg(format('%s=%s', c.relname,
         (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', c.relname), false, true, '')))[1]::text),
       ' ' ORDER BY c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'spatial_ref_sys';
SQL
}

# 1. The primary: a cluster as scripts/pg.sh makes it, with WAL archiving on (as docs/deploy.md sets it).
started=$(date +%s)
mkdir -p "$WORK/archive" "$WORK/backups"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/archive" "$WORK/backups"
src start >>"$log" 2>&1 || { echo "the source cluster did not start" >&2; cat "$log" >&2; finish; }
cat >>"$WORK/src/data/postgresql.conf" <<CONF
archive_mode = on
archive_command = '$ROOT/scripts/backup.sh archive-wal %p %f $WORK/archive'
CONF
src stop && src start >>"$log" 2>&1
check "archiving is on" test "$(echo 'SHOW archive_mode' | src sql postgres)" = on

# A password file for the backup verbs, which run as the postgres user (as they do from cron on a server).
( umask 077; echo "127.0.0.1:*:*:postgres:$(cat "$WORK/src/password")" >"$WORK/pgpass" )
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pgpass"
backup() { # backup PORT VERB ARGS…
  local port=$1; shift
  as_pg env PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGPASSFILE="$WORK/pgpass" "$ROOT/scripts/backup.sh" "$@"
}

# 2. The service migrates and loads the districts; then the base backup (nightly, in production).
check "the service starts on the primary" start_service src accessibility
base=$(backup "$SRC_PORT" base-backup "$WORK/backups" 2>>"$log")
check "base backup taken" test -f "$base/base.tar.gz"
# Only the newest base backup kept: the archived WAL from before it goes, what it needs stays (the restore below).
start_wal=$(tar -xzOf "$base/base.tar.gz" backup_label | sed -nE 's/^START WAL LOCATION: .*\(file ([0-9A-F]{24})\)$/\1/p')
wal_before() { find "$WORK/archive" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9A-F]{24}' -printf '%f\n' | awk -v s="$start_wal" '$0 < s' | wc -l; }
older=$(wal_before)
backup "$SRC_PORT" prune "$WORK/backups" "$WORK/archive" 1 >>"$log" 2>&1
check "prune removed the $older archived WAL files from before the base backup" test -n "$start_wal" -a "$older" -gt 0 -a "$(wal_before)" = 0

# 3. Three reports, the noted time, two more, then the night's dump.
before=(); after=()
for i in 1 2 3; do before+=("$(file_report "恢复测试-前-$i" "110.44$i")"); done
noted=$(echo "SELECT clock_timestamp()" | src sql postgres)
sleep 1
for i in 1 2; do after+=("$(file_report "恢复测试-后-$i" "110.45$i")"); done
check "five reports filed through the service" test "$(marked src accessibility)" = "恢复测试-前-1,恢复测试-前-2,恢复测试-前-3,恢复测试-后-1,恢复测试-后-2"
dump=$(backup "$SRC_PORT" dump "$WORK/backups" accessibility 2>>"$log")
ts=${dump##*/accessibility-}; ts=${ts%.dump}
check "pg_dump written, with the roles" test -s "$dump" -a -s "$WORK/backups/roles-$ts.sql"
counts=$(table_counts src accessibility)
stop_service

# The segment holding the last commits goes to the archive (a busy server does this by itself; archive_timeout
# bounds it on a quiet one).
segment=$(echo "SELECT pg_walfile_name(pg_switch_wal())" | src sql postgres)
for _ in $(seq 1 60); do
  [ -f "$WORK/archive/$segment" ] && break
  sleep 0.5
done
check "WAL archived up to the last report" test -f "$WORK/archive/$segment"
# The primary is lost.
src stop

# 4. Point-in-time recovery to the noted time, into a new cluster (same roles and passwords: it is a copy), started
# as scripts/pg.sh starts its clusters (a standby's max_connections may not be below the primary's).
mkdir -p "$WORK/dst"; chmod 755 "$WORK/dst"
cp -p "$WORK/src/password" "$WORK/src/owner-password" "$WORK/src/app-password" "$WORK/dst/"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/dst"
backup "$DST_PORT" restore-pitr "$base" "$WORK/archive" "$WORK/dst/data" "$noted" >>"$log" 2>&1
check "restore-pitr prepared the cluster" test -f "$WORK/dst/data/recovery.signal"
as_pg "$PGBIN/pg_ctl" -D "$WORK/dst/data" -l "$WORK/dst/server.log" -w -t 60 \
  -o "-p $DST_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200" start >>"$log" 2>&1
for _ in $(seq 1 60); do
  [ "$(echo 'SELECT pg_is_in_recovery()' | dst sql postgres 2>/dev/null)" = f ] && break
  sleep 0.5
done
check "the restored cluster recovered and was promoted" test "$(echo 'SELECT pg_is_in_recovery()' | dst sql postgres)" = f
check "exactly the reports before the noted time are back" test "$(marked dst accessibility)" = "恢复测试-前-1,恢复测试-前-2,恢复测试-前-3"

check "the service starts on the restored cluster" start_service dst accessibility
check "it serves a report from before the noted time" test "$(report_status "${before[2]}")" = 200
check "a report from after the noted time is not there" test "$(report_status "${after[0]}")" = 404
check "it takes a new report" test -n "$(file_report "恢复测试-新" 110.461)"

# 5. The dump restored into a new database (as on a new server, after roles-….sql): the same rows and rights.
backup "$DST_PORT" restore-dump "$dump" accessibility_restored >>"$log" 2>&1
check "pg_restore restored every table with every row" test "$(table_counts dst accessibility_restored)" = "$counts"
check "the dump holds all five reports" test "$(marked dst accessibility_restored)" = "恢复测试-前-1,恢复测试-前-2,恢复测试-前-3,恢复测试-后-1,恢复测试-后-2"
# The grants came back with it: the runtime role reads the reports, and still may not delete from the audit log.
as_app() { PGPASSWORD=$(cat "$WORK/dst/app-password") psql -X -q -tA -h 127.0.0.1 -p "$DST_PORT" -U accessibility_app -d accessibility_restored -c "$1"; }
check "the runtime role reads the restored reports" test "$(as_app "SELECT count(*) FROM reports WHERE description LIKE '恢复测试%'" 2>>"$log")" = 5
audit_refused() { local answer; answer=$(as_app 'DELETE FROM audit_entries' 2>&1); [[ "$answer" == *"permission denied for table audit_entries"* ]]; }
check "the audit log stays append-only for it" audit_refused
stop_service
echo "($(($(date +%s) - started)) s)"
finish
