#!/usr/bin/env bash
# Runs every test project: the .NET tests (each fixture makes its own throw-away database)
# and the browser tests (against a real service on a throw-away database with demo data).
# Ends with one line: "N passed, N failed, N skipped (scale-out: N passed, N failed)".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p var/test
if [ -n "${ACCESSIBILITY_DB:-}" ]; then
  server="$ACCESSIBILITY_DB"
else
  server=$(scripts/pg.sh url postgres)
fi
export ACCESSIBILITY_TEST_SERVER="$server"
# Key for the personal data of renovation cases: generated once per checkout as var/personal-data.key (never
# committed), which the service and its command-line verbs read (the .NET tests use a fresh key of their own).
scripts/personal-data-key.sh >/dev/null

passed=0; failed=0; skipped=0; status=0

# .NET tests (ONLY_BROWSER=1 leaves them out, while working on browser tests; `make test` and CI never set it)
if [ "${ONLY_BROWSER:-}" != 1 ]; then
dotnet test Accessibility.sln --no-build --nologo 2>&1 | tee var/test/dotnet.log
[ "${PIPESTATUS[0]}" = 0 ] || status=1
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+),[[:space:]]*Passed:[[:space:]]*([0-9]+),[[:space:]]*Skipped:[[:space:]]*([0-9]+).*/\1 \2 \3/p' var/test/dotnet.log)
if ! grep -qE 'Passed:[[:space:]]*[0-9]+' var/test/dotnet.log; then status=1; failed=$((failed + 1)); echo "No .NET test results found." >&2; fi
fi

# Browser tests against a real service, on a throw-away database. On the private cluster the service runs as in
# production: migrations as the owner role, requests as the runtime role (scripts/pg.sh). On a server given by
# ACCESSIBILITY_DB (a superuser's connection) it runs as that one role.
db="acc_browser_$$"
port=${BROWSER_TEST_PORT:-5091}
url="http://127.0.0.1:$port"
DLL=src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
if [ -n "${ACCESSIBILITY_DB:-}" ]; then
  browser_db=$(echo "$server" | sed -E "s/Database=[^;]*/Database=$db/")
  browser_connection() { export ACCESSIBILITY_DB="$browser_db"; }
  ( browser_connection; dotnet "$DLL" create-database ) >var/test/browser-api.log 2>&1
else
  scripts/pg.sh createdb "$db" >var/test/browser-api.log 2>&1
  # Exported in a subshell only: connection strings hold passwords and never go on a command line.
  browser_connection() {
    ConnectionStrings__Registry=$(scripts/pg.sh url "$db" app); ConnectionStrings__RegistryOwner=$(scripts/pg.sh url "$db" owner)
    export ConnectionStrings__Registry ConnectionStrings__RegistryOwner
  }
fi
registry() ( browser_connection; exec dotnet "$DLL" "$@" )
# A planner of Yongji for the renovations page; the password goes by stdin and env, never on a command line.
export PLANNER_USER="browser-planner" PLANNER_PASSWORD="planner-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
printf '%s\n' "$PLANNER_PASSWORD" | registry user create --name "$PLANNER_USER" --role planner --district 140881 --password-stdin >>var/test/browser-api.log 2>&1
# An inspector for Yongji (140881) with a throw-away password, for the inspector page tests.
export INSPECTOR_USER=browser-inspector
INSPECTOR_PASSWORD="browser-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export INSPECTOR_PASSWORD
printf '%s\n' "$INSPECTOR_PASSWORD" | registry user create --name "$INSPECTOR_USER" --role inspector --district 140881 --password-stdin >>var/test/browser-api.log 2>&1
# The staff workspace's other roles in Yongji: a district administrator (残联) and the managing unit of most of its
# demo facilities (the body that repairs). Same throw-away passwords, by stdin and env only.
export ADMIN_USER=browser-admin UNIT_USER=browser-unit UNIT_NAME="永济市住房和城乡建设局"
ADMIN_PASSWORD="browser-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; UNIT_PASSWORD="browser-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export ADMIN_PASSWORD UNIT_PASSWORD
printf '%s\n' "$ADMIN_PASSWORD" | registry user create --name "$ADMIN_USER" --role district-admin --district 140881 --password-stdin >>var/test/browser-api.log 2>&1
printf '%s\n' "$UNIT_PASSWORD" | registry user create --name "$UNIT_USER" --role managing-unit --district 140881 --managing-unit "$UNIT_NAME" --password-stdin >>var/test/browser-api.log 2>&1
# A planner of another county (Luoyang's 410307), to show that Yongji's households stay out of their sight.
export OTHER_PLANNER_USER=browser-planner-elsewhere
OTHER_PLANNER_PASSWORD="browser-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; export OTHER_PLANNER_PASSWORD
printf '%s\n' "$OTHER_PLANNER_PASSWORD" | registry user create --name "$OTHER_PLANNER_USER" --role planner --district 410307 --password-stdin >>var/test/browser-api.log 2>&1
( browser_connection; Registry__LoadDemoData=true exec nohup dotnet "$DLL" --urls "$url" ) >>var/test/browser-api.log 2>&1 &
api=$!
ready=0
for _ in $(seq 1 300); do
  if curl -fsS "$url/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 $api 2>/dev/null || break
  sleep 1
