package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"layoutmap/data"
)

// errNoDatabase stands until the PostGIS store lands (issue 3); that work
// replaces this file.
var errNoDatabase = errors.New("PostGIS support is not available yet (issue 3)")

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return fmt.Errorf("migrate: %w", errNoDatabase)
}

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return fmt.Errorf("import: %w", errNoDatabase)
}

func openPostGIS(ctx context.Context, url string, log *slog.Logger) (data.Store, error) {
	return nil, errNoDatabase
}
