package data

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnavailable means the store could not answer for a reason that is
// neither the client's mistake nor a bug: the database refused or dropped
// the connection, is starting up or shutting down, did not answer in time,
// or the store's circuit breaker is failing fast after such errors. HTTP
// maps it to 503 Service Unavailable with Retry-After.
var ErrUnavailable = errors.New("data: store unavailable")

// UnavailableError is an ErrUnavailable with what was being done and when
// to try again. errors.Is(err, ErrUnavailable) holds for it, and Unwrap
// also reaches the cause.
type UnavailableError struct {
	// Op is what the store was doing, such as "version" or "items".
	Op string
	// RetryAfter is how long until the store tries the database again;
	// zero when unknown (callers then suggest a second).
	RetryAfter time.Duration
	// Err is the cause (a network error, a PostgreSQL error, or the last
	// cause when failing fast).
	Err error
}

func (e *UnavailableError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("data: %s: store unavailable", e.Op)
	}
	return fmt.Sprintf("data: %s: store unavailable: %v", e.Op, e.Err)
}

// Unwrap returns ErrUnavailable and the cause.
func (e *UnavailableError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// RetryAfter returns how long a client should wait before retrying after
// err: the UnavailableError's hint, else def.
func RetryAfter(err error, def time.Duration) time.Duration {
	var ue *UnavailableError
	if errors.As(err, &ue) && ue.RetryAfter > 0 {
		return ue.RetryAfter
	}
	return def
}
