package api

import (
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"layoutmap/data"
)

// Prefix is the path of the features API.
const Prefix = "/api/v1"

// DefaultRequestTimeout bounds a request's store calls when Config leaves
// RequestTimeout zero.
const DefaultRequestTimeout = 10 * time.Second

// Config configures New. Store is required; every other field has a
// working zero value.
type Config struct {
	// Store answers every data question; api never closes it.
	Store data.Store
	// Logger receives the access log and server errors; nil discards.
	Logger *slog.Logger
	// Version is reported on the landing page and in the OpenAPI document.
	Version string
	// RequestTimeout is the deadline of a request's context (store calls,
	// tile rendering); zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// CORSOrigins, when not empty, enables CORS for these origins ("*" for
	// any), so other sites may call the API from the browser; Link, ETag,
	// Content-Disposition, Content-Crs and X-Request-ID are exposed to them.
	CORSOrigins []string
	// PublicURL, when set (scheme://host[/prefix]), is the base of every
	// link the server writes (features, TileJSON, style), whatever the
	// request's Host or forwarding headers say.
	PublicURL string
	// TrustedProxies are the IPs or CIDRs of reverse proxies whose
	// Forwarded (RFC 7239) or X-Forwarded-Host/-Proto headers are believed
	// when PublicURL is empty; from anyone else those headers are ignored.
	TrustedProxies []string
	// Extra registers further route groups (tiles, statistics, static
	// images, the web map) after the API routes; see the package doc.
	Extra []func(app *fiber.App)
	// TileCache, when set, adds the tile cache's hits, misses, entries and
	// bytes to /metrics (pass the *tiles.Service given to TileRoutes).
	TileCache TileCacheStats
	// MaxLargeResponses bounds responses over LargeResponseBytes (and
	// items pages of LargeLimit or more) being built or written at once;
	// 0 means DefaultMaxLargeResponses.
	MaxLargeResponses int
	// Static, when set, adds its renderer queue to /metrics (pass the
	// *Static whose Register is in Extra).
	Static *Static
	// Now returns the current time for timeStamp members; nil is time.Now.
	// Tests fix it so golden files stay stable.
	Now func() time.Time
}

// New builds the Fiber app. It does not listen; call app.Listen or
// app.Listener, and app.ShutdownWithContext to stop.
func New(cfg Config) *fiber.App {
	cfg = cfg.withDefaults()
	handle := errorHandler(cfg.Logger)
	app := newFiberApp(cfg, handle)
	m := useMiddleware(app, cfg, handle)
	s := &server{cfg: cfg}
	v1 := s.routes(app, m)
	for _, register := range cfg.Extra {
		register(app)
	}
	for _, r := range app.GetRoutes() {
		s.hasTiles = s.hasTiles || r.Path == "/tiles/layout.json"
		s.hasWeb = s.hasWeb || r.Path == "/embed"
	}
	if s.stats = mountedStats(app); len(s.stats) > 0 {
		v1.Get("/stats", s.statsIndex) // stats_index.go
	}
	return app
}

// withDefaults fills the settings left zero.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.MaxLargeResponses <= 0 {
		cfg.MaxLargeResponses = DefaultMaxLargeResponses
	}
	return cfg
}

// newFiberApp is the Fiber app with its error handler, timeouts and trusted
// proxies, before any middleware.
func newFiberApp(cfg Config, handle fiber.ErrorHandler) *fiber.App {
	app := fiber.New(fiber.Config{
		ErrorHandler: handle,
		JSONEncoder:  marshalJSON,
		// Strings from c.Params/c.Query alias fasthttp's reused buffers;
		// Immutable copies them so nothing a handler keeps is overwritten.
		Immutable: true,
		// Item ids may be Chinese or contain escaped characters; match and
		// pass them decoded.
		UnescapePath:          true,
		DisableStartupMessage: true,
		AppName:               "layoutmap " + cfg.Version,
		// The write timeout outlives the request deadline so a store that
		// gives up at RequestTimeout still gets its 503 problem written, and
		// a slow legitimate client its largest page (see writeMargin).
		ReadTimeout:  readTimeout,
		WriteTimeout: cfg.RequestTimeout + writeMargin,
		IdleTimeout:  idleTimeout,
		// Forwarding headers only from configured proxies (baseMiddleware).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
	})
	app.Server().Handler = serverHandler(app.Server().Handler, app.Config().RequestMethods)
	return app
}

// useMiddleware adds the middleware every route passes through, in order:
// metrics, request id, access log, recovery, CORS, the large-response
// gate, compression, the request deadline and the base URL. It returns
// the metrics.
func useMiddleware(app *fiber.App, cfg Config, handle fiber.ErrorHandler) *metrics {
	large := newGate("the large-response gate", "large_response", cfg.MaxLargeResponses, cfg.MaxLargeResponses, 2*time.Second)
	m := newMetrics(cfg.TileCache)
	if hr, ok := cfg.Store.(data.HealthReporter); ok {
		m.store = hr
	}
	m.gates = append(m.gates, large)
	if cfg.Static != nil {
		m.gates = append(m.gates, cfg.Static.gate)
	}
	app.Use(m.middleware)
	app.Use(requestIDMiddleware)
	app.Use(accessLog(cfg.Logger, handle))
	app.Use(recover.New())
	if len(cfg.CORSOrigins) > 0 {
		app.Use(cors.New(cors.Config{AllowOrigins: strings.Join(cfg.CORSOrigins, ","), AllowMethods: "GET,HEAD,OPTIONS",
			ExposeHeaders: strings.Join(exposedHeaders, ", ")}))
	}
	app.Use(largeResponses(large))
	app.Use(compress.New(compress.Config{Level: compress.LevelDefault}))
	app.Use(deadline(cfg.RequestTimeout))
	app.Use(baseMiddleware(cfg.PublicURL))
	return m
}

// routes mounts the API's own routes (Config.Extra adds the others) and
// returns the group under Prefix.
func (s *server) routes(app *fiber.App, m *metrics) fiber.Router {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", m.handler)
	v1 := app.Group(Prefix, jsonETag)
	v1.Get("/", s.landing)
	v1.Get("/conformance", s.conformance)
	v1.Get("/openapi.json", s.openapi)
	v1.Get("/collections", s.collections)
	v1.Get("/collections/:coll", s.collection)
	v1.Get("/collections/:coll/schema", s.schema)
	v1.Get("/collections/:coll/queryables", s.queryables)
	v1.Get("/collections/:coll/items", s.items)
	v1.Get("/collections/:coll/items/:id", s.item)
	v1.Get("/clusters", s.clusters)
	v1.Get("/chains", s.chains)
	v1.Get("/regions", s.regions)
	v1.Get("/reference", s.reference)
	return v1
}

// server holds what the handlers share; it is read-only after New.
type server struct {
	cfg Config
	// hasTiles: the tile routes are mounted (Config.Extra), so the landing
	// page links them.
	hasTiles bool
	// hasWeb: the web map is mounted, so HTML pages link features to it.
	hasWeb bool
	// stats: the statistics routes mounted (Config.Extra), which
	// /api/v1/stats lists and the landing page links.
	stats []statsRoute
}
