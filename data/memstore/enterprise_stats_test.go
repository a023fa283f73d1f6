package memstore_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// The store's statistics are the reference rule's (geo.EnterpriseStatsOf)
// for every filter, and each group's count is the store's numberMatched
// for the filter narrowed to that group.
func TestEnterpriseStatsMatchReference(t *testing.T) {
	s, es := enterpriseStore(t)
	members := regionMembers(t, s)
	ctx := context.Background()
	for _, f := range enterpriseFilters() {
		got, err := s.EnterpriseStats(ctx, f)
		if err != nil {
			t.Fatalf("%v: %v", f.Encode(), err)
		}
		want := geo.EnterpriseStatsOf(es, f, members)
		if got.Total != want.Total || got.Synthetic != want.Synthetic || got.NoZone != want.NoZone {
			t.Errorf("%v: total/synthetic/no zone %d/%d/%d, reference %d/%d/%d", f.Encode(), got.Total, got.Synthetic, got.NoZone, want.Total, want.Synthetic, want.NoZone)
		}
		for _, g := range geo.EnterpriseGroups {
			if !maps.Equal(got.Group(g), want.Group(g)) {
				t.Errorf("%v: by %s %v, reference %v", f.Encode(), g, got.Group(g), want.Group(g))
			}
		}
		for id := range got.ByZone {
			if got.ZoneNames[id].Name == "" {
				t.Errorf("zone %s has no name", id)
			}
		}
		if len(got.CityNames) != 18 {
			t.Errorf("%d city names", len(got.CityNames))
		}
		// Items agree, group by group (where one items query says it).
		for _, g := range geo.EnterpriseGroups {
			for id, n := range got.Group(g) {
				nf, ok := f.WithGroup(g, id)
				if !ok {
					continue
				}
				nf.Limit = 1
				p, err := s.EnterpriseItems(ctx, nf)
				if err != nil {
					t.Fatal(err)
				}
				if p.NumberMatched != n {
					t.Errorf("%v: %s %s counts %d, items match %d", f.Encode(), g, id, n, p.NumberMatched)
				}
			}
		}
	}
	all, err := s.EnterpriseStats(ctx, geo.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != len(es) || all.Synthetic != len(es) || len(all.ByCity) != 18 || len(all.ByZone) < 100 || len(all.ByClass) != len(geo.EnterpriseClasses) {
		t.Errorf("whole list: total %d synthetic %d cities %d zones %d classes %d", all.Total, all.Synthetic, len(all.ByCity), len(all.ByZone), len(all.ByClass))
	}
	if _, err := s.EnterpriseStats(ctx, geo.Filter{Chain: []string{"no_such_chain"}}); err == nil {
		t.Error("an unknown chain was accepted")
	}
}

// Boxes of every size, with edges exactly on enterprises' points (bounds
// are inclusive), select what the reference rule selects: the quadkey
// search of bbox queries misses nothing and adds nothing.
func TestEnterpriseBBoxSearch(t *testing.T) {
	s, es := enterpriseStore(t)
	members := regionMembers(t, s)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	for k := range 300 {
		a, b := es[rng.IntN(len(es))].Point, es[rng.IntN(len(es))].Point
		if k%3 == 0 { // small boxes around one point
			d := 0.0001 * float64(rng.IntN(1000))
			b = orb.Point{a[0] + d, a[1] + d}
		}
		box := orb.Bound{Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])}, Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])}}
		f := geo.Filter{BBox: &box, Limit: 1}
		want := 0
		for i := range es {
			if f.MatchEnterprise(&es[i], members) {
				want++
			}
		}
		p, err := s.EnterpriseItems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.EnterpriseStats(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if p.NumberMatched != want || st.Total != want {
			t.Fatalf("box %v: items %d, stats %d, reference %d", box, p.NumberMatched, st.Total, want)
		}
	}
}
