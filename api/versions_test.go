package api

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// The embedded store keeps no history; the route says so and takes no
// parameters. (The PostGIS history: cmd/layoutmap TestCheckImportRollback.)
func TestVersionsEmbedded(t *testing.T) {
	app := newApp(t, Config{Extra: []func(*fiber.App){VersionRoutes(testStoreFor(t))}})
	r := get(t, app, "/api/v1/versions")
	if r.status != 200 || r.ctype() != ContentTypeJSON || !strings.Contains(string(r.body), `"history":false`) || !strings.Contains(string(r.body), `"versions":[]`) {
		t.Fatalf("%d %s %s", r.status, r.ctype(), r.body)
	}
	if r := get(t, app, "/api/v1/versions?x=1"); r.status != 400 {
		t.Fatalf("unknown parameter: %d", r.status)
	}
}
