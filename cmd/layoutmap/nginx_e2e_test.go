package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startNginx runs nginx (Debian's nginx-light, installed by scripts/deps.sh)
// in the foreground until the test ends, proxying to upstreams with the
// locations of docs/nginx/layoutmap.conf, and returns its base URL.
func startNginx(t *testing.T, upstreams ...string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
	}
	locations, err := filepath.Abs("../../docs/nginx/layoutmap.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var servers strings.Builder
	for _, u := range upstreams {
		fmt.Fprintf(&servers, "server %s; ", strings.TrimPrefix(u, "http://"))
	}
	user := ""
	if os.Geteuid() == 0 { // workers would run as nobody, who cannot enter the temp dir
		user = "user root;"
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %[2]s/tmp; proxy_temp_path %[2]s/tmp; fastcgi_temp_path %[2]s/tmp;
  uwsgi_temp_path %[2]s/tmp; scgi_temp_path %[2]s/tmp;
  proxy_cache_path %[2]s/cache levels=1:2 keys_zone=layoutmap:8m max_size=256m inactive=1h;
  upstream layoutmap { %[3]s keepalive 8; }
  server {
    listen 127.0.0.1:%[4]d;
    include %[5]s;
  }
}
`, user, dir, servers.String(), port, locations)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	// SIGTERM, not SIGKILL: the master then stops its workers and cache
	// manager and exits after them, so nothing writes into dir while
	// t.TempDir's cleanup removes it ("directory not empty" otherwise).
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("nginx: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", base[len("http://"):]); err == nil {
			c.Close()
			return base
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s %s", stderr.String(), log)
		}
	}
}

// fetch GETs url with an Accept-Encoding (or none) and returns the status,
// the headers and the decoded body.
func fetch(t *testing.T, url, acceptEncoding string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", acceptEncoding) // "" stops Go's transport adding gzip
	if acceptEncoding == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: gzip: %v", url, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: gzip: %v", url, err)
		}
	}
	return resp.StatusCode, resp.Header, b
}

// TestNginxCacheInFront puts nginx with the proxy cache of
// docs/nginx/layoutmap.conf in front of two layoutmap instances on one
// PostGIS: tiles are cached and revalidated with the ETag (a 304 from
// layoutmap), gzip and identity copies stay apart, both instances serve,
// /admin is never cached, and after an import no stale tile or item is
// served once the cache has revalidated.
func TestNginxCacheInFront(t *testing.T) {
	_, url := bundledDatabase(t)
	env := func(string) string { return "" }
	a, b := serveFor(t, url), serveFor(t, url)
	proxy := startNginx(t, a, b)

	const tile = "/tiles/5/26/12.mvt"
	const item = "/api/v1/collections/zones/items/G411162"
	st, h, direct := fetch(t, a+tile, "gzip")
	if st != 200 || h.Get("ETag") == "" {
		t.Fatalf("direct tile: %d %v", st, h)
	}
	var statuses []string
	for i := range 4 {
		st, h, body := fetch(t, proxy+tile, "gzip")
		if st != 200 || !bytes.Equal(body, direct) || h.Get("Content-Encoding") != "gzip" {
			t.Fatalf("request %d through nginx: %d %v (%d bytes, want %d)", i, st, h, len(body), len(direct))
		}
		statuses = append(statuses, h.Get("X-Cache-Status"))
		if i == 1 {
			// Past proxy_cache_valid (1 s, which nginx counts in whole
			// seconds): the next request revalidates.
			time.Sleep(2100 * time.Millisecond)
		}
	}
	if statuses[0] != "MISS" || statuses[1] != "HIT" || statuses[2] != "REVALIDATED" {
		t.Fatalf("cache statuses %v, want MISS, HIT, REVALIDATED, …", statuses)
	}
	// The identity copy is a separate cache entry with the same tile.
	if st, h, body := fetch(t, proxy+tile, ""); st != 200 || h.Get("Content-Encoding") != "" || !bytes.Equal(body, direct) || h.Get("X-Cache-Status") != "MISS" {
		t.Fatalf("identity tile through nginx: %d %v", st, h)
	}
	// /admin is never cached.
	for range 2 {
		if _, h, _ := fetch(t, proxy+"/admin/", ""); h.Get("X-Cache-Status") != "" {
			t.Fatalf("/admin went through the cache: %v", h)
		}
	}
	// The second instance, which the test never asked directly, served
	// tiles too: nginx spreads the upstream requests over both.
	if _, _, m := fetch(t, b+"/metrics", ""); !strings.Contains(string(m), `layoutmap_http_requests_total{route="/tiles/:z/:x/:y.mvt"`) {
		t.Fatalf("the second instance served no tile through nginx:\n%s", m)
	}

	_, h0, _ := fetch(t, proxy+tile, "gzip")
	_, _, item0 := fetch(t, proxy+item, "")
	if err := run(t.Context(), []string{"import", "--database-url", url, "--revenue", syntheticRevenueXLSX(t)}, env, io.Discard, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	// Version check (1 s) + proxy_cache_valid (1 s, up to 2 in nginx's
	// whole seconds): after that nothing stale.
	time.Sleep(3200 * time.Millisecond)
	for _, base := range []string{a, b} {
		_, hd, _ := fetch(t, base+tile, "gzip")
		_, hp, _ := fetch(t, proxy+tile, "gzip")
		if hd.Get("ETag") == h0.Get("ETag") || hp.Get("ETag") != hd.Get("ETag") {
			t.Fatalf("after the import: nginx ETag %q, %s ETag %q, before %q", hp.Get("ETag"), base, hd.Get("ETag"), h0.Get("ETag"))
		}
	}
	if _, _, got := fetch(t, proxy+item, ""); bytes.Equal(got, item0) || !strings.Contains(string(got), `"revenue_yi":800`) {
		t.Fatalf("nginx serves a stale item after the import: %s", got)
	}
}
