package postgis_test

import (
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
)

func TestMigrateTwiceIsNoOp(t *testing.T) {
	ctx := t.Context()
	url := pgtest.NewDB(t)
	ms, err := postgis.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	first, err := postgis.Migrate(ctx, url)
	if err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if len(first) != len(ms) || first[0] != 1 {
		t.Fatalf("first migrate applied %v, want 1..%d", first, len(ms))
	}
	second, err := postgis.Migrate(ctx, url)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if len(second) != 0 {
		t.Fatalf("second migrate applied %v, want nothing", second)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'layoutmap' ORDER BY 1`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"admin_areas", "clusters", "cluster_cities", "cluster_keywords", "dataset_meta", "planning_region_members", "planning_regions", "schema_migrations", "zone_chains", "zone_clusters", "zone_headline", "zone_revenue", "zones"} {
		if !slices.Contains(tables, want) {
			t.Errorf("table %s missing; have %v", want, tables)
		}
	}
}

// TestSchemaRejectsImpossibleData checks the constraints that keep a bad
// import from committing.
func TestSchemaRejectsImpossibleData(t *testing.T) {
	ctx := t.Context()
	url := pgtest.NewDB(t)
	if _, err := postgis.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	const sq = `ST_Multi(ST_MakeEnvelope(113, 34, 114, 35, 4326))`
	if _, err := conn.Exec(ctx, `INSERT INTO layoutmap.admin_areas (code, name, level, label_point, geom, source) VALUES ('410000', '河南省', 'province', ST_Point(113.5, 34.5, 4326), `+sq+`, 's')`); err != nil {
		t.Fatalf("valid province rejected: %v", err)
	}
	cases := []struct{ name, sql string }{
		{"bad level", `INSERT INTO layoutmap.admin_areas (code, name, level, parent_code, label_point, geom, source) VALUES ('410100', 'x', 'town', '410000', ST_Point(113.5, 34.5, 4326), ` + sq + `, 's')`},
		{"bad code", `INSERT INTO layoutmap.admin_areas (code, name, level, parent_code, label_point, geom, source) VALUES ('41x100', 'x', 'city', '410000', ST_Point(113.5, 34.5, 4326), ` + sq + `, 's')`},
		{"self-intersecting", `INSERT INTO layoutmap.admin_areas (code, name, level, parent_code, label_point, geom, source) VALUES ('410100', 'x', 'city', '410000', ST_Point(113.5, 34.5, 4326), ST_Multi('SRID=4326;POLYGON((0 0,1 1,1 0,0 1,0 0))'::geometry), 's')`},
		{"unknown parent", `BEGIN; INSERT INTO layoutmap.admin_areas (code, name, level, parent_code, label_point, geom, source) VALUES ('410100', 'x', 'city', '990000', ST_Point(113.5, 34.5, 4326), ` + sq + `, 's'); COMMIT`},
		{"no source", `INSERT INTO layoutmap.clusters (id, name, kind, source, ord) VALUES ('c', 'x', 'cluster', NULL, 0)`},
		{"bad kind", `INSERT INTO layoutmap.clusters (id, name, kind, source, ord) VALUES ('c', 'x', 'club', 's', 0)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := conn.Exec(ctx, c.sql); err == nil {
				t.Fatalf("accepted: %s", c.sql)
			}
			conn.Exec(ctx, `ROLLBACK`)
		})
	}
}
