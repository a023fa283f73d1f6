#!/usr/bin/env bash
# Runs the web map's tests in headless Chromium against the real binary.
set -euo pipefail
cd "$(dirname "$0")/../web"
[ -f package.json ] || { echo "web-test: no web/package.json"; exit 1; }
npm test --silent
