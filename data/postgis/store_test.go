package postgis_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/geo"
)

// loaded returns the URL of a fresh migrated database holding ds, and a store on it.
func loaded(t *testing.T, ds *data.Dataset) (string, *postgis.Store) {
	t.Helper()
	url, s, _ := load(t, ds)
	return url, s
}

// load migrates a fresh database, imports ds and opens a store on it
// (closed when the test ends); it also returns the import report.
func load(t testing.TB, ds *data.Dataset) (string, *postgis.Store, postgis.ImportReport) {
	t.Helper()
	ctx := t.Context()
	url := pgtest.NewDB(t)
	if _, err := postgis.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	rep, err := postgis.ImportDataset(ctx, url, replaceWith(ds), postgis.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	s, err := postgis.Open(ctx, postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return url, s, rep
}

func ids(p geo.Page) []string {
	var out []string
	for _, f := range p.Features {
		out = append(out, f.ID)
	}
	return out
}

func TestStoreItems(t *testing.T) {
	_, s := loaded(t, smallDataset())
	checkItems(t, s)
}

// TestReadOnlyRole runs the store through a role holding only the grants
// docs/postgis.md lists for serving, and checks the role cannot write.
func TestReadOnlyRole(t *testing.T) {
	url, _ := loaded(t, smallDataset())
	reader := pgtest.ReaderURL(t, url, postgis.Schema)
	s, err := postgis.Open(t.Context(), postgis.Config{URL: reader})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("ping as reader: %v", err)
	}
	checkItems(t, s)
	conn, err := pgx.Connect(t.Context(), reader)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	for _, q := range []string{
		`UPDATE layoutmap.dataset_meta SET version = 99`,
		`DELETE FROM layoutmap.zones`,
		`CREATE TABLE layoutmap.x (i int)`,
	} {
		if _, err := conn.Exec(t.Context(), q); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as reader: err = %v, want permission denied", q, err)
		}
	}
	if _, err := postgis.ImportDataset(t.Context(), reader, replaceWith(smallDataset()), postgis.ImportOptions{}); err == nil {
		t.Error("import through the read-only role succeeded")
	}
}

