#!/usr/bin/env bash
# Loads N synthetic facilities inside 永济市 (140881) three times, side by side in one run, and compares:
#   1. ogr2ogr -f PostgreSQL into a scratch table (GDAL's COPY path; no validation, no district placement)
#   2. the registry's import-facilities command with the bulk load turned off (Imports__BulkLoadRows above N): the
#      insert maintains the indexes of facilities row by row, checks each foreign key per row and captures the rows
#      for the coverage statement trigger (the write path of every import before the bulk load)
#   3. import-facilities as it runs (a first import of N ≥ Imports:BulkLoadRows rows is a bulk load)
# Run 2 takes minutes at 1 M rows and only shows what the bulk load saved: it runs only with ROW_BY_ROW=1.
# Both imports run as in production: migrations as the owner role, the import as the runtime role. Each import gets
# its own copy of the migrated database, so neither sees the other's rows. Phase times come from the command's
# "phases:" line; the total also holds the host start (configuration, migrations check) before the first phase.
# usage: PG_PORT=55444 bench/import-vs-ogr2ogr.sh [N=1000000]
#        ROW_BY_ROW=1 … also runs the import with the bulk load turned off (run 2)
#        BENCH_BIN=src/Accessibility.Api/bin/Debug/net10.0 … runs an existing build (e.g. the Debug one `make run` uses)
#        instead of building the service in Release first.
#        EXPLAIN=1 … logs the plan (EXPLAIN ANALYZE, BUFFERS) and time of every statement of the bulk load's transaction
#        that takes 200 ms or more, statements inside registry_facilities_bulk_end() too (auto_explain, nested), and
#        prints their times in order; the timing adds to the import's time, so take the table's row from a run without it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DB=import_bench
ROWS_DB=import_bench_rows
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
"$PG" start
"$PG" dropdb "$ROWS_DB" >/dev/null
"$PG" dropdb "$DB" >/dev/null
"$PG" createdb "$DB" >/dev/null
# A throw-away key for the scratch database (the host refuses to start without one; no personal data is written).
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_db() { local db=$1; shift; PGPASSWORD=$PASSWORD psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" "$@"; }
now() { date +%s.%N; }
cli() { # cli DB ARGS…: import-facilities into DB as the runtime role (the owner migrates)
  local db=$1; shift
  # A minute to connect: under a heavy load the 15 s default times out before the host has started.
  ACCESSIBILITY_DB="$("$PG" url "$db" app);Timeout=60" ACCESSIBILITY_DB_OWNER="$("$PG" url "$db" owner);Timeout=60" \
    dotnet "$BIN/Accessibility.Api.dll" import-facilities "$@"
}

if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$(cd "$BENCH_BIN" && pwd)
  echo "service: $BIN" >&2
else
  BIN=$WORK/bin
  echo "building the service (Release)…" >&2
  dotnet build "$ROOT/src/Accessibility.Api" -c Release -o "$BIN" -v quiet -nologo >/dev/null
fi

# Warm-up: migrates and seeds the scratch database (districts with boundaries), so neither run pays for it.
node "$ROOT/bench/generate-facilities.mjs" 10 "$WORK/warmup.geojson"
cli "$DB" --file "$WORK/warmup.geojson" --mapping "$ROOT/bench/bench-mapping.json" --source warmup >/dev/null
inside=$(psql_db "$DB" -c "SELECT ST_Covers(boundary, ST_MakeEnvelope(110.40, 34.84, 110.48, 34.90, 4490)) FROM districts WHERE code = '140881'")
[ "$inside" = t ] || { echo "the generator's box is not inside Yongji's boundary" >&2; exit 1; }
psql_db "$DB" -c "VACUUM ANALYZE"
psql_db postgres -c "CREATE DATABASE $ROWS_DB TEMPLATE $DB OWNER accessibility_owner"
if [ -n "${EXPLAIN:-}" ]; then
  for setting in "session_preload_libraries = 'auto_explain'" "auto_explain.log_min_duration = '200ms'" \
      "auto_explain.log_analyze = on" "auto_explain.log_buffers = on" "auto_explain.log_nested_statements = on"; do
    psql_db postgres -c "ALTER DATABASE $DB SET $setting"
  done
  LOG=${PG_VAR:-$ROOT/var/pg}/server.log
  log_from=$(stat -c %s "$LOG")
fi

FILE=$WORK/facilities-$N.geojson
if [ ! -s "$FILE" ]; then
  echo "generating $N facilities…" >&2
  node "$ROOT/bench/generate-facilities.mjs" "$N" "$FILE"
fi
echo "file: $FILE ($(du -h "$FILE" | cut -f1))" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

t0=$(now)
ogr2ogr -f PostgreSQL PG:"host=127.0.0.1 port=$PORT user=postgres password=$PASSWORD dbname=$DB" "$FILE" \
  -nln ogr_scratch -overwrite -lco GEOMETRY_NAME=geometry -lco SPATIAL_INDEX=GIST -a_srs EPSG:4490 --config PG_USE_COPY YES
t1=$(now)
if [ -n "${ROW_BY_ROW:-}" ]; then
  Imports__BulkLoadRows=2147483647 cli "$ROWS_DB" --file "$FILE" --mapping "$ROOT/bench/bench-mapping.json" --source bench 2>"$WORK/rows.err"
fi
t2=$(now)
cli "$DB" --file "$FILE" --mapping "$ROOT/bench/bench-mapping.json" --source bench 2>"$WORK/bulk.err"
t3=$(now)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

ogr_rows=$(psql_db "$DB" -c "SELECT count(*) FROM ogr_scratch")
bulk_rows=$(psql_db "$DB" -c "SELECT count(*) FROM facilities WHERE source = 'bench'")
phases() { grep '^phases:' "$1" | sed 's/^phases: //'; }
if [ -n "${ROW_BY_ROW:-}" ]; then
  rows_rows=$(psql_db "$ROWS_DB" -c "SELECT count(*) FROM facilities WHERE source = 'bench'")
  # The two imports must have written the same registry: same rows, districts, townships, grids.
  same=$(diff <(psql_db "$ROWS_DB" -c "SELECT external_id, district_code, township_code, grid_code, kind FROM facilities WHERE source = 'bench' ORDER BY 1") \
              <(psql_db "$DB" -c "SELECT external_id, district_code, township_code, grid_code, kind FROM facilities WHERE source = 'bench' ORDER BY 1") >/dev/null && echo yes || echo NO)
  row_by_row=$(phases "$WORK/rows.err")
else
  rows_rows=0 same=- row_by_row=
fi
awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v o="$ogr_rows" -v r="$rows_rows" -v k="$bulk_rows" \
    -v pr="$row_by_row" -v pk="$(phases "$WORK/bulk.err")" -v same="$same" 'BEGIN {
  ogr = b - a; rows = c - b; bulk = d - c;
  printf "rows: %d\n", n;
  printf "ogr2ogr:                       %6.1f s  %9.0f rows/s  (%d rows in ogr_scratch)\n", ogr, o / ogr, o;
  if (pr != "") printf "import-facilities, row by row: %6.1f s  %9.0f rows/s  (%d rows; %s)\n", rows, r / rows, r, pr;
  printf "import-facilities, bulk load:  %6.1f s  %9.0f rows/s  (%d rows; %s)\n", bulk, k / bulk, k, pk;
  if (pr != "") printf "ratio to ogr2ogr: row by row %.2f, bulk load %.2f; same facilities in both imports: %s\n", rows / ogr, bulk / ogr, same;
  else printf "ratio import-facilities / ogr2ogr: %.2f (%s)\n", bulk / ogr, bulk < ogr ? "the import is faster" : "ogr2ogr is faster";
}'
if [ -n "${EXPLAIN:-}" ]; then
  # One line a logged statement: its time and the first line of its text (the whole plans stay in the log).
  tail -c +"$((log_from + 1))" "$LOG" > "$WORK/bulk-explain.log"
  echo "statements of 200 ms or more (auto_explain; plans in $WORK/bulk-explain.log):"
  awk '/duration: [0-9.]+ ms  plan:/ { match($0, /duration: [0-9.]+/); d = substr($0, RSTART + 10, RLENGTH - 10); want = 1; next }
       want && /Query Text:/ { sub(/.*Query Text: */, ""); printf "%10.1f ms  %s\n", d, substr($0, 1, 110); want = 0 }' "$WORK/bulk-explain.log"
fi
# Scratch databases of up to 1 M rows are not left behind unless asked (KEEP=1).
[ -n "${KEEP:-}" ] || { "$PG" dropdb "$ROWS_DB" >/dev/null; "$PG" dropdb "$DB" >/dev/null; }
