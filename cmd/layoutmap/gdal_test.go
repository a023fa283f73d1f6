package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Real GDAL (Debian gdal-bin, installed by scripts/deps.sh) against the real
// server on a loopback port: what GIS staff do with ogr2ogr/ogrinfo and QGIS
// (which uses the same OAPIF driver). Fails, never skips, without GDAL.

// startServer runs `layoutmap serve` with the embedded store on a free
// loopback port until the test ends, and returns its address.
func startServer(t *testing.T, args ...string) string {
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
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, logs.String())
		}
	})
	select {
	case addr := <-ready:
		return addr
	case err := <-done:
		t.Fatalf("serve returned before listening: %v\n%s", err, logs.String())
	}
	return ""
}

// gdal runs a GDAL utility and returns its standard output.
func gdal(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s not found: run scripts/deps.sh (apt-get install gdal-bin)", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	// No proxy for loopback; no user configuration.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// getJSON fetches a JSON document of the server.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// geojsonIDs reads the id property (code for admin areas) of every feature
// of a GeoJSON file GDAL wrote, sorted.
func geojsonIDs(t *testing.T, path, key string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	ids := []string{}
	for _, f := range fc.Features {
		ids = append(ids, fmt.Sprint(f.Properties[key]))
	}
	slices.Sort(ids)
	return ids
}

var idKey = map[string]string{"cities": "code", "counties": "code", "zones": "id", "regions": "id"}

// TestGDALReadsEveryCollection: ogr2ogr copies every collection to a
// GeoPackage with GDAL's default page size; the counts equal numberMatched
// and the zones keep their revenue fields and values (issue 11 case 1).
func TestGDALReadsEveryCollection(t *testing.T) {
	addr := startServer(t)
	api := "http://" + addr + "/api/v1"
	dir := t.TempDir()
	for _, coll := range []string{"cities", "counties", "zones", "regions"} {
		t.Run(coll, func(t *testing.T) {
			var page struct {
				NumberMatched int
				Features      []struct{ Properties map[string]any }
			}
			getJSON(t, api+"/collections/"+coll+"/items?limit=10000", &page)
			gpkg := filepath.Join(dir, coll+".gpkg")
			gdal(t, "ogr2ogr", "-f", "GPKG", gpkg, "OAPIF:"+api, coll)
			info := gdal(t, "ogrinfo", "-ro", "-so", "-al", gpkg)
			if want := fmt.Sprintf("Feature Count: %d\n", page.NumberMatched); !strings.Contains(info, want) {
				t.Errorf("GPKG of %s: want %q in\n%s", coll, want, info)
			}
			if coll != "zones" {
				return
			}
			withRevenue := 0
			for _, f := range page.Features {
				if _, ok := f.Properties["revenue_yi"]; ok {
					withRevenue++
				}
			}
			if withRevenue == 0 {
				t.Fatal("no zone has revenue_yi in the API; the test would prove nothing")
			}
			for _, field := range []string{"revenue_yi: Real", "revenue_year: Integer", "measure: String", "bound: String", "period: String", "revenue_source: String"} {
				if !strings.Contains(info, "\n"+field) {
					t.Errorf("GPKG of zones lacks %q:\n%s", field, info)
				}
			}
			sql := gdal(t, "ogrinfo", "-ro", "-q", "-sql", "SELECT COUNT(*) AS n FROM zones WHERE revenue_yi IS NOT NULL AND measure IS NOT NULL", gpkg)
			if want := fmt.Sprintf("n (Integer) = %d", withRevenue); !strings.Contains(sql, want) {
				t.Errorf("zones with revenue in the GPKG: want %q in\n%s", want, sql)
			}
		})
	}
}

// TestGDALSpatialFilter: ogr2ogr -spat over OAPIF returns exactly the
// features whose geometry intersects the box, as GDAL itself (GEOS)
// computes on a local copy, and the server's bbox numberMatched agrees
// (issue 11 case 2).
func TestGDALSpatialFilter(t *testing.T) {
	addr := startServer(t)
	api := "http://" + addr + "/api/v1"
	dir := t.TempDir()
	boxes := [][4]string{
		{"112.7882", "34.2989", "112.7902", "34.3009"}, // inside 平顶山市, within 郑州市's and 洛阳市's envelopes
		{"113.5", "34.6", "113.9", "34.9"},             // around 郑州市's centre
		{"114.25", "35.6", "114.35", "35.8"},           // 鹤壁市's zones
	}
	for _, coll := range []string{"cities", "counties", "zones", "regions"} {
		local := filepath.Join(dir, coll+"-all.gpkg")
		gdal(t, "ogr2ogr", "-f", "GPKG", local, "OAPIF:"+api, coll)
		for i, b := range boxes {
			name := fmt.Sprintf("%s box %d", coll, i)
			ref := filepath.Join(dir, fmt.Sprintf("%s-ref-%d.geojson", coll, i))
			got := filepath.Join(dir, fmt.Sprintf("%s-oapif-%d.geojson", coll, i))
			gdal(t, "ogr2ogr", "-f", "GeoJSON", "-spat", b[0], b[1], b[2], b[3], ref, local)
			gdal(t, "ogr2ogr", "-f", "GeoJSON", "-spat", b[0], b[1], b[2], b[3], got, "OAPIF:"+api, coll)
			want, have := geojsonIDs(t, ref, idKey[coll]), geojsonIDs(t, got, idKey[coll])
			if !slices.Equal(want, have) {
				t.Errorf("%s: OAPIF -spat gives %v, GEOS on a local copy %v", name, have, want)
			}
			var page struct{ NumberMatched int }
			getJSON(t, api+"/collections/"+coll+"/items?limit=1&bbox="+strings.Join(b[:], ","), &page)
			if page.NumberMatched != len(want) {
				t.Errorf("%s: server numberMatched %d, GEOS %d (%v)", name, page.NumberMatched, len(want), want)
			}
			if i == 0 && coll == "cities" && !slices.Equal(want, []string{"410400"}) {
				t.Errorf("the box inside 平顶山市 meets %v, want only 410400", want)
			}
		}
	}
}

// TestGDALReadsATile: GDAL's MVT driver reads a tile of the server (.pbf
// name): every layer is there and the zones layer holds zones.
func TestGDALReadsATile(t *testing.T) {
	addr := startServer(t)
	dir := filepath.Join(t.TempDir(), "8", "208")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr + "/tiles/8/208/101.pbf")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("tile: %d", res.StatusCode)
	}
	tile := filepath.Join(dir, "101.pbf")
	if err := os.WriteFile(tile, body, 0o644); err != nil {
		t.Fatal(err)
	}
	info := gdal(t, "ogrinfo", "-ro", "-so", "-al", "-oo", "Z=8", "-oo", "X=208", "-oo", "Y=101", "MVT:"+tile)
	for _, layer := range []string{"cities", "counties", "zones", "labels"} {
		if !strings.Contains(info, "Layer name: "+layer+"\n") {
			t.Errorf("MVT driver sees no layer %s:\n%s", layer, info)
		}
	}
	zones := info[strings.Index(info, "Layer name: zones")+1:]
	if next := strings.Index(zones, "Layer name:"); next >= 0 {
		zones = zones[:next]
	}
	if !strings.Contains(zones, "Feature Count: ") || strings.Contains(zones, "Feature Count: 0\n") {
		t.Errorf("zones layer of the tile over 郑州市 is empty:\n%s", zones)
	}
}

