package postgis_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/importer"
	"layoutmap/data/memstore"
	"layoutmap/data/postgis"
	"layoutmap/data/storetest"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// enterpriseList writes a synthetic list of n enterprises (seed) plus a
// few hand-made rows with credit codes, other years and an English name,
// and returns its path.
func enterpriseList(t testing.TB, ds *data.Dataset, n int, seed uint64) string {
	t.Helper()
	var b bytes.Buffer
	if err := synth.Enterprises(ds, n, seed, &b); err != nil {
		t.Fatal(err)
	}
	for i, row := range []string{
		// Two firms of one name: sortby=-name keeps the id ascending among
		// them in both stores.
		"%s,同名测试企业,Test firm A,113.70,34.75,geocoded,,,chain_leader;srdi,,test list (not a real firm),2024",
		"%s,同名测试企业,,112.45,34.62,surveyed,,,above_scale,,test list (not a real firm),2023",
	} {
		first17 := fmt.Sprintf("91410100MA%07d", 4400+i)
		c, err := geo.CreditCodeCheck(first17)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "x%d,"+row+"\n", i, first17+string(c))
	}
	// The header of synth is data.EnterpriseColumns: id, credit_code, name …
	p := filepath.Join(t.TempDir(), "enterprises.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// memWithList is the embedded store over ds holding the list at path,
// read and resolved as `serve --enterprises` does.
func memWithList(t testing.TB, ds *data.Dataset, path string) *memstore.Store {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, probs, err := importer.ReadEnterprises(f, "enterprises.csv", "", nil)
	if err != nil || len(probs) > 0 {
		t.Fatalf("reading list: %v %v", err, probs)
	}
	es, probs := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	if len(probs) > 0 {
		t.Fatalf("resolving list: %v", probs)
	}
	mem, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.SetEnterprises(es); err != nil {
		t.Fatal(err)
	}
	return mem
}

// TestEnterpriseDifferential imports one list into PostGIS (layoutmap
// import --enterprises's path) and loads it into the embedded store, and
// requires the same answers: collections, info, items (ids, order,
// numberMatched, properties, points), item, and every tile of z5–z9 over
// Henan and some at z12 (matched count; the points' ids; the cells, each
// with its count per class and chain).
func TestEnterpriseDifferential(t *testing.T) {
	url, pg, ds := bundled(t)
	ctx := t.Context()
	path := enterpriseList(t, ds, 6000, 11)
	rep, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: path})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if rep.Counts["enterprises"] != 6002 {
		t.Fatalf("imported %v", rep.Counts)
	}
	mem := memWithList(t, ds, path)

	mi, _ := mem.EnterpriseInfo(ctx)
	pi, err := pg.EnterpriseInfo(ctx)
	// The links were resolved against the dataset of the list's import in
	// PostGIS, at start-up (version 1) in the embedded store.
	if pi.LinksVersion != rep.Version || mi.LinksVersion != 1 {
		t.Errorf("links resolved against version %d (postgis, import %d), %d (memstore)", pi.LinksVersion, rep.Version, mi.LinksVersion)
	}
	pi.LinksVersion, mi.LinksVersion = 0, 0
	if err != nil || !reflect.DeepEqual(pi, mi) {
		t.Errorf("EnterpriseInfo: postgis %+v %v, memstore %+v", pi, err, mi)
	}
	mc, _ := mem.Collections(ctx)
	pc, err := pg.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(pc, func(c geo.Collection) bool { return c.ID == geo.CollEnterprises }); i < 0 {
		t.Errorf("postgis does not list enterprises after an import: %v", pc)
	} else if j := slices.IndexFunc(mc, func(c geo.Collection) bool { return c.ID == geo.CollEnterprises }); j != i ||
		pc[i].ItemCount != mc[j].ItemCount || pc[i].Extent != mc[j].Extent || pc[i].Title != mc[j].Title {
		t.Errorf("enterprises collection: postgis %+v, memstore %+v", pc[i], mc[j])
	}

	tax, _ := mem.Taxonomy(ctx)
	chains := []string{tax.Chains[0].ID, tax.Chains[3].ID}
	bb := &orb.Bound{Min: orb.Point{113.4, 34.5}, Max: orb.Point{114, 35}}
	filters := []geo.Filter{
		{}, {Chain: chains[:1]}, {Chain: chains}, {Class: []string{"chain_leader"}}, {Class: []string{"srdi", "little_giant"}},
		{City: []string{"410100"}}, {City: []string{"410300", "410100"}, Class: []string{"above_scale"}},
		{Region: []string{ds.Regions[0].ID}}, {Region: []string{ds.Regions[0].ID}, City: []string{"410100", "411700"}},
		{Zone: []string{ds.Zones[0].ID, ds.Zones[5].ID}}, {Year: 2024}, {Year: 2025, Chain: chains[1:]},
		{BBox: bb}, {BBox: bb, Chain: chains[:1]}, {BBox: bb, Class: []string{"srdi"}, Year: 2025},
		{Cluster: []string{tax.Clusters[0].ID}}, {BBox: &orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}},
	}
	for _, f := range filters {
		all, err := mem.Items(ctx, geo.CollEnterprises, f)
		if err != nil {
			t.Fatal(err)
		}
		// Pages at the end of the matches too: the last one partial (the
		// number matched is then offset + length, PostGIS counts nothing),
		// one ending exactly at the last match (a full page: counted, or
		// read from the stored statistics) and one past the end.
		n := all.NumberMatched
		pages := [][2]int{{100, 0}, {7, 3}, {10, 5990}, {7, max(n-3, 0)}, {7, max(n-7, 0)}, {5, n}, {5, n + 20}}
		for _, sortby := range []string{"", "id", "-id", "name", "-name"} {
			for _, pg2 := range pages {
				q := f
				q.SortBy, q.Limit, q.Offset = sortby, pg2[0], pg2[1]
				name := fmt.Sprintf("enterprises?%s&sortby=%s&limit=%d&offset=%d", q.Encode().Encode(), sortby, q.Limit, q.Offset)
				want, werr := mem.Items(ctx, geo.CollEnterprises, q)
				got, gerr := pg.Items(ctx, geo.CollEnterprises, q)
				if werr != nil || gerr != nil {
					t.Fatalf("%s: memstore %v, postgis %v", name, werr, gerr)
				}
				if got.NumberMatched != want.NumberMatched || want.NumberMatched != n {
					t.Errorf("%s: numberMatched %d, memstore %d, want %d", name, got.NumberMatched, want.NumberMatched, n)
				}
				if w := max(0, min(q.Limit, n-q.Offset)); len(got.Features) != w {
					t.Errorf("%s: %d features, want %d", name, len(got.Features), w)
				}
				if msg := diffFeatures(got.Features, want.Features, true); msg != "" {
					t.Errorf("%s: %s", name, msg)
				}
			}
		}
	}
	// Statistics per zone, city, chain, cluster and class (with names).
	for _, f := range filters {
		want, werr := mem.EnterpriseStats(ctx, f)
		got, gerr := pg.EnterpriseStats(ctx, f)
		if werr != nil || gerr != nil {
			t.Fatalf("EnterpriseStats(%v): memstore %v, postgis %v", f.Encode(), werr, gerr)
		}
		if a, b := mustJSON(got), mustJSON(want); a != b {
			t.Errorf("EnterpriseStats(%v):\n%s\nmemstore\n%s", f.Encode(), a, b)
		}
	}
	if st, _ := pg.EnterpriseStats(ctx, geo.Filter{}); st.Total != 6002 || len(st.ByZone) == 0 || len(st.ByClass) == 0 {
		t.Errorf("statistics of the whole list: %+v", st)
	}
	// Item, including the hand-made rows, and ids that do not exist.
	all, _ := mem.Items(ctx, geo.CollEnterprises, geo.Filter{Limit: 50, SortBy: "id"})
	for _, w := range all.Features {
		g, err := pg.Item(ctx, geo.CollEnterprises, w.ID)
		if err != nil {
			t.Fatalf("Item(%s): %v", w.ID, err)
		}
		if msg := diffFeatures([]geo.Feature{g}, []geo.Feature{w}, true); msg != "" {
			t.Errorf("Item(%s): %s", w.ID, msg)
		}
	}
	if all.Features[0].Properties["credit_code"] == nil {
		t.Errorf("the hand-made rows with credit codes do not come first by id: %v", all.Features[0].Properties)
	}
	for _, id := range []string{"nope", "", "' OR 1=1 --"} {
		if _, err := pg.Item(ctx, geo.CollEnterprises, id); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Item(%q): %v, want ErrNotFound", id, err)
		}
	}
	compareEnterpriseTiles(t, mem, pg, []geo.Filter{{}, {Chain: chains[:1]}, {Class: []string{"srdi"}, City: []string{"410100"}}})
	// One choice of cells or points per zoom (geo.EnterpriseTileAsPoints),
	// from the point zoom PostGIS derives from its stored cells (the info
	// above is the embedded store's, point zoom included).
	if pi.PointZoom < 5 {
		t.Errorf("point zoom %d of 6,002 firms: the province zooms would not be compared", pi.PointZoom)
	}
	if c, p := storetest.EnterpriseTilesUniform(t, pg, []geo.Filter{{}, {Chain: chains[:1]}, {Class: []string{"chain_leader"}}}); c == 0 || p == 0 {
		t.Errorf("%d cell tiles, %d point tiles: the uniform rule was not exercised", c, p)
	}
	// The unfiltered tiles of more than EnterpriseTilePoints firms came
	// from the cells the import stored (migration 0007), not from the
	// rows: the comparison above held them to the embedded store.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var stored, storedLow int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE z BETWEEN 5 AND 9) FROM layoutmap.enterprise_cells`).Scan(&stored, &storedLow); err != nil || storedLow == 0 {
		t.Errorf("%d stored enterprise cells, %d of tiles z5–z9 (%v): the stored path was not compared", stored, storedLow, err)
	}
	// A full page of the whole list or of one chain takes its number
	// matched from the stored statistics; a list without them (loaded
	// before migration 0007) is counted from the rows, with the same answer.
	if _, err := conn.Exec(ctx, `UPDATE layoutmap.enterprise_meta SET stats = NULL`); err != nil {
		t.Fatal(err)
	}
	for _, f := range []geo.Filter{{}, {Chain: chains[:1]}} {
		for _, off := range []int{0, 30} {
			f.Limit, f.Offset = 7, off
			want, _ := mem.Items(ctx, geo.CollEnterprises, f)
			got, err := pg.Items(ctx, geo.CollEnterprises, f)
			if err != nil || got.NumberMatched != want.NumberMatched || len(got.Features) != 7 {
				t.Errorf("without stored statistics, items?%s: numberMatched %d, %d features (%v); memstore %d",
					f.Encode().Encode(), got.NumberMatched, len(got.Features), err, want.NumberMatched)
			}
		}
	}
}

