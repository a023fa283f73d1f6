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

// The kept orders follow the descriptor: a key that reads the headline
// (SortSpec.Headline) is kept per measure family for year 0 and not kept
// for a given year; every other key is kept once, whatever the filter.
func TestZoneOrderKeyedByDescriptor(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	headline := 0
	for _, spec := range geo.Schemas[geo.CollZones].Sorts {
		for _, sortby := range []string{spec.Key, "-" + spec.Key} {
			for _, fam := range []string{"", geo.FamilyOutput} {
				if s.zoneOrder(&geo.Filter{SortBy: sortby, Measure: fam}) == nil {
					t.Errorf("%s %q year 0: no kept order", sortby, fam)
				}
				kept := s.zoneOrder(&geo.Filter{SortBy: sortby, Measure: fam, Year: 2023}) != nil
				if kept == spec.Headline {
					t.Errorf("%s %q year 2023: kept %v, headline key %v", sortby, fam, kept, spec.Headline)
				}
			}
			n := 0
			for k := range s.orders.m {
				if k.sortby == sortby {
					n++
				}
			}
			if want := map[bool]int{false: 1, true: 2}[spec.Headline]; n != want {
				t.Errorf("%s: %d kept orders, want %d (headline key %v)", sortby, n, want, spec.Headline)
			}
		}
		if spec.Headline {
			headline++
		}
	}
	if headline == 0 {
		t.Error("no zone sort key reads the headline (revenue should)")
	}
}
