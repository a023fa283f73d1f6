package api

import (
	"fmt"
	"layoutmap/geo"

	"github.com/gofiber/fiber/v2"
)

// clusters serves the 7 clusters of "7+28+N", the recognised local
// clusters (planned scale class, not revenue) and the keyword table that
// derives zone→cluster links.
func (s *server) clusters(c *fiber.Ctx) error {
	t, err := s.taxonomy(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"clusters":   t.Clusters,
		"recognised": t.Recognised,
		"keywords":   t.Keywords,
		"links":      []Link{{Href: base(c) + "/clusters", Rel: "self", Type: ContentTypeJSON}},
	})
}

// chains serves the key industrial chains.
func (s *server) chains(c *fiber.Ctx) error {
	t, err := s.taxonomy(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"chains": t.Chains,
		"links":  []Link{{Href: base(c) + "/chains", Rel: "self", Type: ContentTypeJSON}},
	})
}

// regions serves the planning regions of 中心引领、两带支撑、四区协同 without
// geometry; their outlines are the regions collection.
func (s *server) regions(c *fiber.Ctx) error {
	if err := s.noParams(c); err != nil {
		return err
	}
	rs, err := s.cfg.Store.Regions(c.UserContext())
	if err != nil {
		return fmt.Errorf("api: regions: %w", err)
	}
	b := base(c)
	return c.JSON(fiber.Map{
		"regions": rs,
		"links": []Link{
			{Href: b + "/regions", Rel: "self", Type: ContentTypeJSON},
			{Href: b + "/collections/regions/items", Rel: "items", Type: ContentTypeGeoJSON, Title: "region outlines"},
		},
	})
}

// taxonomy is the store's taxonomy for a route that takes no parameters.
func (s *server) taxonomy(c *fiber.Ctx) (geo.Taxonomy, error) {
	if err := s.noParams(c); err != nil {
		return geo.Taxonomy{}, err
	}
	t, err := s.cfg.Store.Taxonomy(c.UserContext())
	if err != nil {
		return geo.Taxonomy{}, fmt.Errorf("api: taxonomy: %w", err)
	}
	return t, nil
}
