#!/usr/bin/env bash
# Issue 12's load check: builds the server, starts it on a loopback port and
# runs cmd/loadcheck (slow readers, cache-key flood, concurrent large PNGs),
# printing the server's RSS before and after each case and its peak.
# Extra arguments go to `layoutmap serve`, e.g. --tile-cache-mb 64.
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null
go run ./cmd/loadcheck -- "$@"
