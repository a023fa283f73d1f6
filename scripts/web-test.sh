#!/usr/bin/env bash
# Runs the web map's tests in real headless Chromium against the real
# layoutmap binary (LAYOUTMAP_BIN, or built here with `go build`). Fails,
# never skips, when Chromium is missing: run scripts/deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/web.sh
cd web
export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
[ -n "$CHROMIUM" ] || { echo "web-test: chromium not found; run scripts/deps.sh (apt-get install chromium)" >&2; exit 1; }
# One server binary for every test file (web/test/harness.mjs serverBinary):
# LAYOUTMAP_BIN when the caller built it (`make test` passes bin/layoutmap,
# built from this tree moments before), else built here.
if [ -z "${LAYOUTMAP_BIN:-}" ]; then
  bindir=$(mktemp -d /tmp/layoutmap-web-bin.XXXXXX)
  trap 'rm -rf "$bindir"' EXIT
  (cd .. && go build -o "$bindir/layoutmap" ./cmd/layoutmap)
  export LAYOUTMAP_BIN="$bindir/layoutmap"
fi
npm test --silent
