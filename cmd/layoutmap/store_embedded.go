package main

import (
	"errors"

	"layoutmap/data"
)

// openEmbedded loads the bundled dataset into the in-memory store.
// TODO(issue 2): henan.Load + memstore.New once the dataset and memstore
// branches are merged.
func openEmbedded() (data.Store, error) {
	return nil, errors.New("embedded store not merged yet")
}
