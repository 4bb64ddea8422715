#!/usr/bin/env bash
# Open311 intake (POST /open311/v2/requests.json) at a sustained rate, side by side in one run: a baseline build (by
# default commit BASE_REF, main before issue 16's intake CPU work, built here once into var/bench/) and this checkout's
# build, each on its own copy of one scratch database holding OPEN open reports (default 100,000, in the same 7 × 7 km of
# 永济市 the load falls in), at each client count, alternating. Each run is a warm-up at full load (WARMUP seconds: tiered
# JIT, pools, prepared statements, the backends' caches) and then the measured seconds, whose rate, latencies and CPU a
# report (/proc: the service, its PostgreSQL backends, the load generator) are printed: the sustained cost, not the
# start-up's. Afterwards every tracking number the clients were answered 201 with is looked up (none may be missing),
# the stored reports are checked for duplicate links the sequential rules forbid (a primary within 30 m of an older open
# primary of the same category) and divided by the transactions that wrote them (reports per commit). Prints one line
# per run with the load average, then the table.
# The load comes from wrk (Debian's `wrk`, installed here when missing) running bench/intake.lua: distinct reports, as
# bench/intake.mjs sends them (random points, two categories, one in five next to a hot spot), for a fraction of node's
# CPU a request: the generator shares the two cores with the service and PostgreSQL, so its CPU a request is printed.
# usage: PG_PORT=55453 bench/intake.sh [OPEN=100000] [SECONDS=30] ["CLIENTS"="8 32 64"] [PORT=5198]
#   GENERATORS="wrk node" each run with each load generator (default wrk; node = bench/intake.mjs)
#   BASE_REF=<commit>   the baseline (default 4e50928); BASE_DLL=<path to Accessibility.Api.dll> uses a build you made;
#                       NO_BASE=1 measures this checkout only
#   CONFIG=Release      both builds in Release (default Debug, as `make run` builds); built here when missing
#   WARMUP=20           seconds of full load before each measured run (not counted in the CPU columns)
#   WAITS=1             during each measured run, what the database's client backends are doing, sampled every 10 ms
#                       from pg_stat_activity (state and wait event, and the statement of the active ones): printed after
#                       the run and kept in var/bench/intake-waits-<build>-<clients>.txt
# (pick a port nobody else uses: the script stops when something already answers on it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OPEN=${1:-100000}
SECONDS_PER_RUN=${2:-30}
CLIENTS=${3:-8 32 64}
API_PORT=${4:-5198}
CONFIG=${CONFIG:-Debug}
BASE_REF=${BASE_REF:-4e50928}
TEMPLATE=intake_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
GENERATORS=${GENERATORS:-wrk}
case " $GENERATORS " in *" wrk "*)
  command -v wrk >/dev/null || { echo "installing wrk (Debian)…" >&2; apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; } ;;
