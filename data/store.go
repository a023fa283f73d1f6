// Package data defines the Store interface both stores implement, its
// errors, and the loader of the bundled dataset format. It imports geo only;
// never tiles, api or its own sub-packages.
package data

import (
	"context"
	"errors"

	"layoutmap/geo"
)

// ErrNotFound is returned by Store.Item for an unknown collection item.
var ErrNotFound = errors.New("data: not found")

// ErrUnknownCollection is returned for a collection name not in geo.CollectionNames.
var ErrUnknownCollection = errors.New("data: unknown collection")

// Store answers every question layoutmap asks of its data. Implementations
// are safe for concurrent use. Filters are validated by the store against
// its vocabulary; client mistakes come back as geo.FieldErrors.
//
// Vector tiles are optional interfaces of package tiles, each store
// implementing the one that suits it: the embedded store gives features
// (tiles.FeatureSource, tiles.LayerSource) for the tile encoder, PostGIS
// encodes tiles itself (tiles.MVTSource, tiles.LayerMVTSource).
type Store interface {
	// Collections lists the feature collections with extent and counts.
	Collections(ctx context.Context) ([]geo.Collection, error)
	// Items returns one page of a collection under the filter, sorted by
	// f.SortBy (default: code for admin areas, name for zones) with id as tie-breaker.
	Items(ctx context.Context, coll string, f geo.Filter) (geo.Page, error)
	// Item returns one feature or ErrNotFound.
	Item(ctx context.Context, coll, id string) (geo.Feature, error)
	// Taxonomy returns clusters, chains, recognised clusters and keyword table.
	Taxonomy(ctx context.Context) (geo.Taxonomy, error)
	// Regions returns the planning regions (geometry included).
	Regions(ctx context.Context) ([]geo.Region, error)
	// Zones returns every zone matching the filter (no paging), sorted by id.
	Zones(ctx context.Context, f geo.Filter) ([]geo.Zone, error)
	// Stats returns the statistics of the zones q selects (geo.Stats: one
	// year, coverage, per-cluster, per-tier and plan-target figures, city
	// names), computed by the store without loading geometry; the answers
	// are those of geo.StatsOf over Zones. Bad filters give geo.FieldErrors.
	Stats(ctx context.Context, q geo.StatsQuery) (geo.Stats, error)
	// AdminAreas returns the admin areas of a level, sorted by code.
	AdminAreas(ctx context.Context, level string) ([]geo.AdminArea, error)
	// Version is the dataset version; it changes with every import.
	Version(ctx context.Context) (int64, error)
	// Tiers returns the revenue tiers in force.
	Tiers() geo.Tiers
	// Ping reports whether the store can answer.
	Ping(ctx context.Context) error
	// Close releases resources.
	Close() error
}

// Health is the state of a store that talks to a server, for /metrics and
// /readyz; stores that can implement HealthReporter.
type Health struct {
	// Available is false while the store fails fast after an outage.
	Available bool
	// ConnectAttempts counts connections dialled since the store opened.
	ConnectAttempts uint64
	// FailedFast counts calls answered with ErrUnavailable without trying
	// the database.
	FailedFast uint64
	// Outages counts the times the store started failing fast.
	Outages uint64
}

// HealthReporter is implemented by stores with a Health (PostGIS).
type HealthReporter interface {
	Health() Health
}
