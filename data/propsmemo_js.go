//go:build js

package data

import "layoutmap/geo"

// PropertiesMemo keeps nothing in the static site's WebAssembly engine
// (cmd/sitewasm): otter would add 1.2 MB to site.wasm, which every visitor
// downloads, for a page the browser builds once. Properties are built and
// encoded per call, as the nil memo of other builds does.
type PropertiesMemo struct{}

// NewPropertiesMemo returns nil: no memo in WebAssembly.
func NewPropertiesMemo(maxBytes int64) *PropertiesMemo { return nil }

// Bytes is 0.
func (m *PropertiesMemo) Bytes() uint64 { return 0 }

// Get finds nothing.
func (m *PropertiesMemo) Get(k PropertiesKey) (geo.Properties, []byte, bool) { return nil, nil, false }

// Put encodes p and keeps nothing.
func (m *PropertiesMemo) Put(k PropertiesKey, p geo.Properties) (geo.Properties, []byte, error) {
	b, err := geo.PropertiesJSON(p)
	if err != nil {
		return p, nil, err
	}
	return p, b, nil
}
