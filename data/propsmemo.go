package data

import (
	"math"

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

// EncodedProperties are a feature's properties with their encoding. Both
// are shared: read only.
type EncodedProperties struct {
	Properties geo.Properties
	JSON       []byte
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
