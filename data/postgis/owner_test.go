package postgis_test

import (
	"strings"
	"testing"

	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
)

// TestOwnerRoleGrants: the owner grants of docs/postgis.md (CREATE,
// CONNECT, TEMPORARY) are enough to migrate and import where PUBLIC has
// lost its default privileges on the database, as hardened installations
// do. Without TEMPORARY the import's staging tables fail (issue 12, case 10).
func TestOwnerRoleGrants(t *testing.T) {
	url := pgtest.NewDB(t)
	c, err := pgtest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	db := url[strings.LastIndex(url, "/")+1:]
	db, _, _ = strings.Cut(db, "?")
	for _, tc := range []struct {
		grants string
		ok     bool
	}{
		{"CREATE, CONNECT", false},
		{"CREATE, CONNECT, TEMPORARY", true}, // docs/postgis.md
	} {
		role := db + "_owner" + map[bool]string{false: "_short", true: ""}[tc.ok]
		if err := c.Exec(t.Context(), db, "REVOKE ALL ON DATABASE "+db+" FROM PUBLIC; CREATE ROLE "+role+" LOGIN; GRANT "+tc.grants+" ON DATABASE "+db+" TO "+role); err != nil {
			t.Fatal(err)
		}
		owner := strings.Replace(url, "postgres://postgres@", "postgres://"+role+"@", 1)
		if tc.ok {
			if _, err := postgis.Migrate(t.Context(), owner); err != nil {
				t.Fatalf("migrate with %s: %v", tc.grants, err)
			}
		} else if _, err := postgis.Migrate(t.Context(), url); err != nil { // as superuser, then hand over
			t.Fatal(err)
		} else if err := c.Exec(t.Context(), db, "ALTER SCHEMA "+postgis.Schema+" OWNER TO "+role+"; GRANT ALL ON ALL TABLES IN SCHEMA "+postgis.Schema+" TO "+role+"; GRANT ALL ON ALL SEQUENCES IN SCHEMA "+postgis.Schema+" TO "+role); err != nil {
			t.Fatal(err)
		}
		_, err := postgis.ImportDataset(t.Context(), owner, replaceWith(smallDataset()), postgis.ImportOptions{})
		if tc.ok && err != nil {
			t.Errorf("import with the documented grants %s: %v", tc.grants, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "temporary")) {
			t.Errorf("import without TEMPORARY: %v, want a permission error for temporary tables", err)
		}
		if tc.ok {
			break
		}
		// Start the documented case from a fresh database.
		url = pgtest.NewDB(t)
		db = url[strings.LastIndex(url, "/")+1:]
		db, _, _ = strings.Cut(db, "?")
	}
}
