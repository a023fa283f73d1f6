package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// WebConfig configures the web map's routes (see Web).
type WebConfig struct {
	// FS holds the built web map: index.html, embed.html, embed.js,
	// assets/ and fonts/ at its root (package web's FS). When it holds no
	// index.html the pages answer 503 naming the build step.
	FS fs.FS
	// EmbedOrigins are the origins allowed to frame /embed (CSP
	// frame-ancestors), e.g. "https://reports.example.org". Empty means any
	// origin: /embed is a read-only view of public data without cookies or
	// actions, so there is nothing to click-jack, and embedding is its
	// purpose. The application page / may only be framed by its own origin.
	EmbedOrigins []string
}

// Cache lifetimes of the web map's files. Bundles carry a content hash (and
// the worker MapLibre's version) in their names, so they never change under
// a URL; HTML must be revalidated so a new build's hashes are picked up.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheFonts     = "public, max-age=604800"
	cacheScript    = "public, max-age=3600"
	cacheHTML      = "no-cache"
)

// webFile is one served file, read once at start-up.
type webFile struct {
	body  []byte
	ctype string
	etag  string
	cache string
}

// Web returns the route group of the web map for Config.Extra: GET / (the
// map), /embed (the map without chrome, for iframes), /embed.js (the iframe
// resize script), /assets/* and /fonts/*. Files are read from cfg.FS once;
// responses carry a weak ETag (the compress middleware may send the same
// file gzip-encoded; one strong tag for two encodings would break RFC 9110
// §8.8.3), Cache-Control and a Content-Security-Policy
// that lets the page contact only its own origin.
func Web(cfg WebConfig) func(app *fiber.App) {
	files := map[string]*webFile{}
	var loadErr error
	if cfg.FS != nil {
		loadErr = fs.WalkDir(cfg.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasPrefix(path.Base(p), ".") || strings.HasSuffix(p, ".map") {
				return err
			}
			b, err := fs.ReadFile(cfg.FS, p)
			if err != nil {
				return fmt.Errorf("api: reading web file %s: %w", p, err)
			}
			sum := sha256.Sum256(b)
			files[p] = &webFile{body: b, ctype: webContentType(p), etag: `W/"` + hex.EncodeToString(sum[:12]) + `"`, cache: webCache(p)}
			return nil
		})
	}
	ancestors := "*"
	if len(cfg.EmbedOrigins) > 0 {
		ancestors = strings.Join(cfg.EmbedOrigins, " ")
	}
	serve := func(c *fiber.Ctx, name, frameAncestors string) error {
		f, ok := files[name]
		if !ok {
			if _, built := files["index.html"]; !built && (name == "index.html" || name == "embed.html") {
				detail := "the web map is not built into this binary; run `make build` (scripts/web.sh) before go build"
				if loadErr != nil {
					detail += ": " + loadErr.Error()
				}
				// Written here, not returned: the error handler hides the
				// detail of 5xx errors, and this one names the operator's fix.
				body, err := json.Marshal(Problem{Type: "about:blank", Title: "Service Unavailable", Status: fiber.StatusServiceUnavailable,
					Detail: detail, Instance: c.Path()})
				if err != nil {
					return fmt.Errorf("api: encoding problem: %w", err)
				}
				c.Set(fiber.HeaderContentType, ContentTypeProblem)
				return c.Status(fiber.StatusServiceUnavailable).Send(body)
			}
			return fiber.NewError(fiber.StatusNotFound, "no such file: /"+name)
		}
		c.Set(fiber.HeaderContentType, f.ctype)
		c.Set(fiber.HeaderCacheControl, f.cache)
		c.Set(fiber.HeaderETag, f.etag)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		if frameAncestors != "" {
			c.Set(fiber.HeaderContentSecurityPolicy, pageCSP(frameAncestors))
			c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
		}
		if etagMatches(c.Get(fiber.HeaderIfNoneMatch), f.etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		return c.Send(f.body)
	}
	under := func(prefix string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			rest := c.Params("*")
			name := prefix + rest
			if rest == "" || !fs.ValidPath(name) {
				return fiber.NewError(fiber.StatusNotFound, "no such file: /"+name)
			}
			return serve(c, name, "")
		}
	}
	return func(app *fiber.App) {
		app.Get("/", func(c *fiber.Ctx) error { return serve(c, "index.html", "'self'") })
		app.Get("/index.html", func(c *fiber.Ctx) error { return c.Redirect("/", fiber.StatusMovedPermanently) })
		app.Get("/embed", func(c *fiber.Ctx) error { return serve(c, "embed.html", ancestors) })
		app.Get("/embed.js", func(c *fiber.Ctx) error { return serve(c, "embed.js", "") })
		app.Get("/assets/*", under("assets/"))
		app.Get("/fonts/*", under("fonts/"))
	}
}

// pageCSP allows the page to load and fetch only from its own origin
// (MapLibre's worker is a same-origin module; images and workers may be
// blob: or data: URLs it creates itself). Inline styles are allowed because
// MapLibre and the app position elements with style attributes.
func pageCSP(frameAncestors string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors " + frameAncestors
}

func webContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		// Module scripts and MapLibre's module worker need a JavaScript type.
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".woff2":
		return "font/woff2"
	case ".json":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func webCache(name string) string {
	switch {
	case strings.HasSuffix(name, ".html"):
		return cacheHTML
	case strings.HasPrefix(name, "assets/"):
		return cacheImmutable
	case strings.HasPrefix(name, "fonts/"):
		return cacheFonts
	}
	return cacheScript
}
