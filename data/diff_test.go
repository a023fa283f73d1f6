package data_test

import (
	"slices"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/geo"
)

func TestDiffDatasets(t *testing.T) {
	a, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := henan.Load()
	if d := data.DiffDatasets(a, b); !d.Empty() {
		t.Fatalf("same data: %s", d.Summary())
	}
	// Change one zone's name and outline, drop another, add one; change,
	// add and drop a figure.
	b.Zones[0].Name += "（新）"
	b.Zones[0].Geom = b.Zones[1].Geom
	removed := b.Zones[2].ID
	b.Zones = slices.Delete(b.Zones, 2, 3)
	nz := b.Zones[1]
	nz.ID, nz.Revenue = "X000001", nil
	b.Zones = append(b.Zones, nz)
	var changed, dropped string
	for i := range b.Zones {
		z := &b.Zones[i]
		if len(z.Revenue) > 0 && z.ID != removed && changed == "" {
			changed = z.ID
			z.Revenue = slices.Clone(z.Revenue)
			z.Revenue[0].RevenueYi++
			z.Revenue = append(z.Revenue, geo.Revenue{ZoneID: z.ID, Year: 2024, RevenueYi: 1, Measure: "营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "test"})
		} else if len(z.Revenue) > 0 && dropped == "" && z.ID != changed {
			dropped = z.ID
			z.Revenue = z.Revenue[1:]
		}
	}
	d := data.DiffDatasets(a, b)
	if !slices.Equal(d.ZonesAdded, []string{"X000001"}) || !slices.Equal(d.ZonesRemoved, []string{removed}) ||
		len(d.ZonesChanged) != 1 || !slices.Equal(d.ZonesChanged[0].Fields, []string{"name", "geometry"}) {
		t.Fatalf("zones: %+v", d)
	}
	if len(d.FiguresChanged) != 1 || d.FiguresChanged[0].Zone != changed || len(d.FiguresAdded) != 1 || d.FiguresAdded[0].Year != 2024 {
		t.Fatalf("figures: %+v", d)
	}
	// The removed zone's figures count as removed too.
	nRemoved := 1
	for _, z := range a.Zones {
		if z.ID == removed {
			nRemoved += len(z.Revenue)
		}
	}
	if len(d.FiguresRemoved) != nRemoved {
		t.Fatalf("%d figures removed, want %d: %+v", len(d.FiguresRemoved), nRemoved, d.FiguresRemoved)
	}
}
