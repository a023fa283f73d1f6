package postgis_test

import (
	"testing"

	"layoutmap/data/postgis/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
