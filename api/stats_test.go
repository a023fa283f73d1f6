package api

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

func statsApp(t testing.TB) *fiber.App {
	t.Helper()
	st := testStoreFor(t)
	return newApp(t, Config{Store: st, Extra: []func(*fiber.App){StatsRoutes(st)}})
}

// itemProps are the zone properties a client reads from the items endpoint.
type itemProps struct {
	ID          string   `json:"id"`
	CityCode    string   `json:"city_code"`
	Clusters    []string `json:"clusters"`
	Tier        string   `json:"tier"`
	RevenueYi   *float64 `json:"revenue_yi"`
	RevenueYear int      `json:"revenue_year"`
	Measure     string   `json:"measure"`
	Bound       string   `json:"bound"`
	Period      string   `json:"period"`
	Scope       string   `json:"scope"`
}

func itemsFor(t *testing.T, app *fiber.App, filter string) []itemProps {
	t.Helper()
	q, _ := url.ParseQuery(filter)
	q.Set("limit", strconv.Itoa(geo.MaxLimit))
	r := get(t, app, "/api/v1/collections/zones/items?"+q.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("items?%s: status %d: %s", q.Encode(), r.status, r.body)
	}
	var fc struct {
		NumberMatched int `json:"numberMatched"`
		Features      []struct {
			Properties itemProps `json:"properties"`
		} `json:"features"`
	}
	decode(t, r, &fc)
	if fc.NumberMatched != len(fc.Features) {
		t.Fatalf("items?%s: %d of %d returned; raise the limit", q.Encode(), len(fc.Features), fc.NumberMatched)
	}
	out := make([]itemProps, len(fc.Features))
	for i, f := range fc.Features {
		out[i] = f.Properties
	}
	return out
}

// statsFilters is the grid: each base filter with each year.
func statsFilters(t *testing.T) []string {
	st := testStoreFor(t)
	tax, err := st.Taxonomy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	regions, err := st.Regions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"", "city=410100", "city=410100,411100", "min_revenue=500", "min_revenue=100&max_revenue=1000",
		"tier=no_data", "tier=t5000,t1000", "bbox=112,34,115,36"}
	for _, c := range tax.Clusters {
		base = append(base, "cluster="+c.ID)
	}
	for _, c := range tax.Chains[:min(3, len(tax.Chains))] {
		base = append(base, "chain="+c.ID)
	}
	for _, r := range regions {
		base = append(base, "region="+r.ID)
	}
	var out []string
	for _, b := range base {
		for _, y := range []string{"", "year=2021", "year=2023"} {
			q := b
			if y != "" {
				if q != "" {
					q += "&"
				}
				q += y
			}
			out = append(out, q)
		}
	}
	return out
}

