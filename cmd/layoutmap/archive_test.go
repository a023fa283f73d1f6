package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"layoutmap/tiles/archive"
)

// startServe runs the real serve command with args on a free loopback
// port until the test ends and returns its base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	cfg, err := parseServe(append([]string{"--addr", "127.0.0.1:0"}, args...), env(), &logs)
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &logs, ready) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Error("serve did not stop")
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve returned before listening: %v\n%s", err, logs.String())
	}
	return ""
}

// get fetches url with the given Accept-Encoding (set explicitly, so the
// client does not decompress) and returns status, headers and body.
func get(t *testing.T, url, acceptEncoding string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", acceptEncoding)
	res, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode, res.Header, b
}

// TestTilesExportPMTiles exports z5–z8 of the embedded dataset with the
// real command, checks the archive with go-pmtiles' own Verify, compares
// every tile of the covered range with the live server's, then serves the
// archive (as a file and over HTTP range requests) with serve --pmtiles
// and compares again.
func TestTilesExportPMTiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "layout.pmtiles")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"tiles", "export", "--out", out, "--minzoom", "5", "--maxzoom", "8"}, env(), &stdout, &stderr); err != nil {
		t.Fatalf("tiles export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "z5–z8") || !strings.Contains(stderr.String(), "(100%)") {
		t.Errorf("export output: %q / %q", stdout.String(), stderr.String())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.partial")); len(left) > 0 {
		t.Errorf("partial files left: %v", left)
	}

	var vlog bytes.Buffer
	if err := pmtiles.Verify(log.New(&vlog, "", 0), out); err != nil {
		t.Fatalf("pmtiles verify: %v\n%s", err, vlog.String())
	}
	if strings.Contains(vlog.String(), "Invalid") {
		t.Fatalf("pmtiles verify: %s", vlog.String())
	}

	r, err := archive.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := r.Header()
	if h.MinZoom != 5 || h.MaxZoom != 8 || !h.Clustered || h.TileCompression != pmtiles.Gzip || h.TileType != pmtiles.Mvt {
		t.Errorf("header %+v", h)
	}
	if h.TileContentsCount > h.AddressedTilesCount || h.AddressedTilesCount < 20 {
		t.Errorf("addressed %d, contents %d", h.AddressedTilesCount, h.TileContentsCount)
	}
	meta := r.Metadata()
	if meta["tilejson"] != "3.0.0" || meta["vector_layers"] == nil || meta["minzoom"] != json.Number("5") || meta["maxzoom"] != json.Number("8") {
		t.Errorf("metadata is not the tileset's TileJSON: %v", meta)
	}

	live := startServe(t)
	fromFile := startServe(t, "--pmtiles", out)
	ts := httptest.NewServer(http.FileServer(http.Dir(dir))) // range requests, like a CDN
	defer ts.Close()
	fromURL := startServe(t, "--pmtiles", ts.URL+"/layout.pmtiles")

	ids := archive.TileIDs(boundOf(h), 5, 8)
	withData := 0
	for _, id := range ids {
		z, x, y := pmtiles.IDToZxy(id)
		stored, err := r.Gzipped(context.Background(), z, x, y)
		if err != nil {
			t.Fatal(err)
		}
		path := "/tiles/" + itoa(int(z)) + "/" + itoa(int(x)) + "/" + itoa(int(y)) + ".mvt"
		code, _, liveGz := get(t, live+path, "gzip")
		if stored == nil {
			if code != http.StatusNoContent {
				t.Errorf("%s: live %d, archive has no tile", path, code)
			}
			for _, srv := range []string{fromFile, fromURL} {
				if c, _, _ := get(t, srv+path, "gzip"); c != http.StatusNoContent {
					t.Errorf("%s from the archive: %d, want 204", path, c)
				}
			}
			continue
		}
		withData++
		if code != http.StatusOK || !bytes.Equal(liveGz, stored) {
			t.Errorf("%s: live %d (%d bytes) differs from the archive's %d bytes", path, code, len(liveGz), len(stored))
		}
		_, _, liveRaw := get(t, live+path, "identity")
		for _, srv := range []string{fromFile, fromURL} {
			c, hdr, gz := get(t, srv+path, "gzip")
			if c != http.StatusOK || !bytes.Equal(gz, stored) || hdr.Get("Content-Encoding") != "gzip" || hdr.Get("ETag") == "" {
				t.Errorf("%s from %s: %d %v, %d bytes; want the archive's %d bytes", path, srv, c, hdr, len(gz), len(stored))
			}
			if _, _, raw := get(t, srv+path, "identity"); !bytes.Equal(raw, liveRaw) {
				t.Errorf("%s from %s: uncompressed body differs from the live server's", path, srv)
			}
		}
	}
	if withData != int(h.AddressedTilesCount) {
		t.Errorf("found %d tiles with data, header says %d", withData, h.AddressedTilesCount)
	}

	// TileJSON and the style still work and advertise the archive's zooms.
	for _, srv := range []string{fromFile, fromURL} {
		code, _, b := get(t, srv+"/tiles/layout.json", "identity")
		var tj struct {
			MinZoom, MaxZoom int
			Tiles            []string
		}
		if err := json.Unmarshal(b, &tj); code != 200 || err != nil || tj.MinZoom != 5 || tj.MaxZoom != 8 || len(tj.Tiles) != 1 {
			t.Errorf("TileJSON from the archive: %d %v %s", code, err, b)
		}
		code, _, b = get(t, srv+"/styles/layout.json", "identity")
		if code != 200 || !bytes.Contains(b, []byte(`"maxzoom":8`)) {
			t.Errorf("style from the archive: %d %s", code, b[:min(300, len(b))])
		}
		// What the archive cannot answer is a client error naming why,
		// never an unfiltered tile for a filtered request.
		for _, path := range []string{"/tiles/9/418/206.mvt", "/tiles/8/208/101.mvt?tier=t5000"} {
			code, hdr, b := get(t, srv+path, "identity")
			if code != http.StatusBadRequest || hdr.Get("Content-Type") != "application/problem+json" || !bytes.Contains(b, []byte("tile archive")) {
				t.Errorf("%s from the archive: %d %s %s", path, code, hdr.Get("Content-Type"), b)
			}
		}
		if code, _, _ := get(t, srv+"/tiles/0/0/0.mvt", "identity"); code != http.StatusNoContent {
			t.Errorf("0/0/0 above the archive's minzoom: %d, want 204", code)
		}
		// The rest of the server reads the store as before.
		if code, _, b := get(t, srv+"/api/v1/collections/zones/items?limit=1", "identity"); code != 200 || !bytes.Contains(b, []byte(`"numberReturned":1`)) {
			t.Errorf("features next to the archive: %d %s", code, b[:min(200, len(b))])
		}
	}
}

// TestTilesExportErrors: bad flags fail with a message and write nothing.
func TestTilesExportErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pmtiles")
	for _, args := range [][]string{
		{"tiles", "export"},
		{"tiles", "export", "--out", out, "--minzoom", "9", "--maxzoom", "8"},
		{"tiles", "export", "--out", out, "--maxzoom", "17"},
		{"tiles", "export", "--out", out, "--filter", "colour=red"},
		{"tiles", "export", "--out", out, "--filter", "bbox=1,2,3,4"},
		{"tiles", "frobnicate"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, env(), &stdout, &stderr); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("archive written despite errors: %v", err)
	}
}

func boundOf(h pmtiles.HeaderV3) (b orbBound) {
	b.Min[0], b.Min[1] = float64(h.MinLonE7)/1e7, float64(h.MinLatE7)/1e7
	b.Max[0], b.Max[1] = float64(h.MaxLonE7)/1e7, float64(h.MaxLatE7)/1e7
	return b
}

type orbBound = orb.Bound

func itoa(i int) string { return strconv.Itoa(i) }
