#!/usr/bin/env bash
# Times the facility vector tiles over a province of N synthetic facilities (default 1,000,000: half spread over
# Shanxi's bounding box, half in a cloud of about 20 km around Taiyuan; 80 % inspected over the last 800 days, so that
# every inspection state occurs) in a scratch database, for every zoom 0–16, side by side in one run
# (bench/README.md, "Every zoom from kept cells"):
#   cold    the first request of each of the 5×5 tiles around Taiyuan (fewer at zooms 0–2): stamp + the tile's SQL;
#   304     each again with its ETag, 3 times (from the change stamps in memory, no query);
#   cached  each again without a validator, 3 times (the tile cache's 200, no query);
#   floor   the centre tile's features read ready-made (count, breakdowns, projected point) from a table holding exactly
#           them, encoded by ST_AsMVT, in psql on a warm session: what any tile statement costs at least;
#   healthz the service's empty round trip (what any unchanged answer costs at least).
# The service is the Debug build (`make build`, as `make run` runs it), over one kept-alive connection.
# Up to zoom 15 the tiles are clusters (read from the kept cells); from 16 on single facilities.
# usage: PG_PORT=55444 bench/tiles.sh [N=1000000] [PORT=5199]
#   REUSE=1   use the scratch database tiles_bench kept by an earlier run when it holds N facilities (else build it)
#   KEEP=1    keep tiles_bench afterwards (REUSE=1 keeps it too)
#   BEFORE=1  also time the centre tile's statement as it ran per request before issue 16 (slow: seconds a tile at 1 M)
#   ZOOMS="6 10 14"  only these zooms (default 0–16)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
API_PORT=${2:-5199}
ZOOMS=${ZOOMS:-$(seq -s ' ' 0 16)}
DB=tiles_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
"$PG" start >/dev/null
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
ACCESSIBILITY_DB=$("$PG" url "$DB")
export ACCESSIBILITY_DB
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_bench() { PGPASSWORD=$PASSWORD psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@"; }
DLL=$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
[ -f "$DLL" ] || dotnet build "$ROOT/src/Accessibility.Api" -c Debug -v quiet -nologo >/dev/null

have=$(psql_bench -c "SELECT count(*) FROM facilities" 2>/dev/null || echo 0)
fresh=1
if [ -n "${REUSE:-}" ] && [ "$have" = "$N" ]; then
  fresh=
  echo "reusing $DB ($have facilities)" >&2
else
  "$PG" dropdb "$DB" >/dev/null 2>&1 || true
  dotnet "$DLL" create-database >/dev/null
fi
# The service migrates the scratch database and loads the districts; then the facilities go in.
Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/tiles-api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; [ -n "${KEEP:-}${REUSE:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done

if [ -n "$fresh" ]; then
  echo "inserting $N facilities…" >&2
  psql_bench <<SQL
INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
SELECT (ARRAY['accessible_toilet','curb_ramp','ramp','accessible_entrance','bus_stop','public_building'])[1 + i % 6],
       'bench ' || i,
       CASE WHEN i % 2 = 0
         -- half near Taiyuan (a normal-ish cloud of about 20 km), half uniform over Shanxi's bounding box
         THEN ST_SetSRID(ST_MakePoint(112.55 + (random() + random() + random() - 1.5) * 0.3, 37.87 + (random() + random() + random() - 1.5) * 0.3), 4490)
         ELSE ST_SetSRID(ST_MakePoint(110.2 + random() * 4.4, 34.6 + random() * 6.1), 4490) END,
       '{}', (ARRAY['operational','operational','operational','defective_usable','unusable','under_construction'])[1 + i % 6],
       '140881', 'bench', 'b' || i, now(), now()
FROM generate_series(1, $N) i;
INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                         facility_status, answers, photo_ids, source, created_at)
SELECT gen_random_uuid(), 'bench', f.id, f.district_code, 'bench', now() - random() * interval '800 days', 'pass', f.status,
       '[]'::jsonb, '{}', 'bench', now()
FROM facilities f WHERE f.id % 5 <> 0;
VACUUM ANALYZE;
SQL
fi

tile() { # lon lat z -> x y
  awk -v lon="$1" -v lat="$2" -v z="$3" 'BEGIN { n = 2 ^ z; pi = atan2(0, -1); r = lat * pi / 180;
    printf "%d %d\n", int((lon + 180) / 360 * n), int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n) }'
}
ms() { # psql variables… < statement file: the statement's time in ms, run with the tiles' planner settings
  { echo "SET jit = off; SET max_parallel_workers_per_gather = 0;"; echo '\timing on'; cat; } |
    PGPASSWORD=$PASSWORD psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@" -o /dev/null 2>&1 |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

# The floor table: the centre tile's features as they are served, projected, made once per database by the former
# per-request statement (bench/tiles-per-request.sql) and kept with it (REUSE).
psql_bench -c "SET client_min_messages = warning" -c "CREATE TABLE IF NOT EXISTS bench_floor (z int, x int, y int, count bigint, id bigint, kind text, status text, state text,
  statuses text, states text, geom geometry)" >/dev/null
