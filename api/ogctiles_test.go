package api

import (
	"bytes"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
)

// TestOGCTiles walks OGC API – Tiles from the landing page as a client
// does, without a URL template: landing → tilesets-vector → tileset (self)
// → tiling-scheme and the item template → a tile, for the dataset and for
// each collection; the tile is the /tiles/{z}/{x}/{y}.mvt tile (row is y,
// col is x), a collection's tile holds only its layer with every feature
// of that layer.
func TestOGCTiles(t *testing.T) {
	app := standardsApp(t, Config{})
	type doc struct {
		Links    []Link
		Tilesets []struct {
			DataType, CRS, TileMatrixSetURI string
			Links                           []Link
		}
		TileMatrixSetLimits []struct {
			TileMatrix                                     string
			MinTileRow, MaxTileRow, MinTileCol, MaxTileCol int
		}
		Layers []struct{ ID string }
	}
	getDoc := func(href string) doc {
		t.Helper()
		r := get(t, app, strings.TrimPrefix(href, "http://example.com"))
		if r.status != 200 || !strings.HasPrefix(r.ctype(), ContentTypeJSON) {
			t.Fatalf("GET %s: %d %s %s", href, r.status, r.ctype(), r.body)
		}
		var d doc
		decode(t, r, &d)
		return d
	}
	linkOf := func(ls []Link, rel, typ string) Link {
		for _, l := range ls {
			if l.Rel == rel && (typ == "" || l.Type == typ) {
				return l
			}
		}
		t.Fatalf("no link rel=%s type=%s in %v", rel, typ, ls)
		return Link{}
	}
	landing := getDoc("/api/v1/")
	var coll struct{ Links []Link }
	decode(t, get(t, app, "/api/v1/collections/zones"), &coll)
	starts := map[string]string{
		"":      linkOf(landing.Links, relTilesetsVector, ContentTypeJSON).Href,
		"zones": linkOf(coll.Links, relTilesetsVector, ContentTypeJSON).Href,
	}
	for _, c := range []string{"cities", "counties", "regions"} {
		starts[c] = "/api/v1/collections/" + c + "/tiles"
	}
	const z, x, y = 8, 208, 101 // over 郑州市
	composite := get(t, app, "/tiles/8/208/101.mvt")
	if composite.status != 200 {
		t.Fatalf("composite tile: %d", composite.status)
	}
	all, err := mvt.Unmarshal(composite.body)
	if err != nil {
		t.Fatal(err)
	}
	for scope, start := range starts {
		list := getDoc(start)
		if len(list.Tilesets) != 1 || list.Tilesets[0].DataType != "vector" || list.Tilesets[0].CRS != CRSEPSG3857 || list.Tilesets[0].TileMatrixSetURI != tmsURI {
			t.Fatalf("%q tilesets %+v", scope, list.Tilesets)
		}
		linkOf(list.Tilesets[0].Links, relTilingScheme, ContentTypeJSON)
		ts := getDoc(linkOf(list.Tilesets[0].Links, "self", ContentTypeJSON).Href)
		var tms struct {
			CRS          string
			TileMatrices []struct {
				ID                       string
				CellSize                 float64
				ScaleDenominator         float64
				PointOfOrigin            []float64
				MatrixWidth, TileWidth   int
				MatrixHeight, TileHeight int
			}
		}
		decode(t, get(t, app, strings.TrimPrefix(linkOf(ts.Links, relTilingScheme, ContentTypeJSON).Href, "http://example.com")), &tms)
		// OGC 2D TMS 2.0 Annex D.1 (WebMercatorQuad): matrix 0's cell
		// size and scale denominator as the standard prints them.
		if tms.CRS != CRSEPSG3857 || len(tms.TileMatrices) != 25 || math.Abs(tms.TileMatrices[0].CellSize-156543.033928041) > 1e-6 ||
			math.Abs(tms.TileMatrices[0].ScaleDenominator-559082264.028717) > 1e-3 || tms.TileMatrices[8].MatrixWidth != 256 || tms.TileMatrices[0].PointOfOrigin[1] != 20037508.342789244 {
			t.Errorf("WebMercatorQuad: %+v", tms.TileMatrices[:1])
		}
		item := linkOf(ts.Links, "item", ContentTypeMVT)
		if !item.Templated || !strings.Contains(item.Href, "/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}") {
			t.Fatalf("%q item link %+v", scope, item)
		}
		var lim8 bool
		for _, l := range ts.TileMatrixSetLimits {
			if l.TileMatrix == "8" {
				lim8 = x >= l.MinTileCol && x <= l.MaxTileCol && y >= l.MinTileRow && y <= l.MaxTileRow
			}
		}
		if !lim8 {
			t.Errorf("%q: limits %+v exclude tile 8/%d/%d", scope, ts.TileMatrixSetLimits, y, x)
		}
		href := strings.NewReplacer("{tileMatrix}", "8", "{tileRow}", "101", "{tileCol}", "208", "http://example.com", "").Replace(item.Href)
		r := get(t, app, href)
		if r.status != 200 || r.ctype() != ContentTypeMVT {
			t.Fatalf("%q tile %s: %d %s", scope, href, r.status, r.ctype())
		}
		if scope == "" {
			if !bytes.Equal(r.body, composite.body) || len(ts.Layers) != len(all) {
				t.Errorf("dataset tile differs from /tiles/8/208/101.mvt (or layers %v)", ts.Layers)
			}
			continue
		}
		got, err := mvt.Unmarshal(r.body)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Name != scope || len(ts.Layers) != 1 || ts.Layers[0].ID != scope {
			t.Fatalf("%s tile layers %d (%v), tileset layers %v", scope, len(got), got, ts.Layers)
		}
		for _, l := range all {
			if l.Name == scope && len(l.Features) != len(got[0].Features) {
				t.Errorf("%s: %d features, the composite tile's layer %d", scope, len(got[0].Features), len(l.Features))
			}
		}
	}
	for path, status := range map[string]int{
		"/api/v1/tiles/WebMercatorQuad/8/0/0":                       http.StatusNotFound,   // outside tileMatrixSetLimits
		"/api/v1/tiles/WebMercatorQuad/17/0/0":                      http.StatusBadRequest, // beyond the deepest zoom
		"/api/v1/tiles/WorldCRS84Quad/8/101/208":                    http.StatusNotFound,
		"/api/v1/tiles/WebMercatorQuad/8/101/x":                     http.StatusBadRequest,
		"/api/v1/collections/clusters/tiles":                        http.StatusNotFound,
		"/api/v1/tiles/WebMercatorQuad/8/101/208?city=999999":       http.StatusBadRequest,
		"/api/v1/tileMatrixSets/WebMercatorQuad":                    http.StatusOK,
		"/api/v1/tileMatrixSets":                                    http.StatusOK,
		"/api/v1/collections/zones/tiles/WebMercatorQuad?year=2023": http.StatusOK,
	} {
		if r := get(t, app, path); r.status != status {
			t.Errorf("GET %s: %d, want %d: %s", path, r.status, status, r.body)
		}
	}
	// A filtered tileset's template carries the filter.
	var ts struct{ Links []Link }
	decode(t, get(t, app, "/api/v1/tiles/WebMercatorQuad?year=2023&tier=t1000"), &ts)
	if item := linkOf(ts.Links, "item", ContentTypeMVT); !strings.HasSuffix(item.Href, "{tileCol}?tier=t1000&year=2023") {
		t.Errorf("filtered template %s", item.Href)
	}
	var conf struct{ ConformsTo []string }
	decode(t, get(t, app, "/api/v1/conformance"), &conf)
	for _, c := range tilesConformance {
		if !slices.Contains(conf.ConformsTo, c) {
			t.Errorf("conformsTo lacks %s", c)
		}
	}
	// Without tile routes nothing about tiles is declared or linked.
	plain := newApp(t, Config{})
	decode(t, get(t, plain, "/api/v1/conformance"), &conf)
	if slices.Contains(conf.ConformsTo, tilesConformance[0]) {
		t.Errorf("tiles declared without tile routes")
	}
}

func TestMVTLayer(t *testing.T) {
	app := standardsApp(t, Config{})
	body := get(t, app, "/tiles/8/208/101.mvt").body
	for _, name := range []string{"cities", "zones", "labels"} {
		one, err := mvtLayer(body, name)
		if err != nil || len(one) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		ls, err := mvt.Unmarshal(one)
		if err != nil || len(ls) != 1 || ls[0].Name != name {
			t.Errorf("%s: %v %v", name, ls, err)
		}
	}
	if one, err := mvtLayer(body, "nope"); err != nil || one != nil {
		t.Errorf("absent layer: %v %v", one, err)
	}
	if _, err := mvtLayer([]byte{0x1a, 0xff}, "x"); err == nil {
		t.Errorf("truncated tile: no error")
	}
}
