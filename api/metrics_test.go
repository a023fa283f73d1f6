package api

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// scrape fetches /metrics and parses the samples into "name{labels}" →
// value, checking on the way that every sample belongs to a family
// declared by a # TYPE line before it.
func scrape(t *testing.T, app *fiber.App) map[string]float64 {
	t.Helper()
	r := get(t, app, "/metrics")
	if r.status != 200 || r.ctype() != ContentTypeMetrics {
		t.Fatalf("GET /metrics: %d %q, want 200 %q", r.status, r.ctype(), ContentTypeMetrics)
	}
	types := map[string]string{}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			types[f[2]] = f[3]
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("malformed sample line %q", line)
		}
		key := line[:i]
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		name, _, _ := strings.Cut(key, "{")
		family := name
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suf); ok && types[base] == "histogram" {
				family = base
			}
		}
		if types[family] == "" {
			t.Errorf("sample %q has no # TYPE line before it", line)
		}
		if _, dup := out[key]; dup {
			t.Errorf("sample %q repeated", key)
		}
		out[key] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	store := testStoreFor(t)
	ts := tiles.New(store, tiles.Config{})
	app := newApp(t, Config{Store: store, TileCache: ts, Extra: []func(*fiber.App){
		TileRoutes(TilesConfig{Tiles: ts, Meta: tiles.Meta{Tiers: geo.DefaultTiers}}),
	}})
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/healthz", 200},
		{"/healthz", 200},
		{"/api/v1/collections/zones/items?limit=zzz", 400},
		{"/api/v1/collections/zones/items/G411031", 200},
		{"/api/v1/collections/zones/items/nope", 404},
		{"/no/such/route", 404},
		{"/tiles/8/208/101.mvt", 200}, // encoded: a miss
		{"/tiles/8/208/101.mvt", 200}, // cached: a hit
		{"/metrics?x=1", 400},
	} {
		if r := get(t, app, tc.target); r.status != tc.status {
			t.Fatalf("GET %s: %d, want %d", tc.target, r.status, tc.status)
		}
	}
	got := scrape(t, app)
	want := map[string]float64{
		`layoutmap_http_requests_total{route="/healthz",code="2xx"}`:                                 2,
		`layoutmap_http_requests_total{route="/api/v1/collections/:coll/items",code="4xx"}`:          1,
		`layoutmap_http_requests_total{route="/api/v1/collections/:coll/items/:id",code="2xx"}`:      1,
		`layoutmap_http_requests_total{route="/api/v1/collections/:coll/items/:id",code="4xx"}`:      1,
		`layoutmap_http_requests_total{route="other",code="4xx"}`:                                    1,
		`layoutmap_http_requests_total{route="/tiles/:z/:x/:y.mvt",code="2xx"}`:                      2,
		`layoutmap_http_requests_total{route="/metrics",code="4xx"}`:                                 1,
		`layoutmap_http_request_duration_seconds_count{route="/healthz"}`:                            2,
		`layoutmap_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"}`:                 2,
		`layoutmap_http_request_duration_seconds_count{route="/api/v1/collections/:coll/items/:id"}`: 2,
		// The scrape itself is being served.
		`layoutmap_http_requests_in_flight`: 1,
		`layoutmap_tile_cache_hits_total`:   1,
		`layoutmap_tile_cache_misses_total`: 1,
		`layoutmap_tile_cache_entries`:      1,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if got[`layoutmap_tile_cache_bytes`] <= 0 {
		t.Errorf("layoutmap_tile_cache_bytes = %v, want > 0", got[`layoutmap_tile_cache_bytes`])
	}
	// Buckets are cumulative and end at the count.
	prev := 0.0
	for _, ub := range durationBuckets {
		v := got[`layoutmap_http_request_duration_seconds_bucket{route="/tiles/:z/:x/:y.mvt",le="`+formatFloat(ub)+`"}`]
		if v < prev {
			t.Errorf("bucket le=%v is %v, below the previous %v", ub, v, prev)
		}
		prev = v
	}
	if inf := got[`layoutmap_http_request_duration_seconds_bucket{route="/tiles/:z/:x/:y.mvt",le="+Inf"}`]; inf != 2 || prev > inf {
		t.Errorf("tile buckets end at %v, +Inf %v; want ≤ 2 and 2", prev, inf)
	}
	// The previous scrape is counted by the next one.
	if got := scrape(t, app); got[`layoutmap_http_requests_total{route="/metrics",code="2xx"}`] != 1 {
		t.Errorf("second scrape counts %v successful scrapes, want 1", got[`layoutmap_http_requests_total{route="/metrics",code="2xx"}`])
	}
}

// TestMetricsWithoutTileCache: the tile families are left out, not zero.
func TestMetricsWithoutTileCache(t *testing.T) {
	got := scrape(t, newApp(t, Config{}))
	for k := range got {
		if strings.HasPrefix(k, "layoutmap_tile_cache") {
			t.Errorf("%s present without a tile cache", k)
		}
	}
	if _, ok := got["layoutmap_http_requests_in_flight"]; !ok {
		t.Error("in-flight gauge missing")
	}
}

func TestMetricsObserve(t *testing.T) {
	m := newMetrics(nil)
	cases := []struct {
		d      time.Duration
		status int
		bucket string // le of the first bucket that counts it
	}{
		{0, 200, "0.001"},
		{time.Millisecond, 204, "0.001"}, // le is inclusive
		{3 * time.Millisecond, 304, "0.005"},
		{2 * time.Second, 503, "2.5"},
		{time.Minute, 500, "+Inf"},
	}
	for _, tc := range cases {
		m.observe("/r", tc.status, tc.d)
	}
	var w sync.WaitGroup
	for range 8 {
		w.Go(func() { m.observe("/c", 200, time.Microsecond) })
	}
	w.Wait()
	text := string(m.exposition())
	for _, line := range []string{
		`layoutmap_http_requests_total{route="/r",code="2xx"} 2`,
		`layoutmap_http_requests_total{route="/r",code="3xx"} 1`,
		`layoutmap_http_requests_total{route="/r",code="5xx"} 2`,
		`layoutmap_http_request_duration_seconds_bucket{route="/r",le="0.001"} 2`,
		`layoutmap_http_request_duration_seconds_bucket{route="/r",le="0.0025"} 2`,
		`layoutmap_http_request_duration_seconds_bucket{route="/r",le="0.005"} 3`,
		`layoutmap_http_request_duration_seconds_bucket{route="/r",le="2.5"} 4`,
		`layoutmap_http_request_duration_seconds_bucket{route="/r",le="10"} 4`,
		`layoutmap_http_request_duration_seconds_bucket{route="/r",le="+Inf"} 5`,
		`layoutmap_http_request_duration_seconds_sum{route="/r"} 62.004`,
		`layoutmap_http_request_duration_seconds_count{route="/c"} 8`,
		`layoutmap_http_requests_total{route="/c",code="2xx"} 8`,
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("exposition lacks %q:\n%s", line, text)
		}
	}
	if strings.Contains(text, `code="4xx"`) {
		t.Error("a status class without requests is written")
	}
}

func TestQuoteLabel(t *testing.T) {
	for in, want := range map[string]string{
		"/healthz":   `"/healthz"`,
		`a"b`:        `"a\"b"`,
		`back\slash`: `"back\\slash"`,
		"new\nline":  `"new\nline"`,
	} {
		if got := quoteLabel(in); got != want {
			t.Errorf("quoteLabel(%q) = %s, want %s", in, got, want)
		}
	}
}
