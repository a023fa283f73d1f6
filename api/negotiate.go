package api

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/gofiber/fiber/v2"
)

// This file holds the HTTP rules every representation shares: the public
// base URL of links (--public-url, else Forwarded/X-Forwarded-* from
// --trusted-proxies only), content negotiation (f= wins, else Accept, 406
// for what is not offered, Vary: Accept) and weak ETags on JSON documents.

const localBase = "layoutmap.base"

// hostPattern is what a Host or forwarded host may look like: a DNS name or
// IP literal with an optional port. Anything else (a scheme, a path, spaces,
// quotes) is ignored so it cannot reach a link in a cached response.
var hostPattern = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?)(:[0-9]{1,5})?$`)

// baseMiddleware leaves in the request's locals how to compute the
// scheme://host[/prefix] that links of this request start with (see
// siteBase); it is computed only when a handler writes a link, so a tile or
// an image pays nothing for it:
//   - publicURL, when configured, always wins;
//   - otherwise, only when the peer is one of the trusted proxies (Fiber's
//     TrustedProxies, from --trusted-proxies), the first element of an RFC
//     7239 Forwarded header (host=, proto=) or else X-Forwarded-Host and
//     X-Forwarded-Proto;
//   - otherwise the request's own Host and scheme.
//
// A proto other than http or https, or a malformed host, is ignored.
func baseMiddleware(publicURL string) fiber.Handler {
	rule := &baseRule{publicURL: strings.TrimSuffix(publicURL, "/")}
	return func(c *fiber.Ctx) error {
		c.Locals(localBase, rule)
		return c.Next()
	}
}

// baseRule is the configuration baseMiddleware hands to siteBase.
type baseRule struct{ publicURL string }

// resolve computes the base of c by the rules of baseMiddleware.
func (r *baseRule) resolve(c *fiber.Ctx) string {
	if r.publicURL != "" {
		return r.publicURL
	}
	proto, host := "http", string(c.Request().Host())
	if c.Context().IsTLS() {
		proto = "https"
	}
	if c.IsProxyTrusted() {
		fp, fh := forwarded(c.Get(fiber.HeaderForwarded))
		if fp == "" && fh == "" {
			fp = strings.TrimSpace(strings.Split(c.Get(fiber.HeaderXForwardedProto), ",")[0])
			fh = strings.TrimSpace(strings.Split(c.Get(fiber.HeaderXForwardedHost), ",")[0])
		}
		if fp = strings.ToLower(fp); fp == "http" || fp == "https" {
			proto = fp
		}
		if fh != "" && hostPattern.MatchString(fh) {
			host = fh
		}
	}
	if !hostPattern.MatchString(host) {
		host = "localhost"
	}
	return proto + "://" + host
}

// forwarded reads proto= and host= of the first element of an RFC 7239
// Forwarded header (the one the proxy nearest the client added).
func forwarded(h string) (proto, host string) {
	if h == "" {
		return "", ""
	}
	first, _, _ := strings.Cut(h, ",")
	for _, pair := range strings.Split(first, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "proto":
			proto = v
		case "host":
			host = v
		}
	}
	return proto, host
}

// siteBase is scheme://host[/prefix] of this server as its clients see it.
// It is computed once per request, on first use.
func siteBase(c *fiber.Ctx) string {
	switch b := c.Locals(localBase).(type) {
	case string:
		return b
	case *baseRule:
		s := b.resolve(c)
		c.Locals(localBase, s)
		return s
	}
	return c.BaseURL()
}

// Media types offered by negotiate's callers.
const (
	ContentTypeSchema = "application/schema+json"
	ContentTypeHTML   = "text/html"
)

// negotiate picks the media type of the response among offers (the first is
// the default): f, when given, names it through formats (f value → media
// type); otherwise the Accept header chooses (RFC 9110 §12.5.1, q-values and
// wildcards). A request accepting none of the offers is a 406 problem. Every
// negotiated response carries Vary: Accept.
func negotiate(c *fiber.Ctx, f string, formats map[string]string, offers ...string) (string, error) {
	c.Vary(fiber.HeaderAccept)
	if f != "" {
		if m, ok := formats[f]; ok {
			return m, nil
		}
	}
	if strings.TrimSpace(c.Get(fiber.HeaderAccept)) == "" {
		return offers[0], nil
	}
	if m := c.Accepts(offers...); m != "" {
		return m, nil
	}
	return "", fiber.NewError(fiber.StatusNotAcceptable,
		fmt.Sprintf("none of the media types in Accept is offered here; offered: %s (or f=%s)", strings.Join(offers, ", "), strings.Join(sortedKeys(formats), ", f=")))
}

// acceptJSON is negotiate for documents offered as JSON only (landing,
// conformance, collections): application/json, 406 otherwise.
func acceptJSON(c *fiber.Ctx) error {
	_, err := negotiate(c, "", nil, ContentTypeJSON)
	return err
}

// jsonETag gives every successful JSON response under the API prefix a weak
// ETag over its bytes (weak: the compress middleware may send the same
// representation gzip-encoded, RFC 9110 §8.8.3) and answers a matching
// If-None-Match with 304. Responses that set their own ETag keep it.
func jsonETag(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	r := c.Response()
	if r.StatusCode() != fiber.StatusOK || len(r.Header.Peek(fiber.HeaderETag)) > 0 || len(r.Header.Peek(fiber.HeaderContentEncoding)) > 0 {
		return nil
	}
	ct := string(r.Header.ContentType())
	if !strings.Contains(ct, "json") {
		return nil
	}
	tag := bodyETag(r.Body())
	c.Set(fiber.HeaderETag, tag)
	if m := c.Method(); (m == fiber.MethodGet || m == fiber.MethodHead) && etagMatches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		r.ResetBody()
		c.Status(fiber.StatusNotModified)
	}
	return nil
}

// bodyETag is the weak ETag of a body given as the pieces that
// concatenate to it: xxhash64 (FNV-1a, a byte at a time, cost 11 % of
// the server's CPU on a 17 KB items page), so a page has the same tag
// whether built in memory (jsonETag) or streamed (streamItems).
func bodyETag(pieces ...[]byte) string {
	h := xxhash.New()
	for _, p := range pieces {
		h.Write(p)
	}
	return fmt.Sprintf(`W/"x%x"`, h.Sum64())
}

// exposedHeaders are the response headers a browser script on another
// origin may read (CORS Access-Control-Expose-Headers): paging links,
// validators, CSV file names, the CRS of a response, the request id and
// the enterprise year note.
var exposedHeaders = []string{fiber.HeaderLink, fiber.HeaderETag, fiber.HeaderContentDisposition, HeaderContentCRS, HeaderRequestID,
	HeaderYearNote, HeaderYearNoteZH}
