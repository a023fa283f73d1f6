// Package load reads what the embedded store serves: the bundled dataset,
// or a planner's data directory (`layoutmap serve --data DIR`), plus an
// enterprise list. Everything is read and checked before anything is
// served: one bad row anywhere refuses the whole directory, with the file
// and row (or feature) named.
//
// A data directory holds either
//   - the bundled format (meta.json, admin.geojson, zones.geojson,
//     regions.geojson, revenue.json, taxonomy.json; what `layoutmap export`
//     writes, checked against its manifest.json when there is one), or
//   - the importer's files (any of admin.geojson, zones.geojson,
//     revenue.csv or revenue.xlsx; `layoutmap import --admin/--zones/
//     --revenue`), composed onto the bundled dataset as an import would,
//
// and, in either case, optionally an enterprise list (enterprises.csv,
// .xlsx or .geojson; docs/enterprises.md).
package load

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"layoutmap/data"
	"layoutmap/data/importer"
	"layoutmap/geo"
)

// Options say what to load.
type Options struct {
	// Dir is the data directory; "" loads the bundled dataset.
	Dir string
	// CRS is the datum of the importer-format files in Dir (wgs84, gcj02
	// or bd09; the bundled format is always WGS84).
	CRS string
	// Enterprises is an enterprise list outside Dir; "" uses Dir's
	// enterprises file when it has one. Giving both is an error.
	Enterprises string
	// EnterprisesCRS is the datum of the enterprise list.
	EnterprisesCRS string
	// Bundled returns the bundled dataset (cmd passes henan.Load).
	Bundled func() (*data.Dataset, error)
	// Log receives what was read and how long it took; nil discards.
	Log *slog.Logger
	// NoCache resolves the enterprise list from its file even when a
	// cache of it matches (benchmarks, tests).
	NoCache bool
	// CacheLater leaves the writing of the enterprise list's cache to the
	// caller (Result.WriteCache), so that a server can serve first and
	// write the cache meanwhile (about a second at a million rows).
	CacheLater bool
	// DatasetRead, when set, receives the dataset as soon as it is read
	// and checked, before the enterprise list is read (seconds at a
	// million rows), so the caller can index it meanwhile (cmd builds the
	// store). Nothing modifies the dataset afterwards; the caller must not
	// either. Load may still fail after it (a bad enterprise list).
	DatasetRead func(*data.Dataset)
}

// Result is what was loaded.
type Result struct {
	Dataset *data.Dataset
	// Enterprises are resolved against Dataset and sorted by id (nil: no
	// list). EnterpriseFile is the list's path.
	Enterprises    []geo.Enterprise
	EnterpriseFile string
	// Source says where the dataset came from, for the start-up log.
	Source string
	// WriteCache, with Options.CacheLater, writes the cache of the list
	// just resolved (nil: nothing to write). Enterprises must not be
	// modified before it returns; it logs what it did.
	WriteCache func()
}

// Files of a data directory.
const (
	FileMeta    = "meta.json"
	FileAdmin   = "admin.geojson"
	FileZones   = "zones.geojson"
	FileRevCSV  = "revenue.csv"
	FileRevXLSX = "revenue.xlsx"
)

// EnterpriseFiles are the names an enterprise list may have in a data
// directory.
var EnterpriseFiles = []string{"enterprises.csv", "enterprises.xlsx", "enterprises.geojson"}

