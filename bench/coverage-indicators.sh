#!/usr/bin/env bash
# Times the district indicators as the dashboard asks for them, against a running registry with the demo data:
#   GET /api/v1/coverage/140881            one county (永济市)
#   GET /api/v1/coverage?parent=1408       运城市 and its 13 counties
#   GET /api/v1/coverage?parent=14         山西省 and its 11 prefectures
# For each: "fresh" = the first read after a write (the indicators must be recomputed), "repeat" = the reads after
# it with no write in between. The write is a statement that changes no row but fires the statement-level triggers of
# the change stamps (a no-op UPDATE of facility_kind_intervals touches every district), so a cache keyed by the stamp
# misses; a registry without such a cache computes every read anyway. WRITE=facility writes one facility of 永济市
# instead (a no-op UPDATE of its row: the change stamps of 140881, 1408 and 14 move, no other county's), the usual write.
# COMPARE_URL=http://… reads a second registry on the same database (e.g. one started with Coverage__Compose=false,
# the direct statement) fresh after the same writes, alternating which of the two reads first, and prints its fresh
# median and p95 beside the first's.
# usage: PG_PORT=55442 bench/coverage-indicators.sh [URL=http://127.0.0.1:5080] [DB=accessibility] [RUNS=7] [REPEATS=10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL=${1:-http://127.0.0.1:5080}
DB=${2:-accessibility}
RUNS=${3:-7}
REPEATS=${4:-10}
PORT=${PG_PORT:-55432}
PASSWORD=$(cat "$ROOT/var/pg/password")
if [ "${WRITE:-}" = facility ]; then
  statement="UPDATE facilities SET name = name WHERE id = (SELECT min(id) FROM facilities WHERE district_code = '140881' AND kind <> 'accessible_toilet')"
else
  statement="UPDATE facility_kind_intervals SET months = months WHERE false"
fi
write() { PGPASSWORD=$PASSWORD psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" -c "$statement" >/dev/null; }
# the time of one read; an answer other than 200 (a 503 when the statement outlasted its timeout) is listed after its line
FAILED=$(mktemp)
seconds() { curl -sS -o /dev/null -w '%{time_total} %{http_code}\n' "$URL$1" | awk -v f="$FAILED" '$2 != 200 { print >> f } { print $1 }'; }
# median and 95th percentile (nearest rank) of the numbers on stdin, in milliseconds
stats() { sort -g | awk '{ v[NR] = $1 * 1000 } END { p = int(0.95 * NR + 0.999); printf "%8.0f %8.0f", v[int((NR + 1) / 2)], v[p] }'; }

curl -fsS "$URL/readyz" >/dev/null || { echo "no registry answers at $URL" >&2; exit 1; }
if [ -n "${COMPARE_URL:-}" ]; then
  curl -fsS "$COMPARE_URL/readyz" >/dev/null || { echo "no registry answers at $COMPARE_URL" >&2; exit 1; }
  printf '%-32s %17s %17s %17s\n' "" "fresh (ms)" "repeat (ms)" "compared: fresh"
  printf '%-32s %8s %8s %8s %8s %8s %8s\n' "request" "median" "p95" "median" "p95" "median" "p95"
else
  printf '%-32s %17s %17s\n' "" "fresh (ms)" "repeat (ms)"
  printf '%-32s %8s %8s %8s %8s\n' "request" "median" "p95" "median" "p95"
fi
# PATHS="…" reads only those (e.g. PATHS=/api/v1/coverage/140881)
read -r -a paths <<<"${PATHS:-/api/v1/coverage/140881 /api/v1/coverage?parent=1408 /api/v1/coverage?parent=14}"
for path in "${paths[@]}"; do
  seconds "$path" >/dev/null # warm-up: JIT, connections, PostgreSQL's caches
  [ -z "${COMPARE_URL:-}" ] || URL=$COMPARE_URL seconds "$path" >/dev/null
  fresh=(); repeat=(); compared=()
  for run in $(seq 1 "$RUNS"); do
    write
    if [ -n "${COMPARE_URL:-}" ] && [ $((run % 2)) -eq 0 ]; then
      compared+=("$(URL=$COMPARE_URL seconds "$path")"); fresh+=("$(seconds "$path")")
    elif [ -n "${COMPARE_URL:-}" ]; then
      fresh+=("$(seconds "$path")"); compared+=("$(URL=$COMPARE_URL seconds "$path")")
    else
      fresh+=("$(seconds "$path")")
    fi
    for _ in $(seq 1 "$REPEATS"); do repeat+=("$(seconds "$path")"); done
  done
  if [ -n "${COMPARE_URL:-}" ]; then
    printf '%-32s %s %s %s\n' "$path" "$(printf '%s\n' "${fresh[@]}" | stats)" "$(printf '%s\n' "${repeat[@]}" | stats)" "$(printf '%s\n' "${compared[@]}" | stats)"
  else
    printf '%-32s %s %s\n' "$path" "$(printf '%s\n' "${fresh[@]}" | stats)" "$(printf '%s\n' "${repeat[@]}" | stats)"
  fi
  if [ -s "$FAILED" ]; then echo "  not 200: $(awk '{ print $2 }' "$FAILED" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"; : >"$FAILED"; fi
done
rm -f "$FAILED"
