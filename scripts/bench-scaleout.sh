#!/usr/bin/env bash
# bench-scaleout.sh — requests/s for tiles through nginx in front of 1, 2 and
# 4 layoutmap instances on one PostGIS, with and without nginx's proxy cache
# (docs/nginx/layoutmap.conf), against nginx serving the same tiles as static
# files (the physical limit), all measured in one run (issue 16).
#
#   scripts/bench-scaleout.sh [-z ZOOMS] [-d SECS] [-r REPS] [-c CONNS]
#
#   -z  zooms of the tile list over Henan [8,11]   -d  seconds per run [10]
#   -r  repetitions, interleaved [3]               -c  concurrency [16]
#
# Needs: PostgreSQL 15 + PostGIS, nginx, wrk, curl (scripts/deps.sh plus
# `apt-get install wrk`) and ../shared/bench (BENCH_DIR). Starts everything
# on 127.0.0.1 free ports and stops it at the end. Prints one line per run
# and a table of medians; the figures go into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ZOOMS=8,11 DUR=10 REPS=3 CONNS=16
while getopts "z:d:r:c:h" o; do
  case $o in z) ZOOMS=$OPTARG ;; d) DUR=$OPTARG ;; r) REPS=$OPTARG ;; c) CONNS=$OPTARG ;; *) sed -n '2,15p' "$0"; exit 2 ;; esac
done
BENCH=${BENCH_DIR:-../shared/bench}
[ -x "$BENCH/wrk_bench.sh" ] || { echo "bench-scaleout: $BENCH/wrk_bench.sh not found (set BENCH_DIR)" >&2; exit 2; }
for c in nginx wrk curl; do command -v $c >/dev/null || [ -x /usr/sbin/$c ] || { echo "bench-scaleout: needs $c" >&2; exit 2; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

W=$(mktemp -d /tmp/layoutmap-scaleout.XXXX)
chmod 755 "$W"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null || true
  BENCH_NGINX_DIR=$W/static "$BENCH/static_server.sh" stop >/dev/null 2>&1 || true
  local pg=${PG_PID:-}
  [ -n "${PG[1]:-}" ] && eval "exec ${PG[1]}>&-"   # pgtestd removes its cluster when stdin closes
  [ -n "$pg" ] && wait "$pg" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "building…" >&2
go build -o "$W/layoutmap" ./cmd/layoutmap
go build -o "$W/pgtestd" ./data/postgis/pgtest/pgtestd
coproc PG { "$W/pgtestd"; }
read -r line <&"${PG[0]}"
DB=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["reader_url"])' "$line")

"$BENCH/tile_urls.sh" -z "$ZOOMS" -l x -t '/tiles/{z}/{x}/{y}.mvt' -m 400 > "$W/tiles.txt" 2>/dev/null
echo "tiles: $(wc -l < "$W/tiles.txt") at z$ZOOMS over Henan; c=$CONNS, ${DUR}s per run, $REPS repetitions" >&2

INST=()   # addresses of running instances
start_instances() { # n
  while [ ${#INST[@]} -lt "$1" ]; do
    local p; p=$(freeport)
    "$W/layoutmap" serve --addr "127.0.0.1:$p" --database-url "$DB" --log-level warn >>"$W/layoutmap.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break; sleep 0.1; done
    INST+=("127.0.0.1:$p")
  done
}

NGPORT=$(freeport)
nginx_conf() { # n cache(on|off)
  local servers="" i
  for i in $(seq 0 $(($1 - 1))); do servers+="server ${INST[$i]}; "; done
  local loc=$PWD/docs/nginx/layoutmap.conf
  if [ "$2" = off ]; then
    grep -v -E 'proxy_cache|proxy_ignore_headers|X-Cache-Status' docs/nginx/layoutmap.conf > "$W/nocache.conf"
    loc=$W/nocache.conf
  fi
  local user=""; [ "$(id -u)" -eq 0 ] && user="user root;"
  cat > "$W/nginx.conf" <<CONF
$user
worker_processes 2;
pid $W/nginx.pid;
error_log $W/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/tmp; proxy_temp_path $W/tmp; fastcgi_temp_path $W/tmp; uwsgi_temp_path $W/tmp; scgi_temp_path $W/tmp;
  proxy_cache_path $W/cache levels=1:2 keys_zone=layoutmap:64m max_size=2g inactive=1h;
  upstream layoutmap { $servers keepalive 64; }
  server { listen 127.0.0.1:$NGPORT; include $loc; }
}
CONF
  if [ -f "$W/nginx.pid" ] && kill -0 "$(cat "$W/nginx.pid")" 2>/dev/null; then
    "$NGINX" -p "$W" -c "$W/nginx.conf" -s reload; sleep 0.5
  else
    "$NGINX" -p "$W" -c "$W/nginx.conf"; sleep 0.3
  fi
}

run() { # label url
  local line
  line=$("$BENCH/wrk_bench.sh" -c "$CONNS" -d "$DUR" -w 2 -L "$1" "$2" "$W/tiles.txt")
  echo "$line"
  echo "$1 $(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")" >> "$W/results"
}

start_instances 4
# The static upper bound: the same tiles as files under nginx.
"$BENCH/fetch_tiles.sh" "http://${INST[0]}" "$W/tiles.txt" "$W/files" >&2
SPORT=$(freeport)
BENCH_NGINX_DIR=$W/static "$BENCH/static_server.sh" start "$W/files" "$SPORT" >&2

for rep in $(seq "$REPS"); do
  echo "repetition $rep" >&2
  run "direct-1" "http://${INST[0]}"
  for n in 1 2 4; do
    nginx_conf $n off; run "nginx-nocache-$n" "http://127.0.0.1:$NGPORT"
    nginx_conf $n on;  run "nginx-cache-$n" "http://127.0.0.1:$NGPORT"
  done
  run "nginx-static" "http://127.0.0.1:$SPORT"
done

echo
echo "| configuration (c=$CONNS, z$ZOOMS, $(nproc) cores) | requests/s (median of $REPS) | ratio to static nginx |"
echo "| --- | --- | --- |"
python3 - "$W/results" <<'PY'
import sys, statistics, collections
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, rps = line.split()
    runs.setdefault(label, []).append(float(rps))
static = statistics.median(runs["nginx-static"])
for label, v in runs.items():
    m = statistics.median(v)
    print(f"| {label} | {m:.0f} | {m/static:.2f} |")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
