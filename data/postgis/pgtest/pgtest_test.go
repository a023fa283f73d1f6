package pgtest

import (
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewDBHasPostGIS(t *testing.T) {
	url := NewDB(t)
	if !strings.HasPrefix(url, "postgres://postgres@127.0.0.1:") {
		t.Fatalf("url = %q, want a loopback URL", url)
	}
	c, _ := Shared()
	name := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]
	if err := c.Exec(t.Context(), name, "SELECT ST_AsText(ST_Point(113.6, 34.7))"); err != nil {
		t.Fatalf("postgis query: %v", err)
	}
	if err := c.Exec(t.Context(), name, "SELECT no_such_function()"); err == nil {
		t.Fatalf("a bad query succeeded: Exec does not report errors")
	}
}
