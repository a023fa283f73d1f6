package static

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"sync"

	"layoutmap/geo"
)

// RenderVersion changes whenever the drawing changes, so cached images and
// ETags of an older renderer do not survive an upgrade.
const RenderVersion = "2"

// Key names one image: format, dataset version, renderer version, the
// options and the filter, canonically encoded. It is the cache key and,
// quoted, the ETag.
func Key(format string, datasetVersion int64, o Options, f geo.Filter, attribution string) string {
	q := url.Values{}
	for k, v := range o.Encode() {
		q[k] = v
	}
	for k, v := range f.Encode() {
		q["f."+k] = v
	}
	h := sha256.New()
	h.Write([]byte(format + "\x00" + strconv.FormatInt(datasetVersion, 10) + "\x00" + RenderVersion + "\x00" + attribution + "\x00" + q.Encode()))
	return format + "-" + strconv.FormatInt(datasetVersion, 10) + "-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// Cache is a byte-bounded LRU of rendered images, safe for concurrent use.
// Keys include the dataset version, so an import makes old entries
// unreachable and they age out.
type Cache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	val []byte
}

// NewCache returns a cache holding at most maxBytes of images; maxBytes ≤ 0
// caches nothing.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

// Get returns the image under key. The slice must not be modified.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cacheEntry).val, true
	}
	return nil, false
}

// Put stores val under key, evicting the least recently used images. An
// image larger than the whole cache is not stored. val must not be
// modified afterwards.
func (c *Cache) Put(key string, val []byte) {
	n := int64(len(val))
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.size += n - int64(len(e.Value.(*cacheEntry).val))
		e.Value.(*cacheEntry).val = val
		c.ll.MoveToFront(e)
	} else {
		c.items[key] = c.ll.PushFront(&cacheEntry{key, val})
		c.size += n
	}
	for c.size > c.max {
		e := c.ll.Back()
		ce := e.Value.(*cacheEntry)
		c.ll.Remove(e)
		delete(c.items, ce.key)
		c.size -= int64(len(ce.val))
	}
}

// Len returns the number of cached images.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
