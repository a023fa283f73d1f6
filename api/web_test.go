package api

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

func webApp(t *testing.T, fsys fstest.MapFS, origins ...string) *fiber.App {
	t.Helper()
	app := fiber.New()
	Web(WebConfig{FS: fsys, EmbedOrigins: origins})(app)
	return app
}

var builtWeb = fstest.MapFS{
	"index.html":                            {Data: []byte("<!doctype html><html lang=\"zh-CN\">map")},
	"embed.html":                            {Data: []byte("<!doctype html>embed")},
	"embed.js":                              {Data: []byte("(function(){})()")},
	"assets/app-ABC.js":                     {Data: []byte("export{}")},
	"assets/app-ABC.css":                    {Data: []byte("body{}")},
	"assets/maplibre-gl-worker-6.17.0.mjs":  {Data: []byte("self")},
	"fonts/noto-sans-sc-4-400-normal.woff2": {Data: []byte("wOF2")},
	"fonts/fonts.css":                       {Data: []byte("@font-face{}")},
	".gitkeep":                              {Data: nil},
}

func TestWebRoutes(t *testing.T) {
	app := webApp(t, builtWeb)
	cases := []struct {
		name, path        string
		status            int
		ctype, cache, csp string
	}{
		{"index", "/", 200, "text/html; charset=utf-8", cacheHTML, "frame-ancestors 'self'"},
		{"embed page frameable by any origin by default", "/embed?year=2023", 200, "text/html; charset=utf-8", cacheHTML, "frame-ancestors *"},
		{"resize script", "/embed.js", 200, "text/javascript; charset=utf-8", cacheScript, ""},
		{"hashed bundle", "/assets/app-ABC.js", 200, "text/javascript; charset=utf-8", cacheImmutable, ""},
		{"css", "/assets/app-ABC.css", 200, "text/css; charset=utf-8", cacheImmutable, ""},
		{"module worker", "/assets/maplibre-gl-worker-6.17.0.mjs", 200, "text/javascript; charset=utf-8", cacheImmutable, ""},
		{"font subset", "/fonts/noto-sans-sc-4-400-normal.woff2", 200, "font/woff2", cacheFonts, ""},
		{"missing asset", "/assets/nope.js", 404, "", "", ""},
		{"hidden placeholder not served", "/assets/../.gitkeep", 404, "", "", ""},
		{"directory", "/assets/", 404, "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := app.Test(httptest.NewRequest("GET", tc.path, nil))
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.status {
				t.Fatalf("GET %s: status %d, want %d", tc.path, res.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := res.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if tc.csp != "" && !strings.Contains(csp, tc.csp) {
				t.Errorf("CSP %q lacks %q", csp, tc.csp)
			}
			if tc.csp != "" && !strings.Contains(csp, "connect-src 'self'") {
				t.Errorf("CSP %q does not pin connections to the origin", csp)
			}
			if res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
		})
	}
}

func TestWebConditionalGet(t *testing.T) {
	app := webApp(t, builtWeb)
	res, err := app.Test(httptest.NewRequest("GET", "/assets/app-ABC.js", nil))
	if err != nil {
		t.Fatal(err)
	}
	etag := res.Header.Get("ETag")
	req := httptest.NewRequest("GET", "/assets/app-ABC.js", nil)
	req.Header.Set("If-None-Match", "W/\"other\", "+etag)
	res, err = app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 304 {
		t.Fatalf("If-None-Match %s: status %d, want 304", etag, res.StatusCode)
	}
}

func TestWebEmbedOrigins(t *testing.T) {
	app := webApp(t, builtWeb, "https://reports.example.org", "http://127.0.0.2:9000")
	res, err := app.Test(httptest.NewRequest("GET", "/embed", nil))
	if err != nil {
		t.Fatal(err)
	}
	want := "frame-ancestors https://reports.example.org http://127.0.0.2:9000"
	if got := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(got, want) {
		t.Fatalf("CSP %q, want suffix %q", got, want)
	}
}

func TestWebNotBuilt(t *testing.T) {
	app := webApp(t, fstest.MapFS{".gitkeep": {}})
	for _, p := range []string{"/", "/embed"} {
		res, err := app.Test(httptest.NewRequest("GET", p, nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 503 || !strings.Contains(string(body), "make build") || res.Header.Get("Content-Type") != ContentTypeProblem {
			t.Errorf("GET %s unbuilt: %d %q, want 503 naming make build", p, res.StatusCode, body)
		}
	}
}
