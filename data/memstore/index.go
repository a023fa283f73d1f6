package memstore

import (
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"layoutmap/geo"
)

// index is an R-tree (github.com/tidwall/rtree) over the bounds of one
// list's features, answering with positions in that list. Queries are the
// prefilter of bbox items, Zones and tiles; callers still apply the exact
// test (orb.Bound.Intersects, geo.IntersectsBBox), so the index changes
// the cost of a query, never its answer: with 100× the zones a tile or a
// bbox page costs what the features it returns cost (BenchmarkScale).
type index struct{ tr rtree.RTreeG[int] }

// newIndex indexes bs[i] as i.
func newIndex(bs []orb.Bound) *index {
	ix := &index{}
	for i, b := range bs {
		ix.tr.Insert(b.Min, b.Max, i)
	}
	return ix
}

// search returns, ascending (list order: ids and codes), the positions
// whose bounds intersect b (boundaries included, as orb.Bound.Intersects).
func (ix *index) search(b orb.Bound) []int {
	var out []int
	ix.tr.Search(b.Min, b.Max, func(_, _ [2]float64, i int) bool {
		out = append(out, i)
		return true
	})
	slices.Sort(out)
	return out
}

// searchBBox is search for a bbox filter, which may cross the antimeridian
// (one search per part, geo.BBoxParts); nil b means every position.
func (ix *index) searchBBox(b *orb.Bound, n int) []int {
	if b == nil {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	parts := geo.BBoxParts(*b)
	if len(parts) == 1 {
		return ix.search(parts[0])
	}
	var out []int
	for _, p := range parts {
		out = append(out, ix.search(p)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
