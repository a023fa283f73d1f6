package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	app := newApp(t, Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	r := get(t, app, "/api/v1/collections/zones/items?limit=0", HeaderRequestID, "abc-123")
	if r.status != 400 {
		t.Fatalf("status %d, want 400", r.status)
	}
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &line); err != nil {
		t.Fatalf("log %q: %v", buf.String(), err)
	}
	want := map[string]any{"msg": "request", "request_id": "abc-123", "method": "GET", "path": "/api/v1/collections/zones/items", "status": 400.0}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v (line %s)", k, line[k], v, buf.String())
		}
	}
	if _, ok := line["dur_ms"].(float64); !ok {
		t.Errorf("log has no numeric dur_ms: %s", buf.String())
	}
}

// TestAccessLogLevels: successful requests are logged only at debug level,
// client errors at info, so the default level costs no write per tile.
func TestAccessLogLevels(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		path  string
		lines int
	}{
		{slog.LevelInfo, "/healthz", 0},
		{slog.LevelInfo, "/api/v1/collections/zones/items?limit=0", 1},
		{slog.LevelWarn, "/api/v1/collections/zones/items?limit=0", 0},
		{slog.LevelDebug, "/healthz", 1},
	} {
		var buf bytes.Buffer
		app := newApp(t, Config{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: tc.level}))})
		get(t, app, tc.path)
		if n := strings.Count(buf.String(), `"msg":"request"`); n != tc.lines {
			t.Errorf("level %v, GET %s: %d access-log lines, want %d: %s", tc.level, tc.path, n, tc.lines, buf.String())
		}
	}
}

func TestRequestID(t *testing.T) {
	app := newApp(t, Config{})
	cases := []struct{ name, in, want string }{
		{"kept", "req-1.a_B", "req-1.a_B"},
		{"hostile replaced", "x\"; drop", ""},
		{"too long replaced", strings.Repeat("a", 65), ""},
		{"absent generated", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.in == "" {
				r = get(t, app, "/healthz")
			} else {
				r = get(t, app, "/healthz", HeaderRequestID, tc.in)
			}
			got := r.header.Get(HeaderRequestID)
			if tc.want != "" && got != tc.want {
				t.Errorf("request id %q, want %q", got, tc.want)
			}
			if tc.want == "" && (got == tc.in || len(got) != 16) {
				t.Errorf("request id %q, want a fresh 16-hex-digit id", got)
			}
		})
	}
}

// BenchmarkItemsEncode measures GeoJSON encoding of a full items page, the
// hot path of every items request.
func BenchmarkItemsEncode(b *testing.B) {
	s := testStoreFor(b)
	page, err := s.Items(b.Context(), "zones", itemsFilterAll())
	if err != nil {
		b.Fatal(err)
	}
	fc := featureCollection{NumberMatched: page.NumberMatched, NumberReturned: len(page.Features), TimeStamp: "2026-01-02T03:04:05Z"}
	buf := make([]byte, 0, 1<<20)
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = appendFeatureCollection(buf[:0], fc, page.Features); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkItemsHTTP measures a whole items request through the app.
func BenchmarkItemsHTTP(b *testing.B) {
	app := newApp(b, Config{})
	b.ReportAllocs()
	for b.Loop() {
		if r := get(b, app, "/api/v1/collections/zones/items?limit=10000"); r.status != 200 {
			b.Fatalf("status %d", r.status)
		}
	}
}
