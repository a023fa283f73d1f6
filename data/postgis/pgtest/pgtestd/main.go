// Command pgtestd gives tests outside Go (the Chromium tests in web/test)
// a throwaway PostGIS holding the bundled dataset: it starts a cluster on a
// free loopback port (pgtest.Start), migrates, imports data/henan, creates
// a SELECT-only role, prints one JSON line {"url", "reader_url"} and runs
// until its stdin closes, then removes the cluster.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtestd:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	c, err := pgtest.Start(ctx)
	if err != nil {
		return err
	}
	defer c.Stop()
	_, url, err := c.NewDatabase(ctx)
	if err != nil {
		return err
	}
	if _, err := postgis.Migrate(ctx, url); err != nil {
		return err
	}
	ds, err := henan.Load()
	if err != nil {
		return err
	}
	if _, err := postgis.ImportDataset(ctx, url, func(*data.Dataset) (*data.Dataset, error) { return ds, nil },
		postgis.ImportOptions{Files: []string{"(bundled dataset)"}}); err != nil {
		return err
	}
	reader, err := c.ReaderURL(ctx, url, postgis.Schema)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"url": url, "reader_url": reader}); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}
