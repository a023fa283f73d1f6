package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"layoutmap/data/postgis/pgtest"
)

func TestMigrateAndImportCommands(t *testing.T) {
	_, _, url := ownDatabase(t)
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	var out, errb bytes.Buffer
	if err := run(t.Context(), []string{"migrate"}, env, &out, &errb); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errb.String())
	}
	if err := run(t.Context(), []string{"migrate"}, env, &out, &errb); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second migrate: %v, output %q", err, out.String())
	}
	out.Reset()
	args := []string{"import", "--admin", "../../data/importer/testdata/admin.geojson", "--zones", "../../data/importer/testdata/zones.geojson",
		"--revenue", "../../data/importer/testdata/revenue_template.csv"}
	if err := run(t.Context(), args, env, &out, &errb); err != nil || !strings.Contains(out.String(), "imported dataset version 1") {
		t.Fatalf("import: %v, output %q %q", err, out.String(), errb.String())
	}
	errb.Reset()
	err := run(t.Context(), []string{"import", "--revenue", "../../data/importer/testdata/revenue_bad_row.csv"}, env, &out, &errb)
	if err == nil || !strings.Contains(errb.String(), "revenue_bad_row.csv row 3") {
		t.Fatalf("bad import: %v, stderr %q", err, errb.String())
	}
	if err := run(t.Context(), []string{"import", "--crs", "mercator"}, env, &out, &errb); err == nil {
		t.Fatal("--crs mercator accepted")
	}
	if err := run(t.Context(), []string{"migrate"}, func(string) string { return "" }, &out, &errb); err == nil {
		t.Fatal("migrate without a URL succeeded")
	}
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// bundledDatabase returns the shared cluster and a fresh database holding
// the bundled dataset as `layoutmap import` writes it (dataset version 1):
// a copy of a template imported once per test run, since the import takes
// seconds and a copy a fraction of one.
func bundledDatabase(t *testing.T) (*pgtest.Cluster, string) {
	t.Helper()
	url := pgtest.NewDBFrom(t, "bundled", func(ctx context.Context, url string) error {
		return run(ctx, []string{"import", "--database-url", url}, func(string) string { return "" }, io.Discard, io.Discard)
	})
	c, err := pgtest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	return c, url
}

// ownDatabase starts a cluster of its own, stopped at the end of the test,
// and returns it with a fresh database, for tests that stop, freeze or
// replicate the whole cluster.
func ownDatabase(t *testing.T) (c *pgtest.Cluster, name, url string) {
	t.Helper()
	c, err := pgtest.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	name, url, err = c.NewDatabase(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c, name, url
}
