package postgis_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

func replaceWith(ds *data.Dataset) func(*data.Dataset) (*data.Dataset, error) {
	return func(*data.Dataset) (*data.Dataset, error) { return ds, nil }
}

// snapshot is what the store serves, for "nothing changed" assertions.
func snapshot(t *testing.T, s *postgis.Store) (int64, []geo.Zone) {
	t.Helper()
	v, err := s.Version(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	zs, err := s.Zones(t.Context(), geo.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return v, zs
}

func assertUnchanged(t *testing.T, s *postgis.Store, v0 int64, z0 []geo.Zone) {
	t.Helper()
	v1, z1 := snapshot(t, s)
	if v1 != v0 {
		t.Errorf("version %d, want unchanged %d", v1, v0)
	}
	if len(z1) != len(z0) {
		t.Fatalf("%d zones, want unchanged %d", len(z1), len(z0))
	}
	for i := range z0 {
		if z0[i].Name != z1[i].Name || !slices.Equal(z0[i].Revenue, z1[i].Revenue) || !orb.Equal(z0[i].Geom, z1[i].Geom) {
			t.Errorf("zone %s changed", z0[i].ID)
		}
	}
}

func TestImportBumpsVersion(t *testing.T) {
	url, s := loaded(t, smallDataset())
	var progress bytes.Buffer
	rep, err := postgis.ImportDataset(t.Context(), url, replaceWith(smallDataset()), postgis.ImportOptions{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != 2 || rep.Counts["zones"] != 2 || len(rep.Repaired) != 0 {
		t.Fatalf("report %+v, want version 2, 2 zones, nothing repaired", rep)
	}
	if !strings.Contains(progress.String(), "committed dataset version 2") {
		t.Fatalf("progress output %q lacks the commit line", progress.String())
	}
	if v, _ := s.Version(t.Context()); v != 2 {
		t.Fatalf("store version %d, want 2", v)
	}
}

func TestImportBadRowChangesNothing(t *testing.T) {
	url, s := loaded(t, smallDataset())
	v0, z0 := snapshot(t, s)
	cases := []struct {
		name  string
		mod   func(*data.Dataset)
		where string
		why   string
	}{
		{"unknown city", func(ds *data.Dataset) { ds.Zones[1].CityCode = "419999"; ds.Zones[0].Name = "changed" }, "zone z2", "city_code"},
		{"negative revenue", func(ds *data.Dataset) {
			ds.Zones[0].Revenue[0].RevenueYi = -1
		}, "revenue z1#1", "non-negative"},
		{"bad bound", func(ds *data.Dataset) { ds.Zones[0].Revenue[0].Bound = "about" }, "revenue z1#1", "bound"},
		{"unknown cluster", func(ds *data.Dataset) { ds.Zones[0].Clusters[0].ClusterID = "x'; DROP TABLE layoutmap.zones; --" }, "zone z1", "unknown cluster"},
		{"collapsed polygon", func(ds *data.Dataset) {
			ds.Zones[1].Geom = orb.MultiPolygon{{{{114, 36}, {114.1, 36}, {114.2, 36}, {114, 36}}}}
		}, "zone z2", "no area"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds := smallDataset()
			c.mod(ds)
			origin := func(kind, id string) string { return "file.geojson " + kind + " " + id }
			rep, err := postgis.ImportDataset(t.Context(), url, replaceWith(ds), postgis.ImportOptions{Origin: origin})
			var rej *postgis.RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("err = %v, want RejectedError", err)
			}
			if len(rep.Rejected) != 1 || rep.Rejected[0].Where != "file.geojson "+c.where || !strings.Contains(rep.Rejected[0].Reason, c.why) {
				t.Fatalf("rejected %v, want one at %q about %q", rep.Rejected, c.where, c.why)
			}
			assertUnchanged(t, s, v0, z0)
		})
	}
}

func TestImportRepairsSelfIntersection(t *testing.T) {
	url, s := loaded(t, smallDataset())
	ds := smallDataset()
	// A bow-tie: valid area, invalid ring.
	ds.Zones[1].Geom = orb.MultiPolygon{{{{114.28, 36.06}, {114.32, 36.1}, {114.32, 36.06}, {114.28, 36.1}, {114.28, 36.06}}}}
	rep, err := postgis.ImportDataset(t.Context(), url, replaceWith(ds), postgis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Repaired) != 1 || rep.Repaired[0].Where != "zone z2" || !strings.Contains(rep.Repaired[0].Reason, "Self-intersection") {
		t.Fatalf("repaired %v, want zone z2 self-intersection", rep.Repaired)
	}
	z, err := s.Item(t.Context(), geo.CollZones, "z2")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(z.Geometry.(orb.MultiPolygon)); n != 2 {
		t.Fatalf("repaired bow-tie has %d polygons, want 2", n)
	}
}

// cancelAt cancels the import when its progress reaches a step.
type cancelAt struct {
	step   string
	cancel context.CancelFunc
}

func (c cancelAt) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.step) {
		c.cancel()
	}
	return len(p), nil
}

