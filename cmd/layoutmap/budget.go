package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"layoutmap/api"
)

// The parts of the memory budget (docs/reliability.md), MB. They were
// measured with cmd/loadcheck: the embedded dataset, runtime and
// connection buffers at rest (114 MB); one 4096×4096 PNG while drawn (RGBA
// plus the rasterizer's masks, the encoder and its output: 240 MB measured,
// counted as four times the RGBA); one slot of the large-response gate
// (the largest items page built and held for a slow reader: 25 MB).
const (
	baseMB          = 160
	staticCacheMB   = api.DefaultStaticCacheBytes >> 20
	largeResponseMB = 25
)

// memoryBudgetMB is the bound on the server's memory that the flags imply:
// base + --tile-cache-mb + the image cache + --max-render-concurrency
// images of --max-image-pixels + the large-response gate's slots.
func memoryBudgetMB(cfg serveConfig) int {
	k := cfg.MaxRender
	if k <= 0 {
		k = runtime.GOMAXPROCS(0)
	}
	renderMB := max(cfg.MaxImagePixels*4*4>>20, 1)
	return baseMB + cfg.TileCacheMB + staticCacheMB + k*renderMB + api.DefaultMaxLargeResponses*largeResponseMB
}

// applyMemoryBudget sets the Go runtime's soft memory limit to the budget
// unless the operator set GOMEMLIMIT, so the collector works harder rather
// than let garbage take the heap past the bound. It returns the limit in
// force, in MB (0 when the operator's GOMEMLIMIT applies).
func applyMemoryBudget(cfg serveConfig) int {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	mb := memoryBudgetMB(cfg)
	debug.SetMemoryLimit(int64(mb) << 20)
	return mb
}

// gcHeadroomMB is the garbage the collector may let accumulate above the
// live heap before it runs, once the store is loaded. Go's default
// (GOGC=100) allows as much garbage as there is live data: harmless for
// the bundled dataset (~100 MB live), but with a million enterprises
// resident (480 MB live measured) the heap grew to 1.1–1.2 GB under
// ordinary requests (cmd/entbench) while the ready server held 0.65 GB.
const gcHeadroomMB = 256

// gcPercentFor is the GOGC value that keeps the garbage allowed above a
// live heap of liveMB to about gcHeadroomMB: 100 (Go's default) up to
// 256 MB live, then 100·256/live, never below 25 (at 1 GB live the
// collector would otherwise run after every 256 MB allocated… and more
// often as the heap grows).
func gcPercentFor(liveMB int) int {
	if liveMB <= gcHeadroomMB {
		return 100
	}
	return max(100*gcHeadroomMB/liveMB, 25)
}

// tuneGC sets GOGC from the live heap after the store is loaded (a forced
// collection measures it), unless the operator set GOGC. It returns the
// percentage in force and the live heap in MB.
func tuneGC() (percent, liveMB int) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	liveMB = int(s[0].Value.Uint64() >> 20)
	if os.Getenv("GOGC") != "" {
		return 0, liveMB
	}
	percent = gcPercentFor(liveMB)
	debug.SetGCPercent(percent)
	return percent, liveMB
}
