package data_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"layoutmap/data"
	"layoutmap/geo"
)

func TestPropertiesMemo(t *testing.T) {
	m := data.NewPropertiesMemo(1 << 20)
	k := data.PropertiesKey{Version: 3, Coll: geo.CollZones, ID: "z1", Year: 2023, Family: geo.DefaultFamily}
	if _, _, ok := m.Get(k); ok {
		t.Fatal("empty memo has an entry")
	}
	built := 0
	build := func() geo.Properties {
		built++
		return geo.Properties{"name": "郑州 <a&b>", "lon": 113.123456789, "none": nil, "list": []string{"x"}}
	}
	p, b := m.Properties(k, build)
	want := `{"list":["x"],"lon":113.123457,"name":"郑州 <a&b>"}`
	if string(b) != want {
		t.Errorf("encoding %s, want %s", b, want)
	}
	p["name"] = "changed" // the caller's copy
	p2, b2 := m.Properties(k, build)
	if built != 1 {
		t.Errorf("built %d times, want once", built)
	}
	if &b2[0] != &b[0] {
		t.Error("encoding made again for the same key")
	}
	if p2["name"] != "郑州 <a&b>" {
		t.Errorf("the memo's map changed through a caller's copy: %v", p2["name"])
	}
	// Another year or family is another entry.
	other := k
	other.Year = 2022
	if _, _, ok := m.Get(other); ok {
		t.Error("another year shares the entry")
	}
	// An older version is encoded but not kept; a newer one empties the memo.
	old := k
	old.Version = 2
	if _, b, err := m.Put(old, geo.Properties{"a": 1}); err != nil || string(b) != `{"a":1}` {
		t.Errorf("old version: %s, %v", b, err)
	}
	if _, _, ok := m.Get(old); ok {
		t.Error("an older version was kept")
	}
	newer := k
	newer.Version = 4
	m.Put(newer, geo.Properties{"a": 2})
	if _, _, ok := m.Get(k); ok {
		t.Error("a newer version left the older entries")
	}
	if _, b, ok := m.Get(newer); !ok || string(b) != `{"a":2}` {
		t.Errorf("newer version: %s, %v", b, ok)
	}
	// An encoding error keeps nothing and gives no encoding.
	bad := newer
	bad.ID = "nan"
	if _, b, err := m.Put(bad, geo.Properties{"x": math.NaN()}); err == nil || b != nil {
		t.Errorf("NaN: %s, %v", b, err)
	}
	if _, _, ok := m.Get(bad); ok {
		t.Error("a property map that cannot be encoded was kept")
	}
	// The nil memo keeps nothing but still encodes.
	var none *data.PropertiesMemo
	if _, b := none.Properties(k, build); string(b) != want {
		t.Errorf("nil memo: %s", b)
	}
	if data.NewPropertiesMemo(0) != nil {
		t.Error("a memo of 0 bytes is not nil")
	}
}

// TestPropertiesMemoBounded fills a small memo far beyond its bound: it
// holds at most its bound (in estimated bytes), and still holds entries.
func TestPropertiesMemoBounded(t *testing.T) {
	const bound = 64 << 10
	m := data.NewPropertiesMemo(bound)
	big := geo.Properties{"source": strings.Repeat("x", 1000)} // weighs > 3 KB
	for i := range 1000 {
		k := data.PropertiesKey{Version: 1, Coll: geo.CollZones, ID: fmt.Sprint(i)}
		m.Put(k, big)
		m.Get(k) // asked for again: what W-TinyLFU admits
	}
	if b := m.Bytes(); b > bound || b == 0 {
		t.Errorf("memo of %d bytes holds %d after 1000 entries of ~3 KB", bound, b)
	}
	kept := 0
	for i := range 1000 {
		if _, _, ok := m.Get(data.PropertiesKey{Version: 1, Coll: geo.CollZones, ID: fmt.Sprint(i)}); ok {
			kept++
		}
	}
	if kept == 0 || kept > bound/3000 {
		t.Errorf("%d of 1000 entries of ~3 KB kept in %d bytes", kept, bound)
	}
}
