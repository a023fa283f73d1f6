package load_test

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/load"
	"layoutmap/data/memstore"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// benchN is the size of the synthetic list the start-up benchmarks load:
// LAYOUTMAP_BENCH_ENTERPRISES (issue 15's scale is 1000000), else 100000.
func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("LAYOUTMAP_BENCH_ENTERPRISES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// cachedOnly leaves out the uncached read of BenchmarkStartupParts (half
// a minute at a million rows).
var cachedOnly = flag.Bool("cached-only", false, "BenchmarkStartupParts: skip the uncached read")

// benchDir holds the synthetic list; LAYOUTMAP_BENCH_DIR keeps it (and its
// cache) between runs.
var benchDir = sync.OnceValues(func() (string, error) {
	dir := os.Getenv("LAYOUTMAP_BENCH_DIR")
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "enterprises.csv")); err == nil {
			return dir, nil
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "layoutmap-bench-data"); err != nil {
			return "", err
		}
	}
	ds, err := henan.Load()
	if err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(dir, "enterprises.csv"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	return dir, synth.Enterprises(ds, benchN(), 1, f)
})

// BenchmarkStartup is `serve --data DIR` up to a ready store: read the
// directory (here the bundled dataset plus a synthetic enterprises.csv),
// build the store, index the enterprises. Issue 15's target: ≤ 10 s at
// 1,000,000 enterprises.
func BenchmarkStartup(b *testing.B) {
	dir, err := benchDir()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r, err := load.Load(load.Options{Dir: dir, Bundled: henan.Load})
		if err != nil {
			b.Fatal(err)
		}
		s, err := memstore.New(r.Dataset, geo.DefaultTiers)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.SetEnterprises(r.Enterprises); err != nil {
			b.Fatal(err)
		}
	}
}

// The parts of BenchmarkStartup.
func BenchmarkStartupParts(b *testing.B) {
	dir, err := benchDir()
	if err != nil {
		b.Fatal(err)
	}
	ds, err := henan.Load()
	if err != nil {
		b.Fatal(err)
	}
	var es []geo.Enterprise
	b.Run("bundled", func(b *testing.B) {
		for b.Loop() {
			if _, err := henan.Load(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memstore.New", func(b *testing.B) {
		for b.Loop() {
			if _, err := memstore.New(ds, geo.DefaultTiers); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("placer", func(b *testing.B) {
		for b.Loop() {
			data.NewPlacer(ds)
		}
	})
	file := filepath.Join(dir, "enterprises.csv")
	if !*cachedOnly {
		b.Run("enterprises", func(b *testing.B) {
			for b.Loop() {
				if es, err = load.Enterprises(ds, file, "", true, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if _, err := load.Enterprises(ds, file, "", false, nil); err != nil { // writes the cache
		b.Fatal(err)
	}
	b.Run("enterprises_cached", func(b *testing.B) {
		for b.Loop() {
			if es, err = load.Enterprises(ds, file, "", false, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("SetEnterprises", func(b *testing.B) {
		for b.Loop() {
			if err := s.SetEnterprises(es); err != nil {
				b.Fatal(err)
			}
		}
	})
}
