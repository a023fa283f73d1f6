package api

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
)

// ContentTypeMetrics is the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). It is
// written by hand: a few counters and one histogram do not justify the
// client library and its dependencies.
const ContentTypeMetrics = "text/plain; version=0.0.4; charset=utf-8"

// TileCacheStats is what /metrics reads from the tile cache; *tiles.Service
// implements it.
type TileCacheStats interface {
	// CacheCounts returns tile requests answered from the cache and not.
	CacheCounts() (hits, misses uint64)
	// CacheStats returns the number of cached tiles and their bytes.
	CacheStats() (entries int, bytes int64)
}

// durationBuckets are the upper bounds (seconds) of the request duration
// histogram: cached tiles take microseconds, cold tiles and PNG images tens
// to hundreds of milliseconds, a store at its deadline seconds.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// routeOther labels requests no route matched, so unknown paths cannot
// grow the label set.
const routeOther = "other"

// metrics counts requests per route pattern. Route patterns are fixed at
// start-up, so the label set is bounded. Safe for concurrent use.
type metrics struct {
	inFlight atomic.Int64
	mu       sync.RWMutex
	routes   map[string]*routeMetrics
	tiles    TileCacheStats
	store    data.HealthReporter // nil for stores without a server
	gates    []*gate
}

type routeMetrics struct {
	classes [5]atomic.Uint64 // 1xx … 5xx
	buckets []atomic.Uint64  // per durationBuckets, not cumulative
	inf     atomic.Uint64    // above the last bucket
	count   atomic.Uint64
	sumNs   atomic.Uint64
}

func newMetrics(tiles TileCacheStats) *metrics {
	return &metrics{routes: map[string]*routeMetrics{}, tiles: tiles}
}

func (m *metrics) route(pattern string) *routeMetrics {
	m.mu.RLock()
	r := m.routes[pattern]
	m.mu.RUnlock()
	if r != nil {
		return r
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if r = m.routes[pattern]; r == nil {
		r = &routeMetrics{buckets: make([]atomic.Uint64, len(durationBuckets))}
		m.routes[pattern] = r
	}
	return r
}

func (m *metrics) observe(pattern string, status int, d time.Duration) {
	r := m.route(pattern)
	if c := status/100 - 1; c >= 0 && c < len(r.classes) {
		r.classes[c].Add(1)
	}
	s := d.Seconds()
	if i, _ := slices.BinarySearch(durationBuckets, s); i < len(durationBuckets) {
		r.buckets[i].Add(1)
	} else {
		r.inf.Add(1)
	}
	r.count.Add(1)
	r.sumNs.Add(uint64(max(d, 0)))
}

// middleware runs outermost: the access log inside it has already turned
// errors into responses, so the status it reads is the one sent.
func (m *metrics) middleware(c *fiber.Ctx) error {
	m.inFlight.Add(1)
	defer m.inFlight.Add(-1)
	start := time.Now()
	err := c.Next()
	m.observe(routePattern(c), c.Response().StatusCode(), time.Since(start))
	return err
}

// routePattern is the registered path of the route that handled c, such
// as "/api/v1/collections/:coll/items". When no route matched, fiber leaves
// the last middleware (registered at "/") as c.Route(); that is told apart
// from the web map's GET / by the request path.
func routePattern(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || r.Path == "" || (r.Path == "/" && c.Path() != "/") {
		return routeOther
	}
	return r.Path
}

// handler writes the exposition.
func (m *metrics) handler(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	if err := onlyParams(q); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypeMetrics)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(m.exposition())
}

// exposition is the text exposition (0.0.4) of every metric.
func (m *metrics) exposition() []byte {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	m.writeHTTP(w)
	m.writeTileCache(w)
	m.writeStore(w)
	for _, g := range m.gates {
		busy, waiting := g.inUse()
		writeGauge(w, "layoutmap_"+g.metric+"_busy", "Requests using "+g.what+".", busy)
		writeGauge(w, "layoutmap_"+g.metric+"_waiting", "Requests waiting for "+g.what+".", waiting)
	}
	_ = w.Flush() // writes to a bytes.Buffer do not fail
	return buf.Bytes()
}

// writeMetric writes one unlabelled metric of type typ with its help line
// and integer value v.
func writeMetric(w io.Writer, typ, name, help string, v any) {
	fmt.Fprintf(w, "# HELP %s %s\n", name, help)
	fmt.Fprintf(w, "# TYPE %s %s\n", name, typ)
	fmt.Fprintf(w, "%s %d\n", name, v)
}

