package importer_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/synth"
)

// BenchmarkImportEnterprises reads and resolves a synthetic list of
// LAYOUTMAP_BENCH_ENTERPRISES rows (default 100000; docs/performance.md
// reports 1000000): CSV parsing, point-in-county/zone, checks, sort.
func BenchmarkImportEnterprises(b *testing.B) {
	n := 100000
	if v := os.Getenv("LAYOUTMAP_BENCH_ENTERPRISES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	ds, err := henan.Load()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := synth.Enterprises(ds, n, 1, &buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		rows, probs, err := importer.ReadEnterprises(bytes.NewReader(buf.Bytes()), "synth.csv", "", nil)
		if err != nil || len(probs) > 0 {
			b.Fatal(err, probs)
		}
		es, probs := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
		if len(probs) > 0 || len(es) != n {
			b.Fatal(probs)
		}
	}
	b.ReportMetric(float64(n), "rows")
}
