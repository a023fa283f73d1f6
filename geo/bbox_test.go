package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectsBBox(t *testing.T) {
	// An L-shaped polygon: its envelope is 0..10 × 0..10, but the square
	// 5..10 × 5..10 is outside it.
	l := orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 5}, {5, 5}, {5, 10}, {0, 10}, {0, 0}}}}
	far := orb.Polygon{{{175, 35}, {179, 35}, {179, 36}, {175, 36}, {175, 35}}}
	box := func(a, b, c, d float64) orb.Bound { return orb.Bound{Min: orb.Point{a, b}, Max: orb.Point{c, d}} }
	tests := []struct {
		name string
		g    orb.Geometry
		box  orb.Bound
		want bool
	}{
		{"box in the notch of the envelope", l, box(6, 6, 9, 9), false},
		{"box wholly inside the polygon", l, box(1, 1, 2, 2), true},
		{"box containing the polygon", l, box(-1, -1, 11, 11), true},
		{"box crossing an edge", l, box(4, 6, 6, 7), true},
		{"box touching the boundary (closed sets, as ST_Intersects)", l, box(10, 1, 12, 2), true},
		{"box touching the inner corner", l, box(5, 5, 6, 6), true},
		{"box outside the envelope", l, box(20, 20, 21, 21), false},
		{"antimeridian box, west part", far, box(170, 30, -170, 40), true},
		{"antimeridian box, neither part", far, box(179.5, 30, -170, 40), false},
		{"antimeridian box, east part", orb.Point{-175, 35}, box(170, 30, -170, 40), true},
		{"point on the box edge", orb.Point{5, 5}, box(5, 5, 6, 6), true},
		{"nil geometry", nil, box(0, 0, 1, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b orb.Bound
			if tt.g != nil {
				b = tt.g.Bound()
			}
			if got := IntersectsBBox(tt.g, b, tt.box); got != tt.want {
				t.Errorf("IntersectsBBox = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBBoxParts(t *testing.T) {
	b := orb.Bound{Min: orb.Point{170, 30}, Max: orb.Point{-170, 40}}
	ps := BBoxParts(b)
	if len(ps) != 2 || ps[0].Max[0] != 180 || ps[1].Min[0] != -180 || ps[0].Min[0] != 170 || ps[1].Max[0] != -170 {
		t.Fatalf("BBoxParts = %v", ps)
	}
	if ps := BBoxParts(orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}); len(ps) != 1 {
		t.Fatalf("BBoxParts of a plain box = %v", ps)
	}
}
