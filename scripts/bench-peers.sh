#!/usr/bin/env bash
# bench-peers.sh — layoutmap against its peers on the same PostGIS, one run.
#
#   scripts/bench-peers.sh [-d SECS] [-r REPS] [-o OUT_DIR] [-m PARTS] [-b BIN]
#
#   -m PARTS  comma-separated parts of the matrix to run: tiles (PostGIS cold
#             tiles vs pg_tileserv), items (PostGIS and embedded items vs
#             pg_featureserv), cached (cached tiles vs nginx) [tiles,items,cached]
#   -b BIN    a layoutmap binary to measure instead of building this checkout
#             (to compare two commits: run the script once with each)
#
# Starts, on 127.0.0.1 only:
#   - a throwaway PostGIS cluster (../shared/bench/setup_db.sh --start, own
#     data dir and port) with the bundled dataset (layoutmap migrate + import)
#     and the peers' views (../shared/bench/peers/peer_views.sql);
#   - layoutmap on PostGIS with the tile cache off (cold tiles, items);
#   - layoutmap embedded with the default tile cache (cached tiles, items);
#   - pg_tileserv and pg_featureserv (../shared/bench/peers) on the same
#     database, read through the peer_reader role;
#   - nginx serving the bytes layoutmap served for the same tile list.
# Then runs the matrix with ../shared/bench/wrk_bench.sh, each cell A B A B
# (layoutmap, then its peer, interleaved) for REPS repetitions [3], and
# prints a table of medians (requests/s) and ratios layoutmap/peer, with
# the load average before and after. Every server it started is stopped on
# exit. Needs: wrk, curl, nginx (installed from Debian if missing), Go,
# PostgreSQL + PostGIS (scripts/deps.sh).
#
# The machine is shared: read ratios, not absolute figures, and the
# load average printed with them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ../shared/bench beside the main checkout (a worktree finds it through git).
BENCH=${BENCH_DIR:-$ROOT/../shared/bench}
if [[ ! -d $BENCH ]]; then
  MAIN=$(cd "$(git -C "$ROOT" rev-parse --git-common-dir)/.." && pwd)
  BENCH=$MAIN/../shared/bench
fi
BENCH=$(cd "$BENCH" && pwd)
DUR=5 REPS=3 OUT="" PARTS=tiles,items,cached BIN=""
while getopts "d:r:o:m:b:h" opt; do
  case $opt in
    d) DUR=$OPTARG ;;
    r) REPS=$OPTARG ;;
    o) OUT=$OPTARG ;;
    m) PARTS=$OPTARG ;;
    b) BIN=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
    *) sed -n '2,32p' "$0" >&2; exit 2 ;;
  esac
done
part() { [[ ,$PARTS, == *,$1,* ]]; }
WORK=${OUT:-$(mktemp -d /tmp/bench-peers.XXXXXX)}
mkdir -p "$WORK"
LOG="$WORK/log"
: >"$LOG"
say() { echo "bench-peers: $*" >&2; }

command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || {
  say "installing nginx-light (Debian)"
  apt-get install -y -qq nginx-light >>"$LOG" 2>&1 || { apt-get update -qq >>"$LOG" 2>&1 && apt-get install -y -qq nginx-light >>"$LOG" 2>&1; }
}
for c in wrk curl go; do command -v $c >/dev/null || { say "needs $c"; exit 1; }; done

# Ports (override to avoid other benchmarks on the box).
PGPORT=${BENCH_PEERS_PGPORT:-55532}
P_LMPG=${BENCH_PEERS_LMPG:-18581} P_LMEM=${BENCH_PEERS_LMEM:-18582}
P_TS=${BENCH_PEERS_TS:-17800} P_FS=${BENCH_PEERS_FS:-19000} P_NGINX=${BENCH_PEERS_NGINX:-18583}

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  BENCH_NGINX_DIR="$WORK/nginx" "$BENCH/static_server.sh" stop >/dev/null 2>&1 || true
  BENCH_PGDATA="$WORK/pgdata" BENCH_PGPORT=$PGPORT "$BENCH/setup_db.sh" --stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "work dir $WORK"
if [[ -n $BIN ]]; then
  say "measuring $BIN"
  cp "$BIN" "$WORK/layoutmap"
else
  say "building layoutmap"
  (cd "$ROOT" && go build -o "$WORK/layoutmap" ./cmd/layoutmap)
fi

