package postgis

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"layoutmap/data"
)

// Backoff bounds of the circuit breaker. The ceiling is what bounds the time
// from the database returning to the server serving again (plus one probe),
// and, with the floor, the connection attempts made during an outage: about
// ten per ten seconds.
const (
	DefaultBackoffMin   = 100 * time.Millisecond
	DefaultBackoffMax   = time.Second
	DefaultProbeTimeout = 2 * time.Second
	// outageLogEvery spaces the "still unavailable" log lines of one outage.
	outageLogEvery = 10 * time.Second
)

// Unavailable reports whether err means the database could not answer (not
// the query's fault): refused, reset or dropped connections, dial and
// protocol timeouts, the request's deadline, a server starting up, shutting
// down or out of connections, a rejected login or a missing database or
// schema (a server that is not set up yet). Client cancellation is not.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, data.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "28"),                           // invalid authorization
			strings.HasPrefix(pe.Code, "53"),                           // insufficient resources (too many connections, out of memory, disk full)
			strings.HasPrefix(pe.Code, "57P"),                          // admin/crash shutdown, cannot connect now (starting up), database dropped
			pe.Code == "57014",                                         // statement timeout or cancel: the server is overloaded
			pe.Code == "3D000", pe.Code == "3F000", pe.Code == "42P01": // no database, schema or table yet
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.SafeToRetry(err),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		strings.Contains(err.Error(), "closed pool"), strings.Contains(err.Error(), "conn closed"):
		return true
	}
	return false
}

// breaker is the store's circuit breaker. Closed, every call goes to the
// database. The first call that fails with an Unavailable error opens it:
// calls then fail fast with a data.UnavailableError while one background
// probe at a time pings the database after a jittered, exponentially
// growing pause (DefaultBackoffMin doubling up to DefaultBackoffMax). The
// first successful probe, or any call that succeeds meanwhile, closes it.
// An outage is logged when it starts, at most every outageLogEvery while it
// lasts (with counts), and when it ends.
type breaker struct {
	probe        func(context.Context) error
	log          *slog.Logger
	min, max     time.Duration
	probeTimeout time.Duration

	mu        sync.Mutex
	open      bool
	cause     error
	since     time.Time // when it opened
	backoff   time.Duration
	nextProbe time.Time
	lastLog   time.Time
	rejected  uint64 // calls failed fast since the last log line
	probes    uint64 // probes since the last log line
	stop      chan struct{}
	closed    bool

	failFast atomic.Uint64 // calls failed fast, ever
	outages  atomic.Uint64 // times opened, ever
}

func newBreaker(probe func(context.Context) error, log *slog.Logger) *breaker {
	return &breaker{probe: probe, log: log, min: DefaultBackoffMin, max: DefaultBackoffMax,
		probeTimeout: DefaultProbeTimeout, stop: make(chan struct{})}
}

// allow returns nil when op may go to the database, else the error to fail
// fast with.
func (b *breaker) allow(op string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return nil
	}
	b.rejected++
	b.failFast.Add(1)
	return &data.UnavailableError{Op: op, RetryAfter: b.retryAfterLocked(), Err: b.cause}
}

func (b *breaker) retryAfterLocked() time.Duration {
	if !b.open {
		return 0
	}
	return max(time.Until(b.nextProbe), 0) + b.probeTimeout/4
}

// done records the outcome of a call that allow let through and wraps an
// Unavailable error into a data.UnavailableError.
func (b *breaker) done(op string, err error) error {
	if err == nil {
		b.success()
		return nil
	}
	if !Unavailable(err) {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open && !b.closed {
		b.open, b.cause, b.since = true, err, time.Now()
		b.backoff = b.min
		b.nextProbe = time.Now().Add(b.jitter(b.backoff))
		b.lastLog, b.rejected, b.probes = b.since, 0, 0
		b.outages.Add(1)
		b.log.Warn("database unavailable: failing fast and probing with backoff", "store", "postgis", "op", op, "err", err)
		go b.probeLoop()
	}
	var ue *data.UnavailableError
	if errors.As(err, &ue) {
		return err
	}
	return &data.UnavailableError{Op: op, RetryAfter: b.retryAfterLocked(), Err: err}
}

func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closeLocked()
}

func (b *breaker) closeLocked() {
	if !b.open {
		return
	}
	b.open = false
	b.log.Info("database available again", "store", "postgis", "outage", time.Since(b.since).Round(time.Millisecond).String(),
		"failed_fast", b.rejected, "probes", b.probes)
}

// jitter picks a pause in [d/2, d], so servers restarted together do not
// probe in step.
func (b *breaker) jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// probeLoop pings the database, one probe at a time, until it answers.
func (b *breaker) probeLoop() {
	for {
		b.mu.Lock()
		if !b.open {
			b.mu.Unlock()
			return
		}
		wait := time.Until(b.nextProbe)
		b.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-b.stop:
			t.Stop()
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), b.probeTimeout)
		err := b.probe(ctx)
		cancel()
		b.mu.Lock()
		b.probes++
		if err == nil {
			b.closeLocked()
			b.mu.Unlock()
			return
		}
		if !b.open { // a call succeeded meanwhile
			b.mu.Unlock()
			return
		}
		b.cause = err
		b.backoff = min(2*b.backoff, b.max)
		b.nextProbe = time.Now().Add(b.jitter(b.backoff))
		if time.Since(b.lastLog) >= outageLogEvery {
			b.log.Warn("database still unavailable", "store", "postgis", "for", time.Since(b.since).Round(time.Second).String(),
				"failed_fast", b.rejected, "probes", b.probes, "err", err)
			b.lastLog, b.rejected, b.probes = time.Now(), 0, 0
		}
		b.mu.Unlock()
	}
}

// shutdown stops probing for good.
func (b *breaker) shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		b.open = false
		close(b.stop)
	}
}

// up reports whether the breaker lets calls through.
func (b *breaker) up() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.open
}
