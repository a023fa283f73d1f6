package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"layoutmap/data/henan"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// Benchmark inputs, pinned by TestBenchmarkInputs so a benchmark keeps
// measuring the same work.
var (
	zhengzhouETDZ = orb.Point{113.741036, 34.722424}
	// benchBBox is central Zhengzhou.
	benchBBox = orb.Bound{Min: orb.Point{113.5, 34.6}, Max: orb.Point{113.9, 34.9}}
)

func benchFilter() geo.Filter {
	five := 500.0
	return geo.Filter{Cluster: []string{"equipment", "nev"}, Year: 2023, MinRevenue: &five, SortBy: "-revenue", Limit: 100}
}

func benchTile(z uint32) geo.TileQuery {
	t := maptile.At(zhengzhouETDZ, maptile.Zoom(z))
	return geo.TileQuery{Z: z, X: t.X, Y: t.Y}
}

// TestBenchmarkInputs pins what the benchmark inputs yield.
func TestBenchmarkInputs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p, err := s.Items(ctx, geo.CollZones, benchFilter())
	if err != nil || p.NumberMatched == 0 {
		t.Errorf("bench filter matched %d zones (err %v), want some", p.NumberMatched, err)
	}
	p, err = s.Items(ctx, geo.CollCounties, geo.Filter{BBox: &benchBBox, Limit: geo.MaxLimit})
	if err != nil || p.NumberMatched == 0 || p.NumberMatched > 40 {
		t.Errorf("bench bbox matched %d counties (err %v), want a handful", p.NumberMatched, err)
	}
	for _, z := range []uint32{5, 8, 11} {
		lfs, err := s.TileFeatures(ctx, benchTile(z))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range lfs {
			n += len(l.Features)
		}
		if n == 0 {
			t.Errorf("z%d bench tile has no features", z)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := memstore.New(loadDataset(b), geo.DefaultTiers); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	ds := loadDataset(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := memstore.New(ds, geo.DefaultTiers); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkItemsZonesFilter(b *testing.B) {
	s := newStore(b)
	ctx := context.Background()
	f := benchFilter()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Items(ctx, geo.CollZones, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkItemsBBox(b *testing.B) {
	s := newStore(b)
	ctx := context.Background()
	for _, coll := range []string{geo.CollCounties, geo.CollZones} {
		b.Run(coll, func(b *testing.B) {
			f := geo.Filter{BBox: &benchBBox, Limit: geo.MaxLimit}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Items(ctx, coll, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The index alone: Zones with a bbox returns no geometry copies.
	b.Run("Zones", func(b *testing.B) {
		f := geo.Filter{BBox: &benchBBox}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Zones(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTileFeatures(b *testing.B) {
	s := newStore(b)
	ctx := context.Background()
	for _, z := range []uint32{5, 8, 11} {
		q := benchTile(z)
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.TileFeatures(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOutlines compares the rank-once simplification of every county
// for all zooms with running orb's Douglas–Peucker once per zoom, the
// reference it replaces (same output, see TestRankedMatchesOrb).
func BenchmarkOutlines(b *testing.B) {
	ds, err := henan.Load()
	if err != nil {
		b.Fatal(err)
	}
	var counties []orb.MultiPolygon
	for _, a := range ds.Admin {
		if a.Level == geo.LevelCounty {
			counties = append(counties, a.Geom)
		}
	}
	b.Run("ranked", func(b *testing.B) {
		b.ReportAllocs()
		var out [geo.MaxZoom + 1]orb.MultiPolygon
		for b.Loop() {
			for _, mp := range counties {
				geo.SimplifyZooms(mp, &out)
			}
		}
	})
	b.Run("orb-per-zoom", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, mp := range counties {
				for z := geo.MinZoom; z <= geo.MaxZoom; z++ {
					simplify.DouglasPeucker(geo.SimplifyTolerance(uint32(z))).MultiPolygon(mp.Clone())
				}
			}
		}
	})
}
