#!/usr/bin/env bash
# Lighthouse 12 (mobile profile: Moto G Power, slow 4G, 4× CPU slowdown, simulated) on every public page of
# wwwroot, against the service with the demo data, in Debian's headless chromium, BEFORE and after side by side in
# one run, page by page, on the same database. "after" is this checkout (built: `make build`, which runs the web
# build too). "before" is BEFORE_REF (default main): the script unpacks it (`git archive`) into
# var/bench/lighthouse-before/, runs its web build with this checkout's node_modules (or `npm ci` when its lock file
# differs) and builds it, once per commit; BEFORE=<dir> names a ready one instead (another checkout with its built
# service at <dir>/bin/Accessibility.Api.dll or <dir>/src/Accessibility.Api/bin/Debug/net10.0/ and its wwwroot/lib),
# BEFORE=none measures this checkout only. Prints a table (performance, accessibility, LCP, TBT, transferred KB,
# requests) and the load average; the reports stay in var/bench/lighthouse/.
# A benchmark, not a test: not part of `make test`.
# usage: PG_PORT=55457 [BEFORE_REF=main | BEFORE=<dir>|none] [PAGES="/ /report.html"] [RUNS=1] [BEFORE_PORT=PORT+1] bench/lighthouse.sh [PORT=5197]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${1:-5197}
RUNS=${RUNS:-1}
BEFORE_PORT=${BEFORE_PORT:-$((PORT + 1))}
DB=lighthouse_bench
WORK=$ROOT/var/bench/lighthouse
mkdir -p "$WORK"
PG="$ROOT/scripts/pg.sh"
CHROME=${CHROME_PATH:-/usr/bin/chromium}
# Lighthouse 12.2.3: later 12.x lock files are refused by this npm, and 13 wants Node 22. Kept out of package.json
# (CI does not need it).
LH_DIR=$ROOT/var/bench/lighthouse-cli
LH=$LH_DIR/node_modules/.bin/lighthouse
[ -x "$LH" ] || npm i -E lighthouse@12.2.3 --prefix "$LH_DIR" --no-audit --no-fund --loglevel=error >&2

read -r -a PAGES <<<"${PAGES:-/ /report.html /annual-report.html /evaluation.html /projects.html /survey.html /inspect.html}"

# This checkout's web build (the libraries, the merged string table and the Brotli copies): seconds, and a stale
# wwwroot/lib would measure something else.
(cd "$ROOT" && npm run --silent build:web >/dev/null)

# The before version: unpacked and built once per commit.
if [ -z "${BEFORE:-}" ]; then
  ref=${BEFORE_REF:-main}
  sha=$(git -C "$ROOT" rev-parse --verify "$ref^{commit}")
  BEFORE=$ROOT/var/bench/lighthouse-before
  if [ "$(cat "$BEFORE/.built" 2>/dev/null)" != "$sha" ]; then
    echo "building the before version ($ref, $sha) in $BEFORE" >&2
    rm -rf "$BEFORE"; mkdir -p "$BEFORE"
    git -C "$ROOT" archive "$sha" | tar -x -C "$BEFORE"
    if cmp -s "$ROOT/package-lock.json" "$BEFORE/package-lock.json"; then
      ln -s "$ROOT/node_modules" "$BEFORE/node_modules"
    else
      (cd "$BEFORE" && npm ci --no-audit --no-fund --loglevel=error) >&2
    fi
    (cd "$BEFORE" && npm run --silent build:web >/dev/null && dotnet build Accessibility.sln --nologo -v quiet -clp:NoSummary) >&2
    echo "$sha" >"$BEFORE/.built"
  fi
elif [ "$BEFORE" = none ]; then
  BEFORE=
fi

"$PG" start
"$PG" dropdb "$DB" >/dev/null
"$PG" createdb "$DB" >/dev/null
export Registry__PersonalDataKey=${Registry__PersonalDataKey:-$(head -c 32 /dev/urandom | base64)}
ConnectionStrings__Registry=$("$PG" url "$DB" app); ConnectionStrings__RegistryOwner=$("$PG" url "$DB" owner)
export ConnectionStrings__Registry ConnectionStrings__RegistryOwner

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; "$PG" dropdb "$DB" >/dev/null || true' EXIT

# start NAME DIR DLL PORT: the service from DIR (its wwwroot) with the demo data
start() {
  (cd "$2" && Registry__LoadDemoData=true exec nohup dotnet "$3" --urls "http://127.0.0.1:$4") >"$WORK/$1-api.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 1200); do curl -fsS "http://127.0.0.1:$4/readyz" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "the $1 service did not start: $WORK/$1-api.log" >&2
  exit 1
}

VERSIONS=(after)
start after "$ROOT" "$ROOT/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll" "$PORT"
if [ -n "${BEFORE:-}" ]; then
  dll=$BEFORE/bin/Accessibility.Api.dll
  [ -f "$dll" ] || dll=$BEFORE/src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
  start before "$BEFORE" "$dll" "$BEFORE_PORT"
  VERSIONS=(before after)
fi
port_of() { if [ "$1" = before ]; then echo "$BEFORE_PORT"; else echo "$PORT"; fi; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-22s %-7s %5s %5s %8s %8s %9s %5s\n" page version perf a11y "LCP ms" "TBT ms" "KB" req
for page in "${PAGES[@]}"; do
  for run in $(seq 1 "$RUNS"); do
    for v in "${VERSIONS[@]}"; do
      name=$(echo "$page" | tr -c 'a-z0-9\n' '_')
      out="$WORK/$v$name-$run.json"
      # On a loaded machine the trace is sometimes lost (NO_NAVSTART, NO_LCP): then once more, up to three times.
      for _ in 1 2 3; do
        "$LH" "http://127.0.0.1:$(port_of "$v")$page" --quiet --chrome-path="$CHROME" \
          --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
          --only-categories=performance,accessibility --output=json --output-path="$out" >/dev/null 2>"$WORK/lighthouse.log" || true
        node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runtimeError ? 1 : 0)' "$out" && break
      done
      node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const a = r.audits, n = (k) => Math.round(a[k]?.numericValue ?? NaN);
        const fails = Object.values(a).filter((x) => x.scoreDisplayMode === "binary" && x.score === 0 && r.categories.accessibility.auditRefs.some((ref) => ref.id === x.id)).map((x) => x.id);
        console.log([process.argv[2].padEnd(22), process.argv[3].padEnd(7),
          String(Math.round(r.categories.performance.score * 100)).padStart(5),
          String(Math.round(r.categories.accessibility.score * 100)).padStart(5),
          String(n("largest-contentful-paint")).padStart(8), String(n("total-blocking-time")).padStart(8),
          String(Math.round(a["total-byte-weight"].numericValue / 1024)).padStart(9),
          String(a["network-requests"]?.details?.items?.length ?? NaN).padStart(5),
          fails.length ? ` a11y fails: ${fails.join(", ")}` : ""].join(" "));
      ' "$out" "$page" "$v"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
