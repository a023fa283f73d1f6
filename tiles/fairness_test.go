package tiles_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"layoutmap/geo"
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

// heldTiles is the real store answering tiles only once the test lets it
// (release), so that requests for one tile overlap however loaded the
// machine is (a fixed delay let the encoding finish before the test's
// first client hung up). entered is signalled when a request reaches it.
type heldTiles struct {
	src interface {
		tiles.Source
		tiles.FeatureSource
	}
	entered chan struct{}
	release chan struct{}
}

func (s heldTiles) Version(ctx context.Context) (int64, error) { return s.src.Version(ctx) }
func (s heldTiles) TileFeatures(ctx context.Context, q geo.TileQuery) ([]geo.LayerFeatures, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.src.TileFeatures(ctx, q)
}

// TestFirstCallerHangsUp is issue 10's single-flight bug: when the client
// whose request started an encoding goes away, the others waiting for the
// same tile still get it (the encoding runs detached from that client but
// within its deadline).
func TestFirstCallerHangsUp(t *testing.T) {
	src := heldTiles{src: henanStore(t), entered: make(chan struct{}, 1), release: make(chan struct{})}
	svc := tiles.New(src, tiles.Config{})
	q := tileAt(etdz, 8)
	first, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := svc.Encoded(first, q); errc <- err }()
	<-src.entered // the first request's encoding waits in the store
	got := make(chan error, 1)
	go func() {
		e, err := svc.Encoded(context.Background(), q)
		if err == nil && e.Empty() {
			err = errors.New("empty tile")
		}
		got <- err
	}()
	// The second request has joined once it has missed the cache.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, misses := svc.CacheCounts(); misses == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second request never reached the service")
		}
	}
	cancel() // the first client hangs up while the tile is being encoded
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that hung up got %v, want context.Canceled", err)
	}
	close(src.release)
	if err := <-got; err != nil {
		t.Errorf("the other caller of the same tile got %v, want the tile", err)
	}
	if _, misses := svc.CacheCounts(); misses != 2 {
		t.Errorf("%d misses, want 2 sharing one encoding", misses)
	}
	if n, _ := svc.CacheStats(); n != 1 {
		t.Errorf("the shared encoding was not cached (%d entries)", n)
	}
}
