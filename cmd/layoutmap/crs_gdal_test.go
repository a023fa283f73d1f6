package main

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGDALAgreesOnCRS holds the server's OGC API Features Part 2 output to
// PROJ, through GDAL 3.6 (whose OAPIF driver has no CRS option yet, so the
// server's answers are compared with what PROJ computes locally):
//   - axis order: PROJ's EPSG database gives EPSG:4326 and EPSG:4490
//     latitude first and EPSG:3857 easting first, as the server writes them;
//   - EPSG:3857: ogr2ogr -t_srs EPSG:3857 of the server's CRS84 cities gives
//     every vertex the server's crs=EPSG:3857 answer gives, to its 1 cm.
func TestGDALAgreesOnCRS(t *testing.T) {
	for code, first := range map[string]string{"EPSG:4326": "latitude", "EPSG:4490": "latitude", "EPSG:3857": "easting"} {
		wkt := gdal(t, "gdalsrsinfo", "-o", "wkt2", code)
		i := strings.Index(wkt, "AXIS[")
		if i < 0 || !strings.Contains(strings.ToLower(wkt[i:i+40]), first) {
			t.Errorf("%s: first axis in PROJ is not %s:\n%s", code, first, wkt)
		}
	}
	addr := startServer(t)
	items := "http://" + addr + "/api/v1/collections/cities/items?limit=100"
	dir := t.TempDir()
	fetch := func(u, path string) []byte {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
		}
		if path != "" {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return b
	}
	src := filepath.Join(dir, "cities.geojson")
	fetch(items, src)
	projected := filepath.Join(dir, "cities-3857.geojson")
	gdal(t, "ogr2ogr", "-f", "GeoJSON", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:3857", "-lco", "COORDINATE_PRECISION=6", projected, src)
	ours := fetch(items+"&crs="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/3857"), "")
	byCode := func(b []byte) map[string][]float64 {
		var fc struct {
			Features []struct {
				Properties map[string]any
				Geometry   struct{ Coordinates json.RawMessage }
			}
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatal(err)
		}
		out := map[string][]float64{}
		for _, f := range fc.Features {
			out[f.Properties["code"].(string)] = flatten(t, f.Geometry.Coordinates)
		}
		return out
	}
	b, err := os.ReadFile(projected)
	if err != nil {
		t.Fatal(err)
	}
	want, got := byCode(b), byCode(ours)
	if len(want) != 18 || len(got) != len(want) {
		t.Fatalf("cities: PROJ %d, server %d", len(want), len(got))
	}
	worst := 0.0
	for code, w := range want {
		g := got[code]
		if len(g) != len(w) {
			t.Errorf("%s: %d numbers from the server, %d from PROJ", code, len(g), len(w))
			continue
		}
		for i := range w {
			worst = math.Max(worst, math.Abs(w[i]-g[i]))
		}
	}
	// The server rounds metres to 1 cm.
	if worst > 0.005+1e-6 {
		t.Errorf("server's EPSG:3857 differs from PROJ's by up to %.4f m", worst)
	}
	t.Logf("EPSG:3857: largest difference from PROJ %.4f m", worst)
}

// flatten lists every number of a GeoJSON coordinates array in order.
func flatten(t *testing.T, raw json.RawMessage) []float64 {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var out []float64
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case float64:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