// TestClusterStatsMatchItems computes per-cluster statistics the way a
// client would, from the items endpoint with the same filter, and requires
// the statistics endpoint to agree exactly.
func TestClusterStatsMatchItems(t *testing.T) {
	app := statsApp(t)
	nonEmpty := 0
	for _, filter := range statsFilters(t) {
		t.Run(filter, func(t *testing.T) {
			r := get(t, app, "/api/v1/stats/clusters?"+filter)
			if r.status != http.StatusOK || r.ctype() != ContentTypeJSON {
				t.Fatalf("status %d %s: %s", r.status, r.ctype(), r.body)
			}
			var doc clusterStatsDoc
			decode(t, r, &doc)
			year := statsYear(t, app, filter)
			if doc.Year != year {
				t.Errorf("year %d, client computes %d", doc.Year, year)
			}
			items := itemsFor(t, app, withYear(filter, year))
			if doc.NumberZones != len(items) {
				t.Errorf("number_zones %d, items %d", doc.NumberZones, len(items))
			}
			for _, cs := range doc.Clusters {
				var ids []string
				byCity := map[string]int{}
				perMeasure := map[string][]float64{}
				for _, it := range items {
					if !slices.Contains(it.Clusters, cs.ClusterID) {
						continue
					}
					ids = append(ids, it.ID)
					byCity[it.CityCode]++
					if it.RevenueYi != nil && it.RevenueYear == year && (it.Period == "" || it.Period == geo.PeriodFullYear) &&
						it.Scope == geo.ScopeZone && // a part of a zone is left out of sums, as a part of a year
						(it.Bound == geo.BoundExact || it.Bound == geo.BoundLower) {
						perMeasure[it.Measure] = append(perMeasure[it.Measure], *it.RevenueYi)
					}
				}
				slices.Sort(ids)
				if cs.Zones != len(ids) || !slices.Equal(cs.ZoneIDs, ids) {
					t.Errorf("%s: zones %d %v, items give %d %v", cs.ClusterID, cs.Zones, cs.ZoneIDs, len(ids), ids)
				}
				if len(ids) > 0 {
					nonEmpty++
				}
				got := map[string]int{}
				for _, cc := range cs.ByCity {
					got[cc.CityCode] = cc.Zones
				}
				if !mapsEqual(got, byCity) {
					t.Errorf("%s: by_city %v, items give %v", cs.ClusterID, got, byCity)
				}
				most := 0
				for _, v := range perMeasure {
					most = max(most, len(v))
				}
				summed := perMeasure[cs.Measure]
				sum := 0.0
				for _, v := range summed {
					sum += v
				}
				switch {
				case most == 0 && (cs.RevenueN != 0 || cs.RevenueYi != 0 || cs.Measure != ""):
					t.Errorf("%s: revenue %v over %d (%q), items have no comparable figure", cs.ClusterID, cs.RevenueYi, cs.RevenueN, cs.Measure)
				case most > 0 && len(summed) != most:
					t.Errorf("%s: sums measure %q with %d figures; items have a measure with %d", cs.ClusterID, cs.Measure, len(summed), most)
				case cs.RevenueN != len(summed) || math.Abs(cs.RevenueYi-sum) > 1e-9:
					t.Errorf("%s: revenue %v over %d, items give %v over %d", cs.ClusterID, cs.RevenueYi, cs.RevenueN, sum, len(summed))
				}
			}
		})
	}
	if nonEmpty == 0 {
		t.Error("no cluster had zones under any filter: the grid proves nothing")
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestTierStatsMatchItems counts zones per tier from the items' tier
// property and requires the tiers endpoint to agree, with targets beside.
func TestTierStatsMatchItems(t *testing.T) {
	app := statsApp(t)
	withData := 0
	for _, filter := range statsFilters(t) {
		t.Run(filter, func(t *testing.T) {
			r := get(t, app, "/api/v1/stats/tiers?"+filter)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var doc tierStatsDoc
			decode(t, r, &doc)
			year := statsYear(t, app, filter)
			if doc.Year != year {
				t.Errorf("year %d, client computes %d", doc.Year, year)
			}
			items := itemsFor(t, app, withYear(filter, year))
			comparable := 0
			for _, it := range items {
				if it.RevenueYi != nil {
					comparable++
				}
			}
			if doc.Coverage.Comparable != comparable || doc.Coverage.Zones != len(items) || doc.Coverage.Text == "" {
				t.Errorf("coverage %+v; items give %d of %d", doc.Coverage, comparable, len(items))
			}
			count := map[string][]string{}
			for _, it := range items {
				count[it.Tier] = append(count[it.Tier], it.ID)
			}
			if doc.NumberZones != len(items) || doc.NoData != len(count[geo.TierNoData]) {
				t.Errorf("number_zones %d no_data %d; items give %d and %d", doc.NumberZones, doc.NoData, len(items), len(count[geo.TierNoData]))
			}
			want := append(slices.Clone(geo.DefaultTiers), geo.NoDataTier)
			if len(doc.Tiers) != len(want) {
				t.Fatalf("%d tiers, want %d", len(doc.Tiers), len(want))
			}
			cum := 0
			for i, ts := range doc.Tiers {
				ids := count[ts.ID]
				slices.Sort(ids)
				if ts.ID != want[i].ID || ts.Zones != len(ids) || !slices.Equal(ts.ZoneIDs, append([]string{}, ids...)) {
					t.Errorf("tier %s: %d %v; items give %s: %d %v", ts.ID, ts.Zones, ts.ZoneIDs, want[i].ID, len(ids), ids)
				}
				if ts.ID == geo.TierNoData {
					if ts.AtOrAbove != nil || ts.Target != nil {
						t.Errorf("no_data tier has at_or_above/target")
					}
					continue
				}
				withData += ts.Zones
				cum += len(ids)
				if ts.AtOrAbove == nil || *ts.AtOrAbove != cum {
					t.Errorf("tier %s: at_or_above %v, want %d", ts.ID, ts.AtOrAbove, cum)
				}
				if tgt := want[i].Target; tgt > 0 && doc.Year != 0 {
					if ts.Target == nil || *ts.Target != tgt || ts.TargetMet == nil || *ts.TargetMet != (cum >= tgt) {
						t.Errorf("tier %s: target %v met %v; want %d met %v", ts.ID, ts.Target, ts.TargetMet, tgt, cum >= tgt)
					}
				} else if ts.Target != nil {
					t.Errorf("tier %s: target %d, the plan sets none", ts.ID, *ts.Target)
				}
			}
		})
	}
	if withData == 0 {
		t.Error("no zone had a tier under any filter: the grid proves nothing")
	}
}

// statsYear is the year a client expects a statistic to use for filter:
// the filter's year, else the latest revenue year of any zone matching the
// filter without its year-dependent criteria (items carry each zone's
// latest figure when no year is given).
func statsYear(t *testing.T, app *fiber.App, filter string) int {
	t.Helper()
	q, _ := url.ParseQuery(filter)
	if y, _ := strconv.Atoi(q.Get("year")); y != 0 {
		return y
	}
	for _, k := range []string{"tier", "min_revenue", "max_revenue"} {
		q.Del(k)
	}
	year := 0
	for _, it := range itemsFor(t, app, q.Encode()) {
		year = max(year, it.RevenueYear)
	}
	return year
}

// withYear adds year=y to filter when it names no year (y 0: unchanged).
func withYear(filter string, y int) string {
	q, _ := url.ParseQuery(filter)
	if q.Get("year") != "" || y == 0 {
		return filter
	}
	q.Set("year", strconv.Itoa(y))
	return q.Encode()
}

// TestTierTargets pins the plan's targets (S03): 2 / 10 / 30 zones over
// 5000 / 1000 / 500亿 by 2025.
func TestTierTargets(t *testing.T) {
	app := statsApp(t)
	var doc tierStatsDoc
	decode(t, get(t, app, "/api/v1/stats/tiers"), &doc)
	targets := map[string]int{}
	for _, ts := range doc.Tiers {
		if ts.Target != nil {
			targets[ts.ID] = *ts.Target
		}
	}
	if want := map[string]int{"t5000": 2, "t1000": 10, "t500": 30}; !mapsEqual(targets, want) {
		t.Errorf("targets %v, want %v", targets, want)
	}
	if doc.TargetYear != 2025 || doc.TargetSource == "" || doc.TierRule == "" {
		t.Errorf("target year %d, source %q, rule %q", doc.TargetYear, doc.TargetSource, doc.TierRule)
	}
}

func TestStatsBadParams(t *testing.T) {
	app := statsApp(t)
	cases := []struct{ path, param string }{
		{"/api/v1/stats/clusters?year=abc", "year"},
		{"/api/v1/stats/clusters?cluster=nope", "cluster"},
		{"/api/v1/stats/clusters?limit=5", "limit"},
		{"/api/v1/stats/clusters?colour=red", "colour"},
		{"/api/v1/stats/tiers?min_revenue=-1", "min_revenue"},
		{"/api/v1/stats/tiers?region=nowhere", "region"},
		{"/api/v1/stats/tiers?bbox=1,2,3", "bbox"},
		{"/api/v1/stats/tiers?year=2023&year=2022", "year"},
		{"/api/v1/stats/tiers?q=%zz", "query"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			expectProblem(t, app, tc.path, http.StatusBadRequest, tc.param)
		})
	}
}

// expectProblem requires an RFC 9457 problem of status naming param.
func expectProblem(t *testing.T, app *fiber.App, path string, status int, param string) Problem {
	t.Helper()
	r := get(t, app, path)
	if r.status != status || r.ctype() != ContentTypeProblem {
		t.Fatalf("GET %s: %d %s, want %d %s; body %s", path, r.status, r.ctype(), status, ContentTypeProblem, r.body)
	}
	var p Problem
	decode(t, r, &p)
	if p.Status != status || p.Detail == "" {
		t.Errorf("GET %s: problem %+v", path, p)
	}
	if param != "" && !slices.ContainsFunc(p.InvalidParams, func(fe *geo.FieldError) bool { return fe.Field == param }) {
		t.Errorf("GET %s: invalid-params %v, want one named %q", path, p.InvalidParams, param)
	}
	return p
}
