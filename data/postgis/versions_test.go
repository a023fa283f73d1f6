package postgis_test

import (
	"errors"
	"slices"
	"testing"

	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/geo"
)

// answers is what the store serves for every collection and the
// taxonomy, as JSON, for "same answers" assertions.
func answers(t *testing.T, s *postgis.Store) string {
	t.Helper()
	var out string
	for _, c := range []string{geo.CollCities, geo.CollCounties, geo.CollZones, geo.CollRegions} {
		p, err := s.Items(t.Context(), c, geo.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		out += mustJSON(p) + "\n"
	}
	tax, err := s.Taxonomy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return out + mustJSON(tax)
}

// Issue 13: import A, import B, roll back to A: the answers are A's, the
// serving version moves on (3, not 1, so caches and ETags follow), the
// history says who did what; a dry run changes nothing but reports the
// diff; snapshots beyond --keep-versions are dropped.
func TestVersionsAndRollback(t *testing.T) {
	ctx := t.Context()
	url := pgtest.NewDB(t)
	if _, err := postgis.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	s, err := postgis.Open(ctx, postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	a := smallDataset()
	repA, err := postgis.ImportDataset(ctx, url, replaceWith(a), postgis.ImportOptions{Files: []string{"a.geojson"}})
	if err != nil || repA.Version != 1 {
		t.Fatalf("import A: %v %+v", err, repA)
	}
	if d := repA.Diff; d == nil || len(d.ZonesAdded) != 2 || len(d.FiguresAdded) != 1 || len(d.AdminAdded) != 4 {
		t.Fatalf("diff of the first import: %+v", repA.Diff)
	}
	ansA := answers(t, s)

	b := smallDataset()
	b.Zones = b.Zones[:1]
	b.Zones[0].Name = "郑州经开区(改名)"
	b.Zones[0].Revenue[0].RevenueYi = 6000
	b.Zones[0].Revenue = append(b.Zones[0].Revenue, geo.Revenue{ZoneID: "z1", Year: 2024, RevenueYi: 5100, Measure: "营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "test B"})

	// A dry run of B reports B's diff and changes nothing.
	dry, err := postgis.ImportDataset(ctx, url, replaceWith(b), postgis.ImportOptions{DryRun: true})
	if err != nil || !dry.DryRun || dry.Diff == nil {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	want := "zones +0 −1 ~1; figures +1 ~1 −0; admin areas +0 −0 ~0"
	if got := dry.Diff.Summary(); got != want {
		t.Fatalf("dry-run diff %q, want %q", got, want)
	}
	if dry.Diff.ZonesRemoved[0] != "z2" || !slices.Equal(dry.Diff.ZonesChanged[0].Fields, []string{"name"}) ||
		dry.Diff.FiguresChanged[0].Old.RevenueYi != 5000 || dry.Diff.FiguresChanged[0].New.RevenueYi != 6000 {
		t.Fatalf("dry-run diff %+v", dry.Diff)
	}
	if v, _ := s.Version(ctx); v != 1 || answers(t, s) != ansA {
		t.Fatalf("the dry run changed the database (version %d)", v)
	}

	repB, err := postgis.ImportDataset(ctx, url, replaceWith(b), postgis.ImportOptions{Files: []string{"b.geojson", "b.xlsx"}})
	if err != nil || repB.Version != 2 || repB.Diff.Summary() != want {
		t.Fatalf("import B: %v %+v", err, repB)
	}
	if answers(t, s) == ansA {
		t.Fatal("B serves the same as A: the test proves nothing")
	}

	rep, err := postgis.Rollback(ctx, url, 1, postgis.ImportOptions{})
	if err != nil || rep.Version != 3 {
		t.Fatalf("rollback: %v %+v", err, rep)
	}
	if got := answers(t, s); got != ansA {
		t.Fatalf("after rollback to 1:\n%s\nwant\n%s", got, ansA)
	}
	if v, _ := s.Version(ctx); v != 3 {
		t.Fatalf("serving version %d after rollback, want 3", v)
	}
	vs, err := s.Versions(ctx)
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions: %v %+v", err, vs)
	}
	if v := vs[0]; v.Version != 3 || v.Kind != postgis.KindRollback || v.Note != "rollback to version 1" || !v.Current || !v.Restorable || v.Role != "postgres" {
		t.Fatalf("newest version %+v", v)
	}
	if v := vs[1]; v.Version != 2 || v.Current || !slices.Equal(v.Files, []string{"b.geojson", "b.xlsx"}) || v.Diff != want || v.Counts["zones"] != 1 {
		t.Fatalf("version 2 %+v", v)
	}
	fromURL, err := postgis.Versions(ctx, url)
	if err != nil || mustJSON(fromURL) != mustJSON(vs) {
		t.Fatalf("postgis.Versions: %v", err)
	}

	// Keep two snapshots: versions 1 and 2 become history only.
	if _, err := postgis.ImportDataset(ctx, url, replaceWith(b), postgis.ImportOptions{KeepVersions: 2}); err != nil {
		t.Fatal(err)
	}
	vs, _ = s.Versions(ctx)
	var restorable []int64
	for _, v := range vs {
		if v.Restorable {
			restorable = append(restorable, v.Version)
		}
	}
	if !slices.Equal(restorable, []int64{4, 3}) || len(vs) != 4 {
		t.Fatalf("restorable %v of %d versions, want [4 3] of 4", restorable, len(vs))
	}
	if _, err := postgis.Rollback(ctx, url, 1, postgis.ImportOptions{}); !errors.Is(err, postgis.ErrNoSnapshot) {
		t.Fatalf("rollback to a pruned version: %v", err)
	}
	if _, err := postgis.Rollback(ctx, url, 99, postgis.ImportOptions{}); !errors.Is(err, postgis.ErrNoSnapshot) {
		t.Fatalf("rollback to an unknown version: %v", err)
	}
	if v, _ := s.Version(ctx); v != 4 {
		t.Fatalf("a failed rollback changed the version to %d", v)
	}
}
