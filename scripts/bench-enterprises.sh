#!/usr/bin/env bash
# bench-enterprises.sh — issue 15's enterprise figures on PostGIS, in one run:
#
#   scripts/bench-enterprises.sh [-n ROWS] [-d SECS] [-r REPS] [-o DIR] [-b BINARY]
#
# 1. a throwaway PostGIS cluster holding the bundled dataset (pgtestd: a
#    loopback port, fsync off like the tests' clusters);
# 2. `layoutmap synth enterprises --n ROWS --seed 1` [1000000] (kept in
#    /tmp/bench-enterprises-ROWS.csv for the next run);
# 3. `layoutmap import --enterprises` into it, timed, each progress step
#    stamped (read + resolve, COPY, indexes, cells, snapshot, commit);
# 4. `layoutmap serve --database-url` on 127.0.0.1 and cmd/entbench against
#    it: every tile z5–z8 over Henan and the z9–z16 tiles over every zone,
#    cold, one at a time; statistics per zone of the whole province;
#    items with bbox + chain, and of each chain over the province;
# 5. cold tile requests/s at z5, z6, z7 and z8, concurrency 1, interleaved
#    REPS times [2] with the plain ST_AsMVT query of the same points
#    (../shared/bench/sql_bench.sh over a view public.enterprises of
#    layoutmap.enterprises: pg_tileserv's query shape, every column a
#    property), SECS each [10], and the ratio per zoom.
#
# -b BINARY: another layoutmap binary (e.g. main before a change) served
# beside this build on the same database; step 4 then runs REPS times,
# alternating between the two (before/after in the same minutes).
#
# Every load goes to 127.0.0.1. The machine is shared: the load average is
# printed with each step; compare ratios measured in the same run.
# Needs: Go, PostgreSQL 15 + PostGIS (scripts/deps.sh), wrk, pgbench, jq.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${BENCH_DIR:-$ROOT/../shared/bench}
if [[ ! -d $BENCH ]]; then
  MAIN=$(cd "$(git -C "$ROOT" rev-parse --git-common-dir)/.." && pwd)
  BENCH=$MAIN/../shared/bench
fi
BENCH=$(cd "$BENCH" && pwd)
N=1000000 DUR=10 REPS=2 OUT="" OTHER=""
while getopts "n:d:r:o:b:h" opt; do
  case $opt in
    n) N=$OPTARG ;; d) DUR=$OPTARG ;; r) REPS=$OPTARG ;; o) OUT=$OPTARG ;; b) OTHER=$(realpath "$OPTARG") ;;
    *) sed -n '2,28p' "$0" >&2; exit 2 ;;
  esac
