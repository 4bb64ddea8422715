#!/usr/bin/env bash
# Times a county's indicators read as of a past date against the same read of today, over N synthetic facilities
# (default 1,000,000) with a realistic history: every facility spread over Shanxi's counties (ST_GeneratePoints in
# each county's boundary), built on a date from 2021 to 2024, then changed in three later passes (status changes
# effective 2025-03-01, 2025-09-01 and 2026-03-01, each on two thirds of the facilities), so most facilities have
# four versions and the history holds about five rows per facility (docs/history.md: each change keeps the old belief
# and the new one about the past).
# Each read is "fresh": a no-op write before it bumps the change stamps, so the indicator cache misses. Today's read
# and the as-of read alternate, RUNS times each, for the county 永济市 (140881), and with PREFECTURE=1 also for its
# prefecture 运城市 (?parent=1408: 14 districts, about 15 s a read at this size on 2 cores).
# usage: PG_PORT=55447 bench/as-of.sh [N=1000000] [RUNS=9] [API_PORT=5198]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
RUNS=${2:-9}
API_PORT=${3:-5198}
DB=asof_bench
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
Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/asof-api.log" 2>&1 &
api=$!
# KEEP=1 keeps the scratch database for a closer look (EXPLAIN ANALYZE)
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; [ -n "${KEEP:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done

start=$(date +%s)
echo "inserting $N facilities with their build dates…" >&2
psql_bench <<SQL
WITH counties AS (
  SELECT code, boundary, count(*) OVER () AS n FROM districts WHERE level = 3 AND code LIKE '14%' AND boundary IS NOT NULL),
points AS (
  SELECT c.code, (ST_Dump(ST_GeneratePoints(c.boundary, ($N / c.n)::int, 1))).geom AS g FROM counties c)
INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at, valid_from)
SELECT (ARRAY['accessible_toilet','curb_ramp','ramp','accessible_entrance','bus_stop','public_building'])[1 + i % 6],
       'bench ' || i, ST_SetSRID(g, 4490), '{}',
       (ARRAY['operational','operational','operational','defective_usable','unusable','under_construction'])[1 + i % 6],
       code, 'bench', 'b' || i, now(), now(),
       timestamptz '2021-01-01 00:00+08' + (i % 1461) * interval '1 day'
FROM (SELECT row_number() OVER () AS i, code, g FROM points) p;
ANALYZE facilities;
SQL
for pass in "2025-03-01 0" "2025-09-01 1" "2026-03-01 2"; do
  read -r day skip <<<"$pass"
  echo "changing two thirds of them, effective $day…" >&2
  psql_bench <<SQL
BEGIN;
SELECT set_config('registry.valid_from', '$day 00:00+08', true) \gset
UPDATE facilities SET status = CASE status WHEN 'operational' THEN 'defective_usable' WHEN 'defective_usable' THEN 'unusable' ELSE 'operational' END,
       updated_at = now()
WHERE id % 3 <> $skip;
COMMIT;
SQL
done
psql_bench -c "ANALYZE facilities; ANALYZE facilities_history;"
echo "history built in $(( $(date +%s) - start )) s: $(psql_bench -c "SELECT count(*) FROM facilities") facilities, $(psql_bench -c "SELECT count(*) FROM facilities_history") history rows, $(psql_bench -c "SELECT count(*) FROM facilities WHERE district_code = '140881'") in 140881" >&2

write() { psql_bench -c "UPDATE facility_kind_intervals SET months = months WHERE false" >/dev/null; }
seconds() { curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$API_PORT$1"; }
stats() { sort -g | awk '{ v[NR] = $1 * 1000 } END { p = int(0.95 * NR + 0.999); printf "%8.0f %8.0f", v[int((NR + 1) / 2)], v[p] }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "load average before the reads: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-48s %8s %8s\n' "fresh read (ms)" "median" "p95"
reads=("/api/v1/coverage/140881")
[ -n "${PREFECTURE:-}" ] && reads+=("/api/v1/coverage?parent=1408")
for base in "${reads[@]}"; do
  sep='?'; [[ $base == *\?* ]] && sep='&'
  asof="$base${sep}asOf=2025-06-30"
  seconds "$base" >/dev/null; seconds "$asof" >/dev/null # warm-up
  today=(); past=()
  for _ in $(seq 1 "$RUNS"); do
    write; today+=("$(seconds "$base")")
    write; past+=("$(seconds "$asof")")
  done
  printf '%-48s %s\n' "$base" "$(printf '%s\n' "${today[@]}" | stats)"
  printf '%-48s %s\n' "$asof" "$(printf '%s\n' "${past[@]}" | stats)"
  t=$(printf '%s\n' "${today[@]}" | median); p=$(printf '%s\n' "${past[@]}" | median)
  echo "  as-of / today (medians): $(echo "scale=2; $p / $t" | bc)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