// Load reads o's dataset and enterprise list. Errors name the directory,
// file and row; nothing partial is returned.
func Load(o Options) (*Result, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Bundled == nil {
		return nil, errors.New("load: no bundled dataset")
	}
	start := time.Now()
	r := &Result{}
	entFile := o.Enterprises
	var err error
	if o.Dir == "" {
		r.Dataset, err = o.Bundled()
		r.Source = "bundled dataset"
	} else {
		var dirEnt string
		r.Dataset, dirEnt, r.Source, err = readDir(o)
		if err == nil && dirEnt != "" {
			if entFile != "" {
				return nil, fmt.Errorf("load: %s has an enterprise list (%s) and --enterprises names %s: give one", o.Dir, filepath.Base(dirEnt), entFile)
			}
			entFile = dirEnt
		}
	}
	if err != nil {
		return nil, err
	}
	log.Info("dataset read", "source", r.Source, "zones", len(r.Dataset.Zones), "admin_areas", len(r.Dataset.Admin), "dur_ms", time.Since(start).Milliseconds())
	if o.DatasetRead != nil {
		o.DatasetRead(r.Dataset)
	}
	if entFile == "" {
		return r, nil
	}
	start = time.Now()
	if r.Enterprises, r.WriteCache, err = enterprises(r.Dataset, entFile, o.EnterprisesCRS, o.NoCache, log); err != nil {
		return nil, err
	}
	if r.WriteCache != nil && !o.CacheLater {
		r.WriteCache()
		r.WriteCache = nil
	}
	r.EnterpriseFile = entFile
	log.Info("enterprises read", "file", entFile, "count", len(r.Enterprises), "dur_ms", time.Since(start).Milliseconds())
	return r, nil
}

// readDir reads the dataset of a data directory and finds its enterprise
// list.
func readDir(o Options) (ds *data.Dataset, entFile, source string, err error) {
	st, err := os.Stat(o.Dir)
	if err != nil {
		return nil, "", "", fmt.Errorf("load: data directory: %w", err)
	}
	if !st.IsDir() {
		return nil, "", "", fmt.Errorf("load: data directory %s is a file; give the directory holding it", o.Dir)
	}
	has := func(name string) bool {
		_, err := fs.Stat(os.DirFS(o.Dir), name)
		return err == nil
	}
	for _, n := range EnterpriseFiles {
		if has(n) {
			if entFile != "" {
				return nil, "", "", fmt.Errorf("load: %s has two enterprise lists, %s and %s: keep one", o.Dir, filepath.Base(entFile), n)
			}
			entFile = filepath.Join(o.Dir, n)
		}
	}
	if has(FileMeta) {
		if ds, err = importer.LoadDir(o.Dir); err != nil {
			return nil, "", "", fmt.Errorf("load: %w", err)
		}
		return ds, entFile, o.Dir + " (bundled format)", nil
	}
	imp := importer.Options{CRS: o.CRS}
	var read []string
	if has(FileAdmin) {
		imp.AdminFile = filepath.Join(o.Dir, FileAdmin)
		read = append(read, FileAdmin)
	}
	if has(FileZones) {
		imp.ZonesFile = filepath.Join(o.Dir, FileZones)
		read = append(read, FileZones)
	}
	switch {
	case has(FileRevCSV) && has(FileRevXLSX):
		return nil, "", "", fmt.Errorf("load: %s has both %s and %s: keep one", o.Dir, FileRevCSV, FileRevXLSX)
	case has(FileRevCSV):
		imp.RevenueFile = filepath.Join(o.Dir, FileRevCSV)
		read = append(read, FileRevCSV)
	case has(FileRevXLSX):
		imp.RevenueFile = filepath.Join(o.Dir, FileRevXLSX)
		read = append(read, FileRevXLSX)
	}
	bundled, err := o.Bundled()
	if err != nil {
		return nil, "", "", fmt.Errorf("load: bundled dataset: %w", err)
	}
	if len(read) == 0 {
		if entFile == "" {
			return nil, "", "", fmt.Errorf("load: %s holds no data: expected %s (a `layoutmap export` directory), or any of %s, %s, %s/%s, or an enterprise list (%s)",
				o.Dir, FileMeta, FileAdmin, FileZones, FileRevCSV, FileRevXLSX, strings.Join(EnterpriseFiles, ", "))
		}
		return bundled, entFile, "bundled dataset", nil
	}
	if ds, err = importer.ComposeFiles(imp, bundled); err != nil {
		return nil, "", "", fmt.Errorf("load: %s refused, nothing loaded: %w", o.Dir, err)
	}
	return ds, entFile, o.Dir + " (" + strings.Join(read, ", ") + " over the bundled dataset)", nil
}

