#!/usr/bin/env bash
# bench-enterprise-startup.sh — embedded start-up with a new enterprise list
# (issue 15: start-up from a data directory ≤ 10 s, RSS ≤ 1 GB):
#
#   scripts/bench-enterprise-startup.sh [-n ROWS] [-r REPS] BINARY...
#
# For each repetition and each binary in turn (interleaved, so the
# machine's load hits them alike): `BINARY serve --data DIR` on a
# directory holding a synthetic enterprises.csv of ROWS rows [1000000]
# (seed 1) and no cache, timed from the start of the process to the first
# answer of /api/v1/enterprises/info; CPU seconds (user + system), peak
# (VmHWM) and current (VmRSS) resident memory read from /proc then. Then once more with the cache the
# first start-up wrote. Prints one line per start-up with the load
# average. Every request goes to 127.0.0.1.
set -euo pipefail
N=1000000 REPS=2
while getopts "n:r:h" opt; do
  case $opt in
    n) N=$OPTARG ;; r) REPS=$OPTARG ;; *) sed -n '2,15p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] || { sed -n '2,15p' "$0" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${BENCH_STARTUP_PORT:-18592}
DIR=$(mktemp -d /tmp/bench-startup.XXXXXX)
SRV=""
trap '[[ -n $SRV ]] && kill $SRV 2>/dev/null; rm -rf "$DIR"' EXIT
CSV=/tmp/bench-enterprises-$N.csv
if [[ ! -s $CSV ]]; then
  (cd "$ROOT" && go run ./cmd/layoutmap synth enterprises --n "$N" --seed 1 --out "$CSV.tmp") >&2 && mv "$CSV.tmp" "$CSV"
fi
cp "$CSV" "$DIR/enterprises.csv"

one() { # binary label
  local start t
  start=$(date +%s.%N)
  "$1" serve --data "$DIR" --addr "127.0.0.1:$PORT" --log-level warn >"$DIR/serve.log" 2>&1 &
  SRV=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/enterprises/info"; do
    kill -0 $SRV 2>/dev/null || { cat "$DIR/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  t=$(echo "$(date +%s.%N) - $start" | bc)
  # CPU seconds of the process so far (user + system): what the start-up
  # cost, whatever the machine's load did to its wall time.
  local -a st
  read -r -a st <<<"$(sed 's/^.*) //' /proc/$SRV/stat)"
  cpu=$(echo "scale=1; (${st[11]} + ${st[12]}) / $(getconf CLK_TCK)" | bc)
  printf '%-40s %-6s start-up %6.1f s  CPU %5.1f s  peak RSS %5d MB  RSS %5d MB  load %s\n' "$1" "$2" "$t" "$cpu" \
    $(( $(awk '/VmHWM/ {print $2}' /proc/$SRV/status) / 1024 )) $(( $(awk '/VmRSS/ {print $2}' /proc/$SRV/status) / 1024 )) \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  kill $SRV; wait $SRV 2>/dev/null || true
  SRV=""
}
for rep in $(seq "$REPS"); do
  for bin in "$@"; do
    rm -f "$DIR"/.enterprises.csv.layoutmap-cache
    one "$bin" first
    one "$bin" cached
  done
done