// compareEnterpriseTiles requires equal enterprise tiles from both stores
// over Henan at z5–z9 and at z12 around Zhengzhou.
func compareEnterpriseTiles(t *testing.T, mem, pg data.EnterpriseStore, filters []geo.Filter) {
	ctx := t.Context()
	cells, points := 0, 0
	for _, f := range filters {
		for z := uint32(5); z <= 12; z++ {
			if z == 10 || z == 11 {
				continue
			}
			x0, y0 := geo.TileXY(orb.Point{geo.HenanBound.Min[0], geo.HenanBound.Max[1]}, z)
			x1, y1 := geo.TileXY(orb.Point{geo.HenanBound.Max[0], geo.HenanBound.Min[1]}, z)
			if z == 12 {
				x0, y0 = geo.TileXY(orb.Point{113.6, 34.8}, z)
				x1, y1 = x0+2, y0+2
			}
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					q := geo.TileQuery{Z: z, X: x, Y: y, Filter: f}
					want, werr := mem.EnterpriseTile(ctx, q)
					got, gerr := pg.EnterpriseTile(ctx, q)
					name := fmt.Sprintf("tile %d/%d/%d?%s", z, x, y, f.Encode().Encode())
					if werr != nil || gerr != nil {
						t.Fatalf("%s: memstore %v, postgis %v", name, werr, gerr)
					}
					if msg := diffEnterpriseTile(got, want); msg != "" {
						t.Errorf("%s: %s", name, msg)
					}
					cells += len(want.Cells)
					points += len(want.Points)
				}
			}
		}
	}
	if cells == 0 || points == 0 {
		t.Fatalf("the tiles compared hold %d cells and %d points: the test would prove nothing", cells, points)
	}
}

