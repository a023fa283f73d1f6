package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
)

// TestItemsStreamed: a page of county outlines (over StreamItemsBytes of
// stored geometry JSON) to a client that takes it uncompressed is a body
// stream with the built body's bytes, its length, numberMatched and a
// weak ETag that answers If-None-Match with 304; a gzip client gets the
// same document built in memory and compressed.
func TestItemsStreamed(t *testing.T) {
	app := newApp(t, Config{})
	const path = "/api/v1/collections/counties/items?limit=200"
	r := get(t, app, path)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if n, _ := strconv.Atoi(r.header.Get("Content-Length")); n != len(r.body) || n < StreamItemsBytes {
		t.Errorf("Content-Length %q for a %d-byte body", r.header.Get("Content-Length"), len(r.body))
	}
	tag := r.header.Get("ETag")
	if !strings.HasPrefix(tag, `W/"x`) {
		t.Errorf("ETag %q, want the streamed page's weak tag", tag)
	}
	var doc struct {
		NumberMatched  int               `json:"numberMatched"`
		NumberReturned int               `json:"numberReturned"`
		Features       []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("streamed body is not JSON: %v", err)
	}
	if doc.NumberReturned != len(doc.Features) || doc.NumberMatched < doc.NumberReturned || doc.NumberReturned == 0 {
		t.Errorf("numberMatched %d, numberReturned %d, %d features", doc.NumberMatched, doc.NumberReturned, len(doc.Features))
	}
	if nm := get(t, app, path, "If-None-Match", tag); nm.status != 304 || len(nm.body) != 0 {
		t.Errorf("If-None-Match %s: %d with %d bytes, want 304 and no body", tag, nm.status, len(nm.body))
	}
	z := get(t, app, path, "Accept-Encoding", "gzip")
	if z.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip client: Content-Encoding %q", z.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(z.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, r.body) {
		t.Errorf("streamed body (%d bytes) differs from the built one (%d bytes)", len(r.body), len(plain))
	}
	// The page has one tag, streamed or built (bodyETag over the same bytes).
	if zt := z.header.Get("ETag"); zt != tag {
		t.Errorf("built page's ETag %s, streamed %s", zt, tag)
	}
	// A small page is built in memory, as before.
	store := testStoreFor(t)
	for _, c := range []struct {
		limit  int
		stream bool
	}{{2, false}, {200, true}} {
		p, err := store.Items(t.Context(), "counties", itemsFilterAll())
		if err != nil {
			t.Fatal(err)
		}
		if got := streamable(p.Features[:min(c.limit, len(p.Features))]); got != c.stream {
			t.Errorf("%d counties: streamable %v, want %v", c.limit, got, c.stream)
		}
	}
}
