package bytecache

import (
	"strconv"
	"testing"
)

func TestCountsRealBytes(t *testing.T) {
	c := New(Config{MaxBytes: 1 << 20}, func(b []byte) int64 { return int64(cap(b)) })
	c.Set("k1", "", make([]byte, 1000))
	if n, size := c.Stats(); n != 1 || size != 2+1000+EntryOverhead {
		t.Errorf("one entry: %d entries, %d bytes; want 1, %d (key, value capacity, overhead)", n, size, 2+1000+EntryOverhead)
	}
	if v, ok := c.Get("k1"); !ok || cap(v) != 1000 {
		t.Error("entry not found")
	}
	c.Set("k1", "", make([]byte, 10)) // replaced: counted once
	if n, size := c.Stats(); n != 1 || size != 2+10+EntryOverhead {
		t.Errorf("after replacing: %d entries, %d bytes", n, size)
	}
	if c.Set("big", "", make([]byte, 2<<20)) {
		t.Error("an entry larger than the cache was offered")
	}
}

func TestBoundAndClasses(t *testing.T) {
	const max = 64 << 10
	c := New(Config{MaxBytes: max, ClassShare: 0.25}, func(b []byte) int64 { return int64(cap(b)) })
	for i := range 1000 {
		c.Set("f"+strconv.Itoa(i), "flood", make([]byte, 1000))
	}
	if got := c.ClassBytes("flood"); got > max/4 {
		t.Errorf("class holds %d bytes, over its share %d", got, max/4)
	}
	for i := range 1000 {
		c.Set("u"+strconv.Itoa(i), "", make([]byte, 1000))
	}
	if _, size := c.Stats(); size > max {
		t.Errorf("cache counts %d bytes, over %d", size, max)
	}
	c.Clear()
	if n, _ := c.Stats(); n != 0 || c.ClassBytes("flood") != 0 {
		t.Errorf("after Clear: %d entries, class %d bytes", n, c.ClassBytes("flood"))
	}
	var off *Cache[[]byte]
	if off.Set("k", "", nil) || New(Config{}, func([]byte) int64 { return 0 }) != nil {
		t.Error("a disabled cache stored something")
	}
	if _, ok := off.Get("k"); ok {
		t.Error("nil cache hit")
	}
}