// Enterprises reads and resolves the enterprise list file (coordinates in
// datum crs) against ds, through its cache (cache.go) unless noCache; any
// bad row is an error naming the first rows found (all-or-nothing).
func Enterprises(ds *data.Dataset, file, crs string, noCache bool, log *slog.Logger) ([]geo.Enterprise, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	es, write, err := enterprises(ds, file, crs, noCache, log)
	if write != nil {
		write()
	}
	return es, err
}

// enterprises is Enterprises returning the writing of the cache (nil:
// nothing to write) instead of doing it.
func enterprises(ds *data.Dataset, file, crs string, noCache bool, log *slog.Logger) ([]geo.Enterprise, func(), error) {
	if noCache {
		es, _, _, err := resolveFile(ds, file, crs)
		return es, nil, err
	}
	path := CachePath(file)
	// Hash the list up front only when there is a cache it could match: on
	// a first start-up the list is hashed while it is read (a second pass
	// over hundreds of MB saved).
	if _, err := os.Stat(path); err == nil {
		key, err := sourceKey(file, crs, ds)
		if err != nil {
			return nil, nil, err
		}
		start := time.Now()
		if es, err := readCache(path, key); err == nil {
			log.Info("enterprise list from its cache", "cache", path, "count", len(es), "dur_ms", time.Since(start).Milliseconds())
			return es, nil, nil
		}
	}
	es, sum, size, err := resolveFile(ds, file, crs)
	if err != nil {
		return nil, nil, err
	}
	// The key of the bytes actually read (the file may have changed
	// since it was hashed above).
	key := cacheKey{Source: sum, SourceBytes: size, CRS: cacheCRS(crs), Dataset: data.ResolveFingerprint(ds)}
	// What the reading left behind (the lines of the file, hundreds of MB
	// for a million rows) is garbage now: collect it before the store's
	// index is built (which would otherwise grow the heap past it: 0.93
	// instead of 0.79 GB at the peak for a million rows) and hand it back
	// to the system.
	debug.FreeOSMemory()
	return es, func() {
		start := time.Now()
		if err := writeCache(path, key, es); err != nil {
			log.Warn("enterprise cache not written: every start-up will check the list again", "cache", path, "err", err)
		} else {
			log.Info("enterprise cache written", "cache", path, "count", len(es), "dur_ms", time.Since(start).Milliseconds())
		}
	}, nil
}

// resolveFile reads and resolves file without a cache, streaming: each
// chunk of rows is resolved while the next is read and dropped once
// resolved (data.EnterpriseStream), so the file's rows and the resolved
// list are never held together. sum is the SHA-256 (hex) of the bytes
// read, size their count.
func resolveFile(ds *data.Dataset, file, crs string) (es []geo.Enterprise, sum string, size int64, err error) {
	conv, err := importer.ConverterFor(crs)
	if err != nil {
		return nil, "", 0, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, "", 0, fmt.Errorf("enterprises: %w", err)
	}
	defer f.Close()
	h := &countingHash{Hash: sha256.New()}
	var in io.Reader = io.TeeReader(f, h)
	if fi, err := f.Stat(); err == nil {
		in = sized{in, fi.Size()} // lets the reader estimate the rows
	}
	st := data.NewEnterpriseStream(ds, data.NewPlacer(ds))
	probs, err := importer.StreamEnterprises(in, filepath.Base(file), "", conv, st)
	es, more := st.Finish()
	if err != nil {
		return nil, "", 0, fmt.Errorf("enterprises: %w", err)
	}
	if _, err := io.Copy(h, f); err != nil { // what the reader left unread
		return nil, "", 0, fmt.Errorf("enterprises: %w", err)
	}
	if probs = append(probs, more...); len(probs) > 0 {
		return nil, "", 0, fmt.Errorf("enterprise list %s refused, nothing loaded: %w", filepath.Base(file), &data.ProblemsError{Problems: probs})
	}
	return es, hex.EncodeToString(h.Sum(nil)), h.n, nil
}

// countingHash is a hash that counts the bytes written to it.
type countingHash struct {
	hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.Hash.Write(p)
}

// sized is a reader that tells its size (see importer.ReadEnterprises).
type sized struct {
	io.Reader
	size int64
}

func (s sized) Size() int64 { return s.size }
