package synth_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/synth"
)

// A synthetic list imports without a problem, says "synthetic" in every
// row, is the same for the same seed and spreads over zones and counties.
func TestSynthEnterprisesImport(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := synth.Enterprises(ds, 2000, 42, &a); err != nil {
		t.Fatal(err)
	}
	if err := synth.Enterprises(ds, 2000, 42, &b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same seed writes a different file")
	}
	rows, probs, err := importer.ReadEnterprises(bytes.NewReader(a.Bytes()), "synth.csv", "", nil)
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	es, probs := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	if len(probs) > 0 || len(es) != 2000 {
		t.Fatalf("%d resolved, problems %v", len(es), probs)
	}
	inZone, cities, classes := 0, map[string]int{}, map[string]int{}
	for _, e := range es {
		if !strings.Contains(e.Name, "虚构") || !strings.Contains(e.NameEN, "Synthetic") || !strings.HasPrefix(e.ID, "synthetic-") ||
			!strings.Contains(e.Source, "synthetic") || !e.Synthetic() {
			t.Fatalf("%+v does not say it is synthetic", e)
		}
		if e.ZoneID != "" {
			inZone++
		}
		cities[e.CityCode]++
		for _, c := range e.Classes.IDs() {
			classes[c]++
		}
	}
	if inZone < 900 || len(cities) < 17 || cities["410100"] < cities["419001"] || classes["above_scale"] < 1000 || classes["srdi"] < 200 {
		t.Errorf("%d in zones, cities %v, classes %v", inZone, cities, classes)
	}
	if err := synth.Enterprises(ds, -1, 1, io.Discard); err == nil {
		t.Error("negative n accepted")
	}
}

func BenchmarkSynth10k(b *testing.B) {
	ds, err := henan.Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := synth.Enterprises(ds, 10000, 1, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
