package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"golang.org/x/time/rate"

	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/internal/bytecache"
	"layoutmap/tiles"
	"layoutmap/tiles/static"
)

// Static map images for reports: GET /static/map.svg and /static/map.png.
// The handler validates the request (static.ParseRequest: view, size,
// layers, language, furniture and the filter contract), gathers the scene
// from the store and lets tiles/static draw it. Images are cached and
// ETagged by dataset version and canonical request.

// DefaultStaticCacheBytes bounds the image cache when StaticConfig leaves
// CacheBytes zero.
const DefaultStaticCacheBytes = 64 << 20

// StaticCacheControl lets browsers and proxies reuse an image for five
// minutes and then revalidate by ETag (cheap: 304 without drawing). The
// ETag carries the dataset version, so an import is seen at the next
// revalidation.
const StaticCacheControl = "public, max-age=300"

// StaticConfig configures the static image routes.
type StaticConfig struct {
	// Store supplies the scene; required.
	Store data.Store
	// FontPath is the CJK font for PNG text (the --font flag); empty
	// searches the system (static.SystemFonts).
	FontPath string
	// Attribution replaces the default source line (static.DefaultAttribution).
	Attribution string
	// ApprovalNumber is the deployment's map approval number (审图号, the
	// --map-approval-number flag), drawn as a footer line; "" (the
	// default) draws none. The source line's "not officially reviewed"
	// note stays either way.
	ApprovalNumber string
	// CacheBytes bounds the in-memory image cache; 0 is
	// DefaultStaticCacheBytes, negative disables caching.
	CacheBytes int64
	// MaxConcurrent bounds images drawn at once (drawing is CPU-bound and a
	// 4096² PNG holds about 130 MB while drawn); 0 is GOMAXPROCS.
	MaxConcurrent int
	// MaxQueue bounds the requests waiting for the renderer; more get 503
	// with Retry-After naming the renderer. 0 is 2×MaxConcurrent.
	MaxQueue int
	// MaxWait bounds the time a request waits for the renderer; 0 is 5 s.
	MaxWait time.Duration
	// MaxPixels bounds width·scale × height·scale of one image (memory:
	// 4 bytes a pixel while drawn); 0 is static.MaxPixels. Larger requests
	// are a 400 naming the limit.
	MaxPixels int
	// MaxPixelsPerSecond, when positive, bounds the PNG pixels drawn per
	// second (a token bucket holding one second's worth; MaxPixels is
	// lowered to it when larger); a request that would wait longer than MaxWait for
	// its pixels gets 503 with Retry-After. 0: no rate limit.
	MaxPixelsPerSecond int
	// Versions, when set, gives the dataset version images are cached
	// under, with stale-if-error: pass the *tiles.Service, so images and
	// tiles share one version look-up and both keep being served from
	// the cache while the store is down. Nil asks Store.Version.
	Versions Versioner
	// Logger receives a warning at start when PNG has no font; nil discards.
	Logger *slog.Logger
}

// Versioner gives the dataset version with stale-if-error; see
// tiles.Service.DatasetVersion.
type Versioner interface {
	DatasetVersion(ctx context.Context, cached func(int64) bool) (v int64, stale, err error)
}

// Static serves the static map images.
type Static struct {
	cfg      StaticConfig
	renderer *static.Renderer
	cache    *bytecache.Cache[[]byte]
	gate     *gate
	pixels   *rate.Limiter    // nil: no pixel rate limit
	now      func() time.Time // the pixel budget's clock; tests set it
}

// NewStatic builds the static image routes. A FontPath that does not load
// is an error; no font found on the system is not (SVG works, and PNG
// answers 503 naming the fix), but it is logged.
func NewStatic(cfg StaticConfig) (*Static, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("api: static images: no store")
	}
	r, err := static.New(static.Config{FontPath: cfg.FontPath})
	if err != nil {
		return nil, fmt.Errorf("api: static images: %w", err)
	}
	if r.FontErr() != nil && cfg.Logger != nil {
		cfg.Logger.Warn("static PNG maps disabled: no CJK font", slog.Any("err", r.FontErr()))
	}
	return newStatic(cfg, r), nil
}

