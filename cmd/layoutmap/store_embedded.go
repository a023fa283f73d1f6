package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// openEmbedded loads the bundled dataset (compiled into the binary) into
// the in-memory store with the default revenue tiers, and the enterprise
// list at entFile when given (its coordinates in datum crs).
func openEmbedded(entFile, crs string, log *slog.Logger) (data.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, fmt.Errorf("loading data/henan: %w", err)
	}
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		return nil, fmt.Errorf("indexing: %w", err)
	}
	if entFile == "" {
		return s, nil
	}
	start := time.Now()
	es, err := loadEnterprises(ds, entFile, crs)
	if err != nil {
		return nil, err
	}
	if err := s.SetEnterprises(es); err != nil {
		return nil, fmt.Errorf("indexing enterprises: %w", err)
	}
	// The rows read from the file are garbage now (hundreds of MB for a
	// million rows): hand them back to the system instead of keeping
	// them in the process's footprint.
	debug.FreeOSMemory()
	log.Info("enterprises loaded", "file", entFile, "count", len(es), "dur_ms", time.Since(start).Milliseconds())
	return s, nil
}

// loadEnterprises reads and resolves an enterprise list against ds; any
// bad row is an error listing the first rows found (all-or-nothing).
func loadEnterprises(ds *data.Dataset, file, crs string) ([]geo.Enterprise, error) {
	conv, err := importer.ConverterFor(crs)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("enterprises: %w", err)
	}
	defer f.Close()
	rows, probs, err := importer.ReadEnterprises(f, filepath.Base(file), "", conv)
	if err != nil {
		return nil, fmt.Errorf("enterprises: %w", err)
	}
	es, more := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	if probs = append(probs, more...); len(probs) > 0 {
		return nil, fmt.Errorf("enterprise list %s refused, nothing loaded: %w", filepath.Base(file), &data.ProblemsError{Problems: probs})
	}
	return es, nil
}
