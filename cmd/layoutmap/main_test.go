package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParseServe(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     func(string) string
		want    serveConfig
		wantErr string
	}{
		{"defaults", nil, env(), serveConfig{Addr: "127.0.0.1:8080", LogLevel: slog.LevelInfo, RequestTimeout: 10 * time.Second, TileCacheMB: 256}, ""},
		{"env fallbacks", nil, env("LAYOUTMAP_ADDR", "0.0.0.0:9000", "DATABASE_URL", "postgres://x/y", "LAYOUTMAP_LOG_LEVEL", "debug", "LAYOUTMAP_REQUEST_TIMEOUT", "3s", "LAYOUTMAP_CORS_ORIGINS", "https://a.example, https://b.example", "LAYOUTMAP_TILE_CACHE_MB", "32"),
			serveConfig{Addr: "0.0.0.0:9000", DatabaseURL: "postgres://x/y", LogLevel: slog.LevelDebug, RequestTimeout: 3 * time.Second, CORSOrigins: []string{"https://a.example", "https://b.example"}, TileCacheMB: 32}, ""},
		{"flags beat env", []string{"--addr", "127.0.0.1:0", "--database-url=", "--log-level", "warn", "--request-timeout", "1m", "--tile-cache-mb", "0"}, env("LAYOUTMAP_ADDR", "0.0.0.0:9000", "DATABASE_URL", "postgres://x/y", "LAYOUTMAP_TILE_CACHE_MB", "32"),
			serveConfig{Addr: "127.0.0.1:0", LogLevel: slog.LevelWarn, RequestTimeout: time.Minute}, ""},
		{"negative tile cache", nil, env("LAYOUTMAP_TILE_CACHE_MB", "-1"), serveConfig{}, "--tile-cache-mb"},
		{"bad tile cache", []string{"--tile-cache-mb", "lots"}, env(), serveConfig{}, "--tile-cache-mb"},
		{"bad level", []string{"--log-level", "loud"}, env(), serveConfig{}, "--log-level"},
		{"bad timeout", []string{"--request-timeout", "soon"}, env(), serveConfig{}, "--request-timeout"},
		{"zero timeout", nil, env("LAYOUTMAP_REQUEST_TIMEOUT", "0s"), serveConfig{}, "--request-timeout"},
		{"bad addr", []string{"--addr", "8080"}, env(), serveConfig{}, "--addr"},
		{"negative render concurrency", []string{"--max-render-concurrency", "-1"}, env(), serveConfig{}, "--max-render-concurrency"},
		{"bad render concurrency", nil, env("LAYOUTMAP_MAX_RENDER_CONCURRENCY", "many"), serveConfig{}, "--max-render-concurrency"},
		{"image pixels beyond the renderer's", []string{"--max-image-pixels", "999999999"}, env(), serveConfig{}, "--max-image-pixels"},
		{"zero image pixels", []string{"--max-image-pixels", "0"}, env(), serveConfig{}, "--max-image-pixels"},
		{"approval number", []string{"--map-approval-number", " 豫S（2025）012号 "}, env(), serveConfig{Addr: "127.0.0.1:8080", LogLevel: slog.LevelInfo, RequestTimeout: 10 * time.Second, TileCacheMB: 256, ApprovalNumber: "豫S（2025）012号"}, ""},
		{"approval number from env", nil, env("LAYOUTMAP_MAP_APPROVAL_NUMBER", "GS(2024)1234号"), serveConfig{Addr: "127.0.0.1:8080", LogLevel: slog.LevelInfo, RequestTimeout: 10 * time.Second, TileCacheMB: 256, ApprovalNumber: "GS(2024)1234号"}, ""},
		{"approval number on two lines", []string{"--map-approval-number", "GS(2024)\n1234号"}, env(), serveConfig{}, "--map-approval-number"},
		{"approval number too long", []string{"--map-approval-number", strings.Repeat("号", 65)}, env(), serveConfig{}, "--map-approval-number"},
		{"stray argument", []string{"extra"}, env(), serveConfig{}, "unexpected"},
		{"unknown flag", []string{"--colour"}, env(), serveConfig{}, "colour"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseServe(tc.args, tc.env, &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr != tc.want.Addr || got.DatabaseURL != tc.want.DatabaseURL || got.LogLevel != tc.want.LogLevel ||
				got.RequestTimeout != tc.want.RequestTimeout || got.TileCacheMB != tc.want.TileCacheMB || got.ApprovalNumber != tc.want.ApprovalNumber || strings.Join(got.CORSOrigins, "|") != strings.Join(tc.want.CORSOrigins, "|") {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRunCommands(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"version"}, env(), &out, &out); err != nil || out.String() != "layoutmap "+version+"\n" {
		t.Errorf("version: %q, %v", out.String(), err)
	}
	out.Reset()
	if err := run(ctx, []string{"serve", "-h"}, env(), &out, &out); err != nil || !strings.Contains(out.String(), "-database-url") {
		t.Errorf("serve -h: %v, output %q; want usage naming -database-url", err, out.String())
	}
	for _, cmd := range []string{"migrate", "import"} {
		out.Reset()
		if err := run(ctx, []string{cmd, "-h"}, env(), &out, &out); err != nil || !strings.Contains(out.String(), "-database-url") {
			t.Errorf("%s -h: %v, output %q; want usage naming -database-url", cmd, err, out.String())
		}
	}
	for _, cmd := range []string{"migrate", "import", "frobnicate"} {
		if err := run(ctx, []string{cmd}, env(), &out, &out); err == nil {
			t.Errorf("%s without a database: no error", cmd)
		}
	}
}

// `layoutmap admin set-password` writes only a bcrypt hash (mode 0600)
// that serve --admin-password-file reads; short passwords are refused.
func TestAdminSetPassword(t *testing.T) {
	file := filepath.Join(t.TempDir(), "admin.hash")
	var out strings.Builder
	if err := runAdmin([]string{"set-password", "--file", file}, strings.NewReader("short\n"), &out, io.Discard); err == nil {
		t.Fatal("a 5-character password was accepted")
	}
	if err := runAdmin([]string{"set-password", "--file", file}, strings.NewReader("correct horse battery\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(b), "$2a$12$") || strings.Contains(string(b), "horse") {
		t.Fatalf("hash file %q, %v", b, err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("hash file mode %v, want 0600", fi.Mode().Perm())
	}
	cfg, err := parseServe([]string{"--admin-password-file", file}, func(string) string { return "" }, io.Discard)
	if err != nil || len(cfg.AdminHash) == 0 {
		t.Fatalf("serve --admin-password-file: %v", err)
	}
	if _, err := parseServe([]string{"--write-database-url", "postgres://x"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Fatal("--write-database-url without --database-url accepted")
	}
}
