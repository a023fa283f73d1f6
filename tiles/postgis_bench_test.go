package tiles_test

import (
	"fmt"
	"testing"
	"time"

	"layoutmap/tiles"
)

// BenchmarkPostGISTileCold encodes uncached tiles over 郑州 from the PostGIS
// store, per zoom: "mvt" is one ST_AsMVT query per tile (outlines
// pre-simplified per zoom band at import), "orb" is TileFeatures (a query
// per layer, ST_Simplify at request time, zone relations in a batch) plus
// the orb encoder. The dataset version is cached (VersionTTL) so both
// measure the tile alone.
func BenchmarkPostGISTileCold(b *testing.B) {
	pg := henanPostGIS(b)
	cfg := tiles.Config{CacheBytes: -1, VersionTTL: time.Hour}
	for _, path := range []struct {
		name string
		svc  *tiles.Service
	}{
		{"mvt", tiles.New(pg, cfg)},
	} {
		for _, z := range []uint32{5, 8, 11, 14} {
			q := tileAt(etdz, z)
			b.Run(fmt.Sprintf("%s/z%d", path.name, z), func(b *testing.B) {
				ctx := b.Context()
				var n int
				b.ReportAllocs()
				for b.Loop() {
					body, _, err := path.svc.Tile(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					n = len(body)
				}
				b.ReportMetric(float64(n), "bytes/tile")
			})
		}
	}
}

// BenchmarkPostGISTileFilteredCold is BenchmarkTileFilteredCold on the
// PostGIS store: the boundary part is cached, zones and labels come from
// one ST_AsMVT query per new threshold. Compare with the "mvt" tiles of
// BenchmarkPostGISTileCold.
func BenchmarkPostGISTileFilteredCold(b *testing.B) {
	pg := henanPostGIS(b)
	for _, z := range []uint32{5, 8, 11, 14} {
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			benchFilteredCold(b, tiles.New(pg, tiles.Config{VersionTTL: time.Hour}), tileAt(etdz, z))
		})
	}
}
