// Package tiles builds the composite Mapbox Vector Tiles of layoutmap
// (layers province, cities, counties, regions, zones, labels; see
// geo.Layers), their TileJSON 3.0 document and the MapLibre style that
// draws them, and keeps encoded tiles in an LRU cache keyed by the dataset
// version, so an import never leaves a stale tile behind.
//
// It consumes a Source (features per tile layer, in geo types) and encodes
// them with orb's encoding/mvt; a source that builds tiles itself (PostGIS
// ST_AsMVT) implements MVTSource and is passed through. tiles imports geo
// and orb only: never data or its sub-packages, never api.
//
// Specifications: Mapbox Vector Tile 2.1
// (https://github.com/mapbox/vector-tile-spec/tree/master/2.1), TileJSON
// 3.0 (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0), MapLibre
// style spec (https://maplibre.org/maplibre-style-spec/).
package tiles
