// Package admin is the /admin upload page: a planner logs in with a
// password (stored only as a bcrypt hash, written by `layoutmap admin
// set-password`), uploads a revenue table (.xlsx/.csv) or a zones GeoJSON,
// reads the dry-run report in Chinese and English, confirms, and the
// import becomes a new dataset version; versions can be rolled back.
//
// It is off unless a password hash is configured. Imports and rollbacks
// go through a separate write DSN (--write-database-url); the API keeps
// serving through its SELECT-only DSN, so a bug on the read path cannot
// write. Without PostGIS the page explains that it needs one.
//
// Security: the session cookie is HttpOnly, Secure, SameSite=Strict and
// scoped to /admin; every POST carries the session's CSRF token (403
// without it); actions without a session are 401; failed logins are rate
// limited per client address (fiber's limiter: 5 per 15 minutes, then
// 429); every login, check, import and rollback is written to the audit
// log (slog, attribute audit=true).
package admin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Config configures the admin page.
type Config struct {
	// PasswordHash is the bcrypt hash of the admin password; empty
	// disables the page (its routes are not mounted).
	PasswordHash []byte
	// WriteURL is the PostGIS DSN imports and rollbacks use; empty means
	// the server runs on the embedded dataset and the page says it needs
	// PostGIS.
	WriteURL string
	// KeepVersions is passed to imports and rollbacks (0: default).
	KeepVersions int
	// Logger receives the audit log; nil discards.
	Logger *slog.Logger
	// UploadDir holds uploads between check and confirm ("" : os.TempDir).
	UploadDir string
	// SessionTTL is how long a session lasts without use (0: 30 minutes).
	SessionTTL time.Duration
	// LoginLimit failed logins per LoginWindow per client address (0: 5 per
	// 15 minutes).
	LoginLimit  int
	LoginWindow time.Duration
}

// MinPasswordLength is the shortest password set-password accepts.
const MinPasswordLength = 12

// HashPassword returns the bcrypt hash (cost 12) of a password.
func HashPassword(password string) ([]byte, error) {
	if len([]rune(password)) < MinPasswordLength {
		return nil, fmt.Errorf("admin: the password must have at least %d characters", MinPasswordLength)
	}
	if len(password) > 72 {
		return nil, errors.New("admin: the password must be at most 72 bytes (bcrypt's limit)")
	}
	return bcrypt.GenerateFromPassword([]byte(password), 12)
}

// ReadHashFile reads a hash written by `layoutmap admin set-password`.
func ReadHashFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("admin: reading the password hash: %w", err)
	}
	h := []byte(strings.TrimSpace(string(b)))
	if _, err := bcrypt.Cost(h); err != nil {
		return nil, fmt.Errorf("admin: %s does not hold a bcrypt hash (write it with layoutmap admin set-password): %w", path, err)
	}
	return h, nil
}

// session is one logged-in browser.
type session struct {
	csrf    string
	expires time.Time
}

// sessions holds the logged-in sessions in memory: a restart logs
// everyone out, which is the safe default for a rarely used page.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	ttl time.Duration
}

func token() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

func (s *sessions) create() (id string, sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, v := range s.m {
		if now.After(v.expires) {
			delete(s.m, k)
		}
	}
	id = token()
	sess = &session{csrf: token(), expires: now.Add(s.ttl)}
	s.m[id] = sess
	return id, sess
}

// get returns the live session of id and extends it.
func (s *sessions) get(id string) *session {
	if id == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.m[id]
	if v == nil || time.Now().After(v.expires) {
		delete(s.m, id)
		return nil
	}
	v.expires = time.Now().Add(s.ttl)
	return v
}

func (s *sessions) drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

func equalToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
