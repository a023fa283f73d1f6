package tiles_test

import (
	"testing"

	"layoutmap/data/postgis/pgtest"
)

// TestMain stops the shared pgtest cluster of the PostGIS tests
// (postgis_diff_test.go: TestPostGISMatchesEmbedded holds the PostGIS
// store's own ST_AsMVT tiles to the embedded store's).
func TestMain(m *testing.M) { pgtest.Main(m) }
