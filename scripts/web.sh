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
# The static site's engine (cmd/sitewasm) is Go compiled to WebAssembly from
# the server's own filter, store and response code: rebuild it with them.
engine_src=(../cmd/sitewasm ../geo ../data ../api/apidoc ../go.mod)
if [ -f "$stamp" ] && [ -f dist/site/site.wasm ] && [ -z "$(find src build.mjs package-lock.json -newer "$stamp" -print -quit)" ] &&
  [ -z "$(find "${engine_src[@]}" -name '*.go' -newer dist/site/site.wasm -print -quit)" ] && [ ! ../go.mod -nt dist/site/site.wasm ]; then
  exit 0
fi
npm run --silent build
# dist/site: the engine and the Go toolchain's own loader for it.
mkdir -p dist/site
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o dist/site/site.wasm ../cmd/sitewasm
goroot="$(go env GOROOT)"
for f in "$goroot/lib/wasm/wasm_exec.js" "$goroot/misc/wasm/wasm_exec.js"; do
  if [ -f "$f" ]; then cp "$f" dist/site/wasm_exec.js; break; fi
done
[ -f dist/site/wasm_exec.js ] || { echo "web.sh: wasm_exec.js not found in $goroot/lib/wasm or misc/wasm" >&2; exit 1; }
echo "web: built dist/site (site.wasm $(du -k dist/site/site.wasm | cut -f1) KiB, wasm_exec.js from $goroot)"
