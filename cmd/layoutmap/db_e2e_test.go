package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
)

// TestPostGISServesLikeEmbedded is issue 3's "done when": migrate, import
// and serve --database-url answer every features route exactly as the
// embedded store does.
func TestPostGISServesLikeEmbedded(t *testing.T) {
	c, url := bundledDatabase(t)
	servesLikeEmbedded(t, c, url)
}

// servesLikeEmbedded serves the database at url through a SELECT-only role
// and the embedded dataset side by side and requires byte-identical answers.
func servesLikeEmbedded(t *testing.T, c *pgtest.Cluster, url string) {
	t.Helper()
	// Serve through a role with only the grants docs/postgis.md lists for
	// serving (CONNECT, USAGE, SELECT): serving must never need more.
	reader, err := c.ReaderURL(t.Context(), url, postgis.Schema)
	if err != nil {
		t.Fatal(err)
	}
	pg, mem := serveFor(t, reader), serveFor(t, "")
	reqID := regexp.MustCompile(`"request_id":"[0-9a-f]+"`)
	stamp := regexp.MustCompile(`"timeStamp":"[^"]*"`)
	// get returns status, content type and body with what legitimately
	// differs between two servers (their address, request ids, response time stamps) normalised.
	get := func(base, path string) (int, string, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body := strings.ReplaceAll(string(b), base, "http://server")
		body = reqID.ReplaceAllString(body, `"request_id":""`)
		// Two requests may straddle a second.
		body = stamp.ReplaceAllString(body, `"timeStamp":""`)
		return resp.StatusCode, resp.Header.Get("Content-Type"), body
	}
	for _, path := range []string{
		"/api/v1/collections",
		"/api/v1/collections/zones/items",
		"/api/v1/collections/zones/items?limit=20&sortby=-revenue&year=2023",
		"/api/v1/collections/zones/items?min_revenue=1000&year=2022",
		"/api/v1/collections/zones/items?tier=no_data&limit=5&offset=10",
		"/api/v1/collections/zones/items?region=demo_north&cluster=equipment",
		"/api/v1/collections/zones/items?bbox=113.5,34.5,114,35&f=csv",
		"/api/v1/collections/zones/items/G411031",
		"/api/v1/collections/zones/items/nope",
		"/api/v1/collections/cities/items",
		"/api/v1/collections/counties/items?city=410100",
		"/api/v1/collections/regions/items",
		"/api/v1/collections/regions/items/centre",
		"/api/v1/collections/zones/items?city=%27%3B--",
		"/api/v1/collections/zones/items?limit=10001",
		// OGC API Features Part 2: reprojection and bbox-crs (latitude first).
		"/api/v1/collections/cities/items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F3857",
		"/api/v1/collections/zones/items?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326&bbox=34.5,113.5,35,114&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490",
		"/api/v1/collections/zones/items/G411031?crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490",
		// Part 3: property parameters, the draft filter-lang name GDAL 3.6
		// sends, filter-crs (latitude first, Web Mercator).
		"/api/v1/collections/zones/items?city_code=410100&revenue_year=2023",
		"/api/v1/collections/regions/items?derived=true",
		"/api/v1/collections/zones/items?filter-lang=cql-text&filter=name_en%20ILIKE%20%27%25zhengZHOU%25%27",
		"/api/v1/collections/zones/items?filter-lang=cql-text&filter=%28revenue_yi%20%3E%20100%29%20AND%20%28NOT%20%28city_code%20%3D%20%27410100%27%29%29",
		"/api/v1/collections/cities/items?filter=S_INTERSECTS%28geometry%2C%20BBOX%2834.2989%2C112.7882%2C34.3009%2C112.7902%29%29&filter-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490",
		"/api/v1/collections/zones/items?filter=S_INTERSECTS%28geometry%2C%20BBOX%2812636284%2C4104838%2C12680812%2C4145935%29%29&filter-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F3857",
		"/api/v1/clusters", "/api/v1/chains", "/api/v1/regions",
		"/api/v1/stats/tiers?year=2023", "/api/v1/stats/clusters?region=centre",
	} {
		ps, pt, pb := get(pg, path)
		ms, mt, mb := get(mem, path)
		if ps != ms || pt != mt || pb != mb {
			n := min(len(pb), 300)
			m := min(len(mb), 300)
			t.Errorf("%s: postgis %d %s %d bytes %q…\nembedded %d %s %d bytes %q…", path, ps, pt, len(pb), pb[:n], ms, mt, len(mb), mb[:m])
		}
	}
	if s, _, _ := get(pg, "/readyz"); s != http.StatusOK {
		t.Errorf("/readyz on PostGIS: %d", s)
	}
}

// TestExportImportRoundTrip is issue 13's lossless round trip: the
// embedded dataset exported with `layoutmap export`, imported with
// `layoutmap import --dir` into an empty PostGIS, answers every route
// byte for byte as the embedded store does; exported again from PostGIS
// it gives the same files.
func TestExportImportRoundTrip(t *testing.T) {
	c, _, url := ownDatabase(t)
	env := func(string) string { return "" }
	dir, dir2 := t.TempDir(), t.TempDir()
	if err := run(t.Context(), []string{"export", "--out", dir}, env, io.Discard, io.Discard); err != nil {
		t.Fatalf("export: %v", err)
	}
	var out strings.Builder
	if err := run(t.Context(), []string{"import", "--database-url", url, "--dir", dir}, env, &out, io.Discard); err != nil {
		t.Fatalf("import --dir: %v", err)
	}
	if !strings.Contains(out.String(), "imported dataset version 1 (176 admin areas, 162 zones, 9 revenue records, 0 repaired)") {
		t.Fatalf("import said %q", out.String())
	}
	servesLikeEmbedded(t, c, url)
	if err := run(t.Context(), []string{"export", "--database-url", url, "--out", dir2}, env, io.Discard, io.Discard); err != nil {
		t.Fatalf("export from PostGIS: %v", err)
	}
	for _, name := range []string{"admin.geojson", "zones.geojson", "regions.geojson", "revenue.json", "taxonomy.json"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: exported from PostGIS (%d bytes) differs from the embedded export (%d bytes)", name, len(b), len(a))
		}
	}
}

// TestServeStartsWithoutDatabase: serve --database-url starts while the
// database is unreachable, /readyz says so (503), and turns ready once the
// database answers, without a restart.
func TestServeStartsWithoutDatabase(t *testing.T) {
	c, name, url := ownDatabase(t)
	// The role does not exist yet: every connection fails until it does.
	late := strings.Replace(url, "postgres://postgres@", "postgres://late@", 1)
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{Addr: "127.0.0.1:0", DatabaseURL: late, RequestTimeout: 5 * time.Second}, io.Discard, ready)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		t.Fatalf("serve did not start without its database: %v", err)
	}
	status := func() int {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := status(); s != http.StatusServiceUnavailable {
		t.Fatalf("/readyz without database: %d, want 503", s)
	}
	if err := run(t.Context(), []string{"import", "--database-url", url}, func(string) string { return "" }, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(t.Context(), name, "CREATE ROLE late LOGIN; GRANT USAGE ON SCHEMA layoutmap TO late; GRANT SELECT ON ALL TABLES IN SCHEMA layoutmap TO late"); err != nil {
		t.Fatal(err)
	}
	// The store's circuit breaker probes at most a second apart.
	deadline := time.Now().Add(3 * time.Second)
	for s := status(); s != http.StatusOK; s = status() {
		if time.Now().After(deadline) {
			t.Fatalf("/readyz 3 s after the database answers: %d, want 200", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
