// Package importer loads layoutmap data into PostGIS: the bundled dataset,
// or user files in the bundled format (admin areas and zones as GeoJSON,
// revenue as CSV). It parses and checks the files in Go, naming file and
// row/feature for every rejected item, converts GCJ-02/BD-09 input to WGS84,
// and hands the result to data/postgis, which writes it in one transaction:
// on any rejection nothing changes. It holds no SQL.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// CRS names accepted by --crs.
const (
	CRSWGS84 = "wgs84"
	CRSGCJ02 = "gcj02"
	CRSBD09  = "bd09"
)

// Options say what to import. With no file, the bundled dataset replaces
// everything.
type Options struct {
	// Dir is a directory in the bundled format (what `layoutmap export`
	// writes); it replaces the whole dataset. Its manifest.json, when
	// present, must match. Dir excludes the other files.
	Dir         string
	AdminFile   string // GeoJSON FeatureCollection of admin areas
	ZonesFile   string // GeoJSON FeatureCollection of zones
	RevenueFile string // CSV or .xlsx table, see ReadRevenueTable and docs/postgis.md
	// EnterprisesFile is an enterprise list (CSV, .xlsx or GeoJSON, see
	// ReadEnterprises and docs/enterprises.md); it replaces the stored list
	// and is given alone (CRS applies to it).
	EnterprisesFile string
	// Encoding of a CSV revenue file: auto (default), utf-8 or gb18030.
	Encoding string
	// DryRun checks everything and reports, changing nothing.
	DryRun bool
	// KeepVersions is how many dataset snapshots the database keeps for
	// rollback (0: postgis.DefaultKeepVersions).
	KeepVersions int
	// ExpectRows, when > 0, is the number of figures (data rows, blank rows
	// aside) the revenue file must hold: a file cut short is refused.
	ExpectRows int
	// CRS of the input files' coordinates: wgs84 (default), gcj02 or bd09.
	CRS string
	// Bundled returns the bundled dataset (cmd passes henan.Load).
	Bundled func() (*data.Dataset, error)
	// Progress receives progress lines; nil discards.
	Progress io.Writer
}

// Converter maps an input coordinate to WGS84 lon/lat.
type Converter func(lon, lat float64) (float64, float64)

// ConverterFor returns the converter of a --crs value.
func ConverterFor(crs string) (Converter, error) {
	switch crs {
	case "", CRSWGS84:
		return nil, nil
	case CRSGCJ02:
		return geo.GCJ02ToWGS84, nil
	case CRSBD09:
		return geo.BD09ToWGS84, nil
	}
	return nil, fmt.Errorf("importer: --crs must be wgs84, gcj02 or bd09, got %q", crs)
}

// inputs is what the files of an import hold.
type inputs struct {
	whole    *data.Dataset // --dir or the bundled dataset: replaces everything
	admin    []geo.AdminArea
	zones    []ZoneFeature
	revenue  []postgis.RevenueRow
	rejected []postgis.Problem
	origins  map[string]string
	skipped  int
	files    []string
}