// TestGDALWhereEqualsFilter: ogr2ogr -where over OAPIF is sent to the
// server as a filter and gives exactly the features the server's CQL2
// filter selects. GDAL 3.6 (Debian 12) pushes -where only in the draft
// language name "cql-text" it finds in the items operation's filter-lang
// enum, and only for fields it finds as query parameters of that operation
// (ogr/ogrsf_frmts/wfs/ogroapifdriver.cpp, GetQueryableAttributes and
// SetAttributeFilter): the server offers both (property parameters,
// cql-text read as CQL2 text). A recording proxy in front of the server
// proves where the filtering happened: the filtered requests alone return
// every feature GDAL wrote, and GDAL never pages through the collection.
func TestGDALWhereEqualsFilter(t *testing.T) {
	addr := startServer(t)
	direct := "http://" + addr + "/api/v1"
	proxy := recordingProxy(t, addr)
	api := "http://" + proxy.addr + "/api/v1"
	dir := t.TempDir()
	// ref is the CQL2 the test asks the server for, when it differs from
	// the -where clause.
	for i, c := range []struct{ coll, where, sent, ref string }{
		{"zones", "revenue_yi > 1000", "revenue_yi > 1000", ""},
		{"zones", "tier = 't500' OR (revenue_yi >= 100 AND measure = '营业收入')", "(tier = 't500') OR ((revenue_yi >= 100) AND (measure = '营业收入'))", ""},
		{"zones", "county_code IS NULL AND approved_area_ha > 500", "((county_code IS NULL)) AND (approved_area_ha > 500)", ""},
		{"zones", "name LIKE '%高新%' AND NOT (city_code = '410100')", "(name LIKE '%高新%') AND (NOT (city_code = '410100'))", ""},
		{"zones", "revenue_year BETWEEN 2021 AND 2023", "(revenue_year >= 2021) AND (revenue_year <= 2023)", ""},
		{"counties", "parent_code = '410300'", "parent_code = '410300'", ""},
		{"cities", "code <> '410100' AND name_en >= 'P'", "(code <> '410100') AND (name_en >= 'P')", ""},
		{"regions", "kind = 'demo'", "kind = 'demo'", ""},
		{"regions", "derived = 1", "derived = 1", "derived = TRUE"},                                           // OGR's booleans are 0/1
		{"zones", "name_en ILIKE '%zhengZHOU%'", "name_en ILIKE '%zhengZHOU%'", "name_en LIKE '%Zhengzhou%'"}, // the draft's ILIKE
	} {
		name := fmt.Sprintf("%s -where %q", c.coll, c.where)
		proxy.reset()
		out := filepath.Join(dir, fmt.Sprintf("where-%d.geojson", i))
		gdal(t, "ogr2ogr", "-f", "GeoJSON", "-where", c.where, out, "OAPIF:"+api, c.coll)
		got := geojsonIDs(t, out, idKey[c.coll])
		var page struct {
			NumberMatched int
			Features      []struct{ Properties map[string]any }
		}
		ref := c.where
		if c.ref != "" {
			ref = c.ref
		}
		getJSON(t, direct+"/collections/"+c.coll+"/items?limit=10000&filter="+url.QueryEscape(ref), &page)
		want := []string{}
		for _, f := range page.Features {
			want = append(want, fmt.Sprint(f.Properties[idKey[c.coll]]))
		}
		slices.Sort(want)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: GDAL %v, server filter %v", name, got, want)
		}
		// Where the filtering happened: the requests GDAL sent with a
		// filter return, together, every feature it wrote; without a
		// filter it asked for one page only (to learn the layer).
		var filtered, plain []url.Values
		for _, u := range proxy.requests() {
			if u.Path != "/api/v1/collections/"+c.coll+"/items" {
				continue
			}
			if u.Query().Has("filter") {
				filtered = append(filtered, u.Query())
			} else {
				plain = append(plain, u.Query())
			}
		}
		if len(filtered) == 0 {
			t.Errorf("%s: GDAL sent no filter to the server (requests %v)", name, proxy.requests())
			continue
		}
		returned := 0
		for _, q := range filtered {
			if q.Get("filter-lang") != "cql-text" || q.Get("filter") != c.sent {
				t.Errorf("%s: GDAL sent filter=%q filter-lang=%q, want %q cql-text", name, q.Get("filter"), q.Get("filter-lang"), c.sent)
			}
			var p struct{ NumberReturned int }
			getJSON(t, direct+"/collections/"+c.coll+"/items?"+q.Encode(), &p)
			returned += p.NumberReturned
		}
		if returned != len(want) {
			t.Errorf("%s: the filtered requests return %d features, GDAL wrote %d", name, returned, len(want))
		}
		if len(plain) > 1 {
			t.Errorf("%s: GDAL read %d unfiltered pages %v: it filtered on the client", name, len(plain), plain)
		}
	}
}

// recorder is a reverse proxy in front of the server that records the
// URL of every request. The Host header passes through, so the server's
// links (next pages) point back at the proxy.
type recorder struct {
	addr string
	mu   sync.Mutex
	urls []*url.URL
}

func recordingProxy(t *testing.T, target string) *recorder {
	t.Helper()
	r := &recorder{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		u := *req.URL
		r.urls = append(r.urls, &u)
		r.mu.Unlock()
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.addr = srv.Listener.Addr().String()
	return r
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.urls = nil
}

func (r *recorder) requests() []*url.URL {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.urls)
}
