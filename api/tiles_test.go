package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/encoding/mvt"

	"layoutmap/geo"
	"layoutmap/tiles"
)

func tileApp(t testing.TB) *fiber.App {
	t.Helper()
	return newApp(t, Config{
		Extra: []func(*fiber.App){TileRoutes(TilesConfig{Tiles: tiles.New(testStoreFor(t), tiles.Config{})})},
	})
}

// z8 tile over Zhengzhou.
const zzTile = "/tiles/8/208/101.mvt"

func TestTileHTTP(t *testing.T) {
	app := tileApp(t)
	t.Run("gzip", func(t *testing.T) {
		r := get(t, app, zzTile, "Accept-Encoding", "gzip, deflate")
		if r.status != 200 || r.header.Get("Content-Type") != ContentTypeMVT || r.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("status %d, type %q, encoding %q; want 200 %s gzip", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Encoding"), ContentTypeMVT)
		}
		ls, err := mvt.UnmarshalGzipped(r.body)
		if err != nil || len(ls) == 0 {
			t.Fatalf("decoding gzipped tile: %d layers, %v", len(ls), err)
		}
		if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") == "" || !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("headers %v: want ETag, Cache-Control and Vary: Accept-Encoding", r.header)
		}
	})
	t.Run("identity", func(t *testing.T) {
		r := get(t, app, zzTile, "Accept-Encoding", "gzip;q=0")
		if r.status != 200 || r.header.Get("Content-Encoding") != "" {
			t.Fatalf("status %d encoding %q, want 200 uncompressed", r.status, r.header.Get("Content-Encoding"))
		}
		if _, err := mvt.Unmarshal(r.body); err != nil {
			t.Fatalf("decoding tile: %v", err)
		}
	})
	t.Run("not modified", func(t *testing.T) {
		first := get(t, app, zzTile+"?year=2023")
		tag := first.header.Get("ETag")
		r := get(t, app, zzTile+"?year=2023", "If-None-Match", tag)
		if r.status != 304 || len(r.body) != 0 {
			t.Errorf("If-None-Match %s: status %d with %d bytes, want 304 empty", tag, r.status, len(r.body))
		}
		other := get(t, app, zzTile+"?year=2022", "If-None-Match", tag)
		if other.status != 200 {
			t.Errorf("another filter with the same If-None-Match: status %d, want 200", other.status)
		}
	})
	t.Run("outside the data", func(t *testing.T) {
		r := get(t, app, "/tiles/8/0/0.mvt")
		if r.status != 204 || len(r.body) != 0 {
			t.Errorf("status %d with %d bytes, want 204 empty", r.status, len(r.body))
		}
	})
}

func TestTileHTTPErrors(t *testing.T) {
	app := tileApp(t)
	for _, tc := range []struct {
		target string
		field  string
	}{
		{"/tiles/17/0/0.mvt", "z"},
		{"/tiles/a/0/0.mvt", "z"},
		{"/tiles/5/32/0.mvt", "x"},
		{"/tiles/5/0/-1.mvt", "y"},
		{"/tiles/5/1.5/0.mvt", "x"},
		{zzTile + "?min_revenue=abc", "min_revenue"},
		{zzTile + "?cluster=no-such-cluster", "cluster"},
		{zzTile + "?limit=10", "limit"},
		{zzTile + "?bbox=110,31,116,36", "bbox"},
		{"/tiles/layout.json?year=1800", "year"},
		{"/styles/layout.json?lang=fr", "lang"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			r := get(t, app, tc.target)
			if r.status != 400 || !strings.HasPrefix(r.header.Get("Content-Type"), ContentTypeProblem) {
				t.Fatalf("status %d type %q, want 400 %s (%s)", r.status, r.header.Get("Content-Type"), ContentTypeProblem, r.body)
			}
			var p Problem
			if err := json.Unmarshal(r.body, &p); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, fe := range p.InvalidParams {
				found = found || fe.Field == tc.field
			}
			if !found {
				t.Errorf("problem %s does not name %s", r.body, tc.field)
			}
		})
	}
}

