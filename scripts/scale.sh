#!/usr/bin/env bash
# Scale-out on one machine, on real parts: the private cluster (scripts/pg.sh) as primary, its streaming standby
# (scripts/pg.sh replica), two registry instances whose stale-OK reads go to the standby, and nginx in front of them
# with a tile cache (docs/deploy/nginx-registry-scale.conf.template). See docs/scale.md.
#   scripts/scale.sh start DBNAME   create DBNAME if missing, start the standby, the instances and nginx
#   scripts/scale.sh stop           stop nginx and the instances this script started (the standby keeps running)
#   scripts/scale.sh test           the tests in tests/scale/ against a throw-away database; stops everything after
#                                   and ends with one line: "scale tests: N passed, N failed"
# Ports: SCALE_NGINX_PORT (5185), SCALE_PORT_A (5186), SCALE_PORT_B (5187); the cluster's PG_PORT and PG_REPLICA_PORT.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VAR=$ROOT/var/scale
NGINX_PORT=${SCALE_NGINX_PORT:-5185}
PORT_A=${SCALE_PORT_A:-5186}
PORT_B=${SCALE_PORT_B:-5187}
DLL=src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
# How far behind the standby may be before reads leave it (seconds); the tests shorten it to see the bound act.
MAX_LAG=${SCALE_MAX_LAG_SECONDS:-30}

wait_ready() { # wait_ready URL PID LOG
  for _ in $(seq 1 300); do
    if curl -fsS "$1/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 1
  done
  echo "not ready: $1; last lines of $3:" >&2
  tail -n 30 "$3" >&2
  return 1
}

# instance NAME PORT DB [demo]: one registry instance, as in production (migrations as the owner, requests as the
# runtime role), connection strings by environment only (they hold passwords).
instance() {
  local name=$1 port=$2 db=$3 demo=${4:-false}
  (
    ConnectionStrings__Registry=$(scripts/pg.sh url "$db" app)
    ConnectionStrings__RegistryOwner=$(scripts/pg.sh url "$db" owner)
    ConnectionStrings__RegistryStandby=$(scripts/pg.sh replica url "$db" app)
    export ConnectionStrings__Registry ConnectionStrings__RegistryOwner ConnectionStrings__RegistryStandby
    export Registry__Standby__MaxLagSeconds=$MAX_LAG Registry__LoadDemoData=$demo
    # The load test files hundreds of reports from one address (127.0.0.1, through nginx) in seconds.
    export Registry__Reports__PerIpPermits=1000000 Registry__Reports__PerDevicePermits=1000000
    exec nohup dotnet "$DLL" --urls "http://127.0.0.1:$port"
  ) >"$VAR/$name.log" 2>&1 &
  echo $! >"$VAR/$name.pid"
  disown  # stopped by pid (or killed by the failover test): no job notices from this shell
  wait_ready "http://127.0.0.1:$port" "$(cat "$VAR/$name.pid")" "$VAR/$name.log"
}

start_nginx() {
  local user="" upstreams
  # A fresh tile cache: the tests expect a first request to miss.
  rm -rf "$VAR/nginx/tile-cache"; mkdir -p "$VAR/nginx"
  # As root, the workers run as www-data, which must write the temporary and cache folders.
  if [ "$(id -u)" = 0 ]; then user="user www-data;"; chown -R www-data "$VAR/nginx"; fi
  # max_fails/fail_timeout: an instance that refused a connection is left aside for 5 s.
  upstreams="server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=5s; server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=5s;"
  sed -e "s|@VAR@|$VAR/nginx|g" -e "s|@LISTEN@|127.0.0.1:$NGINX_PORT|" -e "s|@UPSTREAMS@|$upstreams|" -e "s|@USER@|$user|" \
    docs/deploy/nginx-registry-scale.conf.template >"$VAR/nginx/nginx.conf"
  nginx -e "$VAR/nginx/nginx-error.log" -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -g 'daemon off;' >"$VAR/nginx.log" 2>&1 &
  echo $! >"$VAR/nginx.pid"
  disown
  wait_ready "http://127.0.0.1:$NGINX_PORT" "$(cat "$VAR/nginx.pid")" "$VAR/nginx/nginx-error.log"
}

start() {
  local db=$1
  command -v nginx >/dev/null || { echo "nginx is not installed: WITH_SCALE=1 scripts/install.sh" >&2; exit 1; }
  [ -f "$DLL" ] || { echo "build first: dotnet build Accessibility.sln" >&2; exit 1; }
  mkdir -p "$VAR"
  scripts/pg.sh start
  scripts/pg.sh createdb "$db" >/dev/null
  scripts/pg.sh replica start
  # One instance migrates and loads the demo data before the other starts: never two migrating at once.
  instance a "$PORT_A" "$db" true
  instance b "$PORT_B" "$db"
  start_nginx
}

stop() {
  local name pid
  for name in nginx a b; do
    if [ -f "$VAR/$name.pid" ]; then
      pid=$(cat "$VAR/$name.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$VAR/$name.pid"
    fi
  done
}

run_tests() {
  local db="acc_scale_$$" status=0 p f c
  mkdir -p var/test
  if start "$db" >var/test/scale-start.log 2>&1; then
    # pipefail: the pipeline fails when node does (a failed test), which must not end this script before it cleans up.
    if ! SCALE_DB=$db BASE_URL="http://127.0.0.1:$NGINX_PORT" INSTANCE_A_URL="http://127.0.0.1:$PORT_A" \
      INSTANCE_B_URL="http://127.0.0.1:$PORT_B" INSTANCE_A_PID=$(cat "$VAR/a.pid") SCALE_MAX_LAG_SECONDS=$MAX_LAG \
      node --test --test-concurrency=1 --test-reporter=tap tests/scale/ 2>&1 | tee var/test/scale.log; then
      status=1
    fi
    p=$(sed -nE 's/^# pass ([0-9]+)/\1/p' var/test/scale.log | tail -1)
    f=$(sed -nE 's/^# fail ([0-9]+)/\1/p' var/test/scale.log | tail -1)
    c=$(sed -nE 's/^# cancelled ([0-9]+)/\1/p' var/test/scale.log | tail -1)
    f=$(( ${f:-1} + ${c:-0} ))
  else
    echo "The scale-out set-up did not start; last lines of var/test/scale-start.log:" >&2
    tail -n 40 var/test/scale-start.log >&2
    p=0; f=1; status=1
  fi
  stop
  scripts/pg.sh replica stop || true
  scripts/pg.sh dropdb "$db" >/dev/null 2>&1 || true
  echo "scale tests: ${p:-0} passed, $f failed"
  return $status
}

case "${1:-}" in
  start) start "${2:?database name}" ;;
  stop) stop ;;
  test) MAX_LAG=${SCALE_MAX_LAG_SECONDS:-6}; run_tests ;;
  *) echo "usage: $0 start DBNAME|stop|test" >&2; exit 2 ;;
esac
