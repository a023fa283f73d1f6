package tiles

import (
	"bytes"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"layoutmap/geo"
)

// zhengzhouTile is the z7 tile holding Zhengzhou (113.65E, 34.76N).
var zhengzhouTile = maptile.At(orb.Point{113.65, 34.76}, 7)

// square is a ring around c with half side d degrees, clockwise in lon/lat
// like every ring of the echarts boundaries.
func square(c orb.Point, d float64) orb.Ring {
	return orb.Ring{{c[0] - d, c[1] - d}, {c[0] - d, c[1] + d}, {c[0] + d, c[1] + d}, {c[0] + d, c[1] - d}, {c[0] - d, c[1] - d}}
}

func TestTileGeometryOrientation(t *testing.T) {
	tl := zhengzhouTile
	p := newProjector(uint32(tl.Z), tl.X, tl.Y)
	c := tl.Center()
	outer := square(c, 0.2)
	hole := square(c, 0.05)
	hole.Reverse() // holes given in the "wrong" order too
	for _, tc := range []struct {
		name string
		poly orb.Polygon
	}{
		{"clockwise exterior", orb.Polygon{outer, hole}},
		{"counter-clockwise exterior", orb.Polygon{reversed(outer), reversed(hole)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := orb.Clone(tc.poly).(orb.Polygon)
			g := tileGeometry(tc.poly, p, 0)
			poly, ok := g.(orb.Polygon)
			if !ok || len(poly) != 2 {
				t.Fatalf("tileGeometry = %T with %d rings, want a polygon with exterior and hole", g, len(poly))
			}
			// MVT 2.1 §4.3.4.4: exterior positive by the surveyor's
			// formula in tile coordinates, interior negative.
			if a := area2(poly[0]); a <= 0 {
				t.Errorf("exterior area %v, want > 0", a)
			}
			if a := area2(poly[1]); a >= 0 {
				t.Errorf("hole area %v, want < 0", a)
			}
			if !orb.Equal(tc.poly, orig) {
				t.Error("tileGeometry modified its input")
			}
		})
	}
}

func reversed(r orb.Ring) orb.Ring {
	out := orb.Clone(r).(orb.Ring)
	out.Reverse()
	return out
}

func TestTileGeometryClip(t *testing.T) {
	tl := zhengzhouTile
	p := newProjector(uint32(tl.Z), tl.X, tl.Y)
	big := orb.Polygon{square(tl.Center(), 3)} // much larger than the tile
	g := tileGeometry(big, p, 0)
	poly, ok := g.(orb.Polygon)
	if !ok {
		t.Fatalf("tileGeometry = %T, want polygon", g)
	}
	b := poly.Bound()
	if b != clipBound {
		t.Errorf("clipped bound = %v, want the buffered tile %v", b, clipBound)
	}
	far := orb.Polygon{square(orb.Point{100, 20}, 0.1)}
	if g := tileGeometry(far, p, 0); g != nil {
		t.Errorf("geometry outside the tile = %v, want nil", g)
	}
	// A point in the buffer stays, one beyond it goes.
	nw := tl.Bound().Min
	if g := tileGeometry(orb.Point{tl.Bound().Max[0] + 0.0001, tl.Center()[1]}, p, 0); g == nil {
		t.Error("point just east of the tile (in the buffer) was dropped")
	}
	if g := tileGeometry(orb.Point{nw[0] - 0.5, tl.Center()[1]}, p, 0); g != nil {
		t.Errorf("point half a degree west of the tile = %v, want nil", g)
	}
}

func TestTileFeatureID(t *testing.T) {
	if got := geo.TileFeatureID("410100"); got != 410100 {
		t.Errorf("TileFeatureID(410100) = %d, want the code", got)
	}
	a, b := geo.TileFeatureID("zz-zhengzhou-etdz"), geo.TileFeatureID("zz-zhengzhou-etdz")
	if a != b || a < 1<<52 || a >= 1<<53 {
		t.Errorf("TileFeatureID(string) = %d, %d; want stable and in [2^52, 2^53)", a, b)
	}
	if geo.TileFeatureID("zone-1") == geo.TileFeatureID("zone-2") {
		t.Error("two ids hash to the same feature id")
	}
}

func TestTileProperties(t *testing.T) {
	props := geo.Properties{
		"id": "z1", "name": "郑州经济技术开发区", "name_en": "", "clusters": geo.FlatList([]string{"equipment", "auto"}),
		"chains": "|c1|c2|", "revenue_yi": 5000.0, "revenue_year": 2023, "tier": "t5000",
		"revenue": []map[string]any{{"year": 2023}}, "source": "S10", "measure": nil,
	}
	got := tileProperties(geo.LayerZones, 12, props)
	// chains, revenue and source are no tile fields; empty and nil
	// values are left out.
	want := map[string]any{
		"id": "z1", "name": "郑州经济技术开发区", "clusters": "|equipment|auto|",
		"revenue_yi": 5000.0, "revenue_year": int64(2023), "tier": "t5000",
	}
	if len(got) != len(want) {
		t.Errorf("tileProperties = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("property %s = %#v, want %#v", k, got[k], v)
		}
	}
}

func TestEncodeLayers(t *testing.T) {
	tl := zhengzhouTile
	q := geo.TileQuery{Z: uint32(tl.Z), X: tl.X, Y: tl.Y}
	c := tl.Center()
	src := []geo.LayerFeatures{
		// Out of catalogue order on purpose.
		{Layer: geo.LayerLabels, Features: []geo.Feature{
			{ID: "410100", Geometry: c, Properties: geo.Properties{"kind": geo.LevelCity, "id": "410100", "name": "郑州市"}},
			{ID: "410102", Geometry: c, Properties: geo.Properties{"kind": geo.LevelCounty, "id": "410102", "name": "中原区"}},
		}},
		{Layer: geo.LayerCities, Features: []geo.Feature{
			{ID: "410100", Geometry: orb.MultiPolygon{{square(c, 1)}}, Properties: geo.Properties{"code": "410100", "name": "郑州市"}},
		}},
		{Layer: geo.LayerZones, Features: []geo.Feature{}},
	}
	b1, err := encodeLayers(q, src, encodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := encodeLayers(q, src, encodeOptions{})
	if !bytes.Equal(b1, b2) {
		t.Error("two encodings of the same features differ")
	}
	ls, err := mvt.Unmarshal(b1)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
		if l.Version != 2 || l.Extent != geo.TileExtent {
			t.Errorf("layer %s version %d extent %d, want 2 and %d", l.Name, l.Version, l.Extent, geo.TileExtent)
		}
	}
	if got, want := fmtList(names), "cities,labels"; got != want {
		t.Errorf("layers = %s, want %s (catalogue order, empty zones left out)", got, want)
	}
	labels := ls[1].Features
	if len(labels) != 1 || labels[0].Properties["name"] != "郑州市" {
		t.Errorf("z7 labels = %v, want the city label only (county labels from z%d)", labels, geo.LabelMinZoom[geo.LevelCounty])
	}
	if id, _ := labels[0].ID.(float64); id != 410100 {
		t.Errorf("label id = %v, want 410100", labels[0].ID)
	}
	empty, err := encodeLayers(geo.TileQuery{Z: 7, X: 0, Y: 0}, src, encodeOptions{})
	if err != nil || len(empty) != 0 {
		t.Errorf("tile far from the data = %d bytes, %v; want empty", len(empty), err)
	}
}

func fmtList(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}
