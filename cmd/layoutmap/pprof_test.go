package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPprofListener(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":6060", "10.1.2.3:6060", "example.org:6060", "6060"} {
		if _, err := startPprof(t.Context(), addr, log); err == nil {
			t.Errorf("--pprof %q accepted; want refused (not loopback)", addr)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	bound, err := startPprof(ctx, "127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get("http://" + bound + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "goroutine profile:") {
		t.Fatalf("goroutine profile: %d %.200s", res.StatusCode, body)
	}
	cancel()
	// The listener closes with the serve context.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := client.Get("http://" + bound + "/debug/pprof/"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("profiler still answering after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestParseServePprof(t *testing.T) {
	cfg, err := parseServe(nil, func(k string) string {
		if k == "LAYOUTMAP_PPROF" {
			return "127.0.0.1:6061"
		}
		return ""
	}, io.Discard)
	if err != nil || cfg.PprofAddr != "127.0.0.1:6061" {
		t.Fatalf("env LAYOUTMAP_PPROF: %+v %v", cfg.PprofAddr, err)
	}
	cfg, err = parseServe(nil, func(string) string { return "" }, io.Discard)
	if err != nil || cfg.PprofAddr != "" {
		t.Fatalf("default: %q %v; want off", cfg.PprofAddr, err)
	}
}
