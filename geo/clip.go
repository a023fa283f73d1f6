package geo

import "github.com/paulmach/orb"

// Clipper clips rings to a box (Sutherland–Hodgman, one pass per edge)
// through two scratch buffers it reuses, so a big outline crossing many
// tiles costs no allocation beyond the clipped result, and the input is
// never written (orb's clip.Ring uses its input as scratch space). It is
// the one clipping rule of outlines: the tile encoder clips to the
// buffered tile with it, and CutCells cuts outlines into cells with it,
// so a tile clipped from a cell's piece has the tile's own edges. The
// zero value is ready to use. Not safe for concurrent use.
type Clipper struct {
	a, b []orb.Point
}

// Ring returns in clipped to box as a slice of the clipper's scratch
// space, valid until the next call; nil when fewer than 3 vertices are
// left. The result is not closed (in may be closed or not).
func (c *Clipper) Ring(box orb.Bound, in orb.Ring) []orb.Point {
	if len(in) > 1 && in[0] == in[len(in)-1] {
		in = in[:len(in)-1]
	}
	src := []orb.Point(in)
	dst := c.a[:0]
	for edge := range 4 {
		dst = dst[:0]
		if len(src) == 0 {
			return nil
		}
		prev := src[len(src)-1]
		prevIn := clipInside(box, edge, prev)
		for _, p := range src {
			pIn := clipInside(box, edge, p)
			if pIn != prevIn {
				dst = append(dst, clipIntersect(box, edge, prev, p))
			}
			if pIn {
				dst = append(dst, p)
			}
			prev, prevIn = p, pIn
		}
		// Alternate the two buffers; keep grown capacity for next time.
		if edge%2 == 0 {
			c.a = dst
			src, dst = dst, c.b[:0]
		} else {
			c.b = dst
			src, dst = dst, c.a[:0]
		}
	}
	if len(src) < 3 {
		return nil
	}
	return src
}

func clipInside(box orb.Bound, edge int, p orb.Point) bool {
	switch edge {
	case 0:
		return p[0] >= box.Min[0]
	case 1:
		return p[0] <= box.Max[0]
	case 2:
		return p[1] >= box.Min[1]
	default:
		return p[1] <= box.Max[1]
	}
}

// clipIntersect is where segment a-b crosses the edge's line; a and b are on
// different sides, so the denominator is not zero.
func clipIntersect(box orb.Bound, edge int, a, b orb.Point) orb.Point {
	switch edge {
	case 0, 1:
		x := box.Min[0]
		if edge == 1 {
			x = box.Max[0]
		}
		return orb.Point{x, a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])}
	default:
		y := box.Min[1]
		if edge == 3 {
			y = box.Max[1]
		}
		return orb.Point{a[0] + (b[0]-a[0])*(y-a[1])/(b[1]-a[1]), y}
	}
}
