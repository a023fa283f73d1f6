package main

import (
	"os"
	"runtime"
	"runtime/debug"

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
