package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Outlines are simplified for every zoom once (memstore at load, PostGIS at
// import), by this one implementation so both stores' tiles agree. Running orb's
// Douglas–Peucker 17 times over ~0.5 million vertices takes seconds, so
// each ring is ranked once instead: a full Douglas–Peucker pass records, for
// every vertex, the largest tolerance at which it survives (the split
// distance of its own step, capped by those of the steps above it). A
// vertex survives tolerance t exactly when its rank exceeds t², because the
// algorithm's splits do not depend on the tolerance, only where it stops.
// The result is vertex for vertex what simplify.DouglasPeucker(t) keeps
// (same squared planar distance, same first-maximum tie-breaking), which
// TestRankedMatchesOrb pins. Since a smaller tolerance keeps a superset, a
// ring keeping as many vertices as at the zoom above is identical to it and
// shares its slice.

// rankRing returns the squared-distance rank of each vertex of r; the
// endpoints rank +Inf.
func rankRing(r orb.Ring) []float64 {
	rank := make([]float64, len(r))
	if len(r) == 0 {
		return rank
	}
	rank[0], rank[len(r)-1] = math.Inf(1), math.Inf(1)
	type seg struct {
		start, end int
		cap        float64
	}
	stack := []seg{{0, len(r) - 1, math.Inf(1)}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		maxDist, maxIndex := 0.0, 0
		for i := s.start + 1; i < s.end; i++ {
			if d := planar.DistanceFromSegmentSquared(r[s.start], r[s.end], r[i]); d > maxDist {
				maxDist, maxIndex = d, i
			}
		}
		if maxDist > 0 {
			c := min(maxDist, s.cap)
			rank[maxIndex] = c
			stack = append(stack, seg{s.start, maxIndex, c}, seg{maxIndex, s.end, c})
		}
	}
	return rank
}

// rankedMP is a multipolygon with the ranks of its vertices.
type rankedMP struct {
	mp    orb.MultiPolygon
	ranks [][][]float64
}

func rankMP(mp orb.MultiPolygon) rankedMP {
	rm := rankedMP{mp: mp, ranks: make([][][]float64, len(mp))}
	for i, p := range mp {
		rm.ranks[i] = make([][]float64, len(p))
		for j, r := range p {
			rm.ranks[i][j] = rankRing(r)
		}
	}
	return rm
}

// SimplifyZooms fills out[z] with mp simplified at SimplifyTolerance(z)
// for every zoom: rings below 4 vertices are dropped (a hole alone; a
// polygon with its exterior), and a shape with nothing left is nil. Rings
// equal to the zoom above share its slice; mp is not modified.
func SimplifyZooms(mp orb.MultiPolygon, out *[MaxZoom + 1]orb.MultiPolygon) {
	simplifyAll(rankMP(mp), out)
}

func simplifyAll(rm rankedMP, out *[MaxZoom + 1]orb.MultiPolygon) {
	// prev[i][j] is ring j of polygon i at the zoom above, to share.
	prev := make([][]orb.Ring, len(rm.mp))
	for i, p := range rm.mp {
		prev[i] = make([]orb.Ring, len(p))
	}
	for z := MaxZoom; z >= MinZoom; z-- {
		t := SimplifyTolerance(uint32(z))
		t2 := t * t
		var mp orb.MultiPolygon
		for i, p := range rm.mp {
			var poly orb.Polygon
			for j, r := range p {
				rk := rm.ranks[i][j]
				n := 0
				for _, v := range rk {
					if v > t2 {
						n++
					}
				}
				var kept orb.Ring
				if pr := prev[i][j]; pr != nil && len(pr) == n {
					kept = pr
				} else {
					kept = make(orb.Ring, 0, n)
					for k, v := range rk {
						if v > t2 {
							kept = append(kept, r[k])
						}
					}
				}
				prev[i][j] = kept
				if len(kept) < 4 {
					if j == 0 {
						break
					}
					continue
				}
				poly = append(poly, kept)
			}
			if len(poly) > 0 {
				mp = append(mp, poly)
			}
		}
		out[z] = mp
	}
}

// SameShape reports whether two simplifications of one shape (SimplifyZooms
// at two zooms) are equal: a smaller tolerance keeps a superset of the
// vertices, so equal ring lengths mean equal rings. Stores use it to share
// one copy (a row, a set of cell pieces) between zooms.
func SameShape(a, b orb.MultiPolygon) bool {
	return slices.EqualFunc(a, b, func(p, q orb.Polygon) bool {
		return slices.EqualFunc(p, q, func(r, s orb.Ring) bool { return len(r) == len(s) })
	})
}