esac
PG="$ROOT/scripts/pg.sh"
"$PG" start
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
psql_db() { local db=$1; shift; PGPASSWORD=$PASSWORD psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" "$@"; }
DLL=$ROOT/src/Accessibility.Api/bin/$CONFIG/net10.0/Accessibility.Api.dll
if [ ! -f "$DLL" ]; then
  [ "$CONFIG" = Debug ] && { echo "build the checkout first (make build)" >&2; exit 1; }
  dotnet build "$ROOT/src/Accessibility.Api/Accessibility.Api.csproj" -c "$CONFIG" --nologo -v quiet -clp:NoSummary >&2
fi
# The baseline: its own sources (data/ included: the service reads them from the directory it starts in), built once.
BASE_DLL=${BASE_DLL:-}
BASE_ROOT=$ROOT
BASE_LABEL=$BASE_DLL
if [ -z "$BASE_DLL" ] && [ -z "${NO_BASE:-}" ]; then
  BASE_ROOT=$WORK/intake-base-$BASE_REF
  BASE_DLL=$BASE_ROOT/src/Accessibility.Api/bin/$CONFIG/net10.0/Accessibility.Api.dll
  BASE_LABEL=$BASE_REF
  if [ ! -f "$BASE_DLL" ]; then
    echo "building the baseline $BASE_REF ($CONFIG) in $BASE_ROOT…" >&2
    rm -rf "$BASE_ROOT"; mkdir -p "$BASE_ROOT"
    git -C "$ROOT" archive "$BASE_REF" | tar -x -C "$BASE_ROOT"
    ln -s "$ROOT/node_modules" "$BASE_ROOT/node_modules"
    dotnet build "$BASE_ROOT/src/Accessibility.Api/Accessibility.Api.csproj" -c "$CONFIG" --nologo -v quiet -clp:NoSummary >&2
  fi
fi
# Anonymous filing is limited per address; every bench client is 127.0.0.1.
export Registry__Reports__PerIpPermits=1000000000 Registry__LoadDemoData=false

api=
cleanup() {
  [ -z "$api" ] || { kill "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true; }
  [ -n "${KEEP:-}" ] || { for db in $(psql_db postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${TEMPLATE}%'"); do "$PG" dropdb "$db" >/dev/null || true; done; }
}
trap cleanup EXIT

serve() { # DLL DB [DIR]: runs the service on DB (started in DIR, default this checkout) until stop
  # Never measure (or file into) someone else's service that happens to listen on the port.
  if curl -s -o /dev/null "http://127.0.0.1:$API_PORT/readyz"; then echo "port $API_PORT is taken; give another" >&2; exit 1; fi
  local url
  url=$("$PG" url "$2")
  (cd "${3:-$ROOT}" && ACCESSIBILITY_DB=$url exec nohup dotnet "$1" --urls "http://127.0.0.1:$API_PORT") >"$WORK/intake-api.log" 2>&1 &
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
(cd "$BASE_ROOT" && ACCESSIBILITY_DB=$("$PG" url "$TEMPLATE") dotnet "${BASE_DLL:-$DLL}" create-database >/dev/null)
serve "${BASE_DLL:-$DLL}" "$TEMPLATE" "$BASE_ROOT"
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

# CPU seconds (user + system) of processes, from /proc: the service's and its PostgreSQL backends' cost per report,
# which a busy machine slows down far less than it does the rate.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
backends() { psql_db postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$1' AND backend_type = 'client backend'"; }
HZ=$(getconf CLK_TCK)
ROWS=()
# One phase of load: GENERATOR CLIENTS LABEL SECONDS PHASE; prints the generator's JSON line (bench/intake.mjs's, or
# bench/intake.lua's for wrk), leaves the tracking numbers of its 201s in $WORK/intake-ids-PHASE and its own CPU seconds
# (user + system) in $WORK/intake-cpu-PHASE. Run it in a subshell of its own, so `times` counts only this phase.
generate() {
  local generator=$1 clients=$2 label=$3 seconds=$4 phase=$5 url="http://127.0.0.1:$API_PORT"
  if [ "$generator" = node ]; then
    WARMUP=0 IDS_FILE=$WORK/intake-ids-$phase node "$ROOT/bench/intake.mjs" "$url" "$clients" "$seconds" "$label" >"$WORK/intake-$phase.json"
  else
    wrk -t1 -c "$clients" -d "${seconds}s" --timeout 30s -s "$ROOT/bench/intake.lua" "$url" -- "$label" "$clients" "$WORK/intake-ids-$phase" |
      tail -n 1 >"$WORK/intake-$phase.json"
  fi
  times >"$WORK/intake-times" # a builtin of this shell (in a pipeline it would count a subshell's children)
  tail -n 1 "$WORK/intake-times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' >"$WORK/intake-cpu-$phase"
  cat "$WORK/intake-$phase.json"
}

# What DB's client backends do for SECONDS, sampled every 10 ms (pg_stat_activity's snapshot cleared each time): the
# share of samples per state and wait event (none = on CPU or between waits), then per statement of the active ones.
sample_waits() { # DB SECONDS
  psql_db postgres -c "CREATE TEMP TABLE w (state text, wait text, query text)" -c "DO \$\$
    DECLARE stop timestamptz := clock_timestamp() + make_interval(secs => $2);
    BEGIN
      WHILE clock_timestamp() < stop LOOP
        INSERT INTO w SELECT a.state, coalesce(a.wait_event_type || ':' || a.wait_event, 'none'),
          left(regexp_replace(a.query, '\s+', ' ', 'g'), 70)
        FROM pg_stat_activity a WHERE a.datname = '$1' AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid();
        PERFORM pg_stat_clear_snapshot();
        PERFORM pg_sleep(0.01);
      END LOOP;
    END \$\$" -c "\pset format aligned" -c "\pset tuples_only off" \
    -c "SELECT state, wait, count(*) AS samples, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct FROM w GROUP BY 1, 2 ORDER BY 3 DESC" \
    -c "SELECT wait, query, count(*) AS samples FROM w WHERE state = 'active' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 12"
}

run() { # NAME DLL CLIENTS DIR GENERATOR
  local db="${TEMPLATE}_$1_$3"
  psql_db postgres -c "CREATE DATABASE $db TEMPLATE $TEMPLATE"
  serve "$2" "$db" "$4"
  # Warm-up at full load (tiered JIT, pools, prepared statements, the caches of the backends): its reports are checked
  # like the others, but its CPU is not counted. Then the measured run, with the CPU of service, backends and generator.
  (generate "$5" "$3" "$1" "${WARMUP:-20}" warm >/dev/null)
  local before_api before_pg before_stored result
  before_stored=$(psql_db "$db" -c "SELECT count(*) FROM reports WHERE description = 'bench intake'")
  before_api=$(ticks "$api")
  # shellcheck disable=SC2046
  before_pg=$(ticks $(backends "$db"))
  local sampler=
  if [ -n "${WAITS:-}" ]; then
    sample_waits "$db" "$SECONDS_PER_RUN" >"$WORK/intake-waits-$1-$3.txt" 2>&1 &
    sampler=$!
  fi
  result=$(generate "$5" "$3" "$1" "$SECONDS_PER_RUN" run)
  if [ -n "$sampler" ]; then
    wait "$sampler" || true
    { echo "pg_stat_activity of $1 at $3 clients, every 10 ms:"; cat "$WORK/intake-waits-$1-$3.txt"; } >&2
  fi
  local load api_cpu pg_cpu
  load=$(uptime | sed 's/.*load average: //')
  api_cpu=$(( $(ticks "$api") - before_api ))
  # shellcheck disable=SC2046
  pg_cpu=$(( $(ticks $(backends "$db")) - before_pg ))
  stop
  local stored acked wrong commits
  stored=$(psql_db "$db" -c "SELECT count(*) FROM reports WHERE description = 'bench intake'")
  # Every 201 stored: the tracking numbers the generator was answered, looked up (none may be missing). wrk abandons
  # the requests in flight when its time is up; the service stores those too ("stored unanswered", ≤ 2 × clients).
  cat "$WORK/intake-ids-warm" "$WORK/intake-ids-run" >"$WORK/intake-ids"
  acked=$(psql_db "$db" -c "CREATE TEMP TABLE acked (id bigint)" -c "\copy acked FROM '$WORK/intake-ids'" \
    -c "SELECT count(*) FROM acked a JOIN reports r ON r.id = a.id AND r.description = 'bench intake'")
  # Transactions that wrote them (group commit puts several reports in one).
  commits=$(psql_db "$db" -c "SELECT count(DISTINCT xmin::text) FROM reports WHERE description = 'bench intake'")
  # A primary that the sequential rules would have linked: an older open primary of its category within 30 m (the
  # geometry test, 0.0004° ≥ 30 m at these latitudes, lets the GiST index find the candidates; the geodesic one decides).
  wrong=$(psql_db "$db" -c "SELECT count(*) FROM reports n WHERE n.description = 'bench intake' AND n.duplicate_of_id IS NULL
    AND EXISTS (SELECT 1 FROM reports o WHERE o.id < n.id AND o.service_code = n.service_code AND o.duplicate_of_id IS NULL
      AND o.status IN ('new', 'accepted') AND ST_DWithin(o.location, n.location, 0.0004)
      AND ST_DWithin(o.location::geography, n.location::geography, 30))")
  local row
  row=$(echo "$result" | STORED=$stored RUN_STORED=$((stored - before_stored)) ACKED=$acked COMMITS=$commits WRONG=$wrong LOAD="$load" \
    API_CPU=$api_cpu PG_CPU=$pg_cpu HZ=$HZ GEN="$5" GEN_CPU="$(cat "$WORK/intake-cpu-run")" WARM="$WORK/intake-warm.json" node -e "
    const r = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const w = JSON.parse(require('fs').readFileSync(process.env.WARM, 'utf8'));
    const e = process.env;
    const n = Math.max(1, Number(e.RUN_STORED));
    const ms = (ticks) => (1000 * Number(ticks) / Number(e.HZ) / n).toFixed(2);
    const statuses = { ...w.statuses };
    for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    const other = Object.entries(statuses).filter(([k]) => k !== '201').map(([k, v]) => v + ' × ' + k).join(', ') || '—';
    console.log('| ' + [r.clients, r.label, e.GEN, r.perSecond, r.p50 + ' ms', r.p95 + ' ms', r.created + w.created, e.ACKED,
      Number(e.STORED) - Number(e.ACKED), e.WRONG, (Number(e.STORED) / Math.max(1, Number(e.COMMITS))).toFixed(1),
      ms(e.API_CPU) + ' + ' + ms(e.PG_CPU), (1000 * Number(e.GEN_CPU) / n).toFixed(2), other, e.LOAD].join(' | ') + ' |');")
  echo "$row" >&2
  ROWS+=("$row")
  "$PG" dropdb "$db" >/dev/null
}

for clients in $CLIENTS; do
  for generator in $GENERATORS; do
    [ -z "$BASE_DLL" ] || run "base" "$BASE_DLL" "$clients" "$BASE_ROOT" "$generator"
    run "this" "$DLL" "$clients" "$ROOT" "$generator"
  done
done
echo
echo "$CONFIG builds; $OPEN open reports; ${SECONDS_PER_RUN} s a run after ${WARMUP:-20} s of warm-up; base = ${BASE_DLL:+$BASE_LABEL}, this = $(git -C "$ROOT" rev-parse --short HEAD)"
echo
echo "| clients | build | generator | reports/s | p50 | p95 | 201s | of them stored | stored unanswered | unlinked near-duplicates | reports a commit | CPU ms a report: service + PostgreSQL | generator CPU ms a request | other answers | load average (1, 5, 15 min) |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
printf '%s\n' "${ROWS[@]}"
