#!/usr/bin/env bash
# Loads N synthetic facilities inside 永济市 (140881) twice into a scratch database and compares:
#   1. ogr2ogr -f PostgreSQL into a scratch table (GDAL's COPY path; no validation, no district placement)
#   2. the registry's import-facilities command (validation, CRS, district placement, upsert, audit)
# usage: PG_PORT=55444 bench/import-vs-ogr2ogr.sh [N=1000000]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DB=import_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
"$PG" start
"$PG" dropdb "$DB" >/dev/null
"$PG" createdb "$DB" >/dev/null
export ACCESSIBILITY_DB
# A throw-away key for the scratch database (the host refuses to start without one; no personal data is written).
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
ACCESSIBILITY_DB=$("$PG" url "$DB")
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_bench() { PGPASSWORD=$PASSWORD psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@"; }
now() { date +%s.%N; }

echo "building the service (Release)…" >&2
dotnet build "$ROOT/src/Accessibility.Api" -c Release -o "$WORK/bin" -v quiet -nologo >/dev/null
CLI=(dotnet "$WORK/bin/Accessibility.Api.dll" import-facilities)

# Warm-up: migrates and seeds the scratch database (districts with boundaries), so neither run pays for it.
node "$ROOT/bench/generate-facilities.mjs" 10 "$WORK/warmup.geojson"
"${CLI[@]}" --file "$WORK/warmup.geojson" --mapping "$ROOT/bench/bench-mapping.json" --source warmup >/dev/null
inside=$(psql_bench -c "SELECT ST_Covers(boundary, ST_MakeEnvelope(110.40, 34.84, 110.48, 34.90, 4490)) FROM districts WHERE code = '140881'")
[ "$inside" = t ] || { echo "the generator's box is not inside Yongji's boundary" >&2; exit 1; }

FILE=$WORK/facilities-$N.geojson
if [ ! -s "$FILE" ]; then
  echo "generating $N facilities…" >&2
  node "$ROOT/bench/generate-facilities.mjs" "$N" "$FILE"
fi
echo "file: $FILE ($(du -h "$FILE" | cut -f1))" >&2

t0=$(now)
ogr2ogr -f PostgreSQL PG:"host=127.0.0.1 port=$PORT user=postgres password=$PASSWORD dbname=$DB" "$FILE" \
  -nln ogr_scratch -overwrite -lco GEOMETRY_NAME=geometry -lco SPATIAL_INDEX=GIST -a_srs EPSG:4490 --config PG_USE_COPY YES
t1=$(now)
"${CLI[@]}" --file "$FILE" --mapping "$ROOT/bench/bench-mapping.json" --source bench
t2=$(now)

ogr_rows=$(psql_bench -c "SELECT count(*) FROM ogr_scratch")
cli_rows=$(psql_bench -c "SELECT count(*) FROM facilities WHERE source = 'bench'")
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v o="$ogr_rows" -v r="$cli_rows" 'BEGIN {
  ogr = b - a; cli = c - b;
  printf "rows: %d\n", n;
  printf "ogr2ogr:           %8.1f s  %9.0f rows/s  (%d rows in ogr_scratch)\n", ogr, o / ogr, o;
  printf "import-facilities: %8.1f s  %9.0f rows/s  (%d rows in facilities)\n", cli, r / cli, r;
  printf "ratio import-facilities / ogr2ogr: %.2f\n", cli / ogr;
}'
