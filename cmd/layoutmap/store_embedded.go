package main

import (
	"fmt"
	"log/slog"
	"sync"

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
// A new list's cache (package load) is written while the store serves;
// background counts that work, which serve waits for before it returns.
func openEmbedded(cfg serveConfig, log *slog.Logger) (data.Store, error) {
	s, r, err := loadEmbedded(cfg, log, true)
	if err != nil {
		return nil, err
	}
	if r.WriteCache != nil {
		background.Add(1)
		go func() {
			defer background.Done()
			r.WriteCache()
		}()
	}
	return s, nil
}

// background is work started by start-up that serve waits for when it
// stops (the enterprise list's cache: a stop in the middle would leave a
// temporary file behind).
var background sync.WaitGroup

// loadEmbedded is openEmbedded returning what it indexed too (export-site
// writes the dataset and the enterprise list for the static site's engine).
// With cacheLater the enterprise list's cache is left to the caller
// (r.WriteCache), else it is written before the store is built.
func loadEmbedded(cfg serveConfig, log *slog.Logger, cacheLater bool) (*memstore.Store, *load.Result, error) {
	// The store is built from the dataset while the enterprise list is
	// read and checked (seconds at a million rows).
	type built struct {
		s   *memstore.Store
		err error
	}
	store := make(chan built, 1)
	started := false
	r, err := load.Load(load.Options{Dir: cfg.DataDir, CRS: cfg.DataCRS, Enterprises: cfg.Enterprises, EnterprisesCRS: cfg.EnterprisesCRS,
		Bundled: henan.Load, Log: log, CacheLater: cacheLater, DatasetRead: func(ds *data.Dataset) {
			started = true
			go func() {
				s, err := memstore.New(ds, geo.DefaultTiers)
				store <- built{s, err}
			}()
		}})
	if err != nil {
		return nil, nil, err
	}
	if !started {
		return nil, nil, fmt.Errorf("indexing: no dataset was read")
	}
	b := <-store
	s, err := b.s, b.err
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
