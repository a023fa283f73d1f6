package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
)

// healthz is liveness: the process serves HTTP. It does not touch the
// store, so a database outage does not get the process restarted.
func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.cfg.Version})
}

// readyz is readiness: the store answers within the request deadline.
func (s *server) readyz(c *fiber.Ctx) error {
	if err := s.cfg.Store.Ping(c.UserContext()); err != nil {
		return fmt.Errorf("%w: %w", errStoreDown, err)
	}
	if hr, ok := s.cfg.Store.(data.HealthReporter); ok {
		h := hr.Health()
		return c.JSON(fiber.Map{"status": "ready", "store": fiber.Map{"available": h.Available, "connect_attempts": h.ConnectAttempts, "outages": h.Outages}})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
