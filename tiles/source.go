package tiles

import (
	"context"

	"layoutmap/geo"
)

// Source is what the Service needs of every tile source: the dataset
// version, which keys its cache. A data.Store satisfies it without
// importing this package (cmd holds the compile-time assertion). A Source
// also implements at least one of the optional interfaces below, which
// say how its tiles are made: features for the Service's encoder
// (FeatureSource, LayerSource) or encoded tiles (MVTSource,
// LayerMVTSource, GzipSource). New panics on a Source with none.
type Source interface {
	// Version is the dataset version; every import changes it.
	Version(ctx context.Context) (int64, error)
}

// FeatureSource is a Source that gives the features of a tile for the
// Service's encoder (the embedded store).
type FeatureSource interface {
	// TileFeatures returns, per layer of geo.LayersAt(q.Z), the features
	// whose bounds meet the buffered tile, in WGS84. The zone criteria of
	// q.Filter apply to the zones layer and zone labels. Client mistakes
	// in the filter come back as geo.FieldErrors.
	TileFeatures(ctx context.Context, q geo.TileQuery) ([]geo.LayerFeatures, error)
}

// MVTSource is a Source that encodes tiles itself (PostGIS ST_AsMVT). The
// Service passes its bytes through unchanged: same layers, extent
// (geo.TileExtent), buffer (geo.TileBuffer), feature ids
// (geo.TileFeatureID) and properties (TileFields) as the orb encoder. An
// empty result means an empty tile.
type MVTSource interface {
	MVT(ctx context.Context, q geo.TileQuery) ([]byte, error)
}

// GzipSource is an MVTSource whose tiles are stored gzip-compressed (a
// PMTiles archive): the Service serves its compressed bytes as they are
// instead of compressing the tile again.
type GzipSource interface {
	GzipMVT(ctx context.Context, q geo.TileQuery) (raw, gz []byte, err error)
}

// LayerSource is a Source that can give some layers of a tile: those
// named, a subset of geo.LayersAt(q.Z) in that order. The Service then
// encodes and caches the boundary layers of geo.TileParts once per dataset
// version and tile, and only the filtered layers per filter.
type LayerSource interface {
	TileLayers(ctx context.Context, q geo.TileQuery, layers []string) ([]geo.LayerFeatures, error)
}

// LayerMVTSource is an MVTSource that can encode some layers of a tile
// (as LayerSource); the encodings of consecutive parts concatenate to the
// tile.
type LayerMVTSource interface {
	MVTLayers(ctx context.Context, q geo.TileQuery, layers []string) ([]byte, error)
}
