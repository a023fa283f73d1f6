package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"layoutmap/data/postgis"
)

// serveFor serves the database at dbURL (or the embedded dataset for "")
// until the test ends and returns the base URL.
func serveFor(t *testing.T, dbURL string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{Addr: "127.0.0.1:0", DatabaseURL: dbURL, RequestTimeout: 10 * time.Second}, io.Discard, ready)
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return ""
}

// syntheticRevenueXLSX writes a revenue sheet in the template's layout
// with one synthetic figure (said so in its source): G411162, 2022,
// 800亿 营业收入, exact. It returns the file's path.
func syntheticRevenueXLSX(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"开发区", "年份", "营业收入（亿元）", "口径", "界限", "来源"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"G411162", 2022, 800, "营业收入", "精确", "synthetic test figure, not a published statistic"})
	xlsx := filepath.Join(t.TempDir(), "revenue_2022.xlsx")
	if err := f.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	return xlsx
}

func httpGet(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), string(b)
}

// TestCheckImportRollback is the planner's yearly workflow on a real
// PostGIS: a revenue .xlsx with Chinese headers is checked (without and
// with the database: the same diff, nothing changes), imported (version
// 2, the figure is served), listed by `versions` and /api/v1/versions, and
// rolled back under load (version 3 serves what version 1 served; no
// request fails and each client sees the tile ETag change once).
func TestCheckImportRollback(t *testing.T) {
	c, url := bundledDatabase(t)
	env := func(string) string { return "" }
	xlsx := syntheticRevenueXLSX(t)
	const wantDiff = "diff: zones +0 −0 ~0; figures +1 ~0 −0; admin areas +0 −0 ~0\n  figure added: G411162 2022 营业收入 full_year: none → 800亿 (exact)\n"
	for _, args := range [][]string{
		{"import", "--check", "--revenue", xlsx},
		{"import", "--check", "--database-url", url, "--revenue", xlsx},
	} {
		var out strings.Builder
		if err := run(t.Context(), args, env, &out, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.HasPrefix(out.String(), wantDiff) || !strings.Contains(out.String(), "nothing was changed") {
			t.Fatalf("%v printed %q, want it to start with %q", args, out.String(), wantDiff)
		}
	}
	reader, err := c.ReaderURL(t.Context(), url, postgis.Schema)
	if err != nil {
		t.Fatal(err)
	}
	base := serveFor(t, reader)
	const item = "/api/v1/collections/zones/items/G411162"
	_, _, before := httpGet(t, base+item)
	if strings.Contains(before, "synthetic") {
		t.Fatal("the dry run changed the database")
	}
	if err := run(t.Context(), []string{"import", "--database-url", url, "--revenue", xlsx}, env, io.Discard, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	if _, _, got := httpGet(t, base+item); !strings.Contains(got, `"revenue_yi":800`) || !strings.Contains(got, "synthetic test figure") {
		t.Fatalf("imported figure not served: %s", got)
	}
	var out strings.Builder
	if err := run(t.Context(), []string{"versions", "--database-url", url}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "*    2") || !strings.Contains(lines[0], "files: revenue_2022.xlsx") ||
		!strings.Contains(lines[0], "figures +1 ~0 −0") || !strings.HasPrefix(lines[1], "     1") || !strings.Contains(lines[1], "(bundled dataset)") {
		t.Fatalf("versions printed:\n%s", out.String())
	}

	// Roll back to 1 while clients fetch a tile.
	const tile = "/tiles/5/26/12.mvt"
	_, etag0, _ := httpGet(t, base+tile)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var seen []string
			for {
				select {
				case <-stop:
					mu.Lock()
					defer mu.Unlock()
					changes := 0
					for i := 1; i < len(seen); i++ {
						if seen[i] != seen[i-1] {
							changes++
						}
					}
					if changes > 1 {
						failures = append(failures, "ETag changed more than once")
					}
					return
				default:
				}
				resp, err := http.Get(base + tile)
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					mu.Lock()
					failures = append(failures, resp.Status)
					mu.Unlock()
				}
				seen = append(seen, resp.Header.Get("ETag"))
			}
		}()
	}
	out.Reset()
	if err := run(t.Context(), []string{"rollback", "--database-url", url, "1"}, env, &out, io.Discard); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if !strings.Contains(out.String(), "figure removed: G411162 2022 营业收入 full_year: 800亿 (exact) → none") || !strings.Contains(out.String(), "restored version 1 as dataset version 3") {
		t.Fatalf("rollback printed %q", out.String())
	}
	time.Sleep(1500 * time.Millisecond) // the tile service re-reads the version each second
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures under load, e.g. %s", len(failures), failures[0])
	}
	if _, etag, _ := httpGet(t, base+tile); etag == etag0 || etag == "" {
		t.Fatalf("tile ETag %q after rollback, was %q", etag, etag0)
	}
	if _, _, got := httpGet(t, base+item); got != before {
		t.Fatalf("after rollback:\n%s\nwant\n%s", got, before)
	}
	status, _, body := httpGet(t, base+"/api/v1/versions")
	var vs struct {
		Current  int64 `json:"current"`
		History  bool  `json:"history"`
		Versions []struct {
			Version int64  `json:"version"`
			Kind    string `json:"kind"`
		} `json:"versions"`
	}
	if err := json.Unmarshal([]byte(body), &vs); err != nil || status != 200 || vs.Current != 3 || !vs.History || len(vs.Versions) != 3 || vs.Versions[0].Kind != "rollback" {
		t.Fatalf("/api/v1/versions: %d %s", status, body)
	}
	// The rollback's history row names no file and says why (trial 6: it
	// printed an empty "files: ;").
	out.Reset()
	if err := run(t.Context(), []string{"versions", "--database-url", url}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.HasPrefix(first, "*    3") || !strings.Contains(first, "files: none (rollback);") {
		t.Fatalf("versions printed:\n%s", out.String())
	}
	// The embedded store has no history and says so.
	status, _, body = httpGet(t, serveFor(t, "")+"/api/v1/versions")
	if status != 200 || !strings.Contains(body, `"history":false`) || !strings.Contains(body, `"versions":[]`) {
		t.Fatalf("embedded /api/v1/versions: %d %s", status, body)
	}
}
