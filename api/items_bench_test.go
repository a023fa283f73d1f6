package api

import (
	"testing"

	"github.com/gofiber/fiber/v2"
)

// BenchmarkItemsPages is a whole items request through the app on the
// embedded store (filter, page, GeoJSON encoding, compression off): the
// pages issue 17 compares with pg_featureserv.
func BenchmarkItemsPages(b *testing.B) {
	app := newApp(b, Config{})
	benchPages(b, app, []struct{ name, path string }{
		{"zones_limit100", "/api/v1/collections/zones/items?limit=100"},
		{"zones_limit1000", "/api/v1/collections/zones/items?limit=1000"},
		// scripts/bench-peers.sh's bbox near Zhengzhou.
		{"zones_bbox", "/api/v1/collections/zones/items?limit=100&bbox=113.5,34.6,113.9,34.9"},
		{"counties_limit200", "/api/v1/collections/counties/items?limit=200"},
	})
}

// BenchmarkEnterpriseItemsPages is a whole enterprise items request through
// the app on the embedded store with 6,000 synthetic firms (entStore), the
// same pages again and again: issue 15's "properties encoded once" (the
// store keeps each firm's properties JSON, data.PropertiesMemo).
func BenchmarkEnterpriseItemsPages(b *testing.B) {
	s, err := entStore()
	if err != nil {
		b.Fatal(err)
	}
	app := newApp(b, Config{Store: s, Extra: []func(*fiber.App){EnterpriseRoutes(s)}})
	benchPages(b, app, []struct{ name, path string }{
		{"limit100", "/api/v1/collections/enterprises/items?limit=100"},
		{"limit1000", "/api/v1/collections/enterprises/items?limit=1000"},
		{"bbox_chain", "/api/v1/collections/enterprises/items?limit=100&bbox=113.3,34.5,114.0,35.0&chain=nev_chain"},
	})
}

// benchPages runs one sub-benchmark per page: whole requests through app,
// bytes per op the body's length.
func benchPages(b *testing.B, app *fiber.App, pages []struct{ name, path string }) {
	for _, c := range pages {
		b.Run(c.name, func(b *testing.B) {
			var n int
			b.ReportAllocs()
			for b.Loop() {
				r := get(b, app, c.path)
				if r.status != 200 {
					b.Fatalf("status %d", r.status)
				}
				n = len(r.body)
			}
			b.SetBytes(int64(n))
		})
	}
}
