package tiles_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/planar"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/geo"
	"layoutmap/tiles"
)

// The package's TestMain (diff_test.go) stops the shared pgtest cluster.

var (
	pgOnce  sync.Once
	pgStore *postgis.Store
	pgErr   error
)

// henanPostGIS is a PostGIS store on a fresh database holding the bundled
// dataset, shared by this package's tests and benchmarks (read-only).
func henanPostGIS(tb testing.TB) *postgis.Store {
	tb.Helper()
	pgOnce.Do(func() {
		ds, err := henan.Load()
		if err != nil {
			pgErr = err
			return
		}
		ctx := context.Background()
		u := pgtest.NewDB(tb)
		if _, err := postgis.Migrate(ctx, u); err != nil {
			pgErr = err
			return
		}
		_, err = postgis.ImportDataset(ctx, u, func(*data.Dataset) (*data.Dataset, error) { return ds, nil }, postgis.ImportOptions{})
		if err != nil {
			pgErr = err
			return
		}
		pgStore, pgErr = postgis.Open(ctx, postgis.Config{URL: u})
	})
	if pgErr != nil {
		tb.Fatalf("PostGIS store with the Henan dataset: %v", pgErr)
	}
	return pgStore
}

// pgGeomTolerance is how far, in tile units, a vertex of one encoder's
// geometry may differ from the other's (see outlineDiff): orb rounds after
// projecting and drops vertices within a unit (Douglas–Peucker), PostGIS
// snaps to the grid, removes collinear points and validates.
const pgGeomTolerance = 2.0