func checkItems(t *testing.T, s *postgis.Store) {
	t.Helper()
	ctx := t.Context()
	f := func(mod func(*geo.Filter)) geo.Filter {
		x := geo.Filter{Limit: geo.DefaultLimit}
		if mod != nil {
			mod(&x)
		}
		return x
	}
	five := 5000.0
	cases := []struct {
		name    string
		coll    string
		filter  geo.Filter
		want    []string
		matched int
	}{
		{"cities by code", geo.CollCities, f(nil), []string{"410100", "410500"}, 2},
		{"counties of 郑州", geo.CollCounties, f(func(f *geo.Filter) { f.City = []string{"410100"} }), []string{"410102"}, 1},
		{"zones by name", geo.CollZones, f(nil), []string{"z2", "z1"}, 2},
		{"zones by id desc", geo.CollZones, f(func(f *geo.Filter) { f.SortBy = "-id" }), []string{"z2", "z1"}, 2},
		{"min revenue 2023", geo.CollZones, f(func(f *geo.Filter) { f.Year = 2023; f.MinRevenue = &five }), []string{"z1"}, 1},
		{"max revenue: lower bound never meets it", geo.CollZones, f(func(f *geo.Filter) { f.MaxRevenue = &five }), nil, 0},
		{"tier 5000", geo.CollZones, f(func(f *geo.Filter) { f.Tier = []string{"t5000"} }), []string{"z1"}, 1},
		{"tier no data", geo.CollZones, f(func(f *geo.Filter) { f.Tier = []string{geo.TierNoData} }), []string{"z2"}, 1},
		{"cluster", geo.CollZones, f(func(f *geo.Filter) { f.Cluster = []string{"c_equip"} }), []string{"z1"}, 1},
		{"region", geo.CollZones, f(func(f *geo.Filter) { f.Region = []string{"r_north"} }), []string{"z2"}, 1},
		{"bbox", geo.CollZones, f(func(f *geo.Filter) { f.BBox = &orb.Bound{Min: orb.Point{113.7, 34.7}, Max: orb.Point{113.8, 34.8}} }), []string{"z1"}, 1},
		{"paging keeps numberMatched", geo.CollZones, f(func(f *geo.Filter) { f.Limit = 1; f.Offset = 1 }), []string{"z1"}, 2},
		{"past the end", geo.CollZones, f(func(f *geo.Filter) { f.Offset = 5 }), nil, 2},
		{"revenue sort, unknown last", geo.CollZones, f(func(f *geo.Filter) { f.SortBy = "-revenue" }), []string{"z1", "z2"}, 2},
		{"regions", geo.CollRegions, f(nil), []string{"r_north"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := s.Items(ctx, c.coll, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); !slices.Equal(got, c.want) || p.NumberMatched != c.matched {
				t.Fatalf("got %v (matched %d), want %v (matched %d)", got, p.NumberMatched, c.want, c.matched)
			}
		})
	}
	z, err := s.Item(ctx, geo.CollZones, "z1")
	if err != nil {
		t.Fatal(err)
	}
	if z.Properties["tier"] != "t5000" || z.Geometry.(orb.MultiPolygon)[0][0][0] != (orb.Point{113.72, 34.70}) {
		t.Fatalf("z1 = %v %v", z.Properties, z.Geometry)
	}
	if _, err := s.Item(ctx, geo.CollZones, "nope"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("unknown item: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Item(ctx, geo.CollCities, "410102"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("county as city: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Items(ctx, "users; DROP TABLE x", f(nil)); !errors.Is(err, data.ErrUnknownCollection) {
		t.Fatalf("unknown collection: err = %v", err)
	}
	if v, err := s.Version(ctx); err != nil || v != 1 {
		t.Fatalf("version = %d, %v; want 1", v, err)
	}
	tile, err := s.MVT(ctx, geo.TileQuery{Z: 9, X: 417, Y: 204})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(tile)
	if err != nil {
		t.Fatal(err)
	}
	// ST_AsMVT leaves empty layers out: the layers present are a
	// subsequence of the catalogue's, the province among them.
	var layers []string
	for _, l := range ls {
		layers = append(layers, l.Name)
	}
	rest := geo.LayersAt(9)
	for _, name := range layers {
		i := slices.Index(rest, name)
		if i < 0 {
			t.Fatalf("tile layers %v: not in the order of %v", layers, geo.LayersAt(9))
		}
		rest = rest[i+1:]
	}
	if !slices.Contains(layers, geo.LayerProvince) {
		t.Fatalf("tile layers %v, want the province among them", layers)
	}
}

// TestHostileFilters sends injection-shaped and absurd values through every
// filter: each comes back as data (no match) or a FieldError, never a
// database error, and the tables are unchanged.
func TestHostileFilters(t *testing.T) {
	url, s := loaded(t, smallDataset())
	ctx := t.Context()
	before := tableCounts(t, url)
	hostile := []string{`'`, `"; DROP TABLE layoutmap.zones; --`, `' OR '1'='1`, `%`, `_%`, `\`, `--`, "NaN", "1e308", string(make([]byte, 5000)), strings.Repeat("长", 5000), "\xff\xfe", "a\x00b"}
	huge := 1e308
	for _, h := range hostile {
		for _, mod := range []func(*geo.Filter){
			func(f *geo.Filter) { f.City = []string{h} },
			func(f *geo.Filter) { f.Cluster = []string{h} },
			func(f *geo.Filter) { f.Chain = []string{h} },
			func(f *geo.Filter) { f.Region = []string{h} },
			func(f *geo.Filter) { f.Tier = []string{h} },
			func(f *geo.Filter) { f.SortBy = h },
			func(f *geo.Filter) { f.MinRevenue = &huge },
		} {
			f := geo.Filter{Limit: 10}
			mod(&f)
			p, err := s.Items(ctx, geo.CollZones, f)
			if _, isField := geo.AsFieldErrors(err); err != nil && !isField {
				t.Fatalf("%.40q: err = %v, want data or FieldErrors", h, err)
			}
			if err == nil && f.MinRevenue == nil && f.SortBy == "" {
				t.Fatalf("%.40q matched %v: unknown ids must be field errors", h, ids(p))
			}
			if _, err := s.Item(ctx, geo.CollZones, h); !errors.Is(err, data.ErrNotFound) {
				t.Fatalf("Item(%.40q): err = %v, want ErrNotFound", h, err)
			}
			for _, coll := range []string{geo.CollCities, geo.CollCounties, geo.CollRegions} {
				if _, err := s.Items(ctx, coll, f); err != nil {
					if _, isField := geo.AsFieldErrors(err); !isField {
						t.Fatalf("%s %.40q: err = %v, want data or FieldErrors", coll, h, err)
					}
				}
			}
			if _, err := s.Zones(ctx, f); err != nil {
				if _, isField := geo.AsFieldErrors(err); !isField {
					t.Fatalf("Zones %.40q: err = %v", h, err)
				}
			}
			if _, err := s.MVT(ctx, geo.TileQuery{Z: 9, X: 417, Y: 204, Filter: f}); err != nil {
				if _, isField := geo.AsFieldErrors(err); !isField {
					t.Fatalf("MVT %.40q: err = %v", h, err)
				}
			}
		}
	}
	if after := tableCounts(t, url); !maps.Equal(after, before) {
		t.Fatalf("tables changed: %v, before %v", after, before)
	}
}

// tableCounts counts the rows of every layoutmap table.
func tableCounts(t *testing.T, url string) map[string]int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, _ := conn.Query(t.Context(), `SELECT table_name FROM information_schema.tables WHERE table_schema = 'layoutmap'`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, n := range names {
		var c int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM layoutmap.`+pgx.Identifier{n}.Sanitize()).Scan(&c); err != nil {
			t.Fatal(err)
		}
		out[n] = c
	}
	if len(out) < 10 {
		t.Fatalf("only %d tables: %v", len(out), out)
	}
	return out
}

// TestOpenWithoutDatabase: the pool is lazy, so a server can start while
// the database is down; Ping reports it.
func TestOpenWithoutDatabase(t *testing.T) {
	s, err := postgis.Open(t.Context(), postgis.Config{URL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"})
	if err != nil {
		t.Fatalf("Open must not connect: %v", err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded without a database")
	}
}

// TestRecoversWhenDatabaseArrives: a store opened before its database
// exists reports not ready, then answers once the database is there,
// without reopening.
func TestRecoversWhenDatabaseArrives(t *testing.T) {
	url := pgtest.NewDB(t)
	s, err := postgis.Open(t.Context(), postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(t.Context()); err == nil {
		t.Fatal("Ping succeeded before the schema exists")
	}
	if _, err := postgis.Migrate(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	// The failed Ping opened the circuit breaker: calls fail fast with
	// data.ErrUnavailable until its probe (at most a second apart) sees the
	// schema.
	if err := s.Ping(t.Context()); !errors.Is(err, data.ErrUnavailable) {
		t.Fatalf("Ping right after a failure: %v, want data.ErrUnavailable", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for err := s.Ping(t.Context()); err != nil; err = s.Ping(t.Context()) {
		if time.Now().After(deadline) {
			t.Fatalf("Ping 3 s after migrate: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if h := s.Health(); !h.Available || h.Outages != 1 || h.ConnectAttempts == 0 {
		t.Errorf("health after recovery %+v, want available after one outage", h)
	}
	if _, err := postgis.ImportDataset(t.Context(), url, replaceWith(smallDataset()), postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Version(t.Context()); err != nil || v != 1 {
		t.Fatalf("version %d, %v after import; want 1", v, err)
	}
}
