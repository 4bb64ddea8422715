#!/usr/bin/env bash
# Checks of the script pages without a server: ESLint (eslint.config.mjs), the type check (tsc with checkJs over
# wwwroot/*.js, jsconfig.json) and the Node unit tests (tests/node: the shared inspection-judge cases).
# `make lint` runs it alone, scripts/test.sh as part of `make test`. Ends with "web checks: N passed, N failed":
# ESLint and the type check count one each, every Node test one.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p var/test
passed=0; failed=0
if npx --no-install eslint .; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "ESLint found problems (above)." >&2; fi
if npx --no-install tsc --noEmit -p jsconfig.json; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "The type check found problems (above)." >&2; fi
node --test --test-reporter=tap tests/node/ >var/test/node.log 2>&1
rc=$?
p=$(sed -nE 's/^# pass ([0-9]+)/\1/p' var/test/node.log | tail -1)
f=$(sed -nE 's/^# fail ([0-9]+)/\1/p' var/test/node.log | tail -1)
c=$(sed -nE 's/^# cancelled ([0-9]+)/\1/p' var/test/node.log | tail -1)
f=$(( ${f:-0} + ${c:-0} ))
if [ $rc != 0 ] && [ $f = 0 ]; then f=1; fi
if [ $f != 0 ]; then grep -E '^not ok|error:' var/test/node.log >&2; fi
passed=$((passed + ${p:-0})); failed=$((failed + f))
echo "web checks: $passed passed, $failed failed"
[ $failed = 0 ]
