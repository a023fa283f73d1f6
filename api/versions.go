package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
)

// VersionRoutes returns the route hook (for Config.Extra) serving
// GET /api/v1/versions: the dataset history a store keeps (PostGIS: every
// import and rollback, newest first, see data.Version), read-only. The
// embedded store has no history and answers an empty list.
func VersionRoutes(store data.Store) func(app *fiber.App) {
	return func(app *fiber.App) {
		app.Group(Prefix).Get("/versions", func(c *fiber.Ctx) error {
			q, err := queryValues(c)
			if err != nil {
				return err
			}
			if err := onlyParams(q); err != nil {
				return err
			}
			ctx := c.UserContext()
			cur, err := store.Version(ctx)
			if err != nil {
				return fmt.Errorf("api: versions: %w", err)
			}
			body := fiber.Map{"current": cur, "history": false, "versions": []data.Version{},
				"links": []Link{{Href: base(c) + "/versions", Rel: "self", Type: ContentTypeJSON}}}
			if l, ok := store.(data.VersionLister); ok {
				vs, err := l.Versions(ctx)
				if err != nil {
					return fmt.Errorf("api: versions: %w", err)
				}
				body["history"], body["versions"] = true, vs
			} else {
				body["note"] = "the embedded dataset has no import history; the PostGIS store keeps one (layoutmap versions)"
			}
			c.Set(fiber.HeaderCacheControl, "no-cache")
			return c.JSON(body)
		})
	}
}
