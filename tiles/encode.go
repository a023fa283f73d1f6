package tiles

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"layoutmap/geo"
)

// encodeOptions are the encoder's knobs; see Config.
type encodeOptions struct {
	// simplify runs Douglas–Peucker with geo.SimplifyTolerance(z) for
	// sources that do not pre-simplify per zoom.
	simplify bool
}

// minTolerance (tile units, 1/16 of a 256 px tile's pixel) is the
// Douglas–Peucker tolerance applied to every line and ring even when the
// source pre-simplifies: sources keep zone outlines (circles of the
// approved area) at full detail, and at z5 a circle's 37 vertices are a
// few tile units apart, invisible but 30 KB of a z5 tile.
const minTolerance = 1.0

// projector maps WGS84 to the tile's integer grid: Web Mercator, extent
// geo.TileExtent, y down. It builds new geometry and never touches its
// input, which is what keeps a Source's stored features intact (orb's own
// ProjectToTile rewrites features in place).
type projector struct {
	world  float64 // extent * 2^z
	ox, oy float64 // tile origin in world units
	// wgs is clipBound in WGS84 (geo.BufferedTileBound). Web Mercator maps meridians and parallels
	// to straight grid lines, so clipping in lon/lat at these edges gives
	// the same rings as clipping in tile units, while only the part of a
	// big outline inside the tile is projected and simplified.
	wgs orb.Bound
	// clip holds scratch space shared by the rings of one tile.
	clip *geo.Clipper
}

func newProjector(z, x, y uint32) projector {
	w := float64(geo.TileExtent) * math.Exp2(float64(z))
	p := projector{world: w, ox: float64(x) * geo.TileExtent, oy: float64(y) * geo.TileExtent, clip: &geo.Clipper{}}
	// The bound cells are cut at (geo.CutCells), so a tile of a cell
	// zoom clips its cell's pieces at exactly their edges.
	p.wgs = geo.BufferedTileBound(z, x, y)
	return p
}

// maxLat is Web Mercator's latitude limit.
const maxLat = 85.05112877980659

func (p projector) point(q orb.Point) orb.Point {
	lat := math.Max(-maxLat, math.Min(maxLat, q[1]))
	x := (q[0] + 180) / 360 * p.world
	s := math.Sin(lat * math.Pi / 180)
	y := (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * p.world
	return orb.Point{x - p.ox, y - p.oy}
}

func (p projector) points(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, q := range ps {
		out[i] = p.point(q)
	}
	return out
}

// clipBound is the tile plus its buffer, in tile units.
var clipBound = orb.Bound{
	Min: orb.Point{-geo.TileBuffer, -geo.TileBuffer},
	Max: orb.Point{geo.TileExtent + geo.TileBuffer, geo.TileExtent + geo.TileBuffer},
}

// tileGeometry projects, clips, simplifies and snaps g to the tile grid.
// It returns nil when nothing of g is left in the buffered tile. Rings come
// out per MVT 2.1 §4.3.4.4: exterior rings with positive area by the
// surveyor's formula in tile coordinates (clockwise on screen), holes
// negative; repeated points and collapsed rings are dropped.
func tileGeometry(g orb.Geometry, p projector, tol float64) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		q := snap(p.point(g))
		if !clipBound.Contains(q) {
			return nil
		}
		return q
	case orb.MultiPoint:
		var out orb.MultiPoint
		for _, q := range g {
			if s := snap(p.point(q)); clipBound.Contains(s) {
				out = append(out, s)
			}
		}
		switch len(out) {
		case 0:
			return nil
		case 1:
			return out[0]
		}
		return out
	case orb.LineString:
		return tileLines(orb.MultiLineString{g}, p, tol)
	case orb.MultiLineString:
		return tileLines(g, p, tol)
	case orb.Polygon:
		return tilePolygons(orb.MultiPolygon{g}, p, tol)
	case orb.MultiPolygon:
		return tilePolygons(g, p, tol)
	case orb.Ring:
		return tilePolygons(orb.MultiPolygon{{g}}, p, tol)
	case orb.Bound:
		return tilePolygons(orb.MultiPolygon{g.ToPolygon()}, p, tol)
	}
	// Collections are flattened by the caller; anything else is a bug of
	// the source, not worth a panic.
	return nil
}

func slicesClone(r orb.Ring) orb.Ring { return append(orb.Ring(nil), r...) }

func snap(q orb.Point) orb.Point { return orb.Point{math.Round(q[0]), math.Round(q[1])} }

// snapDedup rounds to the grid and drops consecutive repeats, in place.
func snapDedup(ps []orb.Point) []orb.Point {
	out := ps[:0]
	for _, q := range ps {
		s := snap(q)
		if len(out) > 0 && out[len(out)-1] == s {
			continue
		}
		out = append(out, s)
	}
	return out
}

