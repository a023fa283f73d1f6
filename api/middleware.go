package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

const localRequestID = "layoutmap.request_id"

// HeaderRequestID carries the request id in and out.
const HeaderRequestID = "X-Request-ID"

// requestIDMiddleware reuses a sane incoming X-Request-ID (so a proxy's id
// ties its log to ours) or makes a new one, and echoes it.
func requestIDMiddleware(c *fiber.Ctx) error {
	id := c.Get(HeaderRequestID)
	if !saneID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
		id = hex.EncodeToString(b[:])
	} else {
		id = string([]byte(id)) // c.Get aliases fasthttp's buffer
	}
	c.Locals(localRequestID, id)
	c.Set(HeaderRequestID, id)
	return c.Next()
}

func saneID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// accessLog logs one line per request at a level chosen by its status:
// Debug for 1xx–3xx, Info for 4xx, Warn for 5xx. At the default level
// (info) a served tile or feature page therefore costs no log write: one
// line and write(2) per request cost about a sixth of the cached-tile
// throughput, and /metrics already counts every request by route and
// status. `--log-level debug` logs them all. It runs the error handler
// itself (as fiber's logger middleware does) so the logged status is the
// one the client receives, then reports the error as handled.
func accessLog(log *slog.Logger, handle fiber.ErrorHandler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			if herr := handle(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		level := accessLevel(status)
		if !log.Enabled(c.UserContext(), level) {
			return nil
		}
		log.LogAttrs(c.UserContext(), level, "request",
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.Int("status", status),
			slog.Float64("dur_ms", float64(time.Since(start).Microseconds())/1000))
		return nil
	}
}

// accessLevel is the access-log level of a response status.
func accessLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelWarn
	case status >= 400:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}

// deadline gives every request a context with the configured timeout, so
// store calls made with c.UserContext() give up instead of holding a
// connection (fiber's UserContext is context.Background otherwise).
func deadline(d time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), d)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}
