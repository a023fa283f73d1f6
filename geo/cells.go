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
func CutCells(mp orb.MultiPolygon, cz uint32) []CellPiece {
	if len(mp) == 0 {
		return nil
	}
	b := mp.Bound()
	n := uint32(1) << cz
	// The cells whose buffered bound can meet b: the tiles at b's corners
	// and one more on each side (the buffer), within the grid.
	lo, hi := tileAt(orb.Point{b.Min[0], b.Max[1]}, cz), tileAt(orb.Point{b.Max[0], b.Min[1]}, cz)
	x0, y0 := max(lo[0]-1, 0), max(lo[1]-1, 0)
	x1, y1 := min(hi[0]+1, int64(n)-1), min(hi[1]+1, int64(n)-1)
	var c Clipper
	var out []CellPiece
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			cell := Cell{Z: cz, X: uint32(x), Y: uint32(y)}
			box := cell.Bound()
			if !box.Intersects(b) {
				continue
			}
			if g := clipMultiPolygon(&c, box, mp); len(g) > 0 {
				out = append(out, CellPiece{Cell: cell, Geom: g, Bound: g.Bound()})
			}
		}
	}
	return out
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

// clipMultiPolygon clips mp to box; nil when nothing is left.
func clipMultiPolygon(c *Clipper, box orb.Bound, mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var np orb.Polygon
		for i, r := range poly {
			ring := clipRing(c, box, r)
			if ring == nil {
				if i == 0 {
					break // no exterior left: the holes go with it
				}
				continue
			}
			np = append(np, ring)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

// clipRing is r clipped to box and closed: r itself when it lies inside,
// nil when it misses box or fewer than 3 vertices are left.
func clipRing(c *Clipper, box orb.Bound, r orb.Ring) orb.Ring {
	if len(r) < 4 {
		return nil
	}
	rb := r.Bound()
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
