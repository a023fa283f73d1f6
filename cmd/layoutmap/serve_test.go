package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink the server goroutine and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServe runs the real command with the embedded store on a free
// loopback port, asks it a few questions over TCP, then cancels the context
// and expects a clean shutdown.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	cfg, err := parseServe([]string{"--addr", "127.0.0.1:0"}, env(), &logs)
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &logs, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve returned before listening: %v\n%s", err, logs.String())
	}
	client := &http.Client{Timeout: 30 * time.Second}
	for _, tc := range []struct{ path, ctype, want string }{
		{"/healthz", "application/json", `"status":"ok"`},
		{"/readyz", "application/json", `"status":"ready"`},
		{"/api/v1/collections", "application/json", `"id":"zones"`},
		{"/api/v1/collections/zones/items?limit=1", "application/geo+json", `"numberReturned":1`},
		{"/nope", "application/problem+json", `"status":404`},
		{"/api/v1/stats/tiers?year=2023", "application/json", `t5000`},
		{"/static/map.svg?width=300&height=200", "image/svg+xml", `<svg`},
		{"/tiles/8/208/101.mvt", "application/vnd.mapbox-vector-tile", ""},
		// After the requests above: the tile service the routes use is the
		// one /metrics reads.
		{"/metrics", "text/plain; version=0.0.4", "layoutmap_tile_cache_misses_total 1\n"},
		{"/metrics", "text/plain; version=0.0.4", `layoutmap_http_requests_total{route="/tiles/:z/:x/:y.mvt",code="2xx"} 1`},
	} {
		res, err := client.Get("http://" + addr + tc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) || !bytes.Contains(body, []byte(tc.want)) {
			t.Errorf("GET %s: %d %s %s; want %s containing %s", tc.path, res.StatusCode, ct, body[:min(len(body), 300)], tc.ctype, tc.want)
		}
		if tc.path == "/api/v1/collections" {
			var doc struct{ Collections []struct{ ID string } }
			if err := json.Unmarshal(body, &doc); err != nil || len(doc.Collections) != 4 {
				t.Errorf("collections: %v, %+v; want 4", err, doc)
			}
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v\n%s", err, logs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not return after cancel")
	}
	for _, want := range []string{"store=", "addr=" + addr, "stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// A stop asked for while the store loads (seconds with a large enterprise
// list) stops the server once it is loaded: Shutdown could come before
// the listener goroutine served, find no server, and leave it serving.
func TestServeStopsWhenAskedDuringStartUp(t *testing.T) {
	for range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var logs syncBuffer
		cfg, err := parseServe([]string{"--addr", "127.0.0.1:0"}, env(), &logs)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- serve(ctx, cfg, &logs, nil) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Minute):
			t.Fatalf("serve asked to stop during start-up is still running:\n%s", logs.String())
		}
	}
}