say "PostGIS cluster on 127.0.0.1:$PGPORT"
URL=$(BENCH_PGDATA="$WORK/pgdata" BENCH_PGPORT=$PGPORT BENCH_DB=layoutmap_peers "$BENCH/setup_db.sh" --start 2>>"$LOG" | tail -n1)
"$WORK/layoutmap" migrate --database-url "$URL" >>"$LOG" 2>&1
"$WORK/layoutmap" import --database-url "$URL" >>"$LOG" 2>&1
psql -X -q "$URL" -f "$BENCH/peers/peer_views.sql" >>"$LOG" 2>&1
PEER_URL=$(echo "$URL" | sed 's#//[^@/]*@#//peer_reader@#')
[[ $PEER_URL == *peer_reader@* ]] || PEER_URL=$(echo "$URL" | sed 's#//#//peer_reader@#')
PGPID=$(head -1 "$WORK/pgdata/postmaster.pid")

wait_http() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done; say "no answer from $1"; exit 1; }

say "starting layoutmap (PostGIS, tile cache off; embedded, cache on), pg_tileserv, pg_featureserv"
"$WORK/layoutmap" serve --addr 127.0.0.1:$P_LMPG --database-url "$URL" --tile-cache-mb 0 --log-level warn >>"$LOG" 2>&1 &
PIDS+=($!); LMPG=$!
"$WORK/layoutmap" serve --addr 127.0.0.1:$P_LMEM --database-url= --log-level warn >>"$LOG" 2>&1 &
PIDS+=($!); LMEM=$!
mkdir -p "$WORK/peers"
(cd "$WORK/peers" && DATABASE_URL="$PEER_URL" TS_HTTPHOST=127.0.0.1 TS_HTTPPORT=$P_TS TS_HTTPSPORT=$((P_TS + 1)) exec "$BENCH/peers/pg_tileserv" >>"$LOG" 2>&1) &
PIDS+=($!); TS=$!
cat >"$WORK/peers/pgfs.toml" <<TOML
[Server]
HttpHost = "127.0.0.1"
HttpPort = $P_FS
HttpsPort = $((P_FS + 1))
[Paging]
LimitDefault = 10
LimitMax = 10000
# pg_featureserv 1.3.1 hangs for good once requests are cancelled while its
# pool (default 4 connections) is busy, which wrk does at the end of every
# run; a larger pool and a restart when it stops answering keep the peer
# measurable (both noted in the log).
[Database]
DbPoolMaxConns = 64
TOML
FS=""
start_fs() {
  if [[ -n $FS ]]; then kill "$FS" 2>/dev/null || true; wait "$FS" 2>/dev/null || true; fi
  (cd "$WORK/peers" && DATABASE_URL="$PEER_URL" exec "$BENCH/peers/pg_featureserv" --config "$WORK/peers/pgfs.toml" >>"$LOG" 2>&1) &
  FS=$!; PIDS+=("$FS")
}
start_fs
wait_http "http://127.0.0.1:$P_LMPG/readyz"
wait_http "http://127.0.0.1:$P_LMEM/readyz"
wait_http "http://127.0.0.1:$P_TS/index.json"
wait_http "http://127.0.0.1:$P_FS/collections.json"

# Lists: the same tiles for both (Henan, at most 300 per zoom), the same queries.
L="$WORK/lists"; mkdir -p "$L"
for z in 5 8 11 14; do
  "$BENCH/tile_urls.sh" -z $z -l x -m 300 -t '/tiles/{z}/{x}/{y}.mvt' >"$L/lm_z$z.txt" 2>/dev/null
  "$BENCH/tile_urls.sh" -z $z -l x -m 300 -t '/peer.zones,peer.counties/{z}/{x}/{y}.pbf' >"$L/ts_z$z.txt" 2>/dev/null
done
cat "$L"/lm_z*.txt >"$L/lm_all.txt"
BBOX=113.5,34.6,113.9,34.9
echo "/api/v1/collections/zones/items?limit=100" >"$L/lm_zones100.txt"
echo "/collections/pfs.zones/items.json?limit=100" >"$L/fs_zones100.txt"
echo "/api/v1/collections/zones/items?limit=1000" >"$L/lm_zones1000.txt"
echo "/collections/pfs.zones/items.json?limit=1000" >"$L/fs_zones1000.txt"
echo "/api/v1/collections/zones/items?limit=100&bbox=$BBOX" >"$L/lm_bbox.txt"
echo "/collections/pfs.zones/items.json?limit=100&bbox=$BBOX" >"$L/fs_bbox.txt"
echo "/api/v1/collections/counties/items?limit=200" >"$L/lm_counties200.txt"
echo "/collections/pfs.counties/items.json?limit=200" >"$L/fs_counties200.txt"

# nginx serves the bytes the embedded server serves (its cache warms too).
if part cached; then
  say "fetching the tile list for nginx"
  "$BENCH/fetch_tiles.sh" "http://127.0.0.1:$P_LMEM" "$L/lm_all.txt" "$WORK/static" >>"$LOG" 2>&1
  BENCH_NGINX_DIR="$WORK/nginx" "$BENCH/static_server.sh" start "$WORK/static" $P_NGINX >>"$LOG" 2>&1
  NGPID=$(cat "$WORK/nginx/nginx.pid")
