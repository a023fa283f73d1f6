package api

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data/henan"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// TestStatsChange runs /api/v1/stats/change on the bundled dataset plus
// SYNTHETIC figures (marked so in their source) for a few zones, so every
// kind of pair occurs: the rows agree with geo.ZoneChange zone by zone,
// the zones are those of items for the same filter, counts add up, and
// bad parameters are 400s naming them.
func TestStatsChange(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	const src = "SYNTHETIC test figure (api/change_test.go), not a published number"
	add := func(i int, recs ...geo.Revenue) {
		for _, r := range recs {
			r.ZoneID, r.Source = ds.Zones[i].ID, src
			if r.Measure == "" {
				r.Measure = "营业收入"
			}
			if r.Period == "" {
				r.Period = geo.PeriodFullYear
			}
			ds.Zones[i].Revenue = append(ds.Zones[i].Revenue, r)
		}
	}
	var plain []int // zones without any figure, to receive synthetic ones
	for i, z := range ds.Zones {
		if len(z.Revenue) == 0 {
			plain = append(plain, i)
		}
	}
	if len(plain) < 5 {
		t.Fatalf("only %d zones without figures", len(plain))
	}
	add(plain[0], geo.Revenue{Year: 2030, RevenueYi: 100, Bound: geo.BoundExact}, geo.Revenue{Year: 2031, RevenueYi: 130, Bound: geo.BoundExact})
	add(plain[1], geo.Revenue{Year: 2030, RevenueYi: 200, Bound: geo.BoundExact}, geo.Revenue{Year: 2031, RevenueYi: 190, Bound: geo.BoundExact})
	add(plain[2], geo.Revenue{Year: 2030, RevenueYi: 50, Bound: geo.BoundExact}, geo.Revenue{Year: 2031, RevenueYi: 80, Bound: geo.BoundLower})
	add(plain[3], geo.Revenue{Year: 2030, RevenueYi: 50, Bound: geo.BoundLower}, geo.Revenue{Year: 2031, RevenueYi: 80, Bound: geo.BoundLower})
	add(plain[4], geo.Revenue{Year: 2030, RevenueYi: 70, Bound: geo.BoundExact, Measure: "工业总产值"}, geo.Revenue{Year: 2031, RevenueYi: 90, Bound: geo.BoundExact})
	st, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){StatsRoutes(st)}})
	byID := map[string]geo.Zone{}
	for _, z := range ds.Zones {
		byID[z.ID] = z
	}
	for _, q := range []string{"from=2030&year=2031", "from=2030&year=2031&city=" + ds.Zones[plain[0]].CityCode, "from=2030&year=2031&measure=output", "from=2019&year=2022"} {
		t.Run(q, func(t *testing.T) {
			var doc changeDoc
			r := get(t, app, "/api/v1/stats/change?"+q)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			decode(t, r, &doc)
			v, _ := url.ParseQuery(q)
			items := v
			items.Del("from")
			var fc featureColl
			decode(t, get(t, app, "/api/v1/collections/zones/items?limit=10000&"+items.Encode()), &fc)
			var want, got []string
			for _, f := range fc.Features {
				want = append(want, f.ID)
			}
			n := 0
			counts := map[string]int{}
			for _, row := range doc.Rows {
				got = append(got, row.ID)
				ch := geo.ZoneChange(byID[row.ID].Revenue, doc.From, doc.To, v.Get("measure"))
				if row.Comparable != ch.Comparable || row.Class != ch.Class || row.Reason != ch.Reason || row.ChangeBound != ch.ChangeBound {
					t.Errorf("%s: row %+v, rule %+v", row.ID, row, ch)
				}
				if row.Comparable {
					n++
					counts[row.Class]++
					if row.ChangePct == nil || row.From == nil || row.To == nil {
						t.Errorf("%s: comparable without figures: %+v", row.ID, row)
					}
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("zones %v, items %v", got, want)
			}
			if doc.NumberCompared != n || doc.Counts["not_comparable"] != len(doc.Rows)-n {
				t.Errorf("counts %+v, comparable %d of %d", doc.Counts, n, len(doc.Rows))
			}
			for k, c := range counts {
				if doc.Counts[k] != c {
					t.Errorf("count %s = %d, rows say %d", k, doc.Counts[k], c)
				}
			}
		})
	}
	// The synthetic pairs: +30 % exact, −5 % exact, ≥ +60 % (at least),
	// lower→lower not comparable, output value never compared with revenue.
	var doc changeDoc
	decode(t, get(t, app, "/api/v1/stats/change?from=2030&year=2031"), &doc)
	rows := map[string]changeRow{}
	for _, r := range doc.Rows {
		rows[r.ID] = r
	}
	check := func(i int, comparable bool, class, bound, reason string) {
		t.Helper()
		r := rows[ds.Zones[i].ID]
		if r.Comparable != comparable || r.Class != class || r.ChangeBound != bound || r.Reason != reason {
			t.Errorf("%s: %+v, want comparable=%v class=%q bound=%q reason=%q", r.ID, r, comparable, class, bound, reason)
		}
	}
	check(plain[0], true, geo.ChangeUpStrong, geo.BoundExact, "")
	check(plain[1], true, geo.ChangeDown, geo.BoundExact, "")
	check(plain[2], true, geo.ChangeUpStrong, geo.BoundLower, "")
	check(plain[3], false, "", "", geo.NoChangeBounds)
	check(plain[4], false, "", "", geo.NoChangeFrom)
	if doc.NumberCompared != 3 || doc.Counts[geo.ChangeUpStrong] != 2 || doc.Counts[geo.ChangeDown] != 1 {
		t.Errorf("counts %+v", doc.Counts)
	}
	for _, bad := range []string{"year=2031", "from=2031&year=2031", "from=abc&year=2031", "from=2030", "from=2030&year=2031&foo=1"} {
		r := get(t, app, "/api/v1/stats/change?"+bad)
		if r.status != 400 || !strings.Contains(r.ctype(), "problem+json") {
			t.Errorf("%s: %d %s, want a 400 problem", bad, r.status, r.body)
		}
	}
}
