package postgis_test

import (
	"testing"

	"layoutmap/geo"
)

// Benchmarks of the hot paths against a real PostGIS holding the bundled
// dataset, named like memstore's so the two can be compared side by side.

// BenchmarkItemsPages is the store's part of the items pages issue 17
// compares with pg_featureserv (ids, count, features with geometry).
func BenchmarkItemsPages(b *testing.B) {
	_, s, _ := bundled(b)
	ctx := b.Context()
	for _, c := range []struct {
		name, coll string
		limit      int
	}{{"zones_limit100", geo.CollZones, 100}, {"zones_limit1000", geo.CollZones, 1000}, {"counties_limit200", geo.CollCounties, 200}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Items(ctx, c.coll, geo.Filter{Limit: c.limit}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkItemsZones(b *testing.B) {
	_, s, _ := bundled(b)
	ctx := b.Context()
	f := geo.Filter{Limit: 100, SortBy: "-revenue", Year: 2023}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Items(ctx, geo.CollZones, f); err != nil {
			b.Fatal(err)
		}
	}
}

func fmtZ(z uint32) string { return "z" + string(rune('0'+z/10)) + string(rune('0'+z%10)) }

// BenchmarkMVT is the composite tile as served (one SQL round trip).
func BenchmarkMVT(b *testing.B) {
	_, s, _ := bundled(b)
	ctx := b.Context()
	for _, q := range []geo.TileQuery{{Z: 5, X: 26, Y: 12}, {Z: 8, X: 208, Y: 101}, {Z: 11, X: 1671, Y: 818}, {Z: 14, X: 13364, Y: 6544}} {
		b.Run(fmtZ(q.Z), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.MVT(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStats compares Store.Stats (SQL GROUP BY, no geometry) with
// the path it replaced (Zones with geometry, then geo.StatsOf), in one run.
func BenchmarkStats(b *testing.B) {
	_, s, _ := bundled(b)
	ctx := b.Context()
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		b.Fatal(err)
	}
	zones := func(f geo.Filter) ([]geo.Zone, error) { return s.Zones(ctx, f) }
	for _, c := range []struct {
		name string
		f    geo.Filter
	}{{"all", geo.Filter{}}, {"year_min", geo.Filter{Year: 2023, MinRevenue: new(100.0)}}} {
		b.Run(c.name+"/sql", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Stats(ctx, geo.StatsQuery{Filter: c.f}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/zones", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := geo.StatsOf(geo.StatsQuery{Filter: c.f}, tax, s.Tiers(), zones, zones); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
