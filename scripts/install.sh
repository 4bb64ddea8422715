#!/usr/bin/env bash
# Installs what is missing for building, running and testing the registry:
# Debian packages (apt-get update once, only when something is missing), npm packages, NuGet packages.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

packages=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting curl)
if [ "${WITH_BROWSER:-0}" = 1 ]; then packages+=(chromium); fi
# GDAL's ogrinfo/ogr2ogr: the tests read the OGC API with its OAPIF driver and read exported shapefiles back.
if [ "${WITH_GDAL:-0}" = 1 ]; then packages+=(gdal-bin); fi
# nginx in front of two service instances for the scale-out tests (scripts/scale.sh); the Debian package's own
# server is not used (its default site may stay stopped).
if [ "${WITH_SCALE:-0}" = 1 ]; then packages+=(nginx); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  # The Debian package creates and starts a default cluster we do not use; the registry runs its own.
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "Node.js and npm are required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }

# npm ci only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build:web

dotnet restore Accessibility.sln --verbosity quiet
