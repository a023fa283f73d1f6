package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// LargeResponseBytes is the body size from which a response takes a slot
// of the large-response gate (see Config.MaxLargeResponses).
const LargeResponseBytes = 1 << 20

// LargeLimit is the items page size from which a request takes a slot
// before its page is built: such pages run to megabytes.
const LargeLimit = 1000

// DefaultMaxLargeResponses bounds large responses being built or written
// at once when Config leaves MaxLargeResponses zero. The largest page
// (10,000 counties, 4.6 MB of GeoJSON) costs about 15 MB while built and
// written, so the gate holds them under 150 MB whatever the clients do.
const DefaultMaxLargeResponses = 8

// serverHandler wraps fiber's request handler with what must hold for
// every response, including those fiber writes itself: an unknown method
// (PROPFIND, lowercase get: methods are case-sensitive, RFC 9110 §9.1) is a
// problem+json 501 Not Implemented (RFC 9110 §15.6.2) rather than fiber's
// plain-text 400, and every response carries X-Content-Type-Options:
// nosniff, so no browser guesses a type for JSON, tiles or images.
func serverHandler(inner fasthttp.RequestHandler, methods []string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if !slices.Contains(methods, string(ctx.Method())) {
			p := Problem{Type: "about:blank", Title: http.StatusText(http.StatusNotImplemented), Status: http.StatusNotImplemented,
				Detail:   "unknown request method " + strconv.Quote(clipMethod(ctx.Method())) + "; this server answers GET, HEAD and OPTIONS",
				Instance: string(ctx.Request.URI().RequestURI())}
			body, _ := marshalJSON(p)
			ctx.Response.Reset()
			ctx.SetStatusCode(http.StatusNotImplemented)
			ctx.SetContentType(ContentTypeProblem)
			ctx.Response.Header.Set(fiber.HeaderCacheControl, "no-store")
			ctx.SetBody(body)
		} else {
			inner(ctx)
		}
		ctx.Response.Header.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	}
}

func clipMethod(m []byte) string {
	if len(m) > 16 {
		return string(m[:16]) + "…"
	}
	return string(m)
}

// largeResponses bounds the memory that big responses hold. A client that
// asks for a large page and then reads slowly (or never) keeps the whole
// body in memory until the write timeout; a hundred of them would hold
// gigabytes. Items requests with limit ≥ LargeLimit take a slot before the
// page is built, any other body over LargeResponseBytes after; the slot is
// released when the body has been written (or the write failed). Without a
// free slot within the gate's wait the client gets 503 with Retry-After.
// It runs outside compress, so it sees the bytes actually sent.
func largeResponses(g *gate) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var release func()
		defer func() {
			if release != nil { // not handed to a body stream (error, small body, panic)
				release()
			}
		}()
		if largeLimit(c.Request().URI().QueryString()) {
			r, err := g.acquire(c.UserContext())
			if err != nil {
				return err
			}
			release = r
		}
		slot := &largeSlot{}
		c.Locals(largeSlotKey{}, slot)
		err := c.Next()
		if err == nil && slot.claimed && c.Response().IsBodyStream() {
			// A stream that frees the slot when closed (streamItems):
			// large ones hold a slot while written, as bodies do.
			if release == nil && c.Response().Header.ContentLength() >= LargeResponseBytes {
				r, err := g.acquire(context.Background())
				if err != nil {
					c.Response().ResetBody()
					return err
				}
				release = r
			}
			if release != nil {
				slot.set(release)
				release = nil
			}
			return nil
		}
		if err != nil || c.Response().IsBodyStream() {
			// Body() would read a stream into memory.
			return err
		}
		body := c.Response().Body()
		if len(body) < LargeResponseBytes {
			return err
		}
		if release == nil {
			// Not the request's context: the deadline middleware (inside
			// this one) has cancelled it on return; the gate's wait bounds this.
			r, err := g.acquire(context.Background())
			if err != nil {
				c.Response().ResetBody()
				return err
			}
			release = r
		}
		// Hand the body to fasthttp as a stream whose Close (called once
		// written, or on a failed write) frees the slot.
		b := slices.Clone(body)
		c.Response().ResetBody()
		c.Response().SetBodyStream(&releasingReader{Reader: bytes.NewReader(b), release: release}, len(b))
		release = nil
		return nil
	}
}

// largeLimit reports whether a raw query asks for limit ≥ LargeLimit. It
// reads the raw bytes: parsing fasthttp's query args here would change how
// the request URI is rendered later (in problem instances).
func largeLimit(raw []byte) bool {
	if !bytes.Contains(raw, []byte("limit=")) {
		return false // the common case (tiles) costs no parsing
	}
	q, _ := url.ParseQuery(string(raw)) // a malformed query is the handler's to report
	n, err := strconv.Atoi(q.Get("limit"))
	return err == nil && n >= LargeLimit
}

// largeSlotKey is the Locals key of a request's largeSlot.
type largeSlotKey struct{}

// largeSlot lets a body stream keep the request's slot of the
// large-response gate until it is closed (written, or the write failed):
// the handler claims it and calls done from the stream's Close;
// largeResponses sets the release once the handler has returned.
type largeSlot struct {
	claimed bool
	mu      sync.Mutex
	release func()
	closed  bool
}

func (s *largeSlot) set(release func()) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		release()
		return
	}
	s.release = release
	s.mu.Unlock()
}

func (s *largeSlot) done() {
	s.mu.Lock()
	s.closed = true
	r := s.release
	s.release = nil
	s.mu.Unlock()
	if r != nil {
		r()
	}
}

type releasingReader struct {
	*bytes.Reader
	release func()
	done    bool
}

func (r *releasingReader) Close() error {
	if !r.done {
		r.done = true
		r.release()
	}
	return nil
}

// Server timeouts. The write timeout is sized for the largest legitimate
// response (4.6 MB uncompressed, about 1 MB gzip) to a client on a
// 1 Mbit/s link, plus the request deadline; the idle timeout frees
// keep-alive connections a browser no longer uses.
const (
	readTimeout = 15 * time.Second
	writeMargin = 40 * time.Second
	idleTimeout = 60 * time.Second
)

var _ io.Closer = (*releasingReader)(nil)
