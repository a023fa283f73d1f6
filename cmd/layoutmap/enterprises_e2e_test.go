package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestEnterprisesPostGISServesLikeEmbedded is issue 15's PostGIS path end
// to end: `layoutmap synth enterprises`, `layoutmap import --enterprises`
// into a database holding the bundled dataset, then a PostGIS server (a
// SELECT-only role) and an embedded server loading the same file answer
// the enterprise routes byte for byte alike (items with the filter
// contract plus class and zone, CSV, item, info, statistics, TileJSON, point tiles;
// cell tiles by status, aggregation means may differ in the last bit).
func TestEnterprisesPostGISServesLikeEmbedded(t *testing.T) {
	c, url := bundledDatabase(t)
	env := func(string) string { return "" }
	list := filepath.Join(t.TempDir(), "enterprises.csv")
	if err := run(t.Context(), []string{"synth", "enterprises", "--n", "3000", "--seed", "7", "--out", list}, env, io.Discard, io.Discard); err != nil {
		t.Fatalf("synth: %v", err)
	}
	var out, errOut strings.Builder
	const warning = "warning: 3000 of 3000 enterprises are SYNTHETIC"
	if err := run(t.Context(), []string{"import", "--database-url", url, "--enterprises", list, "--dry-run"}, env, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "check passed: 3000 enterprises; nothing was changed") || !strings.Contains(errOut.String(), warning) {
		t.Fatalf("import --enterprises --dry-run: %v, said %q, stderr %q", err, out.String(), errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if err := run(t.Context(), []string{"import", "--database-url", url, "--enterprises", list}, env, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), ": 3000 enterprises (before: 0)") || !strings.Contains(errOut.String(), warning) {
		t.Fatalf("import --enterprises: %v, said %q, stderr %q", err, out.String(), errOut.String())
	}
	// The history names the list, not "0 zones, 0 revenue".
	out.Reset()
	if err := run(t.Context(), []string{"versions", "--database-url", url}, env, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "3000 enterprises (before: 0); zones and revenue unchanged; no change to zones, figures or admin areas") ||
		strings.Contains(out.String(), "0 zones, 0 revenue") {
		t.Fatalf("versions: %v, said %q", err, out.String())
	}
	reader, err := c.ReaderURL(t.Context(), url, "layoutmap")
	if err != nil {
		t.Fatal(err)
	}
	pg := serveFor(t, reader)
	mem := serveEmbeddedWith(t, list)
	reqID := regexp.MustCompile(`"request_id":"[0-9a-f]+"`)
	version := regexp.MustCompile(`"(links_)?dataset_version":[0-9]+`)
	stamp := regexp.MustCompile(`"timeStamp":"[^"]*"`)
	get := func(base, path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body := strings.ReplaceAll(string(b), base, "http://server")
		// What legitimately differs: request ids, the dataset version
		// (the enterprise import made a version; the embedded store is 1)
		// and timeStamp (the two requests may fall in different seconds).
		body = reqID.ReplaceAllString(body, `"request_id":""`)
		body = stamp.ReplaceAllString(body, `"timeStamp":""`)
		body = version.ReplaceAllString(body, `"${1}dataset_version":0`)
		return resp.StatusCode, body
	}
	for _, path := range []string{
		"/api/v1/enterprises/info",
		"/api/v1/collections/enterprises",
		"/api/v1/collections/enterprises/items",
		"/api/v1/collections/enterprises/items?limit=50&offset=100&sortby=-name",
		"/api/v1/collections/enterprises/items?class=srdi,chain_leader&city=410100&limit=20",
		"/api/v1/collections/enterprises/items?class=专精特新&region=centre&sortby=name",
		"/api/v1/collections/enterprises/items?bbox=113.4,34.5,114,35&chain=nev_chain",
		"/api/v1/collections/enterprises/items?zone=G411031&f=csv",
		"/api/v1/collections/enterprises/items?year=2024",
		"/api/v1/collections/enterprises/items?year=2023&limit=1",
		"/api/v1/collections/enterprises/items?year=2023&limit=1&f=html",
		"/api/v1/stats/enterprises?f=csv&year=2023&chain=nev_chain",
		"/api/v1/stats?year=2023&min_revenue=1000",
		"/api/v1/collections/enterprises/items?class=nope",
		"/api/v1/collections/enterprises/items?min_revenue=5",
		"/api/v1/collections/enterprises/items/synthetic-0042",
		"/api/v1/collections/enterprises/items/nope",
		"/api/v1/stats/enterprises",
		"/api/v1/stats/enterprises?class=srdi&region=centre",
		"/api/v1/stats/enterprises?chain=nev_chain&f=csv",
		"/tiles/enterprises.json?class=srdi",
		"/tiles/enterprises/12/3341/1625.mvt",
		"/tiles/enterprises/9/417/203.mvt?class=srdi",
		"/tiles/enterprises/5/26/12.mvt",
	} {
		ps, pb := get(pg, path)
		ms, mb := get(mem, path)
		if ps != ms || (pb != mb && !strings.HasPrefix(path, "/tiles/enterprises/5/")) {
			t.Errorf("%s: postgis %d %d bytes %.300q\nembedded %d %d bytes %.300q", path, ps, len(pb), pb, ms, len(mb), mb)
		}
		if ps >= 500 {
			t.Errorf("%s: %d", path, ps)
		}
	}
	// The year note of items, the count scope of the statistics and the
	// statistics index, from PostGIS (compared with the embedded store
	// above).
	for path, want := range map[string]string{
		"/api/v1/collections/enterprises/items?year=2023&limit=1":            `"year_note":"no enterprise list for 2023, nearest list 2025`,
		"/api/v1/collections/enterprises/items?year=2023&limit=1&f=html":     "无2023年企业名录",
		"/api/v1/stats/enterprises?f=csv&year=2023&chain=nev_chain":          "whole list in force describing this year, not filtered",
		"/api/v1/stats?year=2023&min_revenue=1000":                           `"href":"http://server/api/v1/stats/enterprises?year=2023"`,
		"/api/v1/enterprises/info":                                           `"point_zoom":`,
		"/api/v1/collections/enterprises/items?year=2025&limit=1&chain=nope": "unknown chain",
	} {
		if _, body := get(pg, path); !strings.Contains(body, want) {
			t.Errorf("postgis %s: no %q in %.400q", path, want, body)
		}
	}
	// A zones import over the stored list (a dry run here) warns that the
	// list keeps its links and says to import it again.
	var warn strings.Builder
	if err := run(t.Context(), []string{"import", "--database-url", url, "--zones", "../../data/importer/testdata/zones.geojson", "--check"}, env, io.Discard, &warn); err != nil {
		t.Fatalf("zones check: %v\n%s", err, warn.String())
	}
	if !regexp.MustCompile(`warning: the stored enterprise list \(3000 enterprises\) keeps the zone links .*: [1-9][0-9]* are linked to zones this import removes`).MatchString(warn.String()) ||
		!strings.Contains(warn.String(), "Import the enterprise list again") || !strings.Contains(warn.String(), "注意：") {
		t.Errorf("zones check over a stored list said %q", warn.String())
	}
	// A rollback before the list says the enterprises go too.
	out.Reset()
	if err := run(t.Context(), []string{"rollback", "--database-url", url, "1"}, env, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "enterprises: 3000 → 0 (the list in force at that version)") {
		t.Fatalf("rollback: %v, said %q", err, out.String())
	}
}

// serveEmbeddedWith serves the embedded store with the enterprise list at
// path and returns its base URL.
func serveEmbeddedWith(t *testing.T, path string) string {
	t.Helper()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	ctx := t.Context()
	go func() {
		done <- serve(ctx, serveConfig{Addr: "127.0.0.1:0", Enterprises: path, EnterprisesCRS: "wgs84", RequestTimeout: 10 * time.Second}, io.Discard, ready)
	}()
	t.Cleanup(func() { <-done })
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return ""
}