done
if [ $ready = 1 ]; then
  # A grid worker (网格员) of the demo grid holding one of Yongji's demo curb ramps (the demo draws grids for Yongji);
  # without demo grids, a grid is drawn around that ramp and the county's records placed in it. Then the account.
  run_sql() {
    if [ -n "${ACCESSIBILITY_DB:-}" ]; then
      psql -X -q -tA -v ON_ERROR_STOP=1 "$(echo "$browser_db" | sed -E 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')"
    else
      scripts/pg.sh sql "$db"
    fi
  }
  ramp="FROM facilities WHERE district_code = '140881' AND kind = 'curb_ramp' AND deleted_at IS NULL ORDER BY id LIMIT 1"
  GRID_CODE=$(echo "SELECT grid_code $ramp" | run_sql 2>>var/test/browser-api.log | tr -d '[:space:]')
  if [ -z "$GRID_CODE" ]; then
    GRID_CODE=140881001901
    echo "INSERT INTO community_grids (code, name, township_code, county_code, boundary, patrol_interval_days, source)
      SELECT '$GRID_CODE', '浏览器测试网格', '140881001', '140881', ST_Multi(ST_Expand(ST_Envelope(geometry), 0.003)), 30, 'browser-test'
      $ramp ON CONFLICT (code) DO NOTHING; SELECT registry_place_in_grids('140881');" | run_sql >>var/test/browser-api.log 2>&1
  fi
  export GRID_WORKER_USER=browser-grid-worker GRID_CODE
  GRID_WORKER_PASSWORD="browser-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; export GRID_WORKER_PASSWORD
  printf '%s\n' "$GRID_WORKER_PASSWORD" | registry user create --name "$GRID_WORKER_USER" --role grid-worker --grid "$GRID_CODE" --password-stdin >>var/test/browser-api.log 2>&1
  # BROWSER_TESTS="tests/browser/a.test.mjs …" runs only those files (while working on them); every file by default.
  # shellcheck disable=SC2086
  BASE_URL="$url" node --test --test-reporter=tap ${BROWSER_TESTS:-tests/browser/} 2>&1 | tee var/test/browser.log
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  p=$(sed -nE 's/^# pass ([0-9]+)/\1/p' var/test/browser.log | tail -1); f=$(sed -nE 's/^# fail ([0-9]+)/\1/p' var/test/browser.log | tail -1)
  s=$(sed -nE 's/^# skipped ([0-9]+)/\1/p' var/test/browser.log | tail -1)
  # node:test reports a test that ran out of time as "cancelled", not "fail": it is a failure all the same.
  c=$(sed -nE 's/^# cancelled ([0-9]+)/\1/p' var/test/browser.log | tail -1); f=$(( ${f:-0} + ${c:-0} ))
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
else
  echo "The service for the browser tests did not start; last lines of var/test/browser-api.log:" >&2
  tail -n 40 var/test/browser-api.log >&2
  failed=$((failed + 1)); status=1
fi
kill $api 2>/dev/null; wait $api 2>/dev/null
if [ -n "${ACCESSIBILITY_DB:-}" ]; then registry drop-database >/dev/null 2>&1 || true; else scripts/pg.sh dropdb "$db" >/dev/null 2>&1 || true; fi

# Scale-out on real parts (scripts/scale.sh test): the private cluster's streaming standby, two service instances and
# nginx; replica routing, read-your-own-writes and the failover under load. Its own throw-away database; ~1 minute.
# ONLY_BROWSER=1 leaves it out, like the .NET tests.
scale=""
if [ "${ONLY_BROWSER:-}" != 1 ]; then
  scripts/scale.sh test 2>&1 | tee var/test/scale-run.log
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  read -r sp sf < <(sed -nE 's/^scale tests: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' var/test/scale-run.log | tail -1)
  passed=$((passed + ${sp:-0})); failed=$((failed + ${sf:-1}))
  scale=" (scale-out: ${sp:-0} passed, ${sf:-1} failed)"
fi

# Backups restored: point-in-time recovery from the WAL archive and a pg_dump, each with the service started on it
# (tests/deploy/backup-restore.sh, its own throw-away clusters), counted in the same line.
if [ "${ONLY_BROWSER:-}" != 1 ]; then
  tests/deploy/backup-restore.sh 2>&1 | tee var/test/backup-restore.log
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  read -r p f < <(sed -nE 's/^backup and restore: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' var/test/backup-restore.log | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
fi

# Lint, type check and Node unit tests of the script pages (scripts/lint.sh), counted in the same line.
scripts/lint.sh 2>&1 | tee var/test/lint.log
[ "${PIPESTATUS[0]}" = 0 ] || status=1
read -r p f < <(sed -nE 's/^web checks: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' var/test/lint.log | tail -1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))

echo "$passed passed, $failed failed, $skipped skipped$scale"
exit $status
