#!/usr/bin/env bash
# The district panel's fresh and repeated reads (bench/coverage-indicators.sh) over a province of N synthetic facilities
# (default 1,000,000, bench/province-data.sh: every facility in its real county, half of them in Taiyuan), once after
# the write that touches every district (facility_kind_intervals) and once after a write of one facility of 永济市.
# The panel's goal row (issue 16: county / prefecture / province fresh ≤ 50 ms p95) is the last table: 永济市, 运城市 and
# 山西省 read alone, fresh after a write of one facility in 永济市, by the registry as built (a prefecture and the
# province added up from their counties, Features/Coverage/CoverageComposition.cs) and, beside it, by a second instance
# on API_PORT+1 started with Coverage__Compose=false (the direct statement over every row, as before).
# BEFORE_DLL=path/Accessibility.Api.dll makes the second instance another build (e.g. a copy of main's bin before a change,
# composing as it does) instead of this build with Coverage__Compose=false: the goal row then reads before and after side
# by side in one run, on one database (this build's migrations applied).
# usage: PG_PORT=55444 bench/coverage-1m.sh [N=1000000] [API_PORT=5196] [RUNS=7] [REPEATS=5]
#        KEEP=1 keeps the scratch database (list_bench, shared with bench/list.sh); REUSE=1 uses the one kept.
#        ONLY_GOAL=1 runs the goal row's table only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
API_PORT=${2:-5196}
RUNS=${3:-7}
REPEATS=${4:-5}
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
Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/coverage-api.log" 2>&1 &
api=$!
direct=
trap 'kill $api $direct 2>/dev/null || true; wait $api $direct 2>/dev/null || true; [ -n "${KEEP:-}${REUSE:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 180); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done
# The same build reading every district by the direct statement, for the side-by-side row (started once migrated).
if [ -n "${BEFORE_DLL:-}" ]; then
  Registry__LoadDemoData=false nohup dotnet "$BEFORE_DLL" --urls "http://127.0.0.1:$((API_PORT + 1))" >"$WORK/coverage-api-before.log" 2>&1 &
else
  Coverage__Compose=false Registry__LoadDemoData=false nohup dotnet "$DLL" --urls "http://127.0.0.1:$((API_PORT + 1))" >"$WORK/coverage-api-direct.log" 2>&1 &
fi
direct=$!
for _ in $(seq 1 180); do curl -fsS "http://127.0.0.1:$((API_PORT + 1))/readyz" >/dev/null 2>&1 && break; sleep 1; done
if [ -z "${REUSE:-}" ]; then
  # shellcheck source=bench/province-data.sh
  . "$ROOT/bench/province-data.sh"
fi
echo "$(psql_bench -c "SELECT count(*) FROM facilities") facilities, $(psql_bench -c "SELECT count(*) FROM facilities WHERE district_code = '140881'") in 140881, $(psql_bench -c "SELECT count(*) FROM facilities WHERE district_code LIKE '1408%'") in 1408"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${ONLY_GOAL:-}" ]; then
  echo "after a write touching every district:"
  "$ROOT/bench/coverage-indicators.sh" "http://127.0.0.1:$API_PORT" "$DB" "$RUNS" "$REPEATS"
  echo "after a write of one facility in 140881:"
  WRITE=facility "$ROOT/bench/coverage-indicators.sh" "http://127.0.0.1:$API_PORT" "$DB" "$RUNS" "$REPEATS"
fi
if [ -n "${BEFORE_DLL:-}" ]; then
  echo "goal row: fresh after a write of one facility in 140881; this build | compared = $BEFORE_DLL:"
else
  echo "goal row: fresh after a write of one facility in 140881; composed (this build) | compared = direct statement (Coverage__Compose=false):"
fi
PATHS="${GOAL_PATHS:-/api/v1/coverage/140881 /api/v1/coverage/140800 /api/v1/coverage/140000}" WRITE=facility \
  COMPARE_URL="http://127.0.0.1:$((API_PORT + 1))" "$ROOT/bench/coverage-indicators.sh" "http://127.0.0.1:$API_PORT" "$DB" "$RUNS" "$REPEATS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
