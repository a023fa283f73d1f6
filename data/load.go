package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// The bundled format (data/henan/README.md): admin.geojson, zones.geojson,
// regions.geojson (FeatureCollections, WGS84), revenue.json, taxonomy.json
// and meta.json. Properties are decoded straight into the format types of
// format.go in one pass, which keeps loading the ~9 MB well under a second.
// The loader only decodes; what makes a dataset valid is Validate's job
// (validate.go), shared with the importer and the PostGIS writer.

type feature[P any] struct {
	ID         any          `json:"id"`
	Properties P            `json:"properties"`
	Geometry   *rawGeometry `json:"geometry"`
}

type featureCollection[P any] struct {
	Type     string       `json:"type"`
	Features []feature[P] `json:"features"`
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("data: reading %s: %w", name, err)
	}
	// A byte-order mark is how Windows tools often save UTF-8; JSON forbids
	// it (RFC 8259 §8.1) but allows parsers to ignore it.
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("data: parsing %s: %w", name, err)
	}
	return nil
}

// fileOf is the bundled file holding items of a Validate kind.
var fileOf = map[string]string{
	"admin": "admin.geojson", geo.KindCluster: "taxonomy.json", geo.KindChain: "taxonomy.json",
	geo.KindRecognised: "taxonomy.json", "keyword": "taxonomy.json", "region": "regions.geojson",
	"zone": "zones.geojson", "revenue": "revenue.json",
}

// ProblemsError is a dataset that failed Validate: every problem, the
// first few in the message.
type ProblemsError struct{ Problems []Problem }

func (e *ProblemsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "; … %d more", len(e.Problems)-10)
			break
		}
		b.WriteString("; " + p.String())
	}
	return b.String()
}

// loadDataset reads the bundled files, then validates the result.
func loadDataset(fsys fs.FS) (*Dataset, error) {
	ds := &Dataset{}
	var meta Meta
	if err := readJSON(fsys, "meta.json", &meta); err != nil {
		return nil, err
	}
	if meta.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("data: meta.json: format_version %d, this loader reads %d", meta.FormatVersion, FormatVersion)
	}
	if meta.Vintage == "" || meta.Attribution == "" {
		return nil, errors.New("data: meta.json: vintage and attribution are required")
	}
	ds.Vintage, ds.Attribution = meta.Vintage, meta.Attribution
	var err error
	if ds.Admin, err = loadAdmin(fsys); err != nil {
		return nil, err
	}
	if ds.Taxonomy, err = loadTaxonomy(fsys); err != nil {
		return nil, err
	}
	if ds.Regions, err = loadRegions(fsys); err != nil {
		return nil, err
	}
	if ds.Zones, err = loadZones(fsys); err != nil {
		return nil, err
	}
	var unknown []Problem
	if unknown, err = loadRevenue(fsys, ds.Zones); err != nil {
		return nil, err
	}
	probs := append(unknown, Validate(ds, func(kind, id string) string { return fileOf[kind] + " " + kind + " " + id })...)
	if len(probs) > 0 {
		return nil, &ProblemsError{Problems: probs}
	}
	return ds, nil
}

