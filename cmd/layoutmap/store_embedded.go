package main

import (
	"fmt"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// openEmbedded loads the bundled dataset (compiled into the binary) into
// the in-memory store with the default revenue tiers.
func openEmbedded() (data.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, fmt.Errorf("loading data/henan: %w", err)
	}
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		return nil, fmt.Errorf("indexing: %w", err)
	}
	return s, nil
}
