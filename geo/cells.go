package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Outline cells: both stores cut the simplified province, city, county and
// region outlines into the XYZ tiles of a few zooms ("cells") once per
// dataset version, so a tile clips a piece of an outline, never the whole
// province (memstore at load, PostGIS at import into tile_outlines). The
// rule lives here so that the two stores cut alike.

// CellZooms are the zooms whose XYZ tiles cut outlines into cells: tiles
// of zoom z from CellZooms[i] up to the next entry read pieces cut into the
// tiles of zoom CellZooms[i], so every tile of such a zoom lies in exactly
// one cell. Below the first, tiles read whole shapes. Three tiers keep the
// pieces few (a z14 grid over Henan would be 67,000 cells per shape); a
// z13 tier was tried on PostGIS and made the import five times longer.
var CellZooms = [...]uint32{5, 7, 10}

// CellMargin is the buffer of a cell as a fraction of its side: the tile
// buffer (TileBuffer/TileExtent), so a cell holds the buffered envelope of
// every tile inside it from the cell's zoom on.
const CellMargin = float64(TileBuffer) / TileExtent

// CellZoom returns the cell zoom of tiles of zoom z, -1 when they read
// whole shapes.
func CellZoom(z uint32) int {
	cz := -1
	for _, c := range CellZooms {
		if z >= c {
			cz = int(c)
		}
	}
	return cz
}

// Cell is one XYZ tile of a cell zoom.
type Cell struct{ Z, X, Y uint32 }

// CellOf returns the cell holding tile z/x/y; false when z is below
// CellZooms[0].
func CellOf(z, x, y uint32) (Cell, bool) {
	cz := CellZoom(z)
	if cz < 0 {
		return Cell{}, false
	}
	d := z - uint32(cz)
	return Cell{Z: uint32(cz), X: x >> d, Y: y >> d}, true
}

// Bound is the cell's WGS84 bound grown by CellMargin (BufferedTileBound).
func (c Cell) Bound() orb.Bound { return BufferedTileBound(c.Z, c.X, c.Y) }

// BufferedTileBound is the WGS84 bound of tile z/x/y grown by TileBuffer
// tile units on each side, computed in Web Mercator (which keeps meridians
// and parallels straight, so clipping in lon/lat at these edges is clipping
// in tile units). The tile encoder clips at this bound, and a cell's bound
// is this bound of the cell's tile: the same arithmetic, so a tile of a
// cell zoom clips its cell's pieces at exactly the cell's edges. Latitudes
// are not clamped to Web Mercator's limit.
func BufferedTileBound(z, x, y uint32) orb.Bound {
	world := float64(TileExtent) * math.Exp2(float64(z))
	ox, oy := float64(x)*TileExtent, float64(y)*TileExtent
	lo, hi := -float64(TileBuffer), float64(TileExtent+TileBuffer)
	unproject := func(tx, ty float64) orb.Point {
		px, py := (tx+ox)/world, (ty+oy)/world
		lat := math.Atan(math.Sinh(math.Pi*(1-2*py))) * 180 / math.Pi
		return orb.Point{px*360 - 180, lat}
	}
	return orb.Bound{Min: unproject(lo, hi), Max: unproject(hi, lo)}
}

// CellPiece is the part of a shape inside one cell's bound.
type CellPiece struct {
	Cell  Cell
	Geom  orb.MultiPolygon
	Bound orb.Bound // of Geom
}