done
for c in go wrk pgbench jq curl; do command -v $c >/dev/null || { echo "bench-enterprises: needs $c" >&2; exit 1; }; done
WORK=${OUT:-$(mktemp -d /tmp/bench-enterprises.XXXXXX)}
mkdir -p "$WORK"
PORT=${BENCH_ENTERPRISES_PORT:-18591}
say() { echo "bench-enterprises: $*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

PIDS=() PGTESTD=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # pgtestd removes its cluster when its stdin closes (not on a signal).
  exec 9>&- 2>/dev/null || true
  [[ -n $PGTESTD ]] && for _ in $(seq 30); do kill -0 "$PGTESTD" 2>/dev/null || break; sleep 1; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

say "building into $WORK/bin"
(cd "$ROOT" && go build -o "$WORK/bin/layoutmap" ./cmd/layoutmap && go build -o "$WORK/bin/pgtestd" ./data/postgis/pgtest/pgtestd &&
  go build -o "$WORK/bin/entbench" ./cmd/entbench)

CSV=/tmp/bench-enterprises-$N.csv
if [[ ! -s $CSV ]]; then
  say "synth $N enterprises"
  "$WORK/bin/layoutmap" synth enterprises --n "$N" --seed 1 --out "$CSV.tmp" >&2 && mv "$CSV.tmp" "$CSV"
fi

# pgtestd runs until its stdin closes: a fifo held open by this script.
mkfifo "$WORK/pgtestd.in"
"$WORK/bin/pgtestd" <"$WORK/pgtestd.in" >"$WORK/pgtestd.json" 2>"$WORK/pgtestd.err" &
PGTESTD=$!
exec 9>"$WORK/pgtestd.in"
for _ in $(seq 120); do [[ -s $WORK/pgtestd.json ]] && break; sleep 1; done
URL=$(jq -r .url "$WORK/pgtestd.json")
[[ $URL == postgres* ]] || { cat "$WORK/pgtestd.err" >&2; exit 1; }

echo "# bench-enterprises $(date -u +%FT%TZ) rows=$N commit=$(git -C "$ROOT" rev-parse --short HEAD)"
# CPU seconds of the cluster: the postmaster and its children, reaped
# backends included (as sql_bench.sh counts them).
PGPORT=$(echo "$URL" | sed -E 's|.*:([0-9]+)/.*|\1|')
PGPID=$(pgrep -f -- "postgres -D .* -p $PGPORT " | head -n1)
pg_cpu() {
  local total=0 f s pid
  local -a a
  for f in /proc/[0-9]*/stat; do
    s=$(cat "$f" 2>/dev/null) || continue
    pid=${s%% *}
    read -r -a a <<<"${s##*) }"
    if [[ $pid == "$PGPID" || ${a[1]:-} == "$PGPID" ]]; then total=$((total + a[11] + a[12] + a[13] + a[14])); fi
  done
  echo "scale=2; $total / $(getconf CLK_TCK)" | bc
}

echo "## import (load before: $(load))"
start=$(date +%s.%N) pg0=$(pg_cpu)
/usr/bin/time -f "import process CPU: user %U s, system %S s, max RSS %M KB" -o "$WORK/import.time" \
  "$WORK/bin/layoutmap" import --database-url "$URL" --enterprises "$CSV" 2>&1 | while IFS= read -r line; do
  printf '%7.2fs  %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$line"
done
cat "$WORK/import.time"
echo "PostgreSQL CPU during the import: $(echo "$(pg_cpu) - $pg0" | bc) s"
echo "load after: $(load)"

echo "## serving (entbench, cold, concurrency 1; load before: $(load))"
"$WORK/bin/layoutmap" serve --database-url "$URL" --addr "127.0.0.1:$PORT" --log-level warn >"$WORK/serve.log" 2>&1 &
SRV=$!
PIDS+=($SRV)
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/enterprises/info" >/dev/null && break; sleep 0.5; done
if [[ -z $OTHER ]]; then
  "$WORK/bin/entbench" --url "http://127.0.0.1:$PORT"
else
  OPORT=$((PORT + 1))
  "$OTHER" serve --database-url "$URL" --addr "127.0.0.1:$OPORT" --log-level warn >"$WORK/serve-other.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$OPORT/api/v1/enterprises/info" >/dev/null && break; sleep 0.5; done
  # The order alternates (rep 1: the other binary first, on the pages
  # the import left cold), so neither side always meets a warmer cache.
  this() { echo "### rep $rep: this build ($(git -C "$ROOT" rev-parse --short HEAD)), load $(load)"; "$WORK/bin/entbench" --url "http://127.0.0.1:$PORT"; }
  other() { echo "### rep $rep: $OTHER, load $(load)"; "$WORK/bin/entbench" --url "http://127.0.0.1:$OPORT"; }
  for rep in $(seq "$REPS"); do
    if ((rep % 2)); then other; this; else this; other; fi
  done
fi
echo "load after: $(load)"

echo "## cold tiles/s z5–z8, c=1: layoutmap vs plain ST_AsMVT of the same points"
psql -X -q "$URL" -c "CREATE OR REPLACE VIEW public.enterprises AS SELECT * FROM layoutmap.enterprises"
for z in 5 6 7 8; do
  "$BENCH/tile_urls.sh" -l enterprises -z $z -m 0 -t '/tiles/{layer}/{z}/{x}/{y}.mvt' >"$WORK/tiles_z$z.txt" 2>/dev/null
done
for rep in $(seq "$REPS"); do
  for z in 5 6 7 8; do
    "$BENCH/wrk_bench.sh" -c 1 -d "$DUR" -w 1 -L "layoutmap/z$z/rep$rep" -C srv=$SRV "http://127.0.0.1:$PORT" "$WORK/tiles_z$z.txt" | tee -a "$WORK/rps.txt"
    "$BENCH/sql_bench.sh" -U "$URL" -l enterprises -z $z -m 0 -c 1 -T "$DUR" -L "plain/rep$rep" | tee -a "$WORK/rps.txt"
  done
done
echo "## ratio (median over reps of layoutmap rps / plain ST_AsMVT qps; load now $(load))"
awk '
  /^label=layoutmap/ { split($1, a, "/"); z = a[2]; for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) { sub("rps=", "", $i); ours[z] = ours[z] " " $i } }
  /^label=plain/ { split($1, a, "/"); z = a[4]; for (i = 1; i <= NF; i++) if ($i ~ /^qps=/) { sub("qps=", "", $i); plain[z] = plain[z] " " $i } }
  function med(s,   n, v, i, j, t) { n = split(s, v, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  END { for (z in ours) printf "%s layoutmap %.1f rps, plain ST_AsMVT %.1f qps, ratio %.1f×\n", z, med(ours[z]), med(plain[z]), med(ours[z]) / med(plain[z]) }' "$WORK/rps.txt" | sort
echo "# output in $WORK"
