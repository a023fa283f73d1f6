package cql2

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Coords converts a geometry literal's coordinate from the filter's CRS
// (OGC API Features Part 3 filter-crs) to CRS84: x and y in that CRS's
// axis order in, longitude and latitude out. nil means the literal is
// CRS84 already.
//
// A BBOX converts corner by corner, which is exact for every CRS whose
// axes map to meridians and parallels (lat/lon, Web Mercator). A WKT or
// GeoJSON literal is densified in the filter CRS (each edge cut into
// pieces of at most 1/256 of the literal's extent) and converted vertex by
// vertex, so a slanted edge follows the filter CRS's straight line, not
// CRS84's, to within that.
type Coords func(x, y float64) (lon, lat float64)

// finishSpatial converts every geometry literal of e to CRS84 with to and
// checks it lies within -180,-90,180,90 (a box: south ≤ north; west >
// east crosses the antimeridian).
func finishSpatial(e Expr, to Coords) error {
	var err error
	Walk(e, func(x Expr) {
		in, ok := x.(*Intersects)
		if !ok || err != nil {
			return
		}
		if in.Box != nil {
			given := *in.Box
			b := given
			if to != nil {
				w, s := to(b.Min[0], b.Min[1])
				e, n := to(b.Max[0], b.Max[1])
				b = orb.Bound{Min: orb.Point{w, s}, Max: orb.Point{e, n}}
				in.Box = &b
			}
			if !lonLat(b.Min) || !lonLat(b.Max) || b.Min[1] > b.Max[1] {
				if to == nil {
					err = errorf(in.litPos, "BBOX(%s) is not west,south,east,north within -180,-90,180,90 with south ≤ north", boxText(b))
				} else if latFirst(to) {
					// Quote what the client wrote and the order it owes:
					// the usual slip is a longitude-first box.
					err = errorf(in.litPos, "BBOX(%s) is not south,west,north,east within -90,-180,90,180 with south ≤ north: filter-crs puts latitude first", boxText(given))
				} else if !finite(b.Min[0], b.Min[1], b.Max[0], b.Max[1]) {
					err = errorf(in.litPos, "BBOX(%s) leaves the area filter-crs covers", boxText(given))
				} else {
					err = errorf(in.litPos, "BBOX(%s) in filter-crs is BBOX(%s) in CRS84, not west,south,east,north within -180,-90,180,90 with south ≤ north", boxText(given), boxText(b))
				}
			}
			return
		}
		if to != nil {
			// Densify first, so the edges follow the filter CRS's straight
			// lines (a Web Mercator edge is a curve in CRS84) to within
			// 1/256 of the literal's extent, at most a few thousand points.
			// A conversion that maps straight lines to straight lines (the
			// latitude-first swap) needs none.
			if lo, hi, ok := in.Geometry.Envelope().MinMaxXYs(); ok && !linear(to, lo, hi) {
				if d := math.Hypot(hi.X-lo.X, hi.Y-lo.Y) / 256; d > 0 && finite(d) {
					in.Geometry = in.Geometry.Densify(d)
				}
			}
			in.Geometry = in.Geometry.TransformXY(func(p sf.XY) sf.XY {
				lon, lat := to(p.X, p.Y)
				return sf.XY{X: lon, Y: lat}
			})
		}
		env := in.Geometry.Envelope()
		if env.IsEmpty() {
			err = errorf(in.litPos, "the geometry literal is empty")
			return
		}
		lo, hi, _ := env.MinMaxXYs()
		if lo.X < -180 || hi.X > 180 || lo.Y < -90 || hi.Y > 90 || !finite(lo.X, lo.Y, hi.X, hi.Y) {
			err = errorf(in.litPos, "the geometry literal leaves -180,-90,180,90 (coordinates are CRS84 longitude, latitude%s)", strings.TrimPrefix(inCRS84(to), ","))
		}
	})
	return err
}

func lonLat(p orb.Point) bool {
	return finite(p[0], p[1]) && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// boxText writes a box for an error message, in plain decimals as a
// client writes them (30000000, not 3e+07).
func boxText(b orb.Bound) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return strings.Join([]string{f(b.Min[0]), f(b.Min[1]), f(b.Max[0]), f(b.Max[1])}, ",")
}

func inCRS84(to Coords) string {
	if to == nil {
		return ""
	}
	return ", after conversion from filter-crs to CRS84"
}

// latFirst reports whether to only swaps the axes (a latitude-first CRS).
func latFirst(to Coords) bool {
	x, y := to(1, 2)
	return x == 2 && y == 1
}

// linear reports whether to maps the midpoint of lo–hi to the midpoint of
// their images, as an affine conversion (an axis swap) does.
func linear(to Coords, lo, hi sf.XY) bool {
	ax, ay := to(lo.X, lo.Y)
	bx, by := to(hi.X, hi.Y)
	mx, my := to((lo.X+hi.X)/2, (lo.Y+hi.Y)/2)
	return math.Abs(mx-(ax+bx)/2) <= 1e-12*(1+math.Abs(mx)) && math.Abs(my-(ay+by)/2) <= 1e-12*(1+math.Abs(my))
}
