package memstore

import (
	"context"
	"fmt"
	"testing"

	"layoutmap/data/henan"
	"layoutmap/geo"
)

// A page along a kept zone order is the page of the sorting path, for
// every sort key and direction, with filters, offsets and both measure
// families, twice (the second time from the kept order).
func TestZoneOrderSameAsSorting(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	five := 5.0
	filters := []geo.Filter{
		{}, {City: []string{"410100", "410300"}}, {Cluster: []string{"nev"}}, {Tier: []string{"t100", geo.TierNoData}},
		{MinRevenue: &five}, {Offset: 40}, {Offset: 170}, {Measure: geo.FamilyOutput}, {Region: []string{"belt_yellow_river"}},
	}
	checked := 0
	for _, sortby := range []string{"", "name", "-name", "id", "-id", "code", "-code", "area", "-area", "revenue", "-revenue"} {
		for _, base := range filters {
			for _, year := range []int{0, 2023} {
				f := base
				f.SortBy, f.Year, f.Limit = sortby, year, 25
				if errs := f.Check(geo.CollZones, s.isKnown, true); len(errs) > 0 {
					t.Fatalf("%v: %v", f.Encode(), errs)
				}
				for range 2 {
					got, err := s.zonePage(ctx, &f)
					if err != nil {
						t.Fatal(err)
					}
					want, err := s.sortedPage(ctx, geo.CollZones, &f)
					if err != nil {
						t.Fatal(err)
					}
					if got.NumberMatched != want.NumberMatched || fmt.Sprint(ids(got.Features)) != fmt.Sprint(ids(want.Features)) {
						t.Fatalf("%v: kept order %d %v, sorting %d %v", f.Encode(), got.NumberMatched, ids(got.Features), want.NumberMatched, ids(want.Features))
					}
					for i := range got.Features {
						if fmt.Sprint(got.Features[i].Properties) != fmt.Sprint(want.Features[i].Properties) {
							t.Fatalf("%v: feature %s differs", f.Encode(), got.Features[i].ID)
						}
					}
					checked += len(got.Features)
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d features compared", checked)
	}
}

func ids(fs []geo.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprint(f.ID)
	}
	return out
}
