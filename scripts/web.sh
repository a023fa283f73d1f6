#!/usr/bin/env bash
# Builds the web map's assets into web/dist when its sources are newer.
set -euo pipefail
cd "$(dirname "$0")/../web"
[ -f package.json ] || exit 0
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
