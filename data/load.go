package data

import (
	"errors"
	"io/fs"
)

// loadDataset is implemented with the dataset format (see data/henan/README.md).
func loadDataset(fsys fs.FS) (*Dataset, error) {
	return nil, errors.New("data: dataset loader not implemented yet")
}
