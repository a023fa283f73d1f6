#!/usr/bin/env bash
# Static images before/after in one run (issue 17, "Static images"): the
# render benchmarks of tiles/static and the RSS of a server after 200
# distinct 1600×1000 PNGs, for an older commit (BASE) and the work tree.
#
#   scripts/bench-static.sh [BASE]
#
# BASE defaults to the commit before outlines were projected once per
# dataset version (the parent of the commit that added
# tiles/static/outline.go). Figures go to stdout; docs/performance.md
# keeps a run. A measurement script, not a test: it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base=${1:-$(git log --diff-filter=A --format=%H -- tiles/static/outline.go | tail -1)^}
base=$(git rev-parse --short "$base")
count=${COUNT:-3}
tmp=$(mktemp -d)
cleanup() {
	for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	git worktree remove --force "$tmp/base" 2>/dev/null || true
	rm -rf "$tmp"
}
pids=()
trap cleanup EXIT
git worktree add -q --detach "$tmp/base" "$base"

echo "# before = $base, after = work tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo ' + changes'))"
echo "# $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## go test -bench BenchmarkRender, ${count}× interleaved (ns/op, B/op)"
# Before has BenchmarkRender (projecting per render); after has it with the
# outline cache, BenchmarkRenderUncached (projecting per render) and
# BenchmarkRender1600.
for i in $(seq "$count"); do
	(cd "$tmp/base" && go test -run '^$' -bench '^BenchmarkRender$' -benchtime=10x -benchmem ./tiles/static/ | sed -n 's/^Benchmark/before Benchmark/p')
	(cd "$root" && go test -run '^$' -bench '^BenchmarkRender' -benchtime=10x -benchmem ./tiles/static/ | sed -n 's/^Benchmark/after  Benchmark/p')
done >"$tmp/bench.txt"
# Median ns/op and the last B/op per benchmark (mawk has no asort).
for k in $(awk '{print $1 "|" $2}' "$tmp/bench.txt" | sort -u); do
	who=${k%%|*} name=${k#*|}
	vals=$(awk -v w="$who" -v n="$name" '$1 == w && $2 == n {print $4}' "$tmp/bench.txt" | sort -n)
	runs=$(echo "$vals" | wc -l)
	med=$(echo "$vals" | sed -n "$(((runs + 1) / 2))p")
	mem=$(awk -v w="$who" -v n="$name" '$1 == w && $2 == n {m = $8} END {print m}' "$tmp/bench.txt")
	printf '%-6s %-34s median %8.1f ms  (%d runs)  %s B/op\n' "$who" "${name#Benchmark}" "$(echo "$med / 1000000" | bc -l)" "$runs" "$mem"
done | sort -k2,2 -k1,1r

echo
echo "## RSS after 200 distinct 1600x1000 PNGs (min_revenue=1..200, one at a time)"
rss() {
	local name=$1 dir=$2 port=$3
	(cd "$dir" && go build -o "$tmp/$name" ./cmd/layoutmap)
	"$tmp/$name" serve --addr "127.0.0.1:$port" --log-level warn >"$tmp/$name.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
	local start end
	start=$(date +%s.%N)
	for n in $(seq 200); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/static/map.png?width=1600&height=1000&min_revenue=$n"
	done
	end=$(date +%s.%N)
	printf '%-7s VmRSS %6d MB  VmHWM %6d MB  %5.0f ms per image\n' "$name" \
		$(($(awk '/^VmRSS/{print $2}' "/proc/$pid/status") / 1024)) $(($(awk '/^VmHWM/{print $2}' "/proc/$pid/status") / 1024)) \
		"$(echo "($end - $start) * 1000 / 200" | bc -l)"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}
rss before "$tmp/base" 18941
rss after "$root" 18942
