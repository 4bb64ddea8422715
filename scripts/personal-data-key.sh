#!/usr/bin/env bash
# The checkout's key for the personal data of renovation cases: var/personal-data.key, 32 random bytes in base64,
# generated once (mode 600, never committed: var/ is ignored), like the database passwords under var/pg/.
# The service and its command-line verbs read this file when Registry__PersonalDataKey is not set, so every entry
# point (make run, make test, make user/token/api-key/import-boundaries, dotnet …/Accessibility.Api.dll) uses the same key.
# Prints the file's path.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEY=$ROOT/var/personal-data.key
mkdir -p "$ROOT/var"
[ -s "$KEY" ] || (umask 077; head -c 32 /dev/urandom | base64 >"$KEY")
chmod 600 "$KEY" # also a key an older version left readable to others
echo "$KEY"
