package postgis_test

import (
	"slices"
	"testing"

	"layoutmap/data"
	"layoutmap/data/importer"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// A stored list's links are called stale (EnterpriseInfo.LinksStale, the
// API's links_note) when what they were resolved from changed, not when
// the version number moved: a revenue-only import or a renamed zone
// leaves them as they are, a zone outline quality changed makes them
// stale, and a rollback to the list's dataset makes them current again.
func TestEnterpriseLinksStaleFollowsWhatTheyDependOn(t *testing.T) {
	url, pg, ds := bundled(t)
	ctx := t.Context()
	rep, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: enterpriseList(t, ds, 300, 11)})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, want bool) {
		t.Helper()
		inf, err := pg.EnterpriseInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := pg.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if inf.LinksStale != want || inf.LinksVersion != rep.Version {
			t.Errorf("%s (dataset version %d, list %d): links stale %v, want %v", when, v, inf.LinksVersion, inf.LinksStale, want)
		}
	}
	check("after the list's import", false)
	edit := func(f func(z *geo.Zone)) func(cur *data.Dataset) (*data.Dataset, error) {
		return func(cur *data.Dataset) (*data.Dataset, error) {
			next := *cur
			next.Zones = slices.Clone(cur.Zones)
			f(&next.Zones[0])
			return &next, nil
		}
	}
	if _, err := postgis.ImportDataset(ctx, url, edit(func(z *geo.Zone) {
		z.Revenue = append(slices.Clone(z.Revenue), geo.Revenue{ZoneID: z.ID, Year: 2001, RevenueYi: 1, Measure: "营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "test figure"})
	}), postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check("after a revenue-only import", false)
	if _, err := postgis.ImportDataset(ctx, url, edit(func(z *geo.Zone) { z.Name += "（改名）" }), postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check("after a zone was renamed", false)
	zr, err := postgis.ImportDataset(ctx, url, edit(func(z *geo.Zone) {
		if z.GeomQuality == geo.GeomApproximate {
			z.GeomQuality = geo.GeomOfficial
		} else {
			z.GeomQuality = geo.GeomApproximate
		}
	}), postgis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("after a zone's outline quality changed", true)
	if _, err := postgis.Rollback(ctx, url, zr.Version-1, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check("after a rollback to the version before that change", false)
}
