package api

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
	"layoutmap/tiles"
	"layoutmap/tiles/glyphs"
	"layoutmap/tiles/static"
)

// TestOpenAPICoversRoutes checks that every GET route of the app is in the
// OpenAPI document, and every documented path is a route, with each
// path parameter declared.
func TestOpenAPICoversRoutes(t *testing.T) {
	st, err := NewStatic(StaticConfig{Store: testStoreFor(t)})
	if err != nil {
		t.Fatal(err)
	}
	fonts, err := static.LoadFonts("")
	if err != nil {
		t.Fatalf("no CJK font (scripts/deps.sh installs fonts-noto-cjk): %v", err)
	}
	tileRoutes := TileRoutes(TilesConfig{Tiles: tiles.New(testStoreFor(t), tiles.Config{}), Meta: tiles.Meta{Tiers: geo.DefaultTiers, Glyphs: true}, Glyphs: glyphs.New(fonts.Regular)})
	webFS := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}, "embed.html": {Data: []byte("<!doctype html>")}, "embed.js": {Data: []byte("//")}}
	app := newApp(t, Config{Extra: []func(*fiber.App){StatsRoutes(testStoreFor(t)), VersionRoutes(testStoreFor(t)), st.Register, tileRoutes, EnterpriseRoutes(testStoreFor(t)), Web(WebConfig{FS: webFS})}})
	// Files of the web map's build (content-hashed bundles, font subsets)
	// and the /index.html redirect are not API operations.
	notAPI := func(path string) bool {
		return path == "/index.html" || strings.HasPrefix(path, "/assets/") || path == "/fonts/*"
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]struct {
			Servers []struct{ URL string } `json:"servers"`
			Get     struct {
				Parameters []struct{ Name, In string } `json:"parameters"`
				Responses  map[string]any              `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
	}
	decode(t, get(t, app, "/api/v1/openapi.json"), &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	param := regexp.MustCompile(`:(\w+)`)
	names := map[string]string{"coll": "collectionId", "id": "featureId", "z": "z", "x": "x", "y": "y", "stack": "fontstack", "range": "range",
		"tileMatrixSetId": "tileMatrixSetId", "tileMatrix": "tileMatrix", "tileRow": "tileRow", "tileCol": "tileCol"}
	var routes []string
	for _, r := range app.GetRoutes(true) {
		if r.Method != "GET" || notAPI(r.Path) {
			continue
		}
		p := param.ReplaceAllStringFunc(r.Path, func(m string) string { return "{" + names[m[1:]] + "}" })
		if p == Prefix {
			p += "/"
		}
		// OGC API routes are keyed relative to their path-level server
		// (GDAL finds the items operation at /collections/{collectionId}/items).
		server := ""
		if rel, ok := strings.CutPrefix(p, Prefix); ok && rel != "/" && strings.HasPrefix(rel, "/") {
			p, server = rel, Prefix
		}
		routes = append(routes, p)
		op, ok := doc.Paths[p]
		if !ok {
			t.Errorf("route %s (%s) missing from openapi.json", r.Path, p)
			continue
		}
		if got := ""; true {
			if len(op.Servers) > 0 {
				got = op.Servers[0].URL
			}
			if got != server {
				t.Errorf("%s: path-level server %q, want %q", p, got, server)
			}
		}
		if _, ok := op.Get.Responses["200"]; !ok {
			t.Errorf("%s: no 200 response", p)
		}
		for _, m := range param.FindAllStringSubmatch(r.Path, -1) {
			if !slices.ContainsFunc(op.Get.Parameters, func(q struct{ Name, In string }) bool { return q.Name == names[m[1]] && q.In == "path" }) {
				t.Errorf("%s: path parameter %s not declared", p, names[m[1]])
			}
		}
	}
	for p := range doc.Paths {
		if !slices.Contains(routes, p) {
			t.Errorf("openapi.json documents %s, which is not a route", p)
		}
	}
	var raw map[string]any
	decode(t, get(t, app, "/api/v1/openapi.json"), &raw)
	if b, _ := json.Marshal(raw); !strings.Contains(string(b), "min_revenue") {
		t.Error("openapi.json does not describe min_revenue")
	}
}
