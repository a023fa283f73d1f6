package main

import (
	"fmt"
	"log/slog"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/load"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// openEmbedded loads the embedded store: the bundled dataset (compiled
// into the binary) or the data directory cfg.DataDir, with the default
// revenue tiers, and the enterprise list of --enterprises or of the
// directory (package load: everything checked first, all-or-nothing).
func openEmbedded(cfg serveConfig, log *slog.Logger) (data.Store, error) {
	s, _, err := loadEmbedded(cfg, log)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// loadEmbedded is openEmbedded returning what it indexed too (export-site
// writes the dataset and the enterprise list for the static site's engine).
func loadEmbedded(cfg serveConfig, log *slog.Logger) (*memstore.Store, *load.Result, error) {
	r, err := load.Load(load.Options{Dir: cfg.DataDir, CRS: cfg.DataCRS, Enterprises: cfg.Enterprises, EnterprisesCRS: cfg.EnterprisesCRS,
		Bundled: henan.Load, Log: log})
	if err != nil {
		return nil, nil, err
	}
	s, err := memstore.New(r.Dataset, geo.DefaultTiers)
	if err != nil {
		return nil, nil, fmt.Errorf("indexing: %w", err)
	}
	if r.Enterprises != nil {
		if err := s.SetEnterprises(r.Enterprises); err != nil {
			return nil, nil, fmt.Errorf("indexing enterprises: %w", err)
		}
	}
	log.Info("embedded store ready", "source", r.Source, "enterprises", len(r.Enterprises))
	return s, r, nil
}
