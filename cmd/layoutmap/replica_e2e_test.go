package main

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"layoutmap/data/postgis"
)

// TestReadReplica is the scale-out path of docs/deploy.md on two real
// PostgreSQL clusters in streaming replication (pg_basebackup -R): two
// layoutmap instances read from the standby while clients fetch tiles and
// items; an import on the primary reaches both instances by WAL streaming
// and the per-second version check, with no 5xx during the switch, and
// each instance's tile ETag changes. The standby refuses imports with a
// clear error. The switch-over time is logged (measured, not asserted:
// docs/performance.md).
func TestReadReplica(t *testing.T) {
	primary, name, url := ownDatabase(t)
	env := func(string) string { return "" }
	// The primary holds the bundled dataset as `layoutmap import` wrote it
	// (dataset version 1), restored from the shared cluster's copy of it
	// rather than imported again on this cluster.
	shared, bundled := bundledDatabase(t)
	if err := primary.CopySchema(t.Context(), shared, bundled, name, postgis.Schema); err != nil {
		t.Fatal(err)
	}
	// The reader role exists before the base backup, so it is replicated too.
	reader, err := primary.ReaderURL(t.Context(), url, postgis.Schema)
	if err != nil {
		t.Fatal(err)
	}
	standby, err := primary.StartStandby(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(standby.Stop)
	onStandby := func(u string) string {
		return strings.Replace(u, ":"+itoa(primary.Port())+"/", ":"+itoa(standby.Port())+"/", 1)
	}
	bases := []string{serveFor(t, onStandby(reader)), serveFor(t, onStandby(reader))}

	const item = "/api/v1/collections/zones/items/G411162"
	const tile = "/tiles/5/26/12.mvt"
	etag0 := make([]string, len(bases))
	for i, b := range bases {
		if st, _, body := httpGet(t, b+item); st != 200 || strings.Contains(body, "synthetic") {
			t.Fatalf("instance %d before the import: %d %s", i, st, body)
		}
		_, etag0[i], _ = httpGet(t, b+tile)
	}

	xlsx := syntheticRevenueXLSX(t)
	var errOut strings.Builder
	err = run(t.Context(), []string{"import", "--database-url", onStandby(url), "--revenue", xlsx}, env, io.Discard, &errOut)
	if err == nil || !errors.Is(err, postgis.ErrStandby) {
		t.Fatalf("import on the standby: err=%v %s, want a read-only error", err, errOut.String())
	}
	t.Logf("import on the standby: %v", err)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	requests := 0
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				u := bases[(w+n)%len(bases)] + []string{tile, item, "/api/v1/collections/zones/items?limit=20"}[n%3]
				resp, err := http.Get(u)
				mu.Lock()
				requests++
				if err != nil {
					failures = append(failures, err.Error())
				} else if resp.StatusCode >= 500 {
					failures = append(failures, u+": "+resp.Status)
				}
				mu.Unlock()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
	}
	start := time.Now()
	if err := run(t.Context(), []string{"import", "--database-url", url, "--revenue", xlsx}, env, io.Discard, io.Discard); err != nil {
		t.Fatalf("import on the primary: %v", err)
	}
	imported := time.Now()
	seen := make([]time.Duration, len(bases))
	for i, b := range bases {
		for {
			if _, _, body := httpGet(t, b+item); strings.Contains(body, `"revenue_yi":800`) {
				seen[i] = time.Since(imported)
				break
			}
			if time.Since(imported) > time.Minute {
				t.Fatalf("instance %d still serves the old version a minute after the import", i)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	time.Sleep(1100 * time.Millisecond) // one more version check on every instance under load
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests failed during the switch, e.g. %s", len(failures), requests, failures[0])
	}
	for i, b := range bases {
		if _, etag, _ := httpGet(t, b+tile); etag == "" || etag == etag0[i] {
			t.Errorf("instance %d: tile ETag %q after the import, was %q", i, etag, etag0[i])
		}
		if st, _, body := httpGet(t, b+"/api/v1/versions"); st != 200 || !strings.Contains(body, `"current":2`) {
			t.Errorf("instance %d /api/v1/versions: %d %s", i, st, body)
		}
	}
	t.Logf("import took %v; the standby's instances served the new version %v and %v after it (%d requests, no 5xx)",
		imported.Sub(start).Round(time.Millisecond), seen[0].Round(time.Millisecond), seen[1].Round(time.Millisecond), requests)
}