func TestTileDocuments(t *testing.T) {
	app := tileApp(t)
	r := get(t, app, "/tiles/layout.json?min_revenue=1000&year=2023")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("TileJSON: status %d type %q", r.status, r.header.Get("Content-Type"))
	}
	var tj tiles.TileJSON
	if err := json.Unmarshal(r.body, &tj); err != nil {
		t.Fatal(err)
	}
	// httptest requests go to example.com.
	if want := "http://example.com/tiles/{z}/{x}/{y}.mvt?min_revenue=1000&year=2023"; tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != want {
		t.Errorf("TileJSON %s tiles %v, want 3.0.0 and %s", tj.TileJSON, tj.Tiles, want)
	}
	if len(tj.VectorLayers) != len(geo.Layers) {
		t.Errorf("%d vector layers, want %d", len(tj.VectorLayers), len(geo.Layers))
	}
	s := get(t, app, "/styles/layout.json?lang=en")
	var st tiles.Style
	if err := json.Unmarshal(s.body, &st); err != nil || s.status != 200 {
		t.Fatalf("style: status %d, %v", s.status, err)
	}
	if st.Version != 8 || st.Sources[tiles.SourceID].Tiles[0] != "http://example.com/tiles/{z}/{x}/{y}.mvt" || st.Metadata.Language != "en" {
		t.Errorf("style version %d source %+v language %s", st.Version, st.Sources[tiles.SourceID], st.Metadata.Language)
	}
	if again := get(t, app, "/styles/layout.json?lang=en", "If-None-Match", s.header.Get("ETag")); again.status != 304 {
		t.Errorf("style If-None-Match: status %d, want 304", again.status)
	}
}

func BenchmarkTileHTTPCached(b *testing.B) {
	app := tileApp(b)
	req := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, zzTile, nil)
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}
	if res, err := app.Test(req(), -1); err != nil || res.StatusCode != 200 {
		b.Fatalf("warm-up: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := app.Test(req(), -1)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("status %v: %v", res, err)
		}
		res.Body.Close()
	}
}

// TestTileJSONDescribesItsData (trial 6 finding 10): the TileJSON says in
// its description which year, measure and threshold its zones layer holds,
// its version follows the dataset version (TileJSON 3.0.0: a new minor
// version when tiles change), each field's value describes the field with
// its unit; the OGC API Tiles tileset's layers give title, description
// and unit (x-ogc-unit) per property.
func TestTileJSONDescribesItsData(t *testing.T) {
	st := testStoreFor(t)
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){TileRoutes(TilesConfig{Tiles: tiles.New(st, tiles.Config{})})}})
	var tj tiles.TileJSON
	decode(t, get(t, app, "/tiles/layout.json?min_revenue=1000&year=2023"), &tj)
	for _, want := range []string{"figures of 2023", "measure family revenue (营业收入)", "≥ 1000亿元", "1亿元 = 1e8 yuan"} {
		if !strings.Contains(tj.Description, want) {
			t.Errorf("description %q lacks %q", tj.Description, want)
		}
	}
	var all tiles.TileJSON
	decode(t, get(t, app, "/tiles/layout.json"), &all)
	if !strings.Contains(all.Description, "latest figure (years mixed)") || !strings.Contains(all.Description, "all zones") {
		t.Errorf("unfiltered description %q does not say it mixes years over all zones", all.Description)
	}
	v, err := st.Version(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tj.Version != tiles.VersionOf(v) || tiles.VersionOf(v+1) == tj.Version {
		t.Errorf("version %q, want %q for dataset version %d", tj.Version, tiles.VersionOf(v), v)
	}
	for _, l := range tj.VectorLayers {
		if l.ID != geo.LayerZones {
			continue
		}
		for name, want := range map[string][]string{
			"revenue_yi": {"Number: Revenue (营业收入)", "亿元", "1e8 yuan"},
			"scope":      {"String: Scope (统计范围)", "食品产业"},
			"tier":       {"String: Revenue tier"},
		} {
			for _, w := range want {
				if !strings.Contains(l.Fields[name], w) {
					t.Errorf("zones field %s = %q, lacks %q", name, l.Fields[name], w)
				}
			}
		}
	}
}

func TestOGCTilesetPropertiesDescribed(t *testing.T) {
	app := standardsApp(t, Config{})
	var ts struct {
		Layers []struct {
			ID               string
			PropertiesSchema struct {
				Properties map[string]map[string]any
			}
		}
	}
	decode(t, get(t, app, "/api/v1/collections/zones/tiles/WebMercatorQuad?year=2023"), &ts)
	if len(ts.Layers) != 1 {
		t.Fatalf("layers %+v", ts.Layers)
	}
	p := ts.Layers[0].PropertiesSchema.Properties
	rev := p["revenue_yi"]
	if rev["type"] != "number" || rev["x-ogc-unit"] != "亿元" || rev["title"] != "营业收入 / Revenue" || !strings.Contains(rev["description"].(string), "亿元") {
		t.Errorf("revenue_yi schema %v", rev)
	}
	if p["scope"]["title"] != "统计范围 / Scope" || p["clusters"]["type"] != "string" {
		t.Errorf("scope %v, clusters %v", p["scope"], p["clusters"])
	}
}