func tileLines(mls orb.MultiLineString, p projector, tol float64) orb.Geometry {
	var out orb.MultiLineString
	for _, ls := range mls {
		if len(ls) < 2 || !bound(ls).Intersects(p.wgs) {
			continue
		}
		// clip.LineString builds new lines and leaves ls alone.
		for _, part := range clip.LineString(p.wgs, ls) {
			proj := orb.LineString(p.points(part))
			if tol > 0 {
				proj = simplify.DouglasPeucker(tol).LineString(proj)
			}
			proj = orb.LineString(snapDedup(proj))
			if len(proj) >= 2 {
				out = append(out, proj)
			}
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

func tilePolygons(mp orb.MultiPolygon, p projector, tol float64) orb.Geometry {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var np orb.Polygon
		for i, r := range poly {
			if len(r) < 4 {
				if i == 0 {
					break
				}
				continue
			}
			ring := tileRing(r, p, tol)
			if ring == nil {
				if i == 0 {
					break // no exterior left: the holes go with it
				}
				continue
			}
			a := area2(ring)
			if (i == 0) != (a > 0) {
				ring.Reverse()
			}
			np = append(np, ring)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// tileRing clips, projects and simplifies one ring; nil when it collapses.
// r is never modified.
func tileRing(r orb.Ring, p projector, tol float64) orb.Ring {
	rb := bound(r)
	if !rb.Intersects(p.wgs) {
		return nil
	}
	var pts []orb.Point
	if p.wgs.Contains(rb.Min) && p.wgs.Contains(rb.Max) {
		pts = r
	} else if pts = p.clip.Ring(p.wgs, r); pts == nil {
		return nil
	}
	if touchesEdge(pts, p.wgs) {
		if pts = canonicalEdges(pts, p.wgs); len(pts) < 3 {
			return nil
		}
	}
	ring := make(orb.Ring, len(pts), len(pts)+1)
	for i, q := range pts {
		ring[i] = p.point(q)
	}
	if tol > 0 && len(ring) > 4 && dense(ring, tol) {
		if len(ring) > 64 {
			ring = simplify.DouglasPeucker(tol).Ring(ring)
		} else if s := simplify.DouglasPeucker(tol).Ring(slicesClone(ring)); len(s) >= 4 {
			// A small ring that simplification would collapse keeps its
			// vertices: small zones must not vanish at low zooms.
			ring = s
		}
	}
	ring = orb.Ring(snapDedup(ring))
	if len(ring) > 0 && ring[0] != ring[len(ring)-1] {
		ring = append(ring, ring[0])
	}
	if len(ring) < 4 || area2(ring) == 0 {
		return nil
	}
	return ring
}

// touchesEdge reports whether a vertex lies on an edge of box: a ring
// clipped to it, or a piece a store cut at the same edges (geo.CutCells at
// a cell zoom).
func touchesEdge(ps []orb.Point, box orb.Bound) bool {
	for _, q := range ps {
		if q[0] == box.Min[0] || q[0] == box.Max[0] || q[1] == box.Min[1] || q[1] == box.Max[1] {
			return true
		}
	}
	return false
}

// canonicalEdges returns a ring clipped to box in one form whatever the
// ring was clipped from: a whole outline or the piece of it a store cut
// into a cell (geo.CutCells) give the same vertices. Sutherland–Hodgman
// leaves zero-width spikes along the box's edges and starts where its
// input started; so runs of three vertices on one edge line lose the
// middle one (the area and the region do not change: the spikes have none,
// and MVT 2.1 §4.3.4.4 wants valid polygons), repeats are dropped, and the
// ring starts at its west-most vertex, the northern one of a tie (the
// tile's top left corner when it holds it, where the clipper usually
// started). The result is a new,
// unclosed slice; ps is not modified.
func canonicalEdges(ps []orb.Point, box orb.Bound) []orb.Point {
	if len(ps) > 1 && ps[0] == ps[len(ps)-1] {
		ps = ps[:len(ps)-1]
	}
	onLine := func(a, b, c orb.Point) bool {
		for _, e := range [...]struct {
			axis int
			v    float64
		}{{0, box.Min[0]}, {0, box.Max[0]}, {1, box.Min[1]}, {1, box.Max[1]}} {
			if a[e.axis] == e.v && b[e.axis] == e.v && c[e.axis] == e.v {
				return true
			}
		}
		return false
	}
	out := make([]orb.Point, 0, len(ps))
	push := func(q orb.Point) {
		for {
			n := len(out)
			if n > 0 && out[n-1] == q {
				return
			}
			if n >= 2 && onLine(out[n-2], out[n-1], q) {
				out = out[:n-1]
				continue
			}
			out = append(out, q)
			return
		}
	}
	for _, q := range ps {
		push(q)
	}
	// The seam: the last vertices against the first, until nothing changes.
	for changed := true; changed && len(out) >= 3; {
		changed = false
		n := len(out)
		switch {
		case out[n-1] == out[0]:
			out = out[:n-1]
			changed = true
		case onLine(out[n-2], out[n-1], out[0]):
			out = out[:n-1]
			changed = true
		case onLine(out[n-1], out[0], out[1]):
			out = out[1:]
			changed = true
		}
	}
	if len(out) < 3 {
		return nil
	}
	least := 0
	for i, q := range out {
		if q[0] < out[least][0] || (q[0] == out[least][0] && q[1] > out[least][1]) {
			least = i
		}
	}
	return append(out[least:len(out):len(out)], out[:least]...)
}

// dense reports whether the vertices of a projected ring are close enough
// for simplification to remove some: its bounding-box perimeter (a lower
// bound of the ring's length for convex shapes, an estimate otherwise)
// over the vertex count is under 4 tolerances. Outlines a source already
// simplified for the zoom fail this test and skip Douglas–Peucker, the
// largest cost of a cold tile.
func dense(r orb.Ring, tol float64) bool {
	b := bound(r)
	return 2*((b.Max[0]-b.Min[0])+(b.Max[1]-b.Min[1])) < 4*tol*float64(len(r))
}

// bound is the bounding box of ps (orb's Bound goes through Extend per
// point, the largest cost of a z14 tile over a province-sized outline).
func bound(ps []orb.Point) orb.Bound {
	if len(ps) == 0 {
		return orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
	}
	minX, minY, maxX, maxY := ps[0][0], ps[0][1], ps[0][0], ps[0][1]
	for _, q := range ps[1:] {
		if q[0] < minX {
			minX = q[0]
		} else if q[0] > maxX {
			maxX = q[0]
		}
		if q[1] < minY {
			minY = q[1]
		} else if q[1] > maxY {
			maxY = q[1]
		}
	}
	return orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}
}

// area2 is twice the signed area by the surveyor's formula, in the ring's
// own coordinates (positive: counter-clockwise with y up, clockwise on a
// y-down tile).
func area2(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

// encodeLayers turns source features into an MVT body. Layers keep the
// catalogue order of geo.LayersAt(q.Z) (orb's NewLayers takes a map, whose
// order is random); empty layers are left out, as ST_AsMVT does; an empty
// result means "no data in this tile".
func encodeLayers(q geo.TileQuery, src []geo.LayerFeatures, opt encodeOptions) ([]byte, error) {
	p := newProjector(q.Z, q.X, q.Y)
	tol := minTolerance
	if opt.simplify {
		// geo.SimplifyTolerance is in degrees of longitude; one degree is
		// world/360 tile units at every latitude.
		tol = max(tol, geo.SimplifyTolerance(q.Z)*p.world/360)
	}
	byName := make(map[string]*geo.LayerFeatures, len(src))
	for i := range src {
		byName[src[i].Layer] = &src[i]
	}
	var layers mvt.Layers
	for _, name := range geo.LayersAt(q.Z) {
		lf := byName[name]
		if lf == nil || len(lf.Features) == 0 {
			continue
		}
		l := &mvt.Layer{Name: name, Version: 2, Extent: geo.TileExtent}
		for _, f := range lf.Features {
			if name == geo.LayerLabels && !labelShown(f.Properties, q.Z) {
				continue
			}
			for _, g := range flatten(f.Geometry) {
				tg := tileGeometry(g, p, tol)
				if tg == nil {
					continue
				}
				l.Features = append(l.Features, &geojson.Feature{
					ID:         geo.TileFeatureID(f.ID),
					Geometry:   tg,
					Properties: tileProperties(name, q.Z, f.Properties),
				})
			}
		}
		if len(l.Features) > 0 {
			layers = append(layers, l)
		}
	}
	if len(layers) == 0 {
		return nil, nil
	}
	b, err := mvt.Marshal(layers)
	if err != nil {
		return nil, fmt.Errorf("tiles: encoding %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	return b, nil
}

// labelShown applies geo.LabelMinZoom, so no county label crowds a z5 tile
// even if a source sends one.
func labelShown(props geo.Properties, z uint32) bool {
	kind, _ := props["kind"].(string)
	min, ok := geo.LabelMinZoom[kind]
	return !ok || z >= min
}

// flatten splits collections, because orb encodes only the first member of
// a GeometryCollection.
func flatten(g orb.Geometry) []orb.Geometry {
	if g == nil {
		return nil
	}
	c, ok := g.(orb.Collection)
	if !ok {
		return []orb.Geometry{g}
	}
	var out []orb.Geometry
	for _, m := range c {
		out = append(out, flatten(m)...)
	}
	return out
}
