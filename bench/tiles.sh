#!/usr/bin/env bash
# Times the facility vector tiles over a province of N synthetic facilities (default 1,000,000, spread over
# Shanxi's bounding box, denser around Taiyuan; 80 % inspected over the last 800 days, so that every inspection state
# occurs) in a scratch database: 3×3 tiles around Taiyuan per zoom, cold (first request) and revalidated
# (If-None-Match → 304), with the feature count and size of the centre tile; side by side, the centre tile's
# statement in psql as it ran per request before issue 16 (bench/tiles-per-request.sql; BEFORE=0 skips it) and the
# floor: the same tile's features read from a table holding them ready (count, breakdowns, projected point).
# Up to zoom 15 the tiles are clusters (read from the kept cells up to 12); from 16 on single facilities.
# usage: PG_PORT=55444 bench/tiles.sh [N=1000000] [PORT=5199]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
API_PORT=${2:-5199}
DB=tiles_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
"$PG" start
"$PG" dropdb "$DB" >/dev/null
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
ACCESSIBILITY_DB=$("$PG" url "$DB")
export ACCESSIBILITY_DB
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_bench() { PGPASSWORD=$PASSWORD psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@"; }
DLL=$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
[ -f "$DLL" ] || dotnet build "$ROOT/src/Accessibility.Api" -c Debug -v quiet -nologo >/dev/null

dotnet "$DLL" create-database >/dev/null
# The service migrates the scratch database and loads the districts; then the facilities go in.
Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/tiles-api.log" 2>&1 &
api=$!
# KEEP=1 keeps the scratch database for a closer look (EXPLAIN ANALYZE)
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; [ -n "${KEEP:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done

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
ANALYZE;
SQL

tile() { # lon lat z -> x y
  awk -v lon="$1" -v lat="$2" -v z="$3" 'BEGIN { n = 2 ^ z; pi = atan2(0, -1); r = lat * pi / 180;
    printf "%d %d\n", int((lon + 180) / 360 * n), int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n) }'
}
# The floor: the centre tile's features as they are served, projected, in a table of their own; reading them is all a
# tile could cost (the ST_AsMVT encoding of ready rows).
psql_bench -c "CREATE TABLE bench_floor (z int, x int, y int, count bigint, id bigint, kind text, status text, state text,
  statuses text, states text, geom geometry)" >/dev/null
ms() { # psql variables… < statement file: the statement's time in ms, run with the tiles' planner settings
  { echo "SET jit = off; SET max_parallel_workers_per_gather = 0;"; echo '\timing on'; cat; } |
    PGPASSWORD=$PASSWORD psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@" -o /dev/null 2>&1 |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}
printf "%4s %10s %10s %10s %10s %10s %10s %8s\n" zoom "cold p50" "cold max" "304 p50" "before" "floor" bytes features
for z in 6 8 10 12 13 14 16; do
  read -r cx cy < <(tile 112.55 37.87 "$z")
  grid=8; [ "$z" -gt 12 ] && grid=16
  before="-"
  if [ "$z" -le 15 ]; then
    sed 's/^SELECT ST_AsMVT(mvt.*$/INSERT INTO bench_floor SELECT :z, :x, :y, count, id, kind, status, "inspectionState", statuses, "inspectionStates", geom FROM mvt WHERE geom IS NOT NULL;/' \
      "$ROOT/bench/tiles-per-request.sql" | ms -v z="$z" -v x="$cx" -v y="$cy" -v grid="$grid" >/dev/null
    [ "${BEFORE:-1}" = 0 ] || before=$(ms -v z="$z" -v x="$cx" -v y="$cy" -v grid="$grid" < "$ROOT/bench/tiles-per-request.sql")
    floor=$(echo "SELECT ST_AsMVT(q, 'facilities', 4096, 'geom', 'id') FROM (SELECT count, id, kind, status, state AS \"inspectionState\",
      statuses, states AS \"inspectionStates\", geom FROM bench_floor WHERE z = :z AND x = :x AND y = :y) q;" |
      ms -v z="$z" -v x="$cx" -v y="$cy")
  else
    floor="-"
  fi
  cold=(); warm=()
  for dx in -1 0 1; do
    for dy in -1 0 1; do
      url="http://127.0.0.1:$API_PORT/tiles/facilities/$z/$((cx + dx))/$((cy + dy)).mvt"
      out=$(curl -s -D "$WORK/h" -o "$WORK/t.mvt" -w "%{time_total}" "$url")
      cold+=("$out")
      etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$WORK/h" | tr -d '\r')
      warm+=("$(curl -s -o /dev/null -H "If-None-Match: $etag" -w "%{time_total}" "$url")")
      if [ $dx = 0 ] && [ $dy = 0 ]; then
        bytes=$(stat -c %s "$WORK/t.mvt")
        features=$(node --input-type=module -e "
          import { VectorTile } from '$ROOT/node_modules/@mapbox/vector-tile/index.js';
          import { PbfReader } from '$ROOT/node_modules/pbf/index.js';
          import { readFileSync } from 'node:fs';
          const b = readFileSync('$WORK/t.mvt'); const l = b.length ? new VectorTile(new PbfReader(b)).layers.facilities : null;
          let n = 0; for (let i = 0; l && i < l.length; i++) n += Number(l.feature(i).properties.count || 1);
          console.log((l ? l.length : 0) + '/' + n);")
      fi
    done
  done
  median() { printf "%s\n" "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  maxof() { printf "%s\n" "$@" | sort -n | tail -1; }
  printf "%4s %9.0fms %9.0fms %9.0fms %10s %10s %10s %8s\n" "$z" "$(echo "$(median "${cold[@]}") * 1000" | bc)" \
    "$(echo "$(maxof "${cold[@]}") * 1000" | bc)" "$(echo "$(median "${warm[@]}") * 1000" | bc)" "$before" "$floor" "$bytes" "$features"
done
echo "(features: symbols in the centre tile / facilities they stand for; before, floor: the centre tile's statement in psql, ms)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