func newStatic(cfg StaticConfig, r *static.Renderer) *Static {
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = DefaultStaticCacheBytes
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = 2 * cfg.MaxConcurrent
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 5 * time.Second
	}
	if cfg.MaxPixels <= 0 || cfg.MaxPixels > static.MaxPixels {
		cfg.MaxPixels = static.MaxPixels
	}
	if cfg.MaxPixelsPerSecond > 0 && cfg.MaxPixels > cfg.MaxPixelsPerSecond {
		// An image larger than a second's budget could never be drawn.
		cfg.MaxPixels = cfg.MaxPixelsPerSecond
	}
	cache := bytecache.New(bytecache.Config{MaxBytes: cfg.CacheBytes, ClassShare: tiles.DefaultFilterShare},
		func(b []byte) int64 { return int64(cap(b)) })
	st := &Static{cfg: cfg, renderer: r, cache: cache,
		gate: newGate("the image renderer", "render", cfg.MaxConcurrent, cfg.MaxQueue, cfg.MaxWait)}
	if cfg.MaxPixelsPerSecond > 0 {
		st.pixels = rate.NewLimiter(rate.Limit(cfg.MaxPixelsPerSecond), cfg.MaxPixelsPerSecond)
	}
	return st
}

// Register adds the routes to app; use it as a Config.Extra hook.
func (s *Static) Register(app *fiber.App) {
	app.Get("/static/map.svg", func(c *fiber.Ctx) error { return s.serve(c, static.FormatSVG) })
	app.Get("/static/map.png", func(c *fiber.Ctx) error { return s.serve(c, static.FormatPNG) })
}

var staticTypes = map[string]string{
	static.FormatSVG: "image/svg+xml; charset=utf-8",
	static.FormatPNG: "image/png",
}

func (s *Static) serve(c *fiber.Ctx, format string) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	o, f, err := static.ParseRequest(q)
	if err != nil {
		return err
	}
	if format == static.FormatPNG && s.renderer.FontErr() != nil {
		return noFontProblem(c)
	}
	if px := o.Width * o.Scale * o.Height * o.Scale; px > s.cfg.MaxPixels {
		return geo.FieldErrors{{Field: "scale", Reason: fmt.Sprintf("width·scale × height·scale must be at most %d pixels on this server, got %d", s.cfg.MaxPixels, px)}}
	}
	ctx := c.UserContext()
	// The footer's texts name the image too: a new approval number or
	// source line must not be answered from the cache.
	keyOf := func(v int64) string {
		return static.Key(format, v, o, f, s.cfg.Attribution+"\x00"+s.cfg.ApprovalNumber)
	}
	var version int64
	var stale error
	if s.cfg.Versions != nil {
		version, stale, err = s.cfg.Versions.DatasetVersion(ctx, func(v int64) bool {
			_, ok := s.cache.Get(keyOf(v))
			return ok || etagMatches(c.Get(fiber.HeaderIfNoneMatch), `"`+keyOf(v)+`"`)
		})
	} else {
		version, err = s.cfg.Store.Version(ctx)
	}
	if err != nil {
		return err
	}
	key := keyOf(version)
	// Weak: SVG goes through the compress middleware, so the same tag names
	// the identity and the gzip body (RFC 9110 §8.8.3).
	etag := `W/"` + key + `"`
	// An ETag is only ever sent with an image, so a match means the request
	// was valid for this dataset version: answer 304 without drawing.
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		setImageHeaders(c, format, etag)
		markStale(c, stale)
		return c.SendStatus(fiber.StatusNotModified)
	}
	b, ok := s.cache.Get(key)
	if !ok {
		if b, err = s.render(c, format, o, f, version); err != nil {
			if static.IsNoFont(err) {
				return noFontProblem(c)
			}
			return err
		}
		class := ""
		if f.MinRevenue != nil || f.MaxRevenue != nil {
			class = "revenue threshold"
		}
		s.cache.Set(key, class, b)
	}
	setImageHeaders(c, format, etag)
	markStale(c, stale)
	return c.Send(b)
}

// svgCSP keeps an SVG opened on its own from loading or running anything:
// it draws with inline styles only.
const svgCSP = "default-src 'none'; style-src 'unsafe-inline'"

func setImageHeaders(c *fiber.Ctx, format, etag string) {
	if format == static.FormatSVG {
		c.Set(fiber.HeaderContentSecurityPolicy, svgCSP)
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, StaticCacheControl)
	c.Set(fiber.HeaderContentType, staticTypes[format])
}

