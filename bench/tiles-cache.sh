#!/usr/bin/env bash
# Facility tiles cold, cached and revalidated, side by side in one run, over a province of N synthetic facilities
# (default 200,000; the data of bench/tiles.sh: half around Taiyuan, half over Shanxi's bounding box):
#   cold    the first request of a tile: stamp read + the tile's SQL (what a 304 cost before tiles answered from
#           their change stamps, as the ETag hashed the rendered bytes)
#   cached  the same tile again without If-None-Match: served from the tile cache in memory
#   304     with the ETag of the first answer: answered from the stamps in memory
#   floor   GET /healthz: the service's round trip with no work
# then a write in Taiyuan (one facility) and the first request after it (re-rendered), and the 304 of a tile far
# from it (unchanged). Times are curl's time_total, median of the 3×3 tiles around Taiyuan per zoom (cached and
# 304: of 5 repeats each).
# usage: PG_PORT=55452 bench/tiles-cache.sh [N=200000] [PORT=5198]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-200000}
API_PORT=${2:-5198}
DB=tiles_cache_bench
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
Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/tiles-cache-api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; [ -n "${KEEP:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done

echo "inserting $N facilities…" >&2
psql_bench <<SQL
INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
SELECT (ARRAY['accessible_toilet','curb_ramp','ramp','accessible_entrance','bus_stop','public_building'])[1 + i % 6],
       'bench ' || i,
       CASE WHEN i % 2 = 0
         THEN ST_SetSRID(ST_MakePoint(112.55 + (random() + random() + random() - 1.5) * 0.3, 37.87 + (random() + random() + random() - 1.5) * 0.3), 4490)
         ELSE ST_SetSRID(ST_MakePoint(110.2 + random() * 4.4, 34.6 + random() * 6.1), 4490) END,
       '{}', (ARRAY['operational','operational','operational','defective_usable','unusable','under_construction'])[1 + i % 6],
       '140881', 'bench', 'b' || i, now(), now()
FROM generate_series(1, $N) i;
ANALYZE facilities;
SQL
sleep 2 # the service reloads the stamps the import's notification named too many cells for

tile() { # lon lat z -> x y
  awk -v lon="$1" -v lat="$2" -v z="$3" 'BEGIN { n = 2 ^ z; pi = atan2(0, -1); r = lat * pi / 180;
    printf "%d %d\n", int((lon + 180) / 360 * n), int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n) }'
}
ms() { printf "%s\n" "$@" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }'; }
etag_of() { sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$1" | tr -d '\r'; }
base="http://127.0.0.1:$API_PORT"

floor=()
for _ in $(seq 1 20); do floor+=("$(curl -s -o /dev/null -w "%{time_total}" "$base/healthz")"); done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); N=$N; Debug build"
printf "%4s %10s %10s %10s %10s %12s %10s\n" zoom "cold" "cached" "304" "floor" "after write" "304 far"
for z in 6 10 14; do
  read -r cx cy < <(tile 112.55 37.87 "$z")
  cold=(); cached=(); revalidated=(); declare -A tags=()
  for dx in -1 0 1; do
    for dy in -1 0 1; do
      url="$base/tiles/facilities/$z/$((cx + dx))/$((cy + dy)).mvt"
      cold+=("$(curl -s -D "$WORK/h" -o /dev/null -w "%{time_total}" "$url")")
      tags[$dx,$dy]=$(etag_of "$WORK/h")
      for _ in 1 2 3 4 5; do
        cached+=("$(curl -s -o /dev/null -w "%{time_total}" "$url")")
        revalidated+=("$(curl -s -o /dev/null -H "If-None-Match: ${tags[$dx,$dy]}" -w "%{time_total}" "$url")")
      done
    done
  done
  # A write at the centre of Taiyuan: the centre tile is rendered again; a tile at the far end of the province is not.
  psql_bench -c "UPDATE facilities SET name = name || '.' WHERE id = (SELECT id FROM facilities ORDER BY geometry <-> ST_SetSRID(ST_MakePoint(112.55, 37.87), 4490) LIMIT 1)"
  sleep 0.2
  after=$(curl -s -o /dev/null -w "%{time_total}" "$base/tiles/facilities/$z/$cx/$cy.mvt")
  read -r fx fy < <(tile 110.5 34.9 "$z")
  far="$base/tiles/facilities/$z/$fx/$fy.mvt"
  curl -s -D "$WORK/h" -o /dev/null "$far"
  farcode=$(curl -s -o /dev/null -H "If-None-Match: $(etag_of "$WORK/h")" -w "%{http_code} %{time_total}" "$far")
  printf "%4s %8.1fms %8.1fms %8.1fms %8.1fms %10.1fms %10s\n" "$z" "$(ms "${cold[@]}")" "$(ms "${cached[@]}")" \
    "$(ms "${revalidated[@]}")" "$(ms "${floor[@]}")" "$(ms "$after")" "${farcode%% *}"
  unset tags
done
