#!/usr/bin/env bash
# Issue 16's table in one command: each row's bench, one after the other (never two at once: on 2 cores a bench
# beside another measures the other), each side by side with its floor or baseline in its own run, with the load
# average before and after. Every bench keeps its full output in var/bench/issue16-<time>/<row>.log; this prints each
# bench's tables as they come. Run it on a quiet machine after `make build`.
#   usage: PG_PORT=55432 bench/issue16.sh [ROW …]      rows: tiles list panel intake import lighthouse (default: all)
#   REUSE=1  use the scratch databases kept by an earlier run (tiles_bench, list_bench); without it they are built
#            (1 M facilities each: 15–30 minutes apiece at idle) and kept for the next run
# The commands are the ones each bench's section of bench/README.md documents; their arguments are fixed here so that
# a run of this script is the table's run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${*:-tiles list panel intake import lighthouse}
OUT=$ROOT/var/bench/issue16-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
[ -f "$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll" ] || { echo "build first: make build" >&2; exit 1; }
data() { if [ -n "${REUSE:-}" ]; then echo REUSE=1; else echo KEEP=1; fi; }

run() { # ROW command… : runs one bench, its output to OUT/ROW.log and here
  local row=$1; shift
  echo "== $row: $* (load average before: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt"
  local start=$SECONDS
  if env "$@" >"$OUT/$row.log" 2>"$OUT/$row.err"; then status=ok; else status="failed ($?)"; fi
  # the tables (every line that is not a progress message), as the bench printed them
  grep -v '^\(inserting\|building\|NOTICE\|waiting\)' "$OUT/$row.log" | tee -a "$OUT/summary.txt" || true
  echo "== $row: $status in $((SECONDS - start)) s (load average after: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/summary.txt"
}

for row in $ROWS; do
  case $row in
    tiles) run tiles "$(data)" "$ROOT/bench/tiles.sh" 1000000 5199 ;;
    list) run list "$(data)" "$ROOT/bench/list.sh" 1000000 5197 15 ;;
    # the panel reads list_bench (the same province-data.sh facilities), so it follows `list`
    panel) run panel REUSE=1 ONLY_GOAL=1 "$ROOT/bench/coverage-1m.sh" 1000000 5196 7 5 ;;
    intake) run intake "$ROOT/bench/intake.sh" 100000 30 "8 32 64" 5133 ;;
    import) run import "$ROOT/bench/import-vs-ogr2ogr.sh" 1000000 ;;
    lighthouse) run lighthouse BEFORE_REF=4e50928 "$ROOT/bench/lighthouse.sh" 5197 ;;
    *) echo "unknown row: $row (tiles list panel intake import lighthouse)" >&2; exit 2 ;;
  esac
done
echo "all output: $OUT"