func loadAdmin(fsys fs.FS) ([]geo.AdminArea, error) {
	var admin featureCollection[AdminProps]
	if err := readJSON(fsys, "admin.geojson", &admin); err != nil {
		return nil, err
	}
	out := make([]geo.AdminArea, 0, len(admin.Features))
	for i, f := range admin.Features {
		p := f.Properties
		mp, err := parseMultiPolygon(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("data: admin.geojson feature %d (%s): %w", i, p.Code, err)
		}
		out = append(out, geo.AdminArea{
			Code: p.Code, Name: p.Name, NameEN: p.NameEN, Level: p.Level, ParentCode: p.ParentCode,
			LabelPoint: orb.Point(p.LabelPoint), Geom: mp, Source: p.Source,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func loadTaxonomy(fsys fs.FS) (geo.Taxonomy, error) {
	var tax TaxonomyFile
	if err := readJSON(fsys, "taxonomy.json", &tax); err != nil {
		return geo.Taxonomy{}, err
	}
	t := geo.Taxonomy{Clusters: clusters(tax.Clusters), Chains: clusters(tax.Chains), Recognised: clusters(tax.Recognised)}
	for _, k := range tax.Keywords {
		t.Keywords = append(t.Keywords, geo.KeywordRule{Keyword: k.Keyword, ClusterID: k.ClusterID})
	}
	return t, nil
}

func loadRegions(fsys fs.FS) ([]geo.Region, error) {
	var regions featureCollection[RegionProps]
	if err := readJSON(fsys, "regions.geojson", &regions); err != nil {
		return nil, err
	}
	var out []geo.Region
	for _, f := range regions.Features {
		p := f.Properties
		mp, err := parseMultiPolygon(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("data: regions.geojson: %s: %w", p.ID, err)
		}
		out = append(out, geo.Region{ID: p.ID, Name: p.Name, NameEN: p.NameEN, Kind: p.Kind,
			Members: p.Members, Roles: p.Roles, Derived: p.Derived, Geom: mp, Source: p.Source})
	}
	return out, nil
}

func loadZones(fsys fs.FS) ([]geo.Zone, error) {
	var zones featureCollection[ZoneProps]
	if err := readJSON(fsys, "zones.geojson", &zones); err != nil {
		return nil, err
	}
	out := make([]geo.Zone, 0, len(zones.Features))
	for _, f := range zones.Features {
		p := f.Properties
		where := "data: zones.geojson: zone " + p.ID
		if p.Point == nil {
			return nil, fmt.Errorf("%s: no point", where)
		}
		// geometry null: no outline (place or area unknown), and then no
		// geom_quality either.
		var mp orb.MultiPolygon
		switch {
		case f.Geometry == nil && p.GeomQuality != "":
			return nil, fmt.Errorf("%s: geom_quality %q without a geometry", where, p.GeomQuality)
		case f.Geometry != nil && p.GeomQuality != geo.GeomOfficial && p.GeomQuality != geo.GeomApproximate:
			return nil, fmt.Errorf("%s: bad geom_quality %q", where, p.GeomQuality)
		case f.Geometry != nil:
			var err error
			if mp, err = parseMultiPolygon(f.Geometry); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
		z := geo.Zone{ID: p.ID, Name: p.Name, NameEN: p.NameEN, Level: p.Level, LevelEN: p.LevelEN,
			CityCode: p.CityCode, CountyCode: p.CountyCode, LeadIndustries: p.LeadIndustries,
			AreaHa: p.AreaHa, Point: orb.Point(*p.Point), PointQuality: p.PointQuality,
			Geom: mp, GeomQuality: p.GeomQuality, Regions: p.Regions, Source: p.Source, ZoneAttrs: p.ZoneAttrs,
			Clusters: []geo.ZoneCluster{}, Chains: []string{}, Revenue: []geo.Revenue{}}
		if z.LeadIndustries == nil {
			z.LeadIndustries = []string{}
		}
		if z.Regions == nil {
			z.Regions = []string{}
		}
		for _, l := range p.Clusters {
			z.Clusters = append(z.Clusters, geo.ZoneCluster{ClusterID: l.ClusterID, Derived: l.Derived, Source: l.Source})
		}
		for _, l := range p.Chains {
			if l.Source == "" {
				return nil, fmt.Errorf("%s: chain link %q without source", where, l.ChainID)
			}
			z.Chains = append(z.Chains, l.ChainID)
		}
		out = append(out, z)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// loadRevenue files revenue.json's records under their zones through
// MergeRevenue (the one revenue merge: a duplicate figure is a problem)
// and returns the problems (unknown zones, invalid figures, duplicates).
func loadRevenue(fsys fs.FS, zones []geo.Zone) ([]Problem, error) {
	var revs []RevenueRecord
	if err := readJSON(fsys, "revenue.json", &revs); err != nil {
		return nil, err
	}
	batch := make([]RevenueIn, len(revs))
	for i, r := range revs {
		batch[i] = RevenueIn{Where: fmt.Sprintf("revenue.json record %d", i), Zone: r.ZoneID, Revenue: r.Revenue()}
	}
	merged, probs := MergeRevenue(zones, batch)
	for i := range zones {
		if rs, ok := merged[zones[i].ID]; ok {
			zones[i].Revenue = rs
		}
	}
	return probs, nil
}

// clusters drops the file-only fields, keeping a nil list nil.
func clusters(rs []ClusterRecord) []geo.Cluster {
	if rs == nil {
		return nil
	}
	cs := make([]geo.Cluster, len(rs))
	for i, r := range rs {
		cs[i] = r.Cluster()
	}
	return cs
}
