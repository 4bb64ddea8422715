#!/usr/bin/env bash
# Figures for docs/scale.md: what a province of N facilities (default 1,000,000, as bench/tiles.sh lays them out)
# and N/10 public reports weigh in rows, table and index bytes, and how far the streaming standby falls behind
# while reports are filed as fast as C clients can (the intake load), in a scratch database with its standby.
# usage: PG_PORT=55455 bench/scale.sh [N=1000000] [SECONDS=20] [CLIENTS=8] [PORT=5188]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-1000000}
DURATION=${2:-20}
CLIENTS=${3:-8}
API_PORT=${4:-5188}
DB=scale_bench
WORK=$ROOT/var/bench
mkdir -p "$WORK"
PG=scripts/pg.sh
"$PG" start
"$PG" dropdb "$DB" >/dev/null 2>&1
"$PG" createdb "$DB" >/dev/null
"$PG" replica start
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
DLL=src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
sql() { "$PG" sql "$DB"; }
(
  ConnectionStrings__Registry=$("$PG" url "$DB" app); ConnectionStrings__RegistryOwner=$("$PG" url "$DB" owner)
  ConnectionStrings__RegistryStandby=$("$PG" replica url "$DB" app)
  export ConnectionStrings__Registry ConnectionStrings__RegistryOwner ConnectionStrings__RegistryStandby
  export Registry__LoadDemoData=false Registry__Reports__PerIpPermits=100000000 Registry__Reports__PerDevicePermits=100000000
  exec nohup dotnet "$DLL" --urls "http://127.0.0.1:$API_PORT"
) >"$WORK/scale-api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; [ -n "${KEEP:-}" ] || "$PG" dropdb "$DB" >/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break; sleep 1; done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
sql <<SQL
INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
SELECT (ARRAY['accessible_toilet','curb_ramp','ramp','accessible_entrance','bus_stop','public_building'])[1 + i % 6],
       'bench ' || i,
       CASE WHEN i % 2 = 0
         THEN ST_SetSRID(ST_MakePoint(112.55 + (random() + random() + random() - 1.5) * 0.3, 37.87 + (random() + random() + random() - 1.5) * 0.3), 4490)
         ELSE ST_SetSRID(ST_MakePoint(110.2 + random() * 4.4, 34.6 + random() * 6.1), 4490) END,
       '{}', (ARRAY['operational','operational','operational','defective_usable','unusable','under_construction'])[1 + i % 6],
       '140881', 'bench', 'b' || i, now(), now()
FROM generate_series(1, $N) i;
ANALYZE;
SQL
end=$(date +%s.%N)
lag_after_load=$(echo "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication WHERE application_name = 'accessibility_standby'" | "$PG" sql postgres)
echo "inserted $N facilities in $(echo "$end - $start" | bc) s; standby behind by $lag_after_load bytes right after"
for _ in $(seq 1 600); do
  behind=$(echo "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication WHERE application_name = 'accessibility_standby'" | "$PG" sql postgres)
  [ "${behind:-1}" -le 0 ] 2>/dev/null && break
  sleep 0.2
done
echo "standby caught up $(echo "$(date +%s.%N) - $end" | bc) s after the insert"

echo
echo "table sizes at $N facilities (bytes; heap includes TOAST):"
sql <<'SQL' | column -t -s'|'
SELECT c.relname, c.reltuples::bigint AS rows, pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes,
       round(pg_table_size(c.oid)::numeric / greatest(c.reltuples, 1)) AS heap_per_row,
       round(pg_indexes_size(c.oid)::numeric / greatest(c.reltuples, 1)) AS index_per_row
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_total_relation_size(c.oid) > 1000000
ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12;
SQL
echo "indexes of facilities:"
sql <<'SQL' | column -t -s'|'
SELECT indexrelid::regclass, pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = 'facilities'::regclass ORDER BY 2 DESC;
SQL
echo "database: $(echo "SELECT pg_database_size(current_database())" | sql) bytes"

echo
echo "intake: $CLIENTS clients filing Open311 reports for $DURATION s; the standby's lag sampled every 0.2 s"
wal0=$(echo "SELECT pg_current_wal_lsn()" | "$PG" sql postgres)
reports0=$(echo "SELECT count(*) FROM reports" | sql)
node --input-type=module - "$API_PORT" "$DURATION" "$CLIENTS" <<'JS' &
const [port, seconds, clients] = process.argv.slice(2).map(Number);
const until = Date.now() + seconds * 1000;
let n = 0, ok = 0, bad = 0;
async function client() {
  while (Date.now() < until) {
    const i = n++;
    // Over 永济市 (140881), a new place each time (no duplicate linking).
    const lat = 34.80 + (i % 500) * 0.0004, lon = 110.35 + (Math.floor(i / 500) % 500) * 0.0004;
    const r = await fetch(`http://127.0.0.1:${port}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({
      service_code: 'ramp', lat: String(lat), long: String(lon), description: `bench ${i}`, 'attribute[problem]': 'too_steep' }) });
    if (r.status === 201) ok++; else if (bad++ === 0) console.log(`first refusal: ${r.status} ${await r.clone().text()}`);
    await r.arrayBuffer();
  }
}
await Promise.all([...Array(clients)].map(client));
console.log(`filed ${ok} (${(ok / seconds).toFixed(0)}/s), refused ${bad}`);
JS
load=$!
samples=$WORK/scale-lag.txt
: >"$samples"
while kill -0 $load 2>/dev/null; do
  echo "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), coalesce(extract(epoch FROM replay_lag) * 1000, 0)::int
        FROM pg_stat_replication WHERE application_name = 'accessibility_standby'" | "$PG" sql postgres | tr '|' ' ' >>"$samples"
  sleep 0.2
done
wait $load
wal1=$(echo "SELECT pg_current_wal_lsn()" | "$PG" sql postgres)
reports1=$(echo "SELECT count(*) FROM reports" | sql)
filed=$((reports1 - reports0))
wal=$(echo "SELECT pg_wal_lsn_diff('$wal1', '$wal0')::bigint" | "$PG" sql postgres)
echo "WAL: $wal bytes for $filed reports ($(( wal / (filed > 0 ? filed : 1) )) bytes a report)"
sort -n -k1 "$samples" | awk '{ b[NR] = $1 } END { if (NR) printf "standby behind (bytes): median %d, p95 %d, max %d over %d samples\n", b[int(NR / 2) + 1], b[int(NR * 0.95) + (NR * 0.95 > int(NR * 0.95))], b[NR], NR }'
sort -n -k2 "$samples" | awk '{ t[NR] = $2 } END { if (NR) printf "replay_lag (ms): median %d, p95 %d, max %d\n", t[int(NR / 2) + 1], t[int(NR * 0.95) + (NR * 0.95 > int(NR * 0.95))], t[NR] }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