func writeCounter(w io.Writer, name, help string, v any) { writeMetric(w, "counter", name, help, v) }
func writeGauge(w io.Writer, name, help string, v any)   { writeMetric(w, "gauge", name, help, v) }

// writeHTTP writes the requests per route and status class, the duration
// histograms per route and the requests in flight.
func (m *metrics) writeHTTP(w io.Writer) {
	m.mu.RLock()
	names := make([]string, 0, len(m.routes))
	for p := range m.routes {
		names = append(names, p)
	}
	routes := make(map[string]*routeMetrics, len(m.routes))
	for p, r := range m.routes {
		routes[p] = r
	}
	m.mu.RUnlock()
	slices.Sort(names)

	fmt.Fprintln(w, "# HELP layoutmap_http_requests_total HTTP requests by route pattern and status class.")
	fmt.Fprintln(w, "# TYPE layoutmap_http_requests_total counter")
	for _, p := range names {
		for i := range routes[p].classes {
			if n := routes[p].classes[i].Load(); n > 0 {
				fmt.Fprintf(w, "layoutmap_http_requests_total{route=%s,code=\"%dxx\"} %d\n", quoteLabel(p), i+1, n)
			}
		}
	}
	fmt.Fprintln(w, "# HELP layoutmap_http_request_duration_seconds HTTP request duration by route pattern.")
	fmt.Fprintln(w, "# TYPE layoutmap_http_request_duration_seconds histogram")
	for _, p := range names {
		r, l := routes[p], quoteLabel(p)
		// Read count first: buckets read afterwards are at least as large,
		// and +Inf is written as count so the series stays consistent.
		count := r.count.Load()
		var cum uint64
		for i, ub := range durationBuckets {
			cum += r.buckets[i].Load()
			fmt.Fprintf(w, "layoutmap_http_request_duration_seconds_bucket{route=%s,le=%q} %d\n", l, formatFloat(ub), min(cum, count))
		}
		fmt.Fprintf(w, "layoutmap_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", l, count)
		fmt.Fprintf(w, "layoutmap_http_request_duration_seconds_sum{route=%s} %s\n", l, formatFloat(float64(r.sumNs.Load())/1e9))
		fmt.Fprintf(w, "layoutmap_http_request_duration_seconds_count{route=%s} %d\n", l, count)
	}
	writeGauge(w, "layoutmap_http_requests_in_flight", "HTTP requests being served.", m.inFlight.Load())
}

// writeTileCache writes the tile cache's counts and size, and the stale
// tiles served, when the server has tiles.
func (m *metrics) writeTileCache(w io.Writer) {
	if m.tiles != nil {
		hits, misses := m.tiles.CacheCounts()
		entries, size := m.tiles.CacheStats()
		writeCounter(w, "layoutmap_tile_cache_hits_total", "Tile requests answered from the cache.", hits)
		writeCounter(w, "layoutmap_tile_cache_misses_total", "Tile requests the cache could not answer (encoded).", misses)
		writeGauge(w, "layoutmap_tile_cache_entries", "Tiles in the cache.", entries)
		writeGauge(w, "layoutmap_tile_cache_bytes", "Approximate memory of the cached tiles.", size)
	}
	if st, ok := m.tiles.(interface{ StaleCount() uint64 }); ok {
		writeCounter(w, "layoutmap_tile_stale_total", "Tiles served from the cache under the last known dataset version while the store could not confirm it.", st.StaleCount())
	}
}

// writeStore writes the store's circuit breaker state and counts.
func (m *metrics) writeStore(w io.Writer) {
	if m.store == nil {
		return
	}
	h := m.store.Health()
	up := 0
	if h.Available {
		up = 1
	}
	writeGauge(w, "layoutmap_store_up", "1 while the store's circuit breaker lets calls through, 0 while it fails fast.", up)
	writeCounter(w, "layoutmap_store_connect_attempts_total", "Connections dialled to the database.", h.ConnectAttempts)
	writeCounter(w, "layoutmap_store_failed_fast_total", "Store calls answered unavailable without trying the database.", h.FailedFast)
	writeCounter(w, "layoutmap_store_outages_total", "Times the store started failing fast.", h.Outages)
}

// quoteLabel quotes a label value as the text format wants: backslash,
// double quote and newline escaped.
func quoteLabel(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
