package data

import (
	"maps"
	"math"
	"sync/atomic"

	"github.com/maypok86/otter/v2"

	"layoutmap/geo"
)

// PropertiesKey names one feature's properties as a store builds them for
// a dataset version and the request inputs that shape them: the headline
// year and measure family of zones (geo.ZoneProperties; 0 and "" for the
// other collections, whose properties depend on nothing else).
type PropertiesKey struct {
	Version  int64
	Coll, ID string
	Year     int
	Family   string
}

// PropertiesMemoBytes is the default bound of a PropertiesMemo, in
// estimated bytes (see propsWeight): every zone of the bundled dataset for
// every year and family many times over; at 16,200 zones the features
// asked for most often stay.
const PropertiesMemoBytes = 128 << 20

// PropertiesMemo keeps each feature's properties and their GeoJSON
// encoding (geo.PropertiesJSON) per PropertiesKey, so a store builds and
// encodes a feature's properties once per dataset version, year and family
// instead of on every request (issue 17: 44 % of the CPU of a bbox page of
// zones was encoding/json reflecting over property maps). It is an otter
// cache bounded by estimated bytes (W-TinyLFU: keys asked for once, such as
// a year no one else asks, do not evict the common ones). A newer version
// empties it. Safe for concurrent use; the nil *PropertiesMemo keeps
// nothing.
type PropertiesMemo struct {
	c      *otter.Cache[PropertiesKey, EncodedProperties]
	newest atomic.Int64
}

// EncodedProperties are a feature's properties with their encoding. Both
// are shared: read only.
type EncodedProperties struct {
	Properties geo.Properties
	JSON       []byte
}

// NewPropertiesMemo returns a memo bounded by maxBytes (estimated); nil
// when maxBytes ≤ 0.
func NewPropertiesMemo(maxBytes int64) *PropertiesMemo {
	if maxBytes <= 0 {
		return nil
	}
	return &PropertiesMemo{c: otter.Must(&otter.Options[PropertiesKey, EncodedProperties]{
		MaximumWeight: uint64(maxBytes),
		Weigher:       propsWeight,
	})}
}

// propsEntryOverhead approximates what an entry costs beyond its JSON and
// the map's share counted in propsWeight: otter's node, the key's headers
// and the hash table slot.
const propsEntryOverhead = 256

// propsWeight estimates an entry's bytes: its JSON, the property map
// (measured at about twice the JSON for zones: buckets, boxed numbers,
// copied lists and the revenue records' maps), the key and overhead.
func propsWeight(k PropertiesKey, e EncodedProperties) uint32 {
	w := 3*len(e.JSON) + len(k.Coll) + len(k.ID) + len(k.Family) + propsEntryOverhead
	return uint32(min(w, math.MaxUint32))
}

// Bytes is the estimated size of what the memo holds, after any eviction
// due (otter evicts in the background otherwise).
func (m *PropertiesMemo) Bytes() uint64 {
	if m == nil {
		return 0
	}
	m.c.CleanUp()
	return m.c.WeightedSize()
}

// Get returns the properties of k (a shallow copy, the caller's: nested
// lists and maps are shared, read only) and their encoding (shared).
func (m *PropertiesMemo) Get(k PropertiesKey) (geo.Properties, []byte, bool) {
	if m == nil {
		return nil, nil, false
	}
	e, ok := m.c.GetIfPresent(k)
	if !ok {
		return nil, nil, false
	}
	return maps.Clone(e.Properties), e.JSON, true
}

// Put encodes p, keeps p and its encoding under k (p is the memo's from
// then on: the caller keeps the copy returned) and returns a copy of p and
// the encoding. A key of a version older than one already kept is encoded
// but not kept; a newer version empties the memo first. On an encoding
// error p is returned as it is, with no encoding and nothing kept.
func (m *PropertiesMemo) Put(k PropertiesKey, p geo.Properties) (geo.Properties, []byte, error) {
	b, err := geo.PropertiesJSON(p)
	if err != nil {
		return p, nil, err
	}
	if m == nil {
		return p, b, nil
	}
	for {
		n := m.newest.Load()
		if k.Version < n {
			return p, b, nil
		}
		if k.Version == n {
			break
		}
		if m.newest.CompareAndSwap(n, k.Version) {
			m.c.InvalidateAll()
			break
		}
	}
	m.c.Set(k, EncodedProperties{Properties: p, JSON: b})
	return maps.Clone(p), b, nil
}

// Properties returns the properties of k with their encoding: from the
// memo, or built by build, encoded and kept (see Get and Put). On an
// encoding error they are returned without an encoding (the caller's
// encoder then reports it).
func (m *PropertiesMemo) Properties(k PropertiesKey, build func() geo.Properties) (geo.Properties, []byte) {
	if p, b, ok := m.Get(k); ok {
		return p, b
	}
	p, b, _ := m.Put(k, build())
	return p, b
}
