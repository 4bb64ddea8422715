#!/usr/bin/env bash
# Times the facility list of a 0.05° box in the centre of Taiyuan (1,000 features a page) over a province of N
# synthetic facilities (default 1,000,000, bench/province-data.sh), side by side with its floor on the same data in the
# same run: the plain json_agg of the same 1,000 rows' own columns as GeoJSON Features (no paging count, no links, no
# inspection or defect properties), run by pgbench without JIT or parallel workers (its fastest here: with the server's
# defaults it pays JIT as well). Each is measured with 1 client and with 4 clients at once for
# SECONDS seconds: requests per second, median and 95th percentile.
# usage: PG_PORT=55444 bench/list.sh [N=1000000] [API_PORT=5197] [SECONDS=15]
#        KEEP=1 keeps the scratch database (list_bench) afterwards; REUSE=1 uses the one kept (no new facilities).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
API_PORT=${2:-5197}
SECONDS_EACH=${3:-15}
DB=list_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
"$PG" start
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
ACCESSIBILITY_DB=$("$PG" url "$DB")
export ACCESSIBILITY_DB
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_bench() { PGPASSWORD=$PASSWORD psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@"; }
DLL=$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
[ -f "$DLL" ] || dotnet build "$ROOT/src/Accessibility.Api" -c Debug -v quiet -nologo >/dev/null

if [ -z "${REUSE:-}" ]; then
  "$PG" dropdb "$DB" >/dev/null
  dotnet "$DLL" create-database >/dev/null
fi
# The service migrates the scratch database and loads the districts; then the facilities go in.
Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/list-api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; [ -n "${KEEP:-}${REUSE:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 180); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done
if [ -z "${REUSE:-}" ]; then
  # shellcheck source=bench/province-data.sh
  . "$ROOT/bench/province-data.sh"
fi

BOX="112.525,37.845,112.575,37.895"
URL="http://127.0.0.1:$API_PORT/api/v1/facilities?bbox=$BOX&limit=1000"
cat >"$WORK/list-floor.sql" <<'SQL'
SELECT json_agg(json_build_object(
  'type', 'Feature', 'id', f.id, 'geometry', ST_AsGeoJSON(f.geometry, 7, 0)::json,
  'properties', json_build_object('id', f.id, 'kind', f.kind, 'name', f.name, 'status', f.status,
    'managingUnit', f.managing_unit, 'districtCode', f.district_code, 'townshipCode', f.township_code, 'source', f.source,
    'externalId', f.external_id, 'attributes', f.attributes, 'version', f.xmin::text::bigint,
    'createdAt', f.created_at, 'updatedAt', f.updated_at)) ORDER BY f.id)::text
FROM (SELECT f.*, f.xmin FROM facilities f
      WHERE f.deleted_at IS NULL AND ST_Intersects(f.geometry, ST_MakeEnvelope(112.525, 37.845, 112.575, 37.895, 4490))
      ORDER BY f.id LIMIT 1000) f;
SQL

in_box=$(psql_bench -c "SELECT count(*) FROM facilities WHERE ST_Intersects(geometry, ST_MakeEnvelope($BOX, 4490))")
echo "$(psql_bench -c "SELECT count(*) FROM facilities") facilities, $in_box in the box $BOX"
features=$(curl -fsS "$URL" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.features.length+" features, numberMatched "+j.numberMatched)})')
echo "service: $features"

# pgbench: every transaction's latency in its log (microseconds, 3rd column), so median and p95 are read as for HTTP.
floor() { # clients -> the same JSON line as http-load.mjs
  local dir
  dir=$(mktemp -d)
  (cd "$dir" && PGPASSWORD=$PASSWORD PGOPTIONS="-c jit=off -c max_parallel_workers_per_gather=0" pgbench -n -h 127.0.0.1 -p "$PORT" -U postgres -c "$1" -j "$1" -T "$SECONDS_EACH" -l \
     -f "$WORK/list-floor.sql" "$DB" >pgbench.out 2>&1)
  awk '{ print $3 / 1000 }' "$dir"/pgbench_log.* | sort -g | awk -v s="$SECONDS_EACH" '{ v[NR] = $1 } END {
    printf "{\"requests\":%d,\"perSecond\":%.1f,\"medianMs\":%.1f,\"p95Ms\":%.1f}\n", NR, NR / s, v[int((NR + 1) / 2)], v[int(0.95 * NR + 0.999)] }'
  rm -rf "$dir"
}

# Warm-up of both: the service's JIT and connection pool, PostgreSQL's caches.
for _ in 1 2 3; do curl -fsS -o /dev/null "$URL"; done
SECONDS_EACH=3 floor 1 >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%7s | %-7s | %8s | %8s | %8s\n" clients what "req/s" "p50 ms" "p95 ms"
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }
for clients in 1 4; do
  service=$(node "$ROOT/bench/http-load.mjs" "$URL" "$clients" "$SECONDS_EACH")
  plain=$(floor "$clients")
  for what in service floor; do
    line=$service; [ $what = floor ] && line=$plain
    printf "%7s | %-7s | %8s | %8s | %8s\n" "$clients" "$what" "$(field "$line" perSecond)" "$(field "$line" medianMs)" "$(field "$line" p95Ms)"
  done
  ratio=$(awk -v a="$(field "$service" medianMs)" -v b="$(field "$plain" medianMs)" 'BEGIN { printf "%.2f", a / b }')
  echo "        clients $clients: service median / floor median = $ratio (goal ≤ 1.5); service $(field "$service" perSecond) req/s$([ "$clients" = 4 ] && echo ' (goal ≥ 40)')"
done
echo "($(nproc) cores: 4 clients can give at most $(nproc)× one client's rate when each request keeps a core busy)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
