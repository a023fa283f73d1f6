package geo

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// The bbox parameter follows OGC API Features Part 1 (/req/core/fc-bbox-
// definition and fc-bbox-response): 4 numbers (lower-left lon,lat, upper-
// right lon,lat) or 6 (with heights, which a 2D dataset ignores: only the
// horizontal extent counts). A box whose west edge is east of its east edge
// crosses the antimeridian; it is kept as given (Min[0] > Max[0]) and
// BBoxParts splits it in two. A feature matches when its geometry, not its
// envelope, intersects the box (closed sets, as PostGIS ST_Intersects).

// ParseBBox parses "minLon,minLat,maxLon,maxLat" or the 6-number form
// "minLon,minLat,minHeight,maxLon,maxLat,maxHeight" in CRS84 degrees.
// minLon > maxLon is a box crossing the antimeridian; minLat > maxLat is an
// error, as is anything outside -180..180, -90..90.
func ParseBBox(s string) (orb.Bound, error) {
	var v []float64
	if countParts(s) == 6 {
		v6, err := ParseNumbers(s, "minLon,minLat,minHeight,maxLon,maxLat,maxHeight")
		if err != nil {
			return orb.Bound{}, err
		}
		if v6[2] > v6[5] {
			return orb.Bound{}, errors.New("minHeight must not exceed maxHeight")
		}
		v = []float64{v6[0], v6[1], v6[3], v6[4]}
	} else {
		var err error
		if v, err = ParseNumbers(s, "minLon,minLat,maxLon,maxLat"); err != nil {
			return orb.Bound{}, fmt.Errorf("%w (or 6 numbers with heights)", err)
		}
	}
	if v[0] < -180 || v[0] > 180 || v[2] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[1] > 90 || v[3] < -90 {
		return orb.Bound{}, errors.New("outside -180,-90,180,90")
	}
	if v[1] > v[3] {
		return orb.Bound{}, errors.New("minLat must not exceed maxLat")
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

func countParts(s string) int {
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			n++
		}
	}
	return n
}

// BBoxParts returns b as boxes that do not cross the antimeridian: b itself,
// or, when b.Min[0] > b.Max[0], its parts west and east of ±180°.
func BBoxParts(b orb.Bound) []orb.Bound {
	if b.Min[0] <= b.Max[0] {
		return []orb.Bound{b}
	}
	return []orb.Bound{
		{Min: b.Min, Max: orb.Point{180, b.Max[1]}},
		{Min: orb.Point{-180, b.Min[1]}, Max: b.Max},
	}
}

// BBoxMeetsBound is the envelope prefilter: whether any part of box meets
// the bound of a geometry.
func BBoxMeetsBound(box, b orb.Bound) bool {
	for _, p := range BBoxParts(box) {
		if p.Intersects(b) {
			return true
		}
	}
	return false
}

// IntersectsBBox reports whether geometry g intersects box (either part of
// a box crossing the antimeridian), boundaries included, exactly as PostGIS
// ST_Intersects(g, ST_MakeEnvelope(box)) does. bound is g's bound, passed in
// because stores keep it; the exact test (simplefeatures' DE-9IM
// implementation) runs only when the bounds meet. Geometry that cannot be
// converted is treated as matching on its bound rather than dropped.
func IntersectsBBox(g orb.Geometry, bound, box orb.Bound) bool {
	if g == nil || !BBoxMeetsBound(box, bound) {
		return false
	}
	b, err := wkb.Marshal(g)
	if err != nil {
		return true
	}
	sg, err := sf.UnmarshalWKB(b, sf.NoValidate{})
	if err != nil {
		return true
	}
	for _, p := range BBoxParts(box) {
		if !p.Intersects(bound) {
			continue
		}
		env := sf.NewEnvelope(sf.XY{X: p.Min[0], Y: p.Min[1]}, sf.XY{X: p.Max[0], Y: p.Max[1]})
		if sf.Intersects(sg, env.AsGeometry()) {
			return true
		}
	}
	return false
}
