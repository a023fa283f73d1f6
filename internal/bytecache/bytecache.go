// Package bytecache is the one in-memory cache of encoded responses (vector
// tiles, static map images): github.com/maypok86/otter/v2 bounded by the
// real bytes of its entries, with an optional budget per class of keys.
//
// Otter's W-TinyLFU admission keeps entries that are asked for often: a
// flood of keys asked for once (say a unique min_revenue on every request)
// does not evict the tiles real users share. Classes add a hard bound on
// top: every entry of one non-empty class together may hold at most
// ClassShare of the cache, whatever the admission policy decides.
package bytecache

import (
	"math"
	"sync"

	"github.com/maypok86/otter/v2"
)

// EntryOverhead approximates the bytes an entry costs beyond its key and
// value: otter's node (key and value headers, links, weight, frequency),
// its hash table slot and this package's wrapper. It is counted so that a
// cache of many small tiles does not understate its memory.
const EntryOverhead = 192

// Config configures New.
type Config struct {
	// MaxBytes bounds the sum of entry sizes (key, value, EntryOverhead).
	// Zero or negative makes a cache that stores nothing.
	MaxBytes int64
	// ClassShare, in (0, 1], bounds the bytes of each non-empty class to
	// this fraction of MaxBytes; 0 means 1 (no bound beyond MaxBytes).
	ClassShare float64
}

// Cache maps string keys to values of type V. Safe for concurrent use;
// the nil *Cache stores nothing.
type Cache[V any] struct {
	c        *otter.Cache[string, *entry[V]]
	size     func(V) int64
	max      int64
	classMax int64

	mu      sync.Mutex
	classes map[string]int64 // bytes per non-empty class
}

type entry[V any] struct {
	v      V
	class  string
	weight uint32
}

// New returns a cache; size reports a value's bytes (count capacities and
// every encoding the value holds). It returns nil when cfg.MaxBytes ≤ 0.
func New[V any](cfg Config, size func(V) int64) *Cache[V] {
	if cfg.MaxBytes <= 0 {
		return nil
	}
	share := cfg.ClassShare
	if share <= 0 || share > 1 {
		share = 1
	}
	c := &Cache[V]{size: size, max: cfg.MaxBytes, classMax: int64(float64(cfg.MaxBytes) * share), classes: map[string]int64{}}
	c.c = otter.Must(&otter.Options[string, *entry[V]]{
		MaximumWeight: uint64(cfg.MaxBytes),
		Weigher:       func(_ string, e *entry[V]) uint32 { return e.weight },
		// Runs inside the deletion (eviction, replacement, Clear), so the
		// class totals never lag behind the cache.
		OnAtomicDeletion: func(e otter.DeletionEvent[string, *entry[V]]) {
			if e.Value.class != "" {
				c.mu.Lock()
				c.classes[e.Value.class] -= int64(e.Value.weight)
				if c.classes[e.Value.class] <= 0 {
					delete(c.classes, e.Value.class)
				}
				c.mu.Unlock()
			}
		},
	})
	return c
}

// Get returns the value under key.
func (c *Cache[V]) Get(key string) (V, bool) {
	if c == nil {
		var zero V
		return zero, false
	}
	e, ok := c.c.GetIfPresent(key)
	if !ok {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Set stores v under key in class ("" for none) and reports whether it was
// offered to the cache: a value larger than the cache or its class budget,
// or one that would take its class over budget, is not. Even an offered
// value may be refused or evicted soon by the admission policy.
func (c *Cache[V]) Set(key, class string, v V) bool {
	if c == nil {
		return false
	}
	n := int64(len(key)) + c.size(v) + EntryOverhead
	if n > c.max || n > math.MaxUint32 {
		return false
	}
	e := &entry[V]{v: v, class: class, weight: uint32(n)}
	if class != "" {
		c.mu.Lock()
		if c.classes[class]+n > c.classMax {
			c.mu.Unlock()
			return false
		}
		c.classes[class] += n
		c.mu.Unlock()
	}
	c.c.Set(key, e)
	return true
}

// Clear drops every entry (after an import, every key is stale).
func (c *Cache[V]) Clear() {
	if c != nil {
		c.c.InvalidateAll()
	}
}

// Stats returns the number of entries and their bytes as counted against
// MaxBytes.
func (c *Cache[V]) Stats() (entries int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	c.c.CleanUp() // apply pending evictions, so the figures respect MaxBytes
	return c.c.EstimatedSize(), int64(c.c.WeightedSize())
}

// ClassBytes returns the bytes held by class.
func (c *Cache[V]) ClassBytes(class string) int64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.classes[class]
}
