package postgis

import (
	"slices"
	"testing"

	"layoutmap/geo"
)

// TestQueryableSQLCoversQueryables: every queryable of geo.Schemas has its
// SQL here, and nothing else does.
func TestQueryableSQLCoversQueryables(t *testing.T) {
	for coll, cs := range geo.Schemas {
		var want []string
		for _, f := range cs.Fields {
			if f.Queryable {
				want = append(want, f.Name)
			}
		}
		var got []string
		for k := range queryableSQL[coll] {
			got = append(got, k)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: queryableSQL %v, queryables %v", coll, got, want)
		}
	}
}
