package api

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errBusy marks a request turned away because a bounded queue in front of
// an expensive resource (the image renderer, large responses) is full; the
// client gets 503 with Retry-After and a detail naming the resource.
var errBusy = errors.New("api: busy")

type busyError struct {
	what       string // "the image renderer", …
	detail     string
	retryAfter time.Duration
}

func (e *busyError) Error() string { return "api: " + e.what + " busy: " + e.detail }
func (e *busyError) Unwrap() error { return errBusy }

func busyDetail(err error) string {
	var be *busyError
	if errors.As(err, &be) {
		return be.what + " is busy: " + be.detail + "; try again shortly"
	}
	return "the server is busy; try again shortly"
}

// gate bounds how many requests use a resource at once (slots) and how many
// may wait for it (queue); a request finding the queue full, or waiting
// longer than maxWait, gets a busyError at once instead of holding memory
// and a connection. The zero gate is unusable; use newGate.
type gate struct {
	what    string
	metric  string // name in /metrics: layoutmap_<metric>_busy, _waiting
	slots   chan struct{}
	queue   chan struct{}
	maxWait time.Duration
}

func newGate(what, metric string, slots, queue int, maxWait time.Duration) *gate {
	return &gate{what: what, metric: metric, slots: make(chan struct{}, max(slots, 1)), queue: make(chan struct{}, max(slots, 1)+max(queue, 0)), maxWait: maxWait}
}

// acquire takes a slot; release it with the returned function. Errors: a
// busyError when the queue is full or the wait exceeds maxWait, ctx's error
// when the request is cancelled first.
func (g *gate) acquire(ctx context.Context) (release func(), err error) {
	select {
	case g.queue <- struct{}{}:
	default:
		return nil, &busyError{what: g.what, detail: fmt.Sprintf("%d requests in progress and %d waiting", cap(g.slots), cap(g.queue)-cap(g.slots)), retryAfter: time.Second}
	}
	select { // a free slot wins over a context that is done meanwhile
	case g.slots <- struct{}{}:
		return func() { <-g.slots; <-g.queue }, nil
	default:
	}
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots; <-g.queue }, nil
	case <-t.C:
		<-g.queue
		return nil, &busyError{what: g.what, detail: fmt.Sprintf("waited %s for one of %d slots", g.maxWait, cap(g.slots)), retryAfter: g.maxWait}
	case <-ctx.Done():
		<-g.queue
		return nil, ctx.Err()
	}
}

// inUse reports slots taken and requests waiting, for /metrics.
func (g *gate) inUse() (busy, waiting int) {
	b := len(g.slots)
	return b, max(len(g.queue)-b, 0)
}
