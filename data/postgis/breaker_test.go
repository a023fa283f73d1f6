package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

func TestUnavailableClassifies(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"dropped mid-query", fmt.Errorf("postgis: items: %w", io.ErrUnexpectedEOF), true},
		{"request deadline", fmt.Errorf("postgis: version: %w", context.DeadlineExceeded), true},
		{"starting up", &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, true},
		{"shutting down", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, true},
		{"bad password", &pgconn.PgError{Code: "28P01"}, true},
		{"schema not migrated", &pgconn.PgError{Code: "42P01"}, true},
		{"already wrapped", &data.UnavailableError{Op: "x"}, true},
		{"client went away", fmt.Errorf("x: %w", context.Canceled), false},
		{"syntax error is a bug", &pgconn.PgError{Code: "42601"}, false},
		{"check constraint is a bug", &pgconn.PgError{Code: "23514"}, false},
		{"client mistake", geo.FieldErrors{{Field: "city", Reason: "unknown"}}, false},
		{"nil", nil, false},
	} {
		if got := postgis.Unavailable(tc.err); got != tc.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestBreakerFailsFast: against a port nobody listens on, the first call
// dials and fails, the next ones fail fast with a Retry-After hint and no
// dial, and the probes that follow are spaced by the backoff.
func TestBreakerFailsFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody listens there now: connection refused
	s, err := postgis.Open(t.Context(), postgis.Config{URL: "postgres://nobody@" + addr + "/none?sslmode=disable"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Version(t.Context())
	if !errors.Is(err, data.ErrUnavailable) {
		t.Fatalf("first call: %v, want data.ErrUnavailable", err)
	}
	first := s.Health().ConnectAttempts
	if first == 0 {
		t.Fatal("no connection attempt counted")
	}
	for range 1000 {
		_, err := s.Items(t.Context(), geo.CollZones, geo.Filter{Limit: 1})
		var ue *data.UnavailableError
		if !errors.As(err, &ue) || ue.RetryAfter <= 0 || ue.RetryAfter > 2*time.Second {
			t.Fatalf("while open: %v, want an UnavailableError with a Retry-After within 2 s", err)
		}
	}
	time.Sleep(2 * time.Second)
	h := s.Health()
	// Probes: after 50–100, 100–200, 200–400, 400–800 ms: ≤ 4 in 2 s, each
	// one dial; 1000 calls made none.
	if n := h.ConnectAttempts - first; n > 5 {
		t.Errorf("%d connection attempts in 2 s of outage with 1000 calls, want ≤ 5 (probes only)", n)
	}
	if h.Available || h.Outages != 1 || h.FailedFast < 1000 {
		t.Errorf("health %+v, want unavailable, one outage, ≥ 1000 failed fast", h)
	}
}