func diffEnterpriseTile(got, want geo.EnterpriseTile) string {
	if got.Matched != want.Matched || len(got.Points) != len(want.Points) || len(got.Cells) != len(want.Cells) {
		return fmt.Sprintf("matched %d, %d points, %d cells; memstore %d, %d, %d", got.Matched, len(got.Points), len(got.Cells), want.Matched, len(want.Points), len(want.Cells))
	}
	for i := range want.Points {
		g, w := got.Points[i], want.Points[i]
		if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("point %d: %+v, memstore %+v", i, g, w)
		}
	}
	for i := range want.Cells {
		g, w := got.Cells[i], want.Cells[i]
		gp, wp := g.Point, w.Point
		g.Point, w.Point = [2]float64{}, [2]float64{}
		if !reflect.DeepEqual(g, w) || !near(orb.Point(gp), orb.Point(wp)) {
			return fmt.Sprintf("cell %d: %+v at %v, memstore %+v at %v", i, g, gp, w, wp)
		}
	}
	return ""
}

// TestEnterpriseImportRejectsRows: a list with bad rows is refused as a
// whole, each bad row named by file and row, and nothing changes.
func TestEnterpriseImportRejectsRows(t *testing.T) {
	url, pg, _ := bundled(t)
	ctx := t.Context()
	p := filepath.Join(t.TempDir(), "bad.csv")
	code := "91410100MA44000000"
	c, _ := geo.CreditCodeCheck(code[:17])
	code = code[:17] + string(c)
	if err := os.WriteFile(p, []byte("name,lon,lat,chains,credit_code,source\n"+
		"好企业,113.7,34.75,,,test\n"+
		"境外企业,121.47,31.23,,,test\n"+
		"未知链企业,113.7,34.75,no_such_chain,,test\n"+
		"甲,113.70,34.75,,"+code+",test\n"+
		"乙,113.71,34.76,,"+code+",test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v0, _ := pg.Version(ctx)
	_, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: p})
	var rej *postgis.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("import of a bad list: %v, want a RejectedError", err)
	}
	var got []string
	for _, pr := range rej.Rejected {
		got = append(got, pr.String())
	}
	for _, want := range []string{"bad.csv row 3", "outside Henan", "bad.csv row 4", "unknown chain", "bad.csv row 6", "duplicate credit code"} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("problems %q do not say %q", got, want)
		}
	}
	if len(rej.Rejected) != 3 {
		t.Errorf("%d problems, want 3: %q", len(rej.Rejected), got)
	}
	inf, _ := pg.EnterpriseInfo(ctx)
	if v, _ := pg.Version(ctx); v != v0 || inf.Count != 0 {
		t.Errorf("after a refused import: version %d (was %d), %d enterprises", v, v0, inf.Count)
	}
}

