#!/usr/bin/env bash
# Open311 intake (POST /open311/v2/requests.json) at a sustained rate, side by side: a baseline build (BASE_DLL,
# e.g. main's) and this checkout's build, each on its own copy of one scratch database holding OPEN open reports
# (default 100,000, in the same 7 × 7 km of 永济市 the load falls in), at each client count, alternating. After each
# run the reports the service stored are counted against the 201s the clients received (none may be lost) and
# checked for duplicate links the sequential rules forbid (a primary within 30 m of an older open primary of the
# same category). Prints one line per run with the load average.
# usage: PG_PORT=55453 BASE_DLL=/path/to/main/bin/Debug/net10.0/Accessibility.Api.dll bench/intake.sh [OPEN=100000] [SECONDS=20] ["CLIENTS"="8 32"] [PORT=5198]
# (pick a port nobody else uses: the script stops when something already answers on it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OPEN=${1:-100000}
SECONDS_PER_RUN=${2:-20}
CLIENTS=${3:-8 32}
API_PORT=${4:-5198}
TEMPLATE=intake_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
"$PG" start
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_db() { local db=$1; shift; PGPASSWORD=$PASSWORD psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" "$@"; }
DLL=$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
BASE_DLL=${BASE_DLL:-}
[ -f "$DLL" ] || { echo "build the checkout first (make build)" >&2; exit 1; }
# Anonymous filing is limited per address; every bench client is 127.0.0.1.
export Registry__Reports__PerIpPermits=1000000000 Registry__LoadDemoData=false

api=
cleanup() {
  [ -z "$api" ] || { kill "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true; }
  [ -n "${KEEP:-}" ] || { for db in $(psql_db postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${TEMPLATE}%'"); do "$PG" dropdb "$db" >/dev/null || true; done; }
}
trap cleanup EXIT

serve() { # DLL DB: runs the service on DB until stop
  # Never measure (or file into) someone else's service that happens to listen on the port.
  if curl -s -o /dev/null "http://127.0.0.1:$API_PORT/readyz"; then echo "port $API_PORT is taken; give another" >&2; exit 1; fi
  ACCESSIBILITY_DB=$("$PG" url "$2") nohup dotnet "$1" --urls "http://127.0.0.1:$API_PORT" >"$WORK/intake-api.log" 2>&1 &
  api=$!
  for _ in $(seq 1 180); do
    kill -0 "$api" 2>/dev/null || break
    curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "the service did not start; see $WORK/intake-api.log" >&2; exit 1
}
stop() { kill "$api"; wait "$api" 2>/dev/null || true; api=; }

# The template: migrated (by the baseline when there is one, so it runs on its own schema) with the districts loaded.
"$PG" dropdb "$TEMPLATE" >/dev/null
ACCESSIBILITY_DB=$("$PG" url "$TEMPLATE") dotnet "${BASE_DLL:-$DLL}" create-database >/dev/null
serve "${BASE_DLL:-$DLL}" "$TEMPLATE"
stop
echo "preloading $OPEN open reports…" >&2
psql_db "$TEMPLATE" <<SQL
INSERT INTO reports (service_code, attributes, location, district_code, status, me_too_count, source, requested_at, updated_at, description)
SELECT (ARRAY['curb_ramp','tactile_paving','ramp','elevator'])[1 + i % 4], '{"problem":"broken"}',
       ST_SetSRID(ST_MakePoint(110.40 + random() * 0.08, 34.84 + random() * 0.06), 4490), '140881', 'new', 0, 'open311',
       now() - random() * interval '20 days', now(), 'preloaded'
FROM generate_series(1, $OPEN) i;
VACUUM ANALYZE reports;
SQL

run() { # NAME DLL CLIENTS
  local db="${TEMPLATE}_$1_$3"
  psql_db postgres -c "CREATE DATABASE $db TEMPLATE $TEMPLATE"
  serve "$2" "$db"
  local result
  result=$(node "$ROOT/bench/intake.mjs" "http://127.0.0.1:$API_PORT" "$3" "$SECONDS_PER_RUN" "$1")
  local load
  load=$(uptime | sed 's/.*load average: //')
  stop
  local stored wrong commits
  stored=$(psql_db "$db" -c "SELECT count(*) FROM reports WHERE description = 'bench intake'")
  # Transactions that wrote them (group commit puts several reports in one).
  commits=$(psql_db "$db" -c "SELECT count(DISTINCT xmin::text) FROM reports WHERE description = 'bench intake'")
  # A primary that the sequential rules would have linked: an older open primary of its category within 30 m.
  wrong=$(psql_db "$db" -c "SELECT count(*) FROM reports n WHERE n.description = 'bench intake' AND n.duplicate_of_id IS NULL
    AND EXISTS (SELECT 1 FROM reports o WHERE o.id < n.id AND o.service_code = n.service_code AND o.duplicate_of_id IS NULL
      AND o.status IN ('new', 'accepted') AND ST_DWithin(o.location::geography, n.location::geography, 30))")
  echo "$result" | node -e "
    const r = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    console.log([r.label.padEnd(6), String(r.clients).padStart(3) + ' clients', String(r.perSecond).padStart(5) + '/s',
      'p50 ' + r.p50 + ' ms', 'p95 ' + r.p95 + ' ms', '201: ' + r.created, 'stored: $stored', 'transactions: $commits', 'linked: ' + r.duplicates,
      'unlinked near-duplicates: $wrong', 'other: ' + JSON.stringify(Object.fromEntries(Object.entries(r.statuses).filter(([k]) => k !== '201'))),
      'load $load'].join('  '));"
  "$PG" dropdb "$db" >/dev/null
}

for clients in $CLIENTS; do
  [ -z "$BASE_DLL" ] || run base "$BASE_DLL" "$clients"
  run new "$DLL" "$clients"
done