// render draws one image; at most MaxConcurrent at once, since drawing is
// CPU-bound and a burst of large PNGs must not starve tile requests.
func (s *Static) render(c *fiber.Ctx, format string, o static.Options, f geo.Filter, version int64) ([]byte, error) {
	scene, err := s.scene(c, o, f)
	if err != nil {
		return nil, err
	}
	// The outlines are projected once per dataset version and zoom band.
	scene.Version = version
	ctx := c.UserContext()
	if format == static.FormatPNG {
		if err := s.waitPixels(ctx, o.Width*o.Scale*o.Height*o.Scale); err != nil {
			return nil, err
		}
	}
	release, err := s.gate.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	var buf bytes.Buffer
	if err := s.renderer.RenderContext(ctx, &buf, format, scene, o); errors.Is(err, context.DeadlineExceeded) {
		// Not the store: the drawing itself outlived the request.
		return nil, &busyError{what: "the image renderer", detail: "the image was not finished within the request deadline; ask for a smaller one", retryAfter: 5 * time.Second}
	} else if err != nil {
		return nil, fmt.Errorf("api: static %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// waitPixels takes n pixels from the per-second budget, waiting at most
// MaxWait for them (before taking a renderer slot, so waiting holds none).
func (s *Static) waitPixels(ctx context.Context, n int) error {
	if s.pixels == nil {
		return nil
	}
	now := time.Now()
	if s.now != nil {
		now = s.now()
	}
	r := s.pixels.ReserveN(now, n)
	if !r.OK() {
		return &busyError{what: "the image renderer", detail: fmt.Sprintf("%d pixels exceed the per-second budget", n), retryAfter: time.Second}
	}
	d := r.DelayFrom(now)
	if d > s.cfg.MaxWait {
		r.Cancel()
		return &busyError{what: "the image renderer", detail: fmt.Sprintf("its budget of %d pixels per second is spent", s.cfg.MaxPixelsPerSecond), retryAfter: d}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// scene gathers what the image shows. The store validates the filter's ids
// (an unknown cluster is a 400 naming "cluster").
func (s *Static) scene(c *fiber.Ctx, o static.Options, f geo.Filter) (*static.Scene, error) {
	ctx := c.UserContext()
	st := s.cfg.Store
	sc := &static.Scene{Filter: f, Tiers: st.Tiers(), Attribution: s.cfg.Attribution, ApprovalNumber: s.cfg.ApprovalNumber}
	var err error
	if sc.Zones, err = st.Zones(ctx, f); err != nil {
		return nil, err
	}
	// Cities are needed for their labels and for city names in the caption.
	for _, level := range []string{geo.LevelProvince, geo.LevelCity, geo.LevelCounty} {
		if level == geo.LevelProvince && !o.Has(static.LayerProvince) || level == geo.LevelCounty && !o.Has(static.LayerCounties) {
			continue
		}
		as, err := st.AdminAreas(ctx, level)
		if err != nil {
			return nil, err
		}
		sc.Admin = append(sc.Admin, as...)
	}
	if sc.Regions, err = st.Regions(ctx); err != nil {
		return nil, err
	}
	if sc.Taxonomy, err = st.Taxonomy(ctx); err != nil {
		return nil, err
	}
	// overlay and dist name regions and clusters: unknown ids are the
	// client's mistake, as for the filter's own lists.
	var errs geo.FieldErrors
	for _, id := range o.Overlay {
		if !slices.ContainsFunc(sc.Regions, func(r geo.Region) bool { return r.ID == id }) {
			errs = append(errs, &geo.FieldError{Field: "overlay", Reason: fmt.Sprintf("unknown region %q", id)})
		}
	}
	if o.Dist != "" && !slices.ContainsFunc(sc.Taxonomy.Clusters, func(c geo.Cluster) bool { return c.ID == o.Dist }) {
		errs = append(errs, &geo.FieldError{Field: "dist", Reason: fmt.Sprintf("unknown cluster %q", o.Dist)})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if o.Ent {
		if sc.Enterprises, err = staticEnterprises(ctx, st, o, sc.Taxonomy); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// noFontProblem answers 503: the server cannot draw Chinese text until an
// operator installs a font, which is neither the client's mistake nor a
// bug; the detail names the fix.
func noFontProblem(c *fiber.Ctx) error {
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(http.StatusServiceUnavailable),
		Status:    http.StatusServiceUnavailable,
		Detail:    static.ErrNoFont.Error() + "; /static/map.svg works without a font",
		Instance:  string(c.Request().URI().RequestURI()),
		RequestID: requestID(c),
	}
	body, merr := json.Marshal(p)
	if merr != nil {
		return merr
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(http.StatusServiceUnavailable)
	c.Set(fiber.HeaderContentType, ContentTypeProblem)
	return c.Send(body)
}