// TestEnterpriseImportVersions: an enterprise import is a dataset version
// like any import (history row, dry run changes nothing), and a rollback
// brings back the list in force at the version rolled back to, with the
// dataset.
func TestEnterpriseImportVersions(t *testing.T) {
	url, pg, ds := bundled(t)
	ctx := t.Context()
	count := func() int {
		inf, err := pg.EnterpriseInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return inf.Count
	}
	v0, _ := pg.Version(ctx)
	a, b := enterpriseList(t, ds, 300, 1), enterpriseList(t, ds, 120, 2)
	rep, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: a, DryRun: true})
	if err != nil || !rep.DryRun || rep.Counts["enterprises"] != 302 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if v, _ := pg.Version(ctx); v != v0 || count() != 0 {
		t.Fatalf("dry run changed the database: version %d (was %d), %d enterprises", v, v0, count())
	}
	ra, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: a})
	if err != nil || ra.Version != v0+1 || count() != 302 {
		t.Fatalf("import a: %+v %v; %d enterprises", ra, err, count())
	}
	rb, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: b})
	if err != nil || rb.Version != v0+2 || count() != 122 || rb.Counts["enterprises_before"] != 302 {
		t.Fatalf("import b: %+v %v; %d enterprises", rb, err, count())
	}
	vs, err := pg.Versions(ctx)
	if err != nil || vs[0].Version != rb.Version || !slices.Equal(vs[0].Files, []string{"enterprises.csv"}) || vs[0].Counts["enterprises"] != 122 {
		t.Fatalf("history: %+v %v", vs[0], err)
	}
	ids := func() []string {
		p, err := pg.Items(ctx, geo.CollEnterprises, geo.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range p.Features {
			out = append(out, f.ID)
		}
		return out
	}
	idsB := ids()
	if _, err := postgis.Rollback(ctx, url, ra.Version, postgis.ImportOptions{}); err != nil {
		t.Fatalf("rollback to %d: %v", ra.Version, err)
	}
	if count() != 302 {
		t.Fatalf("after rollback to the version of list a: %d enterprises, want 302", count())
	}
	mem := memWithList(t, ds, a)
	want, _ := mem.Items(ctx, geo.CollEnterprises, geo.Filter{Limit: 1000})
	got, _ := pg.Items(ctx, geo.CollEnterprises, geo.Filter{Limit: 1000})
	if msg := diffFeatures(got.Features, want.Features, true); msg != "" {
		t.Errorf("list a restored by rollback differs from list a: %s", msg)
	}
	if _, err := postgis.Rollback(ctx, url, rb.Version, postgis.ImportOptions{}); err != nil {
		t.Fatalf("rollback to %d: %v", rb.Version, err)
	}
	if !slices.Equal(ids(), idsB) {
		t.Errorf("rollback to list b's version did not bring list b back")
	}
	if _, err := postgis.Rollback(ctx, url, v0, postgis.ImportOptions{}); err != nil {
		t.Fatalf("rollback to %d: %v", v0, err)
	}
	if n := count(); n != 0 {
		t.Errorf("rollback to the version before any list: %d enterprises, want none", n)
	}
	tile, err := pg.EnterpriseTile(ctx, geo.TileQuery{Z: 0})
	if err != nil || tile.Matched != 0 || len(tile.Cells)+len(tile.Points) != 0 {
		t.Errorf("tile 0/0/0 after rolling back to no list: %+v %v", tile, err)
	}
	cs, _ := pg.Collections(ctx)
	if slices.ContainsFunc(cs, func(c geo.Collection) bool { return c.ID == geo.CollEnterprises }) {
		t.Errorf("an empty list is still listed as a collection")
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var lists int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM layoutmap.enterprise_lists`).Scan(&lists); err != nil || lists != 2 {
		t.Errorf("%d list snapshots kept (%v), want 2", lists, err)
	}
}

// TestEnterpriseCellsFollowTheList: the stored cells and statistics
// (migration 0007: unfiltered, and per chain) are rewritten by every
// import and by a rollback that restores a list, and equal the embedded
// store's answers for the list in force, never those of an earlier one.
// The big list has 3,200 firms around 郑州 that all hold chain a (half of
// them also b), so the tiles over them are stored cells without a filter
// and with chain=a, and cut from the rows with chain=b.
func TestEnterpriseCellsFollowTheList(t *testing.T) {
	url, pg, ds := bundled(t)
	ctx := t.Context()
	v0, _ := pg.Version(ctx)
	chainA, chainB := ds.Taxonomy.Chains[0].ID, ds.Taxonomy.Chains[1].ID
	var b strings.Builder
	b.WriteString("name,lon,lat,chains,classes,source\n")
	for i := range geo.EnterpriseTilePoints + 200 {
		chains, class := chainA, "srdi"
		if i%2 == 1 {
			chains, class = chainA+";"+chainB, ""
		}
		fmt.Fprintf(&b, "测试企业%d,%.5f,%.5f,%s,%s,test\n", i, 113.6+float64(i%60)*0.001, 34.7+float64(i/60)*0.001, chains, class)
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(big, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	small := enterpriseList(t, ds, 100, 6)
	filters := []geo.Filter{{}, {Chain: []string{chainA}}, {Chain: []string{chainB}}}
	check := func(step, list string) (stored int) {
		t.Helper()
		var mem *memstore.Store
		if list != "" {
			mem = memWithList(t, ds, list)
		}
		for _, f := range filters {
			for z := uint32(0); z <= 12; z++ {
				x, y := geo.TileXY(orb.Point{113.63, 34.72}, z)
				q := geo.TileQuery{Z: z, X: x, Y: y, Filter: f}
				got, err := pg.EnterpriseTile(ctx, q)
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				want := geo.EnterpriseTile{}
				if mem != nil {
					if want, err = mem.EnterpriseTile(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				if msg := diffEnterpriseTile(got, want); msg != "" {
					t.Errorf("%s: tile %d/%d/%d?%s: %s", step, z, x, y, f.Encode().Encode(), msg)
				}
				stored += len(got.Cells)
			}
			got, err := pg.EnterpriseStats(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want := geo.NewEnterpriseStats()
			if mem != nil {
				want, _ = mem.EnterpriseStats(ctx, f)
			}
			if a, b := mustJSON(got.Total), mustJSON(want.Total); a != b || mustJSON(got.ByZone) != mustJSON(want.ByZone) || mustJSON(got.ByChain) != mustJSON(want.ByChain) || mustJSON(got.ByClass) != mustJSON(want.ByClass) {
				t.Errorf("%s: statistics ?%s: %d firms %v, memstore %d %v", step, f.Encode().Encode(), got.Total, got.ByChain, want.Total, want.ByChain)
			}
		}
		return stored
	}
	ra, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: big})
	if err != nil {
		t.Fatal(err)
	}
	if check("import of the big list", big) == 0 {
		t.Fatal("no tile of the big list has cells: the test would prove nothing")
	}
	// A list imported before migration 0007 (no stored statistics nor
	// cells): the point zoom is counted from the rows, the same.
	legacyPointZoom(t, url, memWithList(t, ds, big))
	if _, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: small}); err != nil {
		t.Fatal(err)
	}
	check("import of the small list", small)
	if _, err := postgis.Rollback(ctx, url, ra.Version, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check("rollback to the big list", big)
	if _, err := postgis.Rollback(ctx, url, v0, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check("rollback to no list", "")
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM layoutmap.enterprise_cells`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d cells stored with no list (%v)", n, err)
	}
}

