package postgis_test

import (
	"os"
	"testing"

	"layoutmap/data/postgis/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}
