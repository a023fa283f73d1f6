#!/usr/bin/env bash
# Builds the web map's assets into web/dist (embedded by `go build` through
# package web) when web/dist is missing or older than its sources.
set -euo pipefail
cd "$(dirname "$0")/../web"
[ -f package.json ] || exit 0
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
stamp=dist/index.html
if [ -f "$stamp" ] && [ -z "$(find src build.mjs package-lock.json -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
npm run --silent build