// readInputs reads and checks the files of o (or loads the directory or
// the bundled dataset); rejected items are in in.rejected, an unreadable
// file is the error.
func readInputs(o Options) (*inputs, error) {
	conv, err := ConverterFor(o.CRS)
	if err != nil {
		return nil, err
	}
	in := &inputs{origins: map[string]string{}, files: []string{}}
	if o.Dir != "" {
		if o.AdminFile != "" || o.ZonesFile != "" || o.RevenueFile != "" {
			return nil, errors.New("importer: --dir replaces the whole dataset; give it alone")
		}
		if in.whole, err = LoadDir(o.Dir); err != nil {
			return nil, err
		}
		in.files = append(in.files, o.Dir)
		return in, nil
	}
	if o.AdminFile == "" && o.ZonesFile == "" && o.RevenueFile == "" {
		if o.Bundled == nil {
			return nil, errors.New("importer: no files given and no bundled dataset")
		}
		if in.whole, err = o.Bundled(); err != nil {
			return nil, fmt.Errorf("importer: loading bundled dataset: %w", err)
		}
		in.files = append(in.files, "(bundled dataset)")
		return in, nil
	}
	if o.AdminFile != "" {
		in.files = append(in.files, filepath.Base(o.AdminFile))
		err = withFile(o.AdminFile, func(r io.Reader) error {
			var probs []postgis.Problem
			in.admin, probs, err = ReadAdmin(r, filepath.Base(o.AdminFile), conv, in.origins)
			in.rejected = append(in.rejected, probs...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if o.ZonesFile != "" {
		in.files = append(in.files, filepath.Base(o.ZonesFile))
		err = withFile(o.ZonesFile, func(r io.Reader) error {
			var probs []postgis.Problem
			in.zones, probs, err = ReadZones(r, filepath.Base(o.ZonesFile), conv, in.origins)
			in.rejected = append(in.rejected, probs...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if o.RevenueFile != "" {
		in.files = append(in.files, filepath.Base(o.RevenueFile))
		err = withFile(o.RevenueFile, func(r io.Reader) error {
			rt, err := ReadRevenueTable(r, filepath.Base(o.RevenueFile), o.Encoding)
			if err != nil {
				return err
			}
			if n := len(rt.Rows) + len(rt.Rejected) + rt.Skipped; o.ExpectRows > 0 && n != o.ExpectRows {
				return &TableError{File: filepath.Base(o.RevenueFile), Reason: fmt.Sprintf("has %d data rows, %d expected: the file looks truncated or padded, nothing was imported", n, o.ExpectRows),
					Fix: "export the whole table again, or correct the expected row count"}
			}
			in.revenue, in.skipped = rt.Rows, rt.Skipped
			in.rejected = append(in.rejected, rt.Rejected...)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return in, nil
}

// Run imports into the database at url and returns the report. A
// *postgis.RejectedError lists every item that could not be accepted; the
// database is then unchanged. With o.DryRun the import runs to the end
// inside its transaction and is rolled back: the report (repairs, diff) is
// exactly what the import would do, and nothing changes.
func Run(ctx context.Context, url string, o Options) (postgis.ImportReport, error) {
	if o.EnterprisesFile != "" {
		return runEnterprises(ctx, url, o)
	}
	in, err := readInputs(o)
	if err != nil {
		return postgis.ImportReport{}, err
	}
	popts := postgis.ImportOptions{Progress: o.Progress, DryRun: o.DryRun, Files: in.files, KeepVersions: o.KeepVersions}
	if in.whole != nil {
		return postgis.ImportDataset(ctx, url, func(*data.Dataset) (*data.Dataset, error) { return in.whole, nil }, popts)
	}
	if len(in.rejected) > 0 {
		return postgis.ImportReport{Rejected: in.rejected}, &postgis.RejectedError{Rejected: in.rejected}
	}
	popts.Origin = func(kind, id string) string { return in.origins[kind+" "+id] }
	popts.RecomputeRegions = in.admin != nil
	var rep postgis.ImportReport
	if in.admin == nil && in.zones == nil {
		// Revenue only: geometry is not touched.
		rep, err = postgis.ImportRevenue(ctx, url, in.revenue, popts)
	} else {
		rep, err = postgis.ImportDataset(ctx, url, func(cur *data.Dataset) (*data.Dataset, error) {
			return compose(cur, in.admin, in.zones, in.revenue)
		}, popts)
	}
	if in.skipped > 0 && rep.Counts != nil {
		rep.Counts["skipped_rows"] = in.skipped
	}
	return rep, err
}

// CheckOffline is the dry run without a database: the files are read,
// composed onto cur (the embedded dataset, when serving without PostGIS)
// and checked with data.Validate, and the report holds the diff against
// cur. Geometry repairs need PostGIS (ST_MakeValid) and are not checked.
func CheckOffline(o Options, cur *data.Dataset) (postgis.ImportReport, error) {
	rep := postgis.ImportReport{Counts: map[string]int{}, DryRun: true}
	if o.EnterprisesFile != "" {
		return checkEnterprisesOffline(o, cur)
	}
	ds, in, err := composeOffline(o, cur)
	if err != nil {
		var rej *postgis.RejectedError
		if errors.As(err, &rej) {
			rep.Rejected = rej.Rejected
		}
		return rep, err
	}
	d := data.DiffDatasets(cur, ds)
	rep.Diff = &d
	n := 0
	for _, z := range ds.Zones {
		n += len(z.Revenue)
	}
	rep.Counts["admin_areas"], rep.Counts["zones"], rep.Counts["regions"] = len(ds.Admin), len(ds.Zones), len(ds.Regions)
	rep.Counts["revenue"] = n
	if in.admin == nil && in.zones == nil && in.whole == nil {
		rep.Counts["revenue"] = len(in.revenue)
	}
	if in.skipped > 0 {
		rep.Counts["skipped_rows"] = in.skipped
	}
	return rep, nil
}

// ComposeFiles is what an import of o's files onto cur would serve,
// without a database: the files are read and checked by row, composed
// onto cur (admin and zones replace cur's, revenue is added to the zones)
// and the result validated (data.Validate). Any rejected item is a
// *postgis.RejectedError naming file and row or feature; cur is not
// modified. The embedded store serves the result (`serve --data DIR`).
func ComposeFiles(o Options, cur *data.Dataset) (*data.Dataset, error) {
	ds, _, err := composeOffline(o, cur)
	return ds, err
}

func composeOffline(o Options, cur *data.Dataset) (*data.Dataset, *inputs, error) {
	in, err := readInputs(o)
	if err != nil {
		return nil, nil, err
	}
	if len(in.rejected) > 0 {
		return nil, nil, &postgis.RejectedError{Rejected: in.rejected}
	}
	ds := in.whole
	if ds == nil {
		if ds, err = compose(cur, in.admin, in.zones, in.revenue); err != nil {
			return nil, nil, err
		}
	}
	rejected := data.Validate(ds, func(kind, id string) string {
		if w := in.origins[kind+" "+id]; w != "" {
			return w
		}
		return data.DefaultWhere(kind, id)
	})
	if len(rejected) > 0 {
		return nil, nil, &postgis.RejectedError{Rejected: rejected}
	}
	return ds, in, nil
}

// LoadDir reads a directory in the bundled format after checking its
// manifest (data.CheckManifest).
func LoadDir(dir string) (*data.Dataset, error) {
	fsys := os.DirFS(dir)
	if err := data.CheckManifest(fsys); err != nil {
		return nil, fmt.Errorf("importer: %s: %w", dir, err)
	}
	ds, err := data.LoadDataset(fsys)
	if err != nil {
		return nil, fmt.Errorf("importer: %s: %w", dir, err)
	}
	return ds, nil
}

func withFile(path string, fn func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("importer: %w", err)
	}
	defer f.Close()
	return fn(f)
}

// compose overlays the files on the stored dataset: admin areas and zones
// replace theirs wholesale; zones keep stored revenue under the same id
// unless the revenue file replaces it; cluster links missing from a zone
// feature are derived from the stored keyword table.
func compose(cur *data.Dataset, admin []geo.AdminArea, zones []ZoneFeature, revenue []postgis.RevenueRow) (*data.Dataset, error) {
	ds := *cur
	// cur is the stored dataset the import report diffs against: work on
	// copies of the zones and their revenue.
	ds.Zones = slices.Clone(cur.Zones)
	for i := range ds.Zones {
		ds.Zones[i].Revenue = slices.Clone(ds.Zones[i].Revenue)
	}
	if admin != nil {
		ds.Admin = admin
	}
	if zones != nil {
		old := map[string][]geo.Revenue{}
		for _, z := range cur.Zones {
			old[z.ID] = z.Revenue
		}
		ds.Zones = make([]geo.Zone, len(zones))
		for i, zf := range zones {
			z := zf.Zone
			if !zf.HasRevenue {
				z.Revenue = old[z.ID]
			}
			if !zf.HasClusters {
				z.Clusters = deriveClusters(z.LeadIndustries, cur.Taxonomy.Keywords)
			}
			ds.Zones[i] = z
		}
		slices.SortFunc(ds.Zones, func(a, b geo.Zone) int {
			switch {
			case a.ID < b.ID:
				return -1
			case a.ID > b.ID:
				return 1
			}
			return 0
		})
	}
	if len(revenue) > 0 {
		if rej := applyRevenue(ds.Zones, revenue); len(rej) > 0 {
			return nil, &postgis.RejectedError{Rejected: rej}
		}
	}
	return &ds, nil
}

// deriveClusters links a zone to every cluster whose keyword occurs in one
// of its lead industries, marked derived.
func deriveClusters(lead []string, kws []geo.KeywordRule) []geo.ZoneCluster {
	var out []geo.ZoneCluster
	for _, k := range kws {
		if slices.ContainsFunc(out, func(c geo.ZoneCluster) bool { return c.ClusterID == k.ClusterID }) {
			continue
		}
		for _, l := range lead {
			if containsStr(l, k.Keyword) {
				out = append(out, geo.ZoneCluster{ClusterID: k.ClusterID, Derived: true, Source: "keyword table: " + k.Keyword})
				break
			}
		}
	}
	return out
}

// applyRevenue merges rows into the zones' figures with data.MergeRevenue,
// the one revenue merge (data.RevenueDuplicateRule): a row replaces the
// figure of the same zone, year, measure and period; two such rows in one
// import are a problem.
func applyRevenue(zones []geo.Zone, rows []postgis.RevenueRow) []postgis.Problem {
	batch := make([]data.RevenueIn, len(rows))
	for i, r := range rows {
		batch[i] = data.RevenueIn{Where: r.Where, Zone: r.Zone, Revenue: r.Revenue}
	}
	merged, probs := data.MergeRevenue(zones, batch)
	for i := range zones {
		if rs, ok := merged[zones[i].ID]; ok {
			zones[i].Revenue = rs
		}
	}
	return probs
}
