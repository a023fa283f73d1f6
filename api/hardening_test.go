package api

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/tiles"
)

// TestUnknownMethods: an unknown or lowercase method is a problem+json 501
// (RFC 9110 §15.6.2: the method is not recognised), not fiber's plain 400.
func TestUnknownMethods(t *testing.T) {
	app := newApp(t, Config{})
	for _, m := range []string{"PROPFIND", "get", "BREW"} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/collections", nil)
		req.Method = m
		res, err := app.Test(req, 30_000)
		if err != nil {
			t.Fatal(err)
		}
		var p Problem
		err = json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if res.StatusCode != http.StatusNotImplemented || res.Header.Get("Content-Type") != ContentTypeProblem || err != nil || p.Status != 501 || !strings.Contains(p.Detail, "method") {
			t.Errorf("%s: %d %q %+v (%v), want a 501 problem naming the method", m, res.StatusCode, res.Header.Get("Content-Type"), p, err)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", m)
		}
	}
}

// TestNosniffEverywhere: JSON, tiles, problems, SVG all carry nosniff; SVG
// also a CSP that lets it load and run nothing.
func TestNosniffEverywhere(t *testing.T) {
	st := testStoreFor(t)
	s, err := NewStatic(StaticConfig{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){
		TileRoutes(TilesConfig{Tiles: tiles.New(st, tiles.Config{})}), s.Register}})
	for _, p := range []string{"/api/v1/collections", "/api/v1/collections/zones/items?limit=2", zzTile, "/tiles/layout.json",
		"/nope", "/api/v1/collections/zones/items?limit=x", "/static/map.svg?width=200&height=200", "/metrics", "/healthz"} {
		r := get(t, app, p)
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s (%d): X-Content-Type-Options %q, want nosniff", p, r.status, r.header.Get("X-Content-Type-Options"))
		}
	}
	r := get(t, app, "/static/map.svg?width=200&height=200")
	if got := r.header.Get("Content-Security-Policy"); got != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("SVG CSP %q", got)
	}
}

// TestGateBounds: a full gate turns requests away at once with a busy error
// naming the resource; a freed slot is reused.
func TestGateBounds(t *testing.T) {
	g := newGate("the image renderer", "render", 1, 1, 50*time.Millisecond)
	rel, err := g.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { _, err := g.acquire(context.Background()); waited <- err }()
	time.Sleep(10 * time.Millisecond)
	if _, err := g.acquire(context.Background()); !errors.Is(err, errBusy) {
		t.Errorf("third request with one slot and one queue place: %v, want busy", err)
	}
	err = <-waited
	if !errors.Is(err, errBusy) || !strings.Contains(busyDetail(err), "image renderer") {
		t.Errorf("waiting past maxWait: %v (%s), want busy naming the renderer", err, busyDetail(err))
	}
	if p := classify(err); p.Status != http.StatusServiceUnavailable || retryAfterSeconds(err) < 1 {
		t.Errorf("busy: %+v, want 503 with a Retry-After", p)
	}
	rel()
	rel2, err := g.acquire(context.Background())
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	rel2()
	if b, w := g.inUse(); b != 0 || w != 0 {
		t.Errorf("in use %d, waiting %d after releases", b, w)
	}
}

// TestSlowReadersBounded: clients that ask for a large page and never read
// hold at most MaxLargeResponses slots; the others get 503 with Retry-After
// at once, and the slots come back when the write times out or completes.
func TestSlowReadersBounded(t *testing.T) {
	app := newApp(t, Config{MaxLargeResponses: 2})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	addr := ln.Addr().String()
	// Hold two slots with connections that send the request and never read.
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		// A tiny receive window keeps the body in the server.
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		held = append(held, c)
		_, _ = c.Write([]byte("GET /api/v1/collections/counties/items?limit=10000 HTTP/1.1\r\nHost: x\r\n\r\n"))
	}
	time.Sleep(1500 * time.Millisecond)
	res, err := http.Get("http://" + addr + "/api/v1/collections/counties/items?limit=10000")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("third large request with two slots held: %d Retry-After %q, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Small pages do not need a slot.
	if res, err := http.Get("http://" + addr + "/api/v1/collections/counties/items?limit=5"); err != nil || res.StatusCode != 200 {
		t.Errorf("small page while large ones are held: %v %v", res, err)
	}
	for _, c := range held {
		c.Close()
	}
	// The slots come back once the writes to the closed connections fail.
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/api/v1/collections/counties/items?limit=10000")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("large page 5 s after the slow readers left: %v %v", res, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLargeResponseSlotReleased: a large body that did not ask for a large
// limit (all cities, 1.7 MB) takes a slot after it is built and gives it
// back once written, every time.
func TestLargeResponseSlotReleased(t *testing.T) {
	app := newApp(t, Config{MaxLargeResponses: 1})
	for i := range 20 {
		r := get(t, app, "/api/v1/collections/cities/items")
		if r.status != http.StatusOK || len(r.body) < LargeResponseBytes {
			t.Fatalf("request %d: %d, %d bytes; want 200 and a large body", i, r.status, len(r.body))
		}
	}
	m := get(t, app, "/metrics")
	if !strings.Contains(string(m.body), "layoutmap_large_response_busy 0\n") || !strings.Contains(string(m.body), "layoutmap_large_response_waiting 0\n") {
		t.Errorf("gate not free after 20 large responses:\n%s", m.body)
	}
}

// TestPixelRate: with a budget of one 200×200 image per second, a second
// PNG right after the first is turned away with Retry-After, naming the
// budget; SVG does not draw pixels and is not counted.
func TestPixelRate(t *testing.T) {
	st := testStoreFor(t)
	s, err := NewStatic(StaticConfig{Store: st, MaxPixelsPerSecond: 200 * 200, MaxWait: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// The budget's clock stands still unless the test moves it: a render
	// slower than a second on a loaded machine must not refill the budget.
	clock := time.Now()
	s.now = func() time.Time { return clock }
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){s.Register}})
	if r := get(t, app, "/static/map.png?width=200&height=200&year=2023"); r.status != http.StatusOK {
		t.Fatalf("first PNG: %d %s", r.status, r.body)
	}
	r := get(t, app, "/static/map.png?width=200&height=200&year=2022")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "pixels per second") {
		t.Errorf("second PNG within the second: %d Retry-After %q %s; want 503 naming the pixel budget", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := get(t, app, "/static/map.svg?width=200&height=200&year=2021"); r.status != http.StatusOK {
		t.Errorf("SVG under a spent pixel budget: %d", r.status)
	}
	clock = clock.Add(1100 * time.Millisecond)
	if r := get(t, app, "/static/map.png?width=200&height=200&year=2022"); r.status != http.StatusOK {
		t.Errorf("PNG a second later: %d", r.status)
	}
}
