#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine of the project's kind:
# PostgreSQL 15 + PostGIS 3 (store tests), Chromium (web map tests),
# fonts-noto-cjk (static PNG labels; a backstop for the web map), gdal-bin
# (ogr2ogr/ogrinfo over OAPIF and MVT in cmd/layoutmap's tests), nginx-light
# (the reverse-proxy cache of docs/nginx/layoutmap.conf in TestNginxCacheInFront), the web
# build's npm packages and the validators of tools/validators (style spec,
# swagger-parser, check-geojson, ajv). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15 postgresql-15-postgis-3)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# grep reads all of fc-list's output: with -q it would exit at the first match and,
# under pipefail, fc-list's SIGPIPE would read as "not installed" now and then.
fc-list : family 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || need+=(fonts-noto-cjk)
command -v ogr2ogr >/dev/null 2>&1 || need+=(gdal-bin)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ -f web/package-lock.json ] && [ ! -d web/node_modules ]; then
  echo "deps: npm ci in web/"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
# Again when the lock file is newer than the installed tree (a validator
# was added or pinned anew since the last npm ci).
if [ -f tools/validators/package-lock.json ] && { [ ! -d tools/validators/node_modules ] ||
  [ tools/validators/package-lock.json -nt tools/validators/node_modules/.package-lock.json ]; }; then
  echo "deps: npm ci in tools/validators"
  (cd tools/validators && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "deps: ok"
