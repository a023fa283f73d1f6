package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestValidators runs the ecosystem's own validators (tools/validators,
// pinned in its package.json and installed by scripts/deps.sh) against the
// real server: the MapLibre style spec, current and 20.x, on the style;
// swagger-parser and ajv (ECMA-262 patterns) on the OpenAPI document;
// check-geojson on every collection's items; ajv on TileJSON (3.0.0
// schema) and on every JSON Schema served, with every feature validated
// against its collection's schema. Fails, never skips.
func TestValidators(t *testing.T) {
	dir, err := filepath.Abs("../../tools/validators")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ajv")); err != nil {
		t.Fatalf("validators not installed: run scripts/deps.sh (npm ci in tools/validators): %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found: %v", err)
	}
	addr := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "validate.mjs", "http://"+addr)
	cmd.Dir = dir
	// The style carries glyphs (served from the CJK font scripts/deps.sh
	// installs), so style-spec 20.x accepts its text layers too.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "STYLE_KNOWN_ERRORS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("validators failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
