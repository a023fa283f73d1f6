package tiles_test

import (
	"context"
	"fmt"
	"testing"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// benchZooms are the zooms of the load lists in the shared bench scripts.
var benchZooms = []uint32{5, 8, 11, 14}

// BenchmarkTileCold encodes the tile over 郑州经开区 at each zoom with the
// cache off: store lookup, projection, clipping, MVT and gzip encoding.
func BenchmarkTileCold(b *testing.B) {
	st := henanStore(b)
	for _, z := range benchZooms {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			svc := tiles.New(st, tiles.Config{CacheBytes: -1})
			q := tileAt(etdz, z)
			e, err := svc.Encoded(context.Background(), q)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Encoded(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(e.Body)), "tile_bytes")
		})
	}
}

// BenchmarkTileFeatures is the store's share of a cold tile, for comparison.
func BenchmarkTileFeatures(b *testing.B) {
	st := henanStore(b)
	for _, z := range benchZooms {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			q := tileAt(etdz, z)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.TileFeatures(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTileCached is a cache hit: version lookup, key, LRU.
func BenchmarkTileCached(b *testing.B) {
	svc := tiles.New(henanStore(b), tiles.Config{})
	q := tileAt(etdz, 8)
	q.Filter = geo.Filter{Year: 2023}
	if _, err := svc.Encoded(context.Background(), q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Encoded(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTileFilteredCold is a cold tile under a revenue threshold no
// request asked before (a new value every iteration) over a tile whose
// unfiltered form was served: the boundary part (geo.TileParts) comes from
// the cache, zones and labels are encoded, and the tile is gzipped and
// cached. Compare with BenchmarkTileCold (the target: at most
// 1.5× it).
func BenchmarkTileFilteredCold(b *testing.B) {
	st := henanStore(b)
	for _, z := range benchZooms {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			benchFilteredCold(b, tiles.New(st, tiles.Config{}), tileAt(etdz, z))
		})
	}
}

func benchFilteredCold(b *testing.B, svc *tiles.Service, q geo.TileQuery) {
	ctx := b.Context()
	if _, err := svc.Encoded(ctx, q); err != nil {
		b.Fatal(err)
	}
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n++
		v := float64(n) / 1000
		fq := q
		fq.Filter = geo.Filter{MinRevenue: &v}
		if _, err := svc.Encoded(ctx, fq); err != nil {
			b.Fatal(err)
		}
	}
}