func TestImportCancelledMidwayKeepsOldData(t *testing.T) {
	url, s := loaded(t, smallDataset())
	v0, z0 := snapshot(t, s)
	for _, step := range []string{"staging", "validating geometry", "swapping"} {
		t.Run(step, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ds := smallDataset()
			ds.Zones = ds.Zones[:1]
			_, err := postgis.ImportDataset(ctx, url, replaceWith(ds), postgis.ImportOptions{Progress: cancelAt{step, cancel}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			assertUnchanged(t, s, v0, z0)
		})
	}
}

func TestImportRevenueOnly(t *testing.T) {
	url, s := loaded(t, smallDataset())
	_, z0 := snapshot(t, s)
	rows := []postgis.RevenueRow{
		{Where: "rev.csv row 2", Zone: "安阳高新技术产业开发区", Revenue: geo.Revenue{Year: 2024, RevenueYi: 600, Measure: "营业收入", Bound: geo.BoundExact, Source: "test source"}},
	}
	rep, err := postgis.ImportRevenue(t.Context(), url, rows, postgis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != 2 || rep.Counts["revenue"] != 1 {
		t.Fatalf("report %+v", rep)
	}
	p, err := s.Items(t.Context(), geo.CollZones, geo.Filter{Limit: 10, Tier: []string{"t500"}})
	if err != nil || !slices.Equal(ids(p), []string{"z2"}) {
		t.Fatalf("t500 after revenue import: %v, %v; want [z2]", ids(p), err)
	}
	_, z1 := snapshot(t, s)
	if !orb.Equal(z0[1].Geom, z1[1].Geom) {
		t.Fatal("revenue import changed geometry")
	}
	bad := append(rows, postgis.RevenueRow{Where: "rev.csv row 3", Zone: "no such zone", Revenue: rows[0].Revenue})
	rep, err = postgis.ImportRevenue(t.Context(), url, bad, postgis.ImportOptions{})
	if err == nil || len(rep.Rejected) != 1 || rep.Rejected[0].Where != "rev.csv row 3" {
		t.Fatalf("bad row: err %v, rejected %v", err, rep.Rejected)
	}
	if v, _ := s.Version(t.Context()); v != 2 {
		t.Fatalf("version %d after a rejected import, want 2", v)
	}
}

// TestImportRevenueScope: scope is part of a figure's key, so a zone's
// whole revenue and its food industry's of one year are two figures; the
// whole zone's headlines it; two rows of one key and scope are refused and
// change nothing.
func TestImportRevenueScope(t *testing.T) {
	url, s := loaded(t, smallDataset())
	rev := func(yi float64, bound, scope string) geo.Revenue {
		return geo.Revenue{Year: 2024, RevenueYi: yi, Measure: "营业收入", Bound: bound, Scope: scope, Source: "test source"}
	}
	rows := []postgis.RevenueRow{
		{Where: "rev.csv row 2", Zone: "z2", Revenue: rev(1500, geo.BoundLower, "食品产业")},
	}
	if _, err := postgis.ImportRevenue(t.Context(), url, rows, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	headline := func() geo.Properties {
		t.Helper()
		p, err := s.Items(t.Context(), geo.CollZones, geo.Filter{Limit: 10, Year: 2024, MinRevenue: ptr(1000.0)})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Features {
			if f.ID == "z2" {
				return f.Properties
			}
		}
		return nil
	}
	if p := headline(); p == nil || p["scope"] != "食品产业" || p["bound"] != geo.BoundLower || p["tier"] != "t1000" {
		t.Fatalf("food-industry figure as headline: %v; want scope 食品产业, bound lower, at least t1000", p)
	}
	rows = []postgis.RevenueRow{{Where: "rev.csv row 2", Zone: "z2", Revenue: rev(1200, geo.BoundExact, "")}}
	rep, err := postgis.ImportRevenue(t.Context(), url, rows, postgis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := postgis.ReadDataset(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, z := range ds.Zones {
		for _, r := range z.Revenue {
			if z.ID == "z2" && r.Year == 2024 {
				got = append(got, fmt.Sprintf("%g %s", r.RevenueYi, r.Scope))
			}
		}
	}
	if !slices.Equal(got, []string{"1200 zone", "1500 食品产业"}) {
		t.Fatalf("z2's 2024 figures %v, want the whole zone's and the food industry's", got)
	}
	if p := headline(); p == nil || p["scope"] != geo.ScopeZone || p["revenue_yi"] != 1200.0 || p["bound"] != geo.BoundExact {
		t.Fatalf("headline after adding the whole zone's figure: %v; want 1200 exact, scope zone", p)
	}
	dup := []postgis.RevenueRow{
		{Where: "rev.csv row 2", Zone: "z2", Revenue: rev(1600, geo.BoundLower, "食品产业")},
		{Where: "rev.csv row 3", Zone: "z2", Revenue: rev(1700, geo.BoundLower, "食品产业")},
	}
	if _, err := postgis.ImportRevenue(t.Context(), url, dup, postgis.ImportOptions{}); err == nil {
		t.Fatal("two figures of one zone, year, measure, period and scope accepted")
	}
	if v, _ := s.Version(t.Context()); v != rep.Version {
		t.Fatalf("version %d after a rejected import, want %d", v, rep.Version)
	}
}

// TestItemsPropertiesFollowVersion: items keep the properties they built per
// dataset version, year and family (Store.features); a caller's change to
// a page does not reach the next page, and an import is seen at once.
func TestItemsPropertiesFollowVersion(t *testing.T) {
	url, s := loaded(t, smallDataset())
	z2 := func() geo.Properties {
		t.Helper()
		p, err := s.Items(t.Context(), geo.CollZones, geo.Filter{Limit: 10, Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Features {
			if f.ID == "z2" {
				return f.Properties
			}
		}
		t.Fatalf("z2 not in %v", ids(p))
		return nil
	}
	p := z2()
	if p["revenue_yi"] != nil {
		t.Fatalf("z2 has revenue_yi %v for 2024 before any figure", p["revenue_yi"])
	}
	p["name"] = "changed by the caller"
	if got := z2()["name"]; got != "安阳高新技术产业开发区" {
		t.Fatalf("second page: name %v; the memo is shared with callers", got)
	}
	rows := []postgis.RevenueRow{
		{Where: "rev.csv row 2", Zone: "安阳高新技术产业开发区", Revenue: geo.Revenue{Year: 2024, RevenueYi: 600, Measure: "营业收入", Bound: geo.BoundExact, Source: "test source"}},
	}
	if _, err := postgis.ImportRevenue(t.Context(), url, rows, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := z2()["revenue_yi"]; got != 600.0 {
		t.Fatalf("after the revenue import z2 revenue_yi = %v (%T), want 600", got, got)
	}
	if got := z2()["revenue_yi"]; got != 600.0 {
		t.Fatalf("from the memo z2 revenue_yi = %v, want 600", got)
	}
}
