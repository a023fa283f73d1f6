package tiles

import (
	"container/list"
	"sync"
)

// cache is an LRU of encoded tiles bounded by bytes and, optionally, by
// entries. Keys start with the dataset version, so after an import no old
// entry is ever hit again; purge drops them eagerly anyway. Safe for
// concurrent use.
type cache struct {
	mu         sync.Mutex
	maxBytes   int64
	maxEntries int
	bytes      int64
	ll         *list.List
	items      map[string]*list.Element
	version    int64
}

type cacheEntry struct {
	key string
	enc *Encoded
}

func newCache(maxBytes int64, maxEntries int) *cache {
	return &cache{maxBytes: maxBytes, maxEntries: maxEntries, ll: list.New(), items: map[string]*list.Element{}}
}

func entrySize(key string, e *Encoded) int64 {
	// The fixed part approximates the list element, map slot and structs.
	return int64(len(key)+len(e.Body)+len(e.gz)+len(e.ETag)) + 160
}

func (c *cache) get(key string) (*Encoded, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*cacheEntry).enc, true
}

func (c *cache) add(version int64, key string, e *Encoded) {
	if c == nil {
		return
	}
	size := entrySize(key, e)
	if c.maxBytes > 0 && size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return // rendered before an import finished; never serve it
	}
	if version > c.version {
		// A new dataset version: every entry is unreachable now, free them.
		c.ll.Init()
		clear(c.items)
		c.bytes = 0
		c.version = version
	}
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key: key, enc: e})
	c.bytes += size
	for (c.maxBytes > 0 && c.bytes > c.maxBytes) || (c.maxEntries > 0 && c.ll.Len() > c.maxEntries) {
		el := c.ll.Back()
		ent := el.Value.(*cacheEntry)
		c.ll.Remove(el)
		delete(c.items, ent.key)
		c.bytes -= entrySize(ent.key, ent.enc)
	}
}

// stats returns the number of entries and their approximate bytes.
func (c *cache) stats() (entries int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.bytes
}
