package geo

import "github.com/paulmach/orb"

// Collection ids of the registry (schema.go).
const (
	CollCities   = "cities"
	CollCounties = "counties"
	CollZones    = "zones"
	CollRegions  = "regions"
)

// Collection describes one feature collection.
type Collection struct {
	ID             string    `json:"id"`
	Title          string    `json:"title"`
	TitleEN        string    `json:"title_en"`
	Description    string    `json:"description"`
	Extent         orb.Bound `json:"-"`
	ItemCount      int       `json:"item_count"`
	GeomQuality    string    `json:"geom_quality"`
	DatasetVersion int64     `json:"dataset_version"`
}

// Properties of a feature. Values are JSON-compatible scalars, []string or
// nested maps; nil values are left out by encoders.
type Properties map[string]any

// Feature is one item of a collection: its id, WGS84 geometry and properties.
// Stores return fresh Features; callers may mutate them.
type Feature struct {
	ID         string       `json:"id"`
	Geometry   orb.Geometry `json:"-"`
	Properties Properties   `json:"properties"`
	// GeometryJSON, when not nil, is Geometry encoded with
	// AppendGeoJSONGeometry, kept by the store for the dataset version so
	// coordinates are formatted once, not per request. Shared: read only.
	GeometryJSON []byte `json:"-"`
	// PropertiesJSON, when not nil, is Properties encoded with
	// PropertiesJSON (the GeoJSON "properties" member), kept by the store
	// for the dataset version and the request's headline year and measure
	// family, so property maps are not encoded per request (issue 17).
	// Shared: read only. Whoever changes Properties must set it to nil.
	PropertiesJSON []byte `json:"-"`
}

// Page is one page of a collection's items. NumberMatched counts every item
// matching the filter, whatever Limit and Offset.
type Page struct {
	Features      []Feature
	NumberMatched int
}
