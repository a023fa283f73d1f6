//go:build !js

package data

import (
	"maps"
	"sync/atomic"

	"github.com/maypok86/otter/v2"

	"layoutmap/geo"
)

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