// TestPostGISMatchesEmbedded decodes the same tiles from the embedded store
// (orb encoder) and the PostGIS store (ST_AsMVT in one query) and requires
// the same layers in the same order, the same feature ids per layer, the
// same properties per feature exactly, and geometry within pgGeomTolerance
// tile units (bounding box and mean outline distance, see outlineDiff).
func TestPostGISMatchesEmbedded(t *testing.T) {
	mem := tiles.New(henanStore(t), tiles.Config{CacheBytes: -1})
	pgs := henanPostGIS(t)
	pg := tiles.New(pgs, tiles.Config{CacheBytes: -1})
	if _, ok := any(pgs).(tiles.MVTSource); !ok {
		t.Fatal("*postgis.Store does not implement tiles.MVTSource")
	}
	luoyang, nanyang, xinyang := orb.Point{112.45, 34.62}, orb.Point{112.53, 33.0}, orb.Point{114.07, 32.13}
	type tc struct {
		q      geo.TileQuery
		filter string
	}
	var cases []tc
	for _, q := range henanTiles(5) {
		cases = append(cases, tc{q: q})
	}
	for z := uint32(6); z <= 14; z++ {
		cases = append(cases, tc{q: tileAt(etdz, z)})
	}
	for _, p := range []orb.Point{luoyang, nanyang, xinyang} {
		for _, z := range []uint32{7, 9, 12} {
			cases = append(cases, tc{q: tileAt(p, z)})
		}
	}
	for _, z := range []uint32{6, 8, 10} {
		cases = append(cases,
			tc{q: tileAt(etdz, z), filter: "min_revenue=1000&year=2023"},
			tc{q: tileAt(etdz, z), filter: "cluster=electronics"},
			tc{q: tileAt(etdz, z), filter: "tier=no_data&year=2022"},
		)
	}
	cases = append(cases, tc{q: tileAt(orb.Point{-70, 40}, 8)}) // New York: empty
	nonEmpty := 0
	for _, c := range cases {
		name := tiles.Key(c.q)
		if c.filter != "" {
			name += "?" + c.filter
		}
		t.Run(name, func(t *testing.T) {
			q := c.q
			v, err := url.ParseQuery(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if q.Filter, err = geo.ParseFilter(v, false); err != nil {
				t.Fatal(err)
			}
			want, _, err := mem.Tile(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := pg.Tile(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			if (len(want) == 0) != (len(got) == 0) {
				t.Fatalf("embedded tile %d bytes, PostGIS tile %d bytes: want both empty or neither", len(want), len(got))
			}
			if len(want) == 0 {
				return
			}
			nonEmpty++
			for _, d := range pgDiffTiles(decode(t, want), decode(t, got)) {
				t.Error(d)
			}
		})
	}
	if nonEmpty < len(cases)/2 {
		t.Errorf("only %d of %d tiles hold data: the comparison proves little", nonEmpty, len(cases))
	}
}

// diffTiles lists the differences between the embedded (want) and PostGIS
// (got) tile.
func pgDiffTiles(want, got mvt.Layers) []string {
	var out []string
	if a, b := layerNames(want), layerNames(got); a != b {
		return []string{fmt.Sprintf("layers: embedded %s, PostGIS %s", a, b)}
	}
	for i, wl := range want {
		gl := got[i]
		if wl.Extent != gl.Extent {
			out = append(out, fmt.Sprintf("%s: extent %d vs %d", wl.Name, wl.Extent, gl.Extent))
		}
		byID := func(l *mvt.Layer) (map[float64]int, []float64) {
			m := map[float64]int{}
			var ids []float64
			for j, f := range l.Features {
				id, _ := f.ID.(float64)
				if _, dup := m[id]; dup {
					out = append(out, fmt.Sprintf("%s: feature id %v twice", l.Name, f.ID))
				}
				m[id] = j
				ids = append(ids, id)
			}
			slices.Sort(ids)
			return m, ids
		}
		wm, wids := byID(wl)
		gm, gids := byID(gl)
		if !slices.Equal(wids, gids) {
			out = append(out, fmt.Sprintf("%s: feature ids embedded %v, PostGIS %v", wl.Name, wids, gids))
		}
		for _, id := range wids {
			j, ok := gm[id]
			if !ok {
				continue
			}
			wf, gf := wl.Features[wm[id]], gl.Features[j]
			if !reflect.DeepEqual(map[string]any(wf.Properties), map[string]any(gf.Properties)) {
				out = append(out, fmt.Sprintf("%s %v: properties embedded %v, PostGIS %v", wl.Name, id, wf.Properties, gf.Properties))
			}
			if d := outlineDiff(wf.Geometry, gf.Geometry); d > pgGeomTolerance {
				out = append(out, fmt.Sprintf("%s %v (%v): geometry differs by %.1f tile units (embedded %s %d vertices, PostGIS %s %d vertices)",
					wl.Name, id, wf.Properties["id"], d, wf.Geometry.GeoJSONType(), pgVertices(wf.Geometry), gf.Geometry.GeoJSONType(), pgVertices(gf.Geometry)))
			}
		}
	}
	return out
}

// outlineDiff compares two encodings of one feature robustly but
// meaningfully, in tile units: the larger of the differences of their
// bounding boxes' edges (a shifted, wrongly projected or cut shape) and,
// for polygons, of their areas over the longer perimeter (the mean distance
// between outlines: a missing part or a wrong simplification), both inside
// the tile proper. Vertex by
// vertex comparison would flag what the encoders legitimately do
// differently: PostGIS drops near-degenerate spikes a tile unit wide and
// splits a shape clipped into parts, orb walks the buffer's edge. +Inf when
// the kinds differ (points, lines, polygons).
func outlineDiff(a, b orb.Geometry) float64 {
	if a.Dimensions() != b.Dimensions() {
		return math.Inf(1)
	}
	// Only the tile itself is drawn: the buffer is where the encoders'
	// clipping differs (orb walks the buffer's edge between the parts of a
	// concave outline, PostGIS splits it into polygons).
	a, b = clip.Geometry(pgTileBound, orb.Clone(a)), clip.Geometry(pgTileBound, orb.Clone(b))
	if a == nil || b == nil {
		if a == nil && b == nil {
			return 0
		}
		return math.Inf(1)
	}
	ba, bb := a.Bound(), b.Bound()
	d := max(math.Abs(ba.Min[0]-bb.Min[0]), math.Abs(ba.Min[1]-bb.Min[1]), math.Abs(ba.Max[0]-bb.Max[0]), math.Abs(ba.Max[1]-bb.Max[1]))
	if a.Dimensions() == 2 {
		pa, pb := pgPerimeter(a), pgPerimeter(b)
		d = max(d, math.Abs(pgArea(a)-pgArea(b))/max(pa, pb, 1))
	}
	return d
}

var pgTileBound = orb.Bound{Max: orb.Point{geo.TileExtent, geo.TileExtent}}

// area is the area of a polygon geometry (holes subtracted), whatever the
// ring orientation.
func pgArea(g orb.Geometry) float64 {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	var s float64
	for _, p := range polys {
		for i, r := range p {
			a := math.Abs(planar.Area(r))
			if i > 0 {
				a = -a
			}
			s += a
		}
	}
	return s
}

func pgPerimeter(g orb.Geometry) float64 {
	var s float64
	for _, sg := range pgSegments(g) {
		s += math.Hypot(sg[1][0]-sg[0][0], sg[1][1]-sg[0][1])
	}
	return s
}

// segments lists the segments of g; a point is a segment of length 0.
func pgSegments(g orb.Geometry) [][2]orb.Point {
	var out [][2]orb.Point
	line := func(ps []orb.Point) {
		if len(ps) == 1 {
			out = append(out, [2]orb.Point{ps[0], ps[0]})
		}
		for i := 0; i+1 < len(ps); i++ {
			out = append(out, [2]orb.Point{ps[i], ps[i+1]})
		}
	}
	switch g := g.(type) {
	case orb.Point:
		line([]orb.Point{g})
	case orb.MultiPoint:
		for _, p := range g {
			line([]orb.Point{p})
		}
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		for _, l := range g {
			line(l)
		}
	case orb.Polygon:
		for _, r := range g {
			line(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				line(r)
			}
		}
	}
	return out
}

func pgVertices(g orb.Geometry) int { return len(pgSegments(g)) }
