#!/usr/bin/env bash
# Starts or stops the registry service in the background (pid and log under var/), or runs one of its commands.
#   scripts/run.sh start URL   start if not running, wait until /readyz answers
#   scripts/run.sh stop
#   scripts/run.sh cli VERB …  run a command of the service binary (user, token, api-key, import-boundaries…)
#                              with the same configuration as the service, personal-data key included (var/personal-data.key)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PIDFILE=var/api.pid
LOG=var/api.log
DLL=src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
mkdir -p var
# Key for the personal data of renovation cases: Registry__PersonalDataKey if set, else var/personal-data.key,
# generated once; the service reads that file itself (no key on a command line or in the environment).
scripts/personal-data-key.sh >/dev/null

alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
  start)
    url=${2:-http://127.0.0.1:5080}
    if alive; then echo "The registry is already running at $url (pid $(cat "$PIDFILE"))."; exit 0; fi
    echo "Starting the registry (first start loads districts and demo data: about a minute)…"
    nohup dotnet "$DLL" --urls "$url" >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 300); do
      if curl -fsS "$url/readyz" >/dev/null 2>&1; then
        echo "The registry is running: open $url  (log: $LOG, stop: make stop)"
        exit 0
      fi
      alive || { echo "The registry stopped while starting; last lines of $LOG:" >&2; tail -n 40 "$LOG" >&2; exit 1; }
      sleep 1
    done
    echo "The registry did not become ready in 300 s; see $LOG" >&2
    exit 1
    ;;
  stop)
    if alive; then
      kill "$(cat "$PIDFILE")"
      for _ in $(seq 1 30); do alive || break; sleep 0.5; done
    fi
    rm -f "$PIDFILE"
    ;;
  cli)
    shift
    exec dotnet "$DLL" "$@"
    ;;
  *) echo "usage: $0 start URL|stop|cli VERB [ARGS…]" >&2; exit 2 ;;
esac
