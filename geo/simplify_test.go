package geo

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// wobbly returns a closed ring of n vertices around (113, 34) with a radius
// that varies, so every tolerance keeps a different subset.
func wobbly(n int, seed float64) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rad := 0.5 + 0.1*math.Sin(7*a+seed) + 0.03*math.Sin(31*a) + 0.004*math.Cos(97*a+seed)
		r = append(r, orb.Point{113 + rad*math.Cos(a), 34 + rad*math.Sin(a)})
	}
	return append(r, r[0])
}

func TestRankedMatchesOrb(t *testing.T) {
	mp := orb.MultiPolygon{
		{wobbly(2000, 0), wobbly(300, 1)},
		{wobbly(50, 2)},
		{orb.Ring{{1, 1}, {1, 1.0001}, {1.0001, 1.0001}, {1, 1}}}, // vanishes at low zoom
	}
	for i := range mp[0][1] { // shrink the hole inside the exterior
		p := mp[0][1][i]
		mp[0][1][i] = orb.Point{113 + (p[0]-113)*0.3, 34 + (p[1]-34)*0.3}
	}
	var got [MaxZoom + 1]orb.MultiPolygon
	SimplifyZooms(mp, &got)
	for z := MinZoom; z <= MaxZoom; z++ {
		want := simplify.DouglasPeucker(SimplifyTolerance(uint32(z))).MultiPolygon(mp.Clone())
		// orb keeps rings of 3 vertices; simplifyAll drops rings below 4.
		want = slices.DeleteFunc(want, func(p orb.Polygon) bool { return len(p[0]) < 4 })
		for i := range want {
			want[i] = slices.DeleteFunc(want[i], func(r orb.Ring) bool { return len(r) < 4 })
		}
		if len(want) == 0 {
			want = nil
		}
		if !orb.Equal(got[z], want) && !(got[z] == nil && want == nil) {
			t.Errorf("z%d: ranked simplification differs from orb: got %d polygons, want %d", z, len(got[z]), len(want))
		}
	}
	if len(got[MaxZoom]) != 3 || len(got[0]) >= 3 {
		t.Errorf("polygons at z16 = %d, z0 = %d; want 3 and fewer", len(got[MaxZoom]), len(got[0]))
	}
	if n := len(got[5][0][0]); n >= 2001 || n < 8 {
		t.Errorf("z5 exterior keeps %d of 2001 vertices, want a real reduction", n)
	}
}