// TestZoneImportWarnsOfEnterpriseLinks: a zone import does not re-link the
// stored enterprise list (docs/enterprises.md), so its report says how
// many enterprises are linked to zones it removes or whose outline quality
// (or shape) it changes, and tells the planner to import the list again —
// in a dry run too; the info then names the version the links were
// resolved against. A revenue-only import says nothing.
func TestZoneImportWarnsOfEnterpriseLinks(t *testing.T) {
	url, pg, ds := bundled(t)
	ctx := t.Context()
	rep, err := importer.Run(ctx, url, importer.Options{EnterprisesFile: enterpriseList(t, ds, 2000, 4)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := pg.EnterpriseStats(ctx, geo.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// The two zones holding most enterprises: remove one, make the
	// other's outline approximate (the link carries its quality).
	var top []string
	for id := range st.ByZone {
		top = append(top, id)
	}
	slices.SortFunc(top, func(a, b string) int { return cmp.Or(st.ByZone[b]-st.ByZone[a], strings.Compare(a, b)) })
	removed, changed := top[0], top[1]
	edit := func(cur *data.Dataset) (*data.Dataset, error) {
		next := *cur
		next.Zones = nil
		for _, z := range cur.Zones {
			switch z.ID {
			case removed:
				continue
			case changed:
				if z.GeomQuality == geo.GeomApproximate {
					z.GeomQuality = geo.GeomOfficial
				} else {
					z.GeomQuality = geo.GeomApproximate
				}
			}
			next.Zones = append(next.Zones, z)
		}
		return &next, nil
	}
	for _, dry := range []bool{true, false} {
		zr, err := postgis.ImportDataset(ctx, url, edit, postgis.ImportOptions{DryRun: dry})
		if err != nil {
			t.Fatalf("zone import (dry run %v): %v", dry, err)
		}
		l := zr.EnterpriseLinks
		if l == nil || l.ListVersion != rep.Version || l.Count != 2002 || l.ToRemovedZones != st.ByZone[removed] || l.ToChangedZones != st.ByZone[changed] ||
			!strings.Contains(l.Message, "Import the enterprise list again") || !strings.Contains(l.MessageZH, "请重新导入企业名录") ||
			!strings.Contains(l.Message, fmt.Sprintf("%d are linked to zones this import removes", st.ByZone[removed])) {
			t.Errorf("zone import (dry run %v): links %+v; want %d to %s removed, %d to %s changed, list version %d", dry, l, st.ByZone[removed], removed, st.ByZone[changed], changed, rep.Version)
		}
	}
	inf, err := pg.EnterpriseInfo(ctx)
	if v, _ := pg.Version(ctx); err != nil || inf.LinksVersion != rep.Version || v <= rep.Version {
		t.Errorf("after the zone import: links resolved against %d (list import %d), dataset version %d (%v)", inf.LinksVersion, rep.Version, v, err)
	}
	// Revenue only: no zone an enterprise is linked by changes.
	zr, err := postgis.ImportDataset(ctx, url, func(cur *data.Dataset) (*data.Dataset, error) {
		next := *cur
		next.Zones = slices.Clone(cur.Zones)
		next.Zones[0].Revenue = append(slices.Clone(next.Zones[0].Revenue), geo.Revenue{ZoneID: next.Zones[0].ID, Year: 2001, RevenueYi: 1, Measure: "营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "test figure"})
		return &next, nil
	}, postgis.ImportOptions{DryRun: true})
	if err != nil || zr.EnterpriseLinks != nil || len(zr.Diff.FiguresAdded) != 1 {
		t.Errorf("revenue-only import: links %+v, diff %+v, %v", zr.EnterpriseLinks, zr.Diff, err)
	}
}

// legacyPointZoom clears the stored cells and statistics of the list in
// force (as a list imported before migration 0007 has none) and requires a
// fresh store to count the point zoom from the rows as mem does; it puts
// nothing back (the next import rewrites both).
func legacyPointZoom(t *testing.T, url string, mem *memstore.Store) {
	t.Helper()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `UPDATE layoutmap.enterprise_meta SET stats = NULL; DELETE FROM layoutmap.enterprise_cells`); err != nil {
		t.Fatal(err)
	}
	fresh, err := postgis.Open(ctx, postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	got, err := fresh.EnterpriseInfo(ctx)
	want, _ := mem.EnterpriseInfo(ctx)
	if err != nil || got.PointZoom != want.PointZoom || want.PointZoom == 0 {
		t.Errorf("point zoom of a list without stored cells: %d (%v), memstore %d", got.PointZoom, err, want.PointZoom)
	}
}
