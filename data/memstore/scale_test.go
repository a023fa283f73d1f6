package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/memstore"
	"layoutmap/geo"
	"layoutmap/tiles"
)

// scaledDataset returns the bundled dataset with n-1 SYNTHETIC copies of
// every zone added (n×162 zones), each copy shifted by whole degrees
// (up to 77° lon, 36° lat) to where it meets no benchmark tile or box, with ids, names
// and sources that say they are synthetic. The bundled zones stay where
// they are, so a tile or bbox over Henan returns the same features from a
// store n times larger: what an index must keep flat.
func scaledDataset(t testing.TB, n int) *data.Dataset {
	ds := loadDataset(t)
	orig := ds.Zones
	out := make([]geo.Zone, 0, n*len(orig))
	out = append(out, orig...)
	// Never inside the z5 benchmark tile (which holds every other
	// benchmark tile and box) once shifted.
	keepOut := benchTile(5).Tile().Bound(0.1)
	for k := 0; len(out) < n*len(orig); k++ {
		if k >= 110 {
			t.Fatalf("scaledDataset: no room for %d copies", n)
		}
		dx, dy := float64(-77+14*(k%11)), float64(-36+8*(k/11))
		shifted := orb.Bound{Min: orb.Point{geo.HenanBound.Min[0] + dx, geo.HenanBound.Min[1] + dy}, Max: orb.Point{geo.HenanBound.Max[0] + dx, geo.HenanBound.Max[1] + dy}}
		if shifted.Intersects(keepOut) {
			continue
		}
		for _, z := range orig {
			c := z
			c.ID = fmt.Sprintf("%s-synthetic-%d", z.ID, k)
			c.Name = z.Name + fmt.Sprintf("（合成副本 %d）", k)
			c.Source = "SYNTHETIC benchmark copy of " + z.ID + ", shifted; not a real zone"
			c.Point = orb.Point{z.Point[0] + dx, z.Point[1] + dy}
			if z.Geom != nil {
				c.Geom = z.Geom.Clone()
				for _, poly := range c.Geom {
					for _, ring := range poly {
						for i := range ring {
							ring[i][0] += dx
							ring[i][1] += dy
						}
					}
				}
			}
			c.Revenue = make([]geo.Revenue, len(z.Revenue))
			for i, r := range z.Revenue {
				r.ZoneID, r.Source = c.ID, "SYNTHETIC copy of "+r.Source
				c.Revenue[i] = r
			}
			out = append(out, c)
		}
	}
	ds.Zones = out
	return ds
}

// TestScaledSameAnswers: the synthetic copies lie outside Henan, so every
// tile and bbox query of BenchmarkScale answers alike at both sizes.
func TestScaledSameAnswers(t *testing.T) {
	small := newStore(t)
	big, err := memstore.New(scaledDataset(t, 100), geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if c, _ := big.Collections(ctx); c[2].ItemCount != 16200 {
		t.Fatalf("scaled store has %d zones, want 16200", c[2].ItemCount)
	}
	for _, z := range []uint32{5, 8, 11, 14} {
		a, err1 := small.TileFeatures(ctx, benchTile(z))
		b, err2 := big.TileFeatures(ctx, benchTile(z))
		if err1 != nil || err2 != nil || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("z%d tile differs between 162 and 16,200 zones (%v, %v)", z, err1, err2)
		}
	}
	f := geo.Filter{BBox: &benchBBox, Limit: 100}
	a, _ := small.Items(ctx, geo.CollZones, f)
	b, err := big.Items(ctx, geo.CollZones, f)
	if err != nil || a.NumberMatched != b.NumberMatched || a.NumberMatched == 0 || fmt.Sprint(a.Features) != fmt.Sprint(b.Features) {
		t.Errorf("bbox items differ: %d vs %d (%v)", a.NumberMatched, b.NumberMatched, err)
	}
}

// BenchmarkScale measures tiles and items at 162 and 16,200 zones (the
// bundled dataset and scaledDataset(100)): the target of issue 17 is at
// most 2× the cost at 100× the zones for tiles and items. Items without a
// bbox walk a kept order (zoneorder.go) instead of sorting every match.
func BenchmarkScale(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 100} {
		s, err := memstore.New(scaledDataset(b, n), geo.DefaultTiers)
		if err != nil {
			b.Fatal(err)
		}
		zones := fmt.Sprintf("zones=%d", 162*n)
		for _, z := range []uint32{5, 8, 11, 14} {
			q := benchTile(z)
			// The zone-dependent part of a tile (zones and labels, what
			// the tile service asks for per filter): the boundary part
			// does not depend on the number of zones and is cached.
			_, filtered := geo.TileParts(z)
			b.Run(fmt.Sprintf("%s/tile/z%d", zones, z), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.TileLayers(ctx, q, filtered); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		for _, c := range []struct {
			name string
			f    geo.Filter
		}{{"items/bbox", geo.Filter{BBox: &benchBBox, Limit: 100}}, {"items/limit100", geo.Filter{Limit: 100}}} {
			b.Run(zones+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Items(ctx, geo.CollZones, c.f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkScaleColdTile is a whole cold tile (store, clipping, encoding:
// the tile service with its caches off) over 郑州经开区 at 162 and 16,200
// zones: issue 17's target is at most 2× the cost at 100× the zones.
func BenchmarkScaleColdTile(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 100} {
		s, err := memstore.New(scaledDataset(b, n), geo.DefaultTiers)
		if err != nil {
			b.Fatal(err)
		}
		svc := tiles.New(s, tiles.Config{CacheBytes: -1})
		for _, z := range []uint32{5, 8, 11, 14} {
			q := benchTile(z)
			b.Run(fmt.Sprintf("zones=%d/z%d", 162*n, z), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := svc.Encoded(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
