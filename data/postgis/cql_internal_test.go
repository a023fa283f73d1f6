package postgis

import (
	"testing"

	"layoutmap/geo"
)

// TestQueryableSQLCoversQueryables: every queryable and every tile field of
// geo.Schemas has its SQL (geo.Field.SQL), which this store evaluates.
func TestQueryableSQLCoversQueryables(t *testing.T) {
	for coll, cs := range geo.Schemas {
		for _, f := range cs.Fields {
			if (f.Queryable || f.On&geo.OnTile != 0) && f.SQL == "" {
				t.Errorf("%s.%s: queryable or in tiles, but no SQL", coll, f.Name)
			}
		}
	}
}
