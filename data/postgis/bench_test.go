package postgis_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"layoutmap/data/importer"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// Benchmarks of the hot paths against a real PostGIS holding the bundled
// dataset, named like memstore's so the two can be compared side by side.

// BenchmarkItemsPages is the store's part of the items pages issue 17
// compares with pg_featureserv (ids, count, features with geometry).
func BenchmarkItemsPages(b *testing.B) {
	_, s, _ := bundled(b)
	ctx := b.Context()
	zhengzhou := &orb.Bound{Min: orb.Point{113.5, 34.6}, Max: orb.Point{113.9, 34.9}} // scripts/bench-peers.sh's bbox
	for _, c := range []struct {
		name, coll string
		f          geo.Filter
	}{{"zones_limit100", geo.CollZones, geo.Filter{Limit: 100}}, {"zones_limit1000", geo.CollZones, geo.Filter{Limit: 1000}},
		{"zones_bbox", geo.CollZones, geo.Filter{Limit: 100, BBox: zhengzhou}}, {"counties_limit200", geo.CollCounties, geo.Filter{Limit: 200}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Items(ctx, c.coll, c.f); err != nil {
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

// BenchmarkImportEnterprisesPostGIS is `layoutmap import --enterprises` of a
// synthetic list of LAYOUTMAP_BENCH_ENTERPRISES rows (default 20000;
// docs/performance.md reports 1000000) into a database holding the bundled
// dataset: read the CSV, resolve every row, DELETE the old list and COPY
// the new one (pgx CopyFrom) with its indexes, record the version and the
// list's snapshot, commit. Each iteration replaces the list the previous
// one loaded. The time of each step of the last run is logged.
func BenchmarkImportEnterprisesPostGIS(b *testing.B) {
	n := 20000
	if v := os.Getenv("LAYOUTMAP_BENCH_ENTERPRISES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	url, _, ds := bundled(b)
	var buf bytes.Buffer
	if err := synth.Enterprises(ds, n, 1, &buf); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "enterprises.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	buf = bytes.Buffer{}
	var steps *stepClock
	b.ResetTimer()
	for b.Loop() {
		steps = &stepClock{start: time.Now(), last: time.Now()}
		rep, err := importer.Run(b.Context(), url, importer.Options{EnterprisesFile: path, Progress: steps})
		if err != nil || rep.Counts["enterprises"] != n {
			b.Fatal(rep.Counts, err)
		}
	}
	b.ReportMetric(float64(n)/(float64(b.Elapsed().Seconds())/float64(b.N)), "rows/s")
	b.Logf("%d rows, steps of the last run:\n%s", n, steps.b.String())
}

// stepClock logs each progress line with the time since the previous one.
type stepClock struct {
	start, last time.Time
	b           strings.Builder
}

func (c *stepClock) Write(p []byte) (int, error) {
	now := time.Now()
	fmt.Fprintf(&c.b, "  %7.2fs (+%6.2fs) %s", now.Sub(c.start).Seconds(), now.Sub(c.last).Seconds(), p)
	c.last = now
	return len(p), nil
}
