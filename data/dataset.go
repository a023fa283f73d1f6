package data

import (
	"context"
	"io/fs"
	"time"

	"layoutmap/geo"
)

// Dataset is everything layoutmap serves, as loaded from the bundled files
// (data/henan) or an import. Admin areas are sorted by code, zones by id.
// Zones carry their revenue records, cluster links, chains and regions.
type Dataset struct {
	Admin    []geo.AdminArea // province, cities, counties
	Zones    []geo.Zone
	Taxonomy geo.Taxonomy
	Regions  []geo.Region
	// Vintage describes the boundary data's date (e.g. "~2017").
	Vintage string
	// Attribution is the data attribution line for maps and images.
	Attribution string
}

// LoadDataset reads a dataset in the bundled format from fsys (the files of
// data/henan). It validates references (codes, cluster ids) and returns an
// error naming the file and item on any inconsistency.
var LoadDataset func(fsys fs.FS) (*Dataset, error) = loadDataset

// Version is one entry of a store's dataset history: the serving version
// an import or rollback produced, when, by which database role, from which
// files, the item counts, a one-line diff against the dataset before it,
// and whether its snapshot is still kept (so it can be rolled back to).
type Version struct {
	Version    int64          `json:"version"`
	CreatedAt  time.Time      `json:"created_at"`
	Role       string         `json:"role"`
	Kind       string         `json:"kind"` // import or rollback
	Note       string         `json:"note,omitempty"`
	Files      []string       `json:"files"`
	Counts     map[string]int `json:"counts"`
	Diff       string         `json:"diff"`
	Restorable bool           `json:"restorable"`
	Current    bool           `json:"current"` // the version being served
}

// VersionLister is implemented by stores that keep a dataset history
// (PostGIS); the embedded store has none.
type VersionLister interface {
	Versions(ctx context.Context) ([]Version, error)
}