// CutCells cuts mp into the cells of zoom cz that its bound meets: each
// piece is mp clipped to the cell's Bound with Clipper (polygons whose
// exterior ring leaves fewer than 3 vertices are dropped with their holes,
// holes that vanish are dropped, rings are closed); cells with nothing left
// are left out. Rings wholly inside a cell are mp's own slices, not copies;
// mp is never modified. Pieces come row by row (y, then x).
//
// A ring is cut by halving the block of cells it meets and clipping it to
// each half's bound, down to single cells, so each level reads the ring
// once: a province outline over 400 cells costs nine passes, not 400.
// Clipping to nested boxes gives the same region as clipping to the cell
// at once; vertices may differ by zero-width spikes along the edges and
// the first vertex, which the tile encoder's canonical form removes.
func CutCells(mp orb.MultiPolygon, cz uint32) []CellPiece {
	if len(mp) == 0 {
		return nil
	}
	b := mp.Bound()
	n := uint32(1) << cz
	// The cells whose buffered bound can meet b: the tiles at b's corners
	// and one more on each side (the buffer), within the grid.
	lo, hi := tileAt(orb.Point{b.Min[0], b.Max[1]}, cz), tileAt(orb.Point{b.Max[0], b.Min[1]}, cz)
	blk := cellBlock{z: cz, x0: max(lo[0]-1, 0), y0: max(lo[1]-1, 0), x1: min(hi[0]+1, int64(n)-1), y1: min(hi[1]+1, int64(n)-1)}
	var c Clipper
	type slot struct {
		poly int
		ring orb.Ring
	}
	cells := map[Cell][]slot{}
	for pi, poly := range mp {
		// Exteriors first: a hole counts only where its exterior is.
		ext := map[Cell]bool{}
		for ri, r := range poly {
			if len(r) < 4 {
				if ri == 0 {
					break
				}
				continue
			}
			blk.cut(&c, r, func(cell Cell, ring orb.Ring) {
				if ri == 0 {
					ext[cell] = true
				} else if !ext[cell] {
					return
				}
				cells[cell] = append(cells[cell], slot{poly: pi, ring: ring})
			})
		}
	}
	var out []CellPiece
	for y := blk.y0; y <= blk.y1; y++ {
		for x := blk.x0; x <= blk.x1; x++ {
			cell := Cell{Z: cz, X: uint32(x), Y: uint32(y)}
			ss := cells[cell]
			if len(ss) == 0 {
				continue
			}
			var g orb.MultiPolygon
			last := -1
			for _, s := range ss {
				if s.poly != last {
					g = append(g, orb.Polygon{})
					last = s.poly
				}
				g[len(g)-1] = append(g[len(g)-1], s.ring)
			}
			bd := pointsBound(g[0][0])
			for _, p := range g[1:] {
				bd = bd.Union(pointsBound(p[0]))
			}
			out = append(out, CellPiece{Cell: cell, Geom: g, Bound: bd})
		}
	}
	return out
}

// cellBlock is a rectangle of cells of zoom z, corners included.
type cellBlock struct {
	z              uint32
	x0, y0, x1, y1 int64
}

func (k cellBlock) bound() orb.Bound {
	a := BufferedTileBound(k.z, uint32(k.x0), uint32(k.y0))
	if k.x0 == k.x1 && k.y0 == k.y1 {
		return a
	}
	b := BufferedTileBound(k.z, uint32(k.x1), uint32(k.y1))
	return orb.Bound{Min: orb.Point{a.Min[0], b.Min[1]}, Max: orb.Point{b.Max[0], a.Max[1]}}
}

// cut calls emit with r clipped to each cell of the block (clipRing), by
// halving the block; cells come in no particular order.
func (k cellBlock) cut(c *Clipper, r orb.Ring, emit func(Cell, orb.Ring)) {
	r = clipRing(c, k.bound(), r)
	if r == nil {
		return
	}
	switch {
	case k.x0 == k.x1 && k.y0 == k.y1:
		emit(Cell{Z: k.z, X: uint32(k.x0), Y: uint32(k.y0)}, r)
	case k.x1-k.x0 >= k.y1-k.y0:
		m := (k.x0 + k.x1) / 2
		cellBlock{k.z, k.x0, k.y0, m, k.y1}.cut(c, r, emit)
		cellBlock{k.z, m + 1, k.y0, k.x1, k.y1}.cut(c, r, emit)
	default:
		m := (k.y0 + k.y1) / 2
		cellBlock{k.z, k.x0, k.y0, k.x1, m}.cut(c, r, emit)
		cellBlock{k.z, k.x0, m + 1, k.x1, k.y1}.cut(c, r, emit)
	}
}

// tileAt is the tile of zoom z holding p (clamped to the grid), as x, y.
func tileAt(p orb.Point, z uint32) [2]int64 {
	n := math.Exp2(float64(z))
	lat := math.Max(-85.05112877980659, math.Min(85.05112877980659, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	x := math.Floor((p[0] + 180) / 360 * n)
	y := math.Floor((0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n)
	clamp := func(v float64) int64 { return int64(math.Max(0, math.Min(n-1, v))) }
	return [2]int64{clamp(x), clamp(y)}
}

// clipRing is r clipped to box and closed: r itself when it lies inside,
// nil when it misses box or fewer than 3 vertices are left.
func clipRing(c *Clipper, box orb.Bound, r orb.Ring) orb.Ring {
	if len(r) < 4 {
		return nil
	}
	rb := pointsBound(r)
	if !rb.Intersects(box) {
		return nil
	}
	if box.Contains(rb.Min) && box.Contains(rb.Max) {
		return r
	}
	part := c.Ring(box, r)
	if part == nil {
		return nil
	}
	out := make(orb.Ring, len(part), len(part)+1)
	copy(out, part)
	return append(out, out[0])
}

// pointsBound is the bounding box of ps, len(ps) > 0 (orb's Bound goes
// through Extend per point, the largest cost of cutting).
func pointsBound(ps []orb.Point) orb.Bound {
	minX, minY, maxX, maxY := ps[0][0], ps[0][1], ps[0][0], ps[0][1]
	for _, q := range ps[1:] {
		minX, maxX = min(minX, q[0]), max(maxX, q[0])
		minY, maxY = min(minY, q[1]), max(maxY, q[1])
	}
	return orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}
}
