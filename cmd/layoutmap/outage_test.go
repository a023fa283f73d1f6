package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"layoutmap/data/postgis"
)

// TestServeThroughDatabaseOutage is issue 12's outage test on a real
// PostgreSQL that is stopped, restarted and frozen (SIGSTOP) while the
// server answers: cached tiles and images keep coming (200, Cache-Status
// stale), what needs the database is a 503 with Retry-After, nothing is a
// 500, the connection attempts of a 10 s outage stay bounded (read from
// /metrics), and the server serves again within about a second of the
// database returning, without a restart.
func TestServeThroughDatabaseOutage(t *testing.T) {
	c, _, url := ownDatabase(t)
	if err := run(t.Context(), []string{"import", "--database-url", url}, env(), io.Discard, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	reader, err := c.ReaderURL(t.Context(), url, postgis.Schema)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var logs syncBuffer
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{Addr: "127.0.0.1:0", DatabaseURL: reader, RequestTimeout: 2 * time.Second, TileCacheMB: 64}, &logs, ready)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	type answer struct {
		status      int
		retry, tier string // Retry-After, Cache-Status
	}
	get := func(path string) answer {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Errorf("GET %s: %v", path, err)
			return answer{}
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return answer{resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Cache-Status")}
	}
	const (
		cachedTile = "/tiles/8/208/101.mvt"                 // 郑州经开区
		cachedSVG  = "/static/map.svg?width=300&height=200" // drawn once before the outage
		items      = "/api/v1/collections/zones/items?limit=5"
	)
	// Every uncached request is a tile nobody asked for yet.
	var seq int
	var seqMu sync.Mutex
	uncached := func() string {
		seqMu.Lock()
		defer seqMu.Unlock()
		seq++
		return fmt.Sprintf("/tiles/8/208/101.mvt?min_revenue=%d", seq)
	}
	for _, p := range []string{cachedTile, cachedSVG, items} {
		if a := get(p); a.status != http.StatusOK {
			t.Fatalf("before the outage %s: %d", p, a.status)
		}
	}
	attempts := func() int {
		resp, err := client.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "layoutmap_store_connect_attempts_total "); ok {
				n, _ := strconv.Atoi(v)
				return n
			}
		}
		t.Fatal("/metrics has no layoutmap_store_connect_attempts_total")
		return 0
	}
	// hammer asks, from four clients at once until stop, the cached tile
	// and image (want 200 stale) and what needs the database (want 503 with
	// Retry-After); any other answer is an error.
	hammer := func(phase string, stop <-chan struct{}) (served, refused int) {
		// Within its 1 s reuse the dataset version is not asked again,
		// so cached answers are rightly fresh at first.
		freshUntil := time.Now().Add(1200 * time.Millisecond)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					var p string
					switch (i + w) % 4 {
					case 0:
						p = cachedTile
					case 1:
						p = cachedSVG
					case 2:
						p = items
					default:
						p = uncached()
					}
					a := get(p)
					mu.Lock()
					switch {
					case (p == cachedTile || p == cachedSVG) && a.status == http.StatusOK:
						if !strings.Contains(a.tier, "stale") && time.Now().After(freshUntil) {
							t.Errorf("%s: %s served from the cache without Cache-Status stale (%q)", phase, p, a.tier)
						}
						served++
					case p != cachedTile && p != cachedSVG && a.status == http.StatusServiceUnavailable:
						if n, err := strconv.Atoi(a.retry); err != nil || n < 1 {
							t.Errorf("%s: %s 503 with Retry-After %q", phase, p, a.retry)
						}
						refused++
					default:
						t.Errorf("%s: %s answered %d", phase, p, a.status)
					}
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		return served, refused
	}
	// recovered waits for an uncached tile to be served again and returns
	// how long that took.
	recovered := func(phase string) time.Duration {
		start := time.Now()
		for time.Since(start) < 10*time.Second {
			if a := get(uncached()); a.status == http.StatusOK || a.status == http.StatusNoContent {
				return time.Since(start)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s: not serving 10 s after the database returned", phase)
		return 0
	}

	// 1. Stopped for 10 s.
	if err := c.Halt(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := attempts()
	stop := make(chan struct{})
	time.AfterFunc(10*time.Second, func() { close(stop) })
	served, refused := hammer("stopped", stop)
	dials := attempts() - before
	t.Logf("stopped 10 s: %d cached answers, %d refusals, %d connection attempts", served, refused, dials)
	if served == 0 || refused == 0 {
		t.Errorf("stopped: %d cached answers and %d refusals, want some of each", served, refused)
	}
	// The breaker probes at most every 50–100 ms at first, then every
	// 0.5–1 s: about 15 in 10 s. 40 leaves room and is far from a storm.
	if dials > 40 {
		t.Errorf("%d connection attempts during a 10 s outage, want ≤ 40", dials)
	}
	if r := get("/readyz"); r.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while stopped: %d, want 503", r.status)
	}
	if err := c.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := recovered("restarted")
	t.Logf("serving %s after the restart", d)
	if d > 1500*time.Millisecond {
		t.Errorf("serving %s after the database returned, want about 1 s", d)
	}
	if r := get("/readyz"); r.status != http.StatusOK {
		t.Errorf("/readyz after the restart: %d, want 200", r.status)
	}

	// 2. Frozen for 4 s: connections stay open, nothing answers.
	if a := get(cachedTile); a.status != http.StatusOK || a.tier != "" {
		t.Fatalf("after recovery %s: %d %q, want a fresh 200", cachedTile, a.status, a.tier)
	}
	time.Sleep(1100 * time.Millisecond) // let the dataset version's 1 s reuse lapse
	if err := c.Freeze(); err != nil {
		t.Fatal(err)
	}
	stop = make(chan struct{})
	time.AfterFunc(4*time.Second, func() { close(stop) })
	served, refused = hammer("frozen", stop)
	t.Logf("frozen 4 s: %d cached answers, %d refusals", served, refused)
	if served == 0 || refused == 0 {
		t.Errorf("frozen: %d cached answers and %d refusals, want some of each", served, refused)
	}
	if err := c.Thaw(); err != nil {
		t.Fatal(err)
	}
	d = recovered("thawed")
	t.Logf("serving %s after the thaw", d)
	if d > 1500*time.Millisecond {
		t.Errorf("serving %s after the database was thawed, want about 1 s", d)
	}

	// Logged once per outage interval, not per request.
	log := logs.String()
	if n := strings.Count(log, "request failed"); n > 0 {
		t.Errorf("%d per-request error lines during outages, want none (the store logs the outage)", n)
	}
	if n := strings.Count(log, "database unavailable"); n < 2 || n > 6 {
		t.Errorf("%d outage start lines for two outages, want 2 to 6:\n%s", n, log)
	}
}
