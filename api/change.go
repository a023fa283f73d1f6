package api

import (
	"github.com/gofiber/fiber/v2"

	"layoutmap/api/apidoc"
)

// GET /api/v1/stats/change: how each selected zone's figure moved from the
// year `from` to the filter's `year`, under geo.ZoneChange (the one change
// rule: same measure family, bounds that fix a change, classes). It takes
// the filter contract of items and statistics plus `from`, so the zones
// are exactly those the list, tiles and the other statistics show for the
// same parameters (their figures those of `year`). Both years are
// required and from < year.

func (h *statsHandler) change(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	f, from, err := apidoc.ParseChange(q)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	zs, err := h.store.Zones(ctx, f)
	if err != nil {
		return err
	}
	v, err := h.store.Version(ctx)
	if err != nil {
		return err
	}
	return c.JSON(apidoc.ChangeOf(f, from, zs, v))
}

type (
	changeDoc = apidoc.Change
	changeRow = apidoc.ChangeRow
)