fi

RES="$WORK/results.txt"; : >"$RES"
# run CELL SERVER PORT LIST CONC CPU_PID
FS_RESTARTS=0
run() {
  local line srv=$6
  if [[ $3 == "$P_FS" ]]; then
    if ! curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$P_FS/collections/pfs.zones/items.json?limit=1" 2>/dev/null; then
      echo "bench-peers: pg_featureserv stopped answering; restarting it before \"$1\"" >>"$LOG"
      start_fs; wait_http "http://127.0.0.1:$P_FS/collections.json"
      FS_RESTARTS=$((FS_RESTARTS + 1))
    fi
    srv=$FS
  fi
  line=$("$BENCH/wrk_bench.sh" -d "$DUR" -w 1 -c "$5" -L "$1|$2" -C "srv=$srv" -C "pg=$PGPID" "http://127.0.0.1:$3" "$4" 2>>"$LOG" || true)
  echo "$line" >>"$RES"
  say "$line"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "matrix: $REPS repetitions, ${DUR}s per run, load average $LOAD_BEFORE"
for rep in $(seq 1 "$REPS"); do
  if part tiles; then
    for c in 1 16; do
      for z in 5 8 11 14; do
        run "pg tiles z$z c=$c" layoutmap $P_LMPG "$L/lm_z$z.txt" $c $LMPG
        run "pg tiles z$z c=$c" peer $P_TS "$L/ts_z$z.txt" $c $TS
      done
    done
  fi
  if part items; then
    for q in zones100 zones1000 bbox counties200; do
      c=16; [[ $q == counties200 ]] && c=1
      run "pg items $q c=$c" layoutmap $P_LMPG "$L/lm_$q.txt" $c $LMPG
      run "pg items $q c=$c" peer $P_FS "$L/fs_$q.txt" $c fs
      run "embedded items $q c=$c" layoutmap $P_LMEM "$L/lm_$q.txt" $c $LMEM
      run "embedded items $q c=$c" peer $P_FS "$L/fs_$q.txt" $c fs
    done
  fi
  if part cached; then
    run "cached tiles all zooms c=16" layoutmap $P_LMEM "$L/lm_all.txt" 16 $LMEM
    run "cached tiles all zooms c=16" peer $P_NGINX "$L/lm_all.txt" 16 $NGPID
  fi
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Medians per cell and server; ratio layoutmap/peer. Errors are shown.
awk -v before="$LOAD_BEFORE" -v after="$LOAD_AFTER" -v reps="$REPS" -v dur="$DUR" '
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    label = ""; rps = ""; errs = 0
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^label=/) { label = substr($0, index($0, "label=") + 6); sub(/ c=[0-9]+ t=.*/, "", label) }
      if ($i ~ /^rps=/) rps = substr($i, 5)
      if ($i ~ /^(http|socket)_errors=/) { split($i, kv, "="); errs += kv[2] }
    }
    if (label == "" || rps == "") next
    split(label, p, "|"); cell = p[1]; srv = p[2]
    if (!(cell in seen)) { seen[cell] = 1; order[++n] = cell }
    v[cell, srv] = v[cell, srv] " " rps
    e[cell, srv] += errs
  }
  END {
    peer["pg tiles"] = "pg_tileserv"; peer["pg items"] = "pg_featureserv"; peer["embedded items"] = "pg_featureserv"; peer["cached tiles"] = "nginx"
    printf "Load average before %s, after %s; %d repetitions of %ss per server and cell, interleaved A B A B; medians.\n\n", before, after, reps, dur
    print "| cell | layoutmap rps | peer | peer rps | ratio |"
    print "| --- | --- | --- | --- | --- |"
    for (k = 1; k <= n; k++) {
      c = order[k]; name = c; sub(/ (z[0-9]+|zones|bbox|counties|all).*/, "", name)
      a = median(v[c, "layoutmap"]); b = median(v[c, "peer"])
      note = (e[c, "layoutmap"] + e[c, "peer"] > 0) ? sprintf(" (errors %d / %d)", e[c, "layoutmap"], e[c, "peer"]) : ""
      printf "| %s | %.0f | %s | %.0f | %.2f%s |\n", c, a, peer[name], b, (b > 0 ? a / b : 0), note
    }
  }' "$RES" | tee "$WORK/table.md"
say "pg_featureserv restarted $FS_RESTARTS times (it hangs after cancelled requests; see the log)"
say "raw lines: $RES; table: $WORK/table.md; log: $LOG"
