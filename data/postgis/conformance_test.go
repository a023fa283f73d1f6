package postgis_test

import (
	"testing"

	"layoutmap/data/storetest"
)

// TestConformance runs the suite every store must pass on PostGIS.
func TestConformance(t *testing.T) {
	_, s, _ := bundled(t)
	storetest.Run(t, s)
}