for z in $ZOOMS; do
  [ "$z" -le 15 ] || continue
  read -r cx cy < <(tile 112.55 37.87 "$z")
  grid=8; [ "$z" -gt 12 ] && grid=16
  if [ "$(psql_bench -c "SELECT count(*) FROM bench_floor WHERE z = $z")" = 0 ]; then
    echo "floor of zoom $z…" >&2
    sed 's/^SELECT ST_AsMVT(mvt.*$/INSERT INTO bench_floor SELECT :z, :x, :y, count, id, kind, status, "inspectionState", statuses, "inspectionStates", geom FROM mvt WHERE geom IS NOT NULL;/' \
      "$ROOT/bench/tiles-per-request.sql" | ms -v z="$z" -v x="$cx" -v y="$cy" -v grid="$grid" >/dev/null
  fi
done

BASE="http://127.0.0.1:$API_PORT"
# Warm-up: the service's first requests (JIT of .NET, the pool's connections), away from the measured tiles.
for _ in 1 2 3; do curl -fsS -o /dev/null "$BASE/healthz"; curl -fsS -o /dev/null "$BASE/tiles/facilities/16/0/0.mvt"; done
healthz=$(node "$ROOT/bench/http-load.mjs" "$BASE/healthz" 1 3)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%4s | %8s %8s | %8s %8s | %8s %8s | %8s %9s | %4s %8s %17s %9s\n" zoom "cold p50" "p95" "304 p50" "p95" "cache p50" "p95" floor before n bytes "symbols/facilities" "cell rows"
over=0
for z in $ZOOMS; do
  read -r cx cy < <(tile 112.55 37.87 "$z")
  grid=8; [ "$z" -gt 12 ] && grid=16
  floor="-"; before="-"; rows="-"
  if [ "$z" -le 15 ]; then
    # the kept cell rows the centre tile reads (its cells and a one-cell ring)
    rows=$(psql_bench -c "SELECT count(*) FROM facility_cluster_cells WHERE z = $z AND cx BETWEEN $cx * $grid - 1 AND ($cx + 1) * $grid AND cy BETWEEN $cy * $grid - 1 AND ($cy + 1) * $grid")
    floor_sql="SELECT ST_AsMVT(q, 'facilities', 4096, 'geom', 'id') FROM (SELECT count, id, kind, status, state AS \"inspectionState\",
      statuses, states AS \"inspectionStates\", geom FROM bench_floor WHERE z = :z AND x = :x AND y = :y) q;"
    # three times in one session, the third timed: a new backend's first ST_ use loads PostGIS (tens of ms), which the
    # service's pooled connections never pay
    floor=$(printf "%s\n%s\n%s\n" "$floor_sql" "$floor_sql" "$floor_sql" | ms -v z="$z" -v x="$cx" -v y="$cy")
    [ -z "${BEFORE:-}" ] || before=$(ms -v z="$z" -v x="$cx" -v y="$cy" -v grid="$grid" < "$ROOT/bench/tiles-per-request.sql")
  fi
  line=$(node "$ROOT/bench/tile-times.mjs" "$BASE" facilities "$z" 112.55 37.87 5 3)
  echo "$line" >>"$WORK/tiles-times.jsonl"
  read -r c50 c95 n m50 m95 h50 h95 bytes symbols facilities < <(node -e '
    const j = JSON.parse(process.argv[1]);
    console.log([j.cold.p50, j.cold.p95, j.cold.n, j.notModified.p50, j.notModified.p95, j.cached.p50, j.cached.p95,
      j.centre.bytes, j.centre.symbols, j.centre.facilities].join(" "));' "$line")
  flag=$(awk -v c="$c95" -v m="$m95" -v h="$h95" 'BEGIN { print (c > 50 || m > 5 || h > 5) ? " *" : "" }')
  [ -z "$flag" ] || over=$((over + 1))
  printf "%4s | %8s %8s | %8s %8s | %8s %8s | %8s %9s | %4s %8s %17s %9s%s\n" "$z" "$c50" "$c95" "$m50" "$m95" "$h50" "$h95" "$floor" "$before" "$n" "$bytes" "$symbols/$facilities" "$rows" "$flag"
done
echo "(ms; cold: each tile's first request; 304 / cache: 3 repeats of each; floor, before: the centre tile in psql;"
echo " n: tiles; symbols/facilities: the centre tile's; cell rows: the kept facility_cluster_cells rows the centre tile reads;"
echo " * = over the goal: cold p95 > 50 ms or unchanged p95 > 5 ms)"
echo "healthz (the service's empty round trip): $healthz"
echo "$(psql_bench -c "SELECT count(*) FROM facilities") facilities; zooms over the goal: $over"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
