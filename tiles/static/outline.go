package static

import (
	"context"
	"math"

	"github.com/maypok86/otter/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// Outlines are projected to Web Mercator and simplified once per dataset
// version, feature and zoom band (half a zoom level: the view's zoom
// rounded down to a multiple of 0.5), not on every render: re-projecting every vertex of the province, its
// cities and counties was 84 % of an SVG's CPU (issue 17). A render then
// only scales and shifts the band's rings into its view and clips them.
//
// Within a band a view's zoom is up to half a level above the band's, so
// rings are simplified at simplifyPx/2^¼ in band pixels: between 0.84 and
// 1.19 × simplifyPx in the view's pixels, below what a viewer sees.

// DefaultOutlineCacheBytes bounds the projected outlines a Renderer keeps
// when Config.OutlineCacheBytes is zero.
const DefaultOutlineCacheBytes = 48 << 20

// outlineKey names one feature's rings at one zoom band of one dataset
// version. kind is "province", "city", "county", "region" or "zone".
type outlineKey struct {
	version  int64
	kind, id string
	band     int
}

// bandRings are a feature's rings in world pixels at their band's zoom
// (bandWorld wide), each with its bounding box.
type bandRings struct {
	rings  [][]pt
	bounds []box
}

func (b *bandRings) weight() uint32 {
	n := 64
	for _, r := range b.rings {
		n += 24 + 32 + 16*len(r)
	}
	return uint32(min(n, math.MaxUint32))
}

// outlineCache holds bandRings; nil caches nothing.
type outlineCache struct {
	c *otter.Cache[outlineKey, *bandRings]
}

func newOutlineCache(maxBytes int64) *outlineCache {
	if maxBytes <= 0 {
		return nil
	}
	return &outlineCache{c: otter.Must(&otter.Options[outlineKey, *bandRings]{
		MaximumWeight: uint64(maxBytes),
		Weigher:       func(_ outlineKey, b *bandRings) uint32 { return b.weight() },
	})}
}

// get returns the rings of key, projecting them once: concurrent renders
// asking for the same key wait for one projection (otter's loader).
func (oc *outlineCache) get(key outlineKey, rings func() []orb.Ring) *bandRings {
	if oc == nil || key.version == 0 || key.id == "" {
		return projectBand(rings(), key.band)
	}
	b, err := oc.c.Get(context.Background(), key, otter.LoaderFunc[outlineKey, *bandRings](
		func(context.Context, outlineKey) (*bandRings, error) { return projectBand(rings(), key.band), nil }))
	if err != nil { // the loader never fails
		return projectBand(rings(), key.band)
	}
	return b
}

// projectBand projects WGS84 rings to world pixels at zoom band and
// simplifies them (Douglas–Peucker at simplifyPx/2^¼ band pixels, after
// dropping points within that of the last kept one). Rings that shrink
// below a triangle are left out.
func projectBand(rings []orb.Ring, band int) *bandRings {
	world := bandWorld(band)
	tol := simplifyPx / math.Pow(2, 0.25)
	dp := simplify.DouglasPeucker(tol)
	out := &bandRings{}
	for _, r := range rings {
		if len(r) < 4 {
			continue
		}
		pr := make(orb.Ring, 0, len(r))
		for i, p := range r {
			mx, my := mercator(p)
			x, y := mx*world, my*world
			if n := len(pr); n > 0 && i < len(r)-1 && math.Abs(x-pr[n-1][0]) < tol && math.Abs(y-pr[n-1][1]) < tol {
				continue
			}
			pr = append(pr, orb.Point{x, y})
		}
		if len(pr) < 4 {
			continue // a speck, smaller than the tolerance
		}
		pr = dp.Ring(pr)
		ring := make([]pt, 0, len(pr))
		for _, p := range pr {
			ring = append(ring, pt{p[0], p[1]})
		}
		if n := len(ring); n > 1 && ring[0] == ring[n-1] {
			ring = ring[:n-1]
		}
		if len(ring) < 3 {
			continue
		}
		b, _ := ringsBox([][]pt{ring})
		out.rings = append(out.rings, ring)
		out.bounds = append(out.bounds, b)
	}
	return out
}

// zoomBand is the band whose projected rings serve a view at zoom z: 2z
// rounded down (bands are half a zoom level).
func zoomBand(z float64) int { return int(math.Floor(2*z + 1e-9)) }

// bandWorld is the world's width in px at band's zoom.
func bandWorld(band int) float64 { return WorldSize * math.Exp2(float64(band)/2) }

// place scales and shifts a band's rings into view v and clips them to
// clip (CSS px); rings outside clip are skipped by their box alone.
func (b *bandRings) place(v View, band int, clip box) [][]pt {
	f := v.world / bandWorld(band)
	ox, oy := float64(v.Width)/2-v.cx, float64(v.Height)/2-v.cy
	// clip in band pixels, for the cheap test.
	cb := box{(clip.X0 - ox) / f, (clip.Y0 - oy) / f, (clip.X1 - ox) / f, (clip.Y1 - oy) / f}
	var out [][]pt
	for i, r := range b.rings {
		if !b.bounds[i].overlaps(cb) {
			continue
		}
		ring := make([]pt, len(r))
		for j, p := range r {
			ring[j] = pt{p.X*f + ox, p.Y*f + oy}
		}
		if ring = clipRing(ring, clip); len(ring) >= 3 {
			out = append(out, ring)
		}
	}
	return out
}
