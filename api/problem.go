package api

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
	"layoutmap/geo"
)

// ContentTypeProblem is the media type of error bodies (RFC 9457).
const ContentTypeProblem = "application/problem+json"

// Problem is an RFC 9457 problem details body. Type is "about:blank" for
// plain HTTP errors, so Title is the status phrase; InvalidParams lists the
// bad query parameters of a 400.
type Problem struct {
	Type          string            `json:"type"`
	Title         string            `json:"title"`
	Status        int               `json:"status"`
	Detail        string            `json:"detail,omitempty"`
	Instance      string            `json:"instance,omitempty"`
	RequestID     string            `json:"request_id,omitempty"`
	InvalidParams []*geo.FieldError `json:"invalid-params,omitempty"`
}

// notFoundError is a 404 whose detail is safe to show the client.
type notFoundError struct{ detail string }

func (e *notFoundError) Error() string { return e.detail }

// Unwrap lets errors.Is(err, data.ErrNotFound) see through it.
func (e *notFoundError) Unwrap() error { return data.ErrNotFound }

// classify maps an error to the problem the client sees. Only client-safe
// text goes into Detail; a 500 says "internal error" and the request id.
func classify(err error) Problem {
	var fe *fiber.Error
	var nf *notFoundError
	switch fes, isField := geo.AsFieldErrors(err); {
	case isField:
		return Problem{Status: http.StatusBadRequest, Detail: fes.Error(), InvalidParams: fes}
	case errors.As(err, &nf):
		return Problem{Status: http.StatusNotFound, Detail: nf.detail}
	case errors.Is(err, data.ErrNotFound), errors.Is(err, data.ErrUnknownCollection):
		return Problem{Status: http.StatusNotFound, Detail: "no such item"}
	case errors.Is(err, data.ErrUnavailable):
		// A refused or dropped connection, a server starting up, or the
		// circuit breaker failing fast: the client may retry (Retry-After).
		return Problem{Status: http.StatusServiceUnavailable, Detail: "the data store is not reachable; try again shortly"}
	case errors.Is(err, errBusy):
		return Problem{Status: http.StatusServiceUnavailable, Detail: busyDetail(err)}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The store did not answer within the request's deadline: the service
		// is overloaded or the database is unreachable, not the client's fault.
		return Problem{Status: http.StatusServiceUnavailable, Detail: "the data store did not answer in time; try again"}
	case errors.Is(err, errStoreDown):
		return Problem{Status: http.StatusServiceUnavailable, Detail: "the data store is not reachable"}
	case errors.As(err, &fe):
		// Fiber's own errors: unknown route (404), wrong method (405), body
		// too large (413) …; their messages hold only the method and path.
		if fe.Code >= 500 {
			return Problem{Status: fe.Code, Detail: "internal error"}
		}
		return Problem{Status: fe.Code, Detail: fe.Message}
	default:
		return Problem{Status: http.StatusInternalServerError, Detail: "internal error"}
	}
}

var errStoreDown = errors.New("api: store not reachable")

// quiet reports whether a 5xx needs no log line of its own: an unavailable
// store (the store logs outages with counts), a request past its deadline
// (its store call, when it reached the store, counted as a failure there),
// a client gone, a full queue (its gauge is in /metrics).
func quiet(err error) bool {
	return errors.Is(err, data.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) || errors.Is(err, errBusy)
}

// retryAfterSeconds is the Retry-After of a 503: the store's or the
// queue's hint rounded up, at least one second.
func retryAfterSeconds(err error) int {
	d := data.RetryAfter(err, time.Second)
	var be *busyError
	if errors.As(err, &be) && be.retryAfter > 0 {
		d = be.retryAfter
	}
	return max(1, int(math.Ceil(d.Seconds())))
}

// errorHandler is the app's one fiber.Config.ErrorHandler. It logs server
// errors with their details and the request id, and writes the problem.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := classify(err)
		p.Type = "about:blank"
		p.Title = http.StatusText(p.Status)
		if p.Title == "" {
			p.Title = "Error"
		}
		p.Instance = string(c.Request().URI().RequestURI())
		p.RequestID = requestID(c)
		if p.Status == http.StatusServiceUnavailable {
			// RFC 9110 §10.2.3: when to retry, in seconds.
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(err)))
			c.Set(fiber.HeaderCacheControl, "no-store")
		}
		// An unavailable store is logged by the store, once per outage
		// interval with counts, not once per request (the access log still
		// has every 503).
		if p.Status >= 500 {
			if p.Status == http.StatusInternalServerError {
				p.Detail = "internal error (request id " + p.RequestID + ")"
			}
			level := slog.LevelError
			if quiet(err) {
				level = slog.LevelDebug
			}
			log.LogAttrs(c.UserContext(), level, "request failed",
				slog.String("request_id", p.RequestID), slog.String("method", c.Method()),
				slog.String("path", c.Path()), slog.Int("status", p.Status), slog.Any("err", err))
		}
		body, merr := marshalJSON(p)
		if merr != nil {
			return merr
		}
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, ContentTypeProblem)
		return c.Send(body)
	}
}
