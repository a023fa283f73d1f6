package tiles_test

import (
	"context"
	"net/url"
	"testing"

	"layoutmap/tiles"
)

// TestCacheFairness is issue 12's case 4: a flood of tiles with a unique
// min_revenue each (any client can send one) stays inside the revenue
// thresholds' share of the cache and does not evict the unfiltered tiles
// every user shares; the cache's byte count respects its bound.
func TestCacheFairness(t *testing.T) {
	const budget = 4 << 20
	svc := tiles.New(henanStore(t), tiles.Config{CacheBytes: budget})
	ctx := context.Background()
	common := henanTiles(8)
	for range 3 { // asked for again and again, as real users do
		for _, q := range common {
			if _, err := svc.Encoded(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, size := svc.CacheStats()
	if entries != len(common) || size > budget*3/4 {
		t.Fatalf("%d common tiles take %d entries, %d bytes: the test needs them in under 3/4 of %d", len(common), entries, size, budget)
	}
	for i := range 600 {
		q := common[i%len(common)]
		v := float64(i) + 0.5
		q.Filter.MinRevenue = &v
		if _, err := svc.Encoded(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, size := svc.CacheStats(); size > budget {
		t.Errorf("cache counts %d bytes, over its bound %d", size, budget)
	}
	hits0, _ := svc.CacheCounts()
	for _, q := range common {
		if _, err := svc.Encoded(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if hits, _ := svc.CacheCounts(); hits-hits0 != uint64(len(common)) {
		t.Errorf("after a flood of 600 unique min_revenue tiles, %d of %d common tiles were still cached", hits-hits0, len(common))
	}
}

// TestCacheKeyNormalises: spellings of one filter share one cache entry.
func TestCacheKeyNormalises(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	ctx := context.Background()
	for _, raw := range []string{"min_revenue=500", "min_revenue=500.0", "min_revenue=5e2", "min_revenue=0500"} {
		q, err := tiles.ParseRequest("8", "208", "101", mustQuery(t, raw))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Encoded(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := svc.CacheStats(); n != 1 {
		t.Errorf("four spellings of min_revenue=500 take %d cache entries, want 1", n)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
