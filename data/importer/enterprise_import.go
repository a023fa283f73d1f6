package importer

import (
	"context"
	"errors"
	"io"
	"path/filepath"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// readEnterpriseFile reads o.EnterprisesFile (given alone) with o.CRS and
// o.Encoding; rows that cannot be read are the problems.
func readEnterpriseFile(o Options) ([]data.EnterpriseIn, []data.Problem, error) {
	if o.Dir != "" || o.AdminFile != "" || o.ZonesFile != "" || o.RevenueFile != "" {
		return nil, nil, errors.New("importer: --enterprises replaces the enterprise list; give it alone (import the dataset first)")
	}
	conv, err := ConverterFor(o.CRS)
	if err != nil {
		return nil, nil, err
	}
	var rows []data.EnterpriseIn
	var probs []data.Problem
	name := filepath.Base(o.EnterprisesFile)
	err = withFile(o.EnterprisesFile, func(r io.Reader) error {
		var err error
		rows, probs, err = ReadEnterprises(r, name, o.Encoding, conv)
		return err
	})
	return rows, probs, err
}

// resolver checks rows against a dataset (data.ResolveEnterprises); the
// rows that could not be read come first in the problems.
func resolver(rows []data.EnterpriseIn, unread []data.Problem) func(ds *data.Dataset) ([]geo.Enterprise, []data.Problem) {
	return func(ds *data.Dataset) ([]geo.Enterprise, []data.Problem) {
		es, probs := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
		return es, append(unread, probs...)
	}
}

// runEnterprises imports an enterprise list into the database at url
// (postgis.ImportEnterprises): all or nothing, every bad row named.
func runEnterprises(ctx context.Context, url string, o Options) (postgis.ImportReport, error) {
	rows, unread, err := readEnterpriseFile(o)
	if err != nil {
		return postgis.ImportReport{}, err
	}
	popts := postgis.ImportOptions{Progress: o.Progress, DryRun: o.DryRun, Files: []string{filepath.Base(o.EnterprisesFile)}, KeepVersions: o.KeepVersions}
	return postgis.ImportEnterprises(ctx, url, resolver(rows, unread), popts)
}

// checkEnterprisesOffline is the dry run of an enterprise list without a
// database: the rows are resolved against cur (the embedded dataset).
func checkEnterprisesOffline(o Options, cur *data.Dataset) (postgis.ImportReport, error) {
	rep := postgis.ImportReport{Counts: map[string]int{}, DryRun: true}
	rows, unread, err := readEnterpriseFile(o)
	if err != nil {
		return rep, err
	}
	es, probs := resolver(rows, unread)(cur)
	if len(probs) > 0 {
		rep.Rejected = probs
		return rep, &postgis.RejectedError{Rejected: probs}
	}
	rep.Counts["enterprises"] = len(es)
	rep.Counts["enterprises_synthetic"] = data.EnterpriseInfoOf(es).Synthetic
	return rep, nil
}
