package memstore_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/memstore"
	"layoutmap/data/synth"
	"layoutmap/geo"
	"layoutmap/tiles"
)

// millionStore is the bundled dataset with 1,000,000 synthetic
// enterprises (layoutmap synth, seed 1), read and resolved as
// `serve --enterprises` does: issue 15's scale.
var millionStore = sync.OnceValues(func() (*memstore.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := synth.Enterprises(ds, 1_000_000, 1, &b); err != nil {
		return nil, err
	}
	rows, probs, err := importer.ReadEnterprises(&b, "synth.csv", "", nil)
	if err != nil || len(probs) > 0 {
		return nil, err
	}
	es, _ := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		return nil, err
	}
	return s, s.SetEnterprises(es)
})

// Issue 15's target: statistics per zone for the whole province at
// 1,000,000 enterprises ≤ 200 ms (docs/performance.md).
func BenchmarkEnterpriseStats(b *testing.B) {
	s, err := millionStore()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    geo.Filter
	}{
		{"province", geo.Filter{}},
		{"chain", geo.Filter{Chain: []string{"nev_chain"}}},
		{"class+region", geo.Filter{Class: []string{"srdi"}, Region: []string{regionID}}},
		{"bbox_zhengzhou", geo.Filter{BBox: bound(113.3, 34.5, 114.0, 35.0)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				st, err := s.EnterpriseStats(ctx, c.f)
				if err != nil || st.Total == 0 {
					b.Fatal(err, st.Total)
				}
			}
		})
	}
}

func bound(x0, y0, x1, y1 float64) *orb.Bound {
	return &orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

// Issue 15's target: items with a bbox and a chain filter p50 ≤ 20 ms at
// 1,000,000 enterprises (0.2° around 郑州经开区, limit 100).
func BenchmarkEnterpriseItemsBBoxChain(b *testing.B) {
	s, err := millionStore()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	f := geo.Filter{BBox: bound(113.64, 34.63, 113.84, 34.83), Chain: []string{"nev_chain"}, Limit: 100}
	for b.Loop() {
		p, err := s.EnterpriseItems(ctx, f)
		if err != nil || p.NumberMatched == 0 {
			b.Fatal(err, p.NumberMatched)
		}
	}
}

// Issue 15's tile budget under the tile rule of one choice per zoom
// (geo.EnterpriseTileAsPoints): every enterprise tile over Henan from zoom
// 0 to the list's point zoom + 1 (at most 14), unfiltered and with one
// chain, encoded as served (tiles.EncodeEnterprises); reports the largest
// tile (≤ 500 KB raw) and the median z5–z8 tile (≤ 50 KB), and logs the
// largest per zoom. Run with -benchtime 1x (docs/performance.md).
func BenchmarkEnterpriseTileSizes(b *testing.B) {
	s, err := millionStore()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	inf, _ := s.EnterpriseInfo(ctx)
	top := min(inf.PointZoom+1, 14)
	for b.Loop() {
		largest, largestAt := 0, ""
		var low []int
		for _, f := range []geo.Filter{{}, {Chain: []string{"nev_chain"}}} {
			for z := uint32(0); z <= top; z++ {
				x0, y0 := geo.TileXY(orb.Point{geo.HenanBound.Min[0], geo.HenanBound.Max[1]}, z)
				x1, y1 := geo.TileXY(orb.Point{geo.HenanBound.Max[0], geo.HenanBound.Min[1]}, z)
				zmax, kind := 0, ""
				for x := x0; x <= x1; x++ {
					for y := y0; y <= y1; y++ {
						t, err := s.EnterpriseTile(ctx, geo.TileQuery{Z: z, X: x, Y: y, Filter: f})
						if err != nil {
							b.Fatal(err)
						}
						body, err := tiles.EncodeEnterprises(t, z, x, y, true)
						if err != nil {
							b.Fatal(err)
						}
						if len(body) > zmax {
							zmax, kind = len(body), fmt.Sprintf("%d/%d/%d (%d matched, %d points, %d cells)", z, x, y, t.Matched, len(t.Points), len(t.Cells))
						}
						if len(body) > largest {
							largest, largestAt = len(body), kind
						}
						if z >= 5 && z <= 8 && len(body) > 0 {
							low = append(low, len(body))
						}
					}
				}
				b.Logf("?%s z%d (point zoom %d): largest %.1f KB, %s", f.Encode().Encode(), z, inf.PointZoom, float64(zmax)/1024, kind)
			}
		}
		slices.Sort(low)
		b.ReportMetric(float64(largest)/1024, "largest_KB")
		b.ReportMetric(float64(low[len(low)/2])/1024, "median_z5-8_KB")
		b.ReportMetric(float64(inf.PointZoom), "point_zoom")
		b.Logf("largest tile %.1f KB: %s", float64(largest)/1024, largestAt)
	}
}

// Issue 15's target: cold tile p99 ≤ 50 ms at concurrency 1. The slowest
// enterprise tiles are the aggregated ones at low zoom, whose cells sum
// half the list (z5 over 郑州) per request: every z5–z7 tile over Henan,
// unfiltered and with one chain, as one op.
func BenchmarkEnterpriseCellTiles(b *testing.B) {
	s, err := millionStore()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    geo.Filter
	}{{"all", geo.Filter{}}, {"chain", geo.Filter{Chain: []string{"nev_chain"}}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for z := uint32(5); z <= 7; z++ {
					x0, y0 := geo.TileXY(orb.Point{geo.HenanBound.Min[0], geo.HenanBound.Max[1]}, z)
					x1, y1 := geo.TileXY(orb.Point{geo.HenanBound.Max[0], geo.HenanBound.Min[1]}, z)
					for x := x0; x <= x1; x++ {
						for y := y0; y <= y1; y++ {
							if _, err := s.EnterpriseTile(ctx, geo.TileQuery{Z: z, X: x, Y: y, Filter: c.f}); err != nil {
								b.Fatal(err)
							}
						}
					}
				}
			}
		})
	}
}
