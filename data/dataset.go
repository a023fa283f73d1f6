package data

import (
	"io/fs"

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
