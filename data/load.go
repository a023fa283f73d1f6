package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// The bundled format (data/henan/README.md): admin.geojson, zones.geojson,
// regions.geojson (FeatureCollections, WGS84), revenue.json, taxonomy.json
// and meta.json. Properties are decoded straight into the format types of
// format.go in one pass, which keeps loading the ~9 MB well under a second.

type feature[P any] struct {
	ID         any          `json:"id"`
	Properties P            `json:"properties"`
	Geometry   *rawGeometry `json:"geometry"`
}

type featureCollection[P any] struct {
	Type     string       `json:"type"`
	Features []feature[P] `json:"features"`
}

var reCode = regexp.MustCompile(`^\d{6}$`)

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("data: reading %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("data: parsing %s: %w", name, err)
	}
	return nil
}

// loadDataset reads and cross-checks the bundled files.
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

	// Admin areas.
	var admin featureCollection[AdminProps]
	if err := readJSON(fsys, "admin.geojson", &admin); err != nil {
		return nil, err
	}
	byCode := map[string]*geo.AdminArea{}
	ds.Admin = make([]geo.AdminArea, 0, len(admin.Features))
	for i, f := range admin.Features {
		p := f.Properties
		where := fmt.Sprintf("data: admin.geojson feature %d (%s)", i, p.Code)
		if !reCode.MatchString(p.Code) {
			return nil, fmt.Errorf("%s: bad code", where)
		}
		switch p.Level {
		case geo.LevelProvince, geo.LevelCity, geo.LevelCounty:
		default:
			return nil, fmt.Errorf("%s: bad level %q", where, p.Level)
		}
		if p.Name == "" || p.NameEN == "" || p.Source == "" {
			return nil, fmt.Errorf("%s: name, name_en and source are required", where)
		}
		mp, err := parseMultiPolygon(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		ds.Admin = append(ds.Admin, geo.AdminArea{
			Code: p.Code, Name: p.Name, NameEN: p.NameEN, Level: p.Level, ParentCode: p.ParentCode,
			LabelPoint: orb.Point(p.LabelPoint), Geom: mp, Source: p.Source,
		})
	}
	sort.Slice(ds.Admin, func(i, j int) bool { return ds.Admin[i].Code < ds.Admin[j].Code })
	for i := range ds.Admin {
		a := &ds.Admin[i]
		if byCode[a.Code] != nil {
			return nil, fmt.Errorf("data: admin.geojson: duplicate code %s", a.Code)
		}
		byCode[a.Code] = a
	}
	wantParent := map[string]string{geo.LevelCity: geo.LevelProvince, geo.LevelCounty: geo.LevelCity}
	for _, a := range ds.Admin {
		if a.Level == geo.LevelProvince {
			if a.ParentCode != "" {
				return nil, fmt.Errorf("data: admin.geojson: province %s has a parent", a.Code)
			}
			continue
		}
		p := byCode[a.ParentCode]
		if p == nil || p.Level != wantParent[a.Level] {
			return nil, fmt.Errorf("data: admin.geojson: %s %s: parent %q is not a %s", a.Level, a.Code, a.ParentCode, wantParent[a.Level])
		}
	}
	isLevel := func(code, level string) bool { a := byCode[code]; return a != nil && a.Level == level }

	// Taxonomy.
	var tax TaxonomyFile
	if err := readJSON(fsys, "taxonomy.json", &tax); err != nil {
		return nil, err
	}
	clusterIDs := map[string]bool{}
	chainIDs := map[string]bool{}
	for _, c := range tax.Clusters {
		if c.ID == "" || c.Kind != geo.KindCluster || c.Source == "" || clusterIDs[c.ID] {
			return nil, fmt.Errorf("data: taxonomy.json: bad or duplicate cluster %q", c.ID)
		}
		clusterIDs[c.ID] = true
	}
	for _, c := range tax.Chains {
		if c.ID == "" || c.Kind != geo.KindChain || c.Source == "" || chainIDs[c.ID] {
			return nil, fmt.Errorf("data: taxonomy.json: bad or duplicate chain %q", c.ID)
		}
		if c.Parent != "" && !clusterIDs[c.Parent] {
			return nil, fmt.Errorf("data: taxonomy.json: chain %s: unknown parent cluster %q", c.ID, c.Parent)
		}
		chainIDs[c.ID] = true
	}
	recIDs := map[string]bool{}
	for _, c := range tax.Recognised {
		if c.ID == "" || c.Kind != geo.KindRecognised || c.Source == "" || recIDs[c.ID] {
			return nil, fmt.Errorf("data: taxonomy.json: bad or duplicate recognised cluster %q", c.ID)
		}
		for _, code := range c.Cities {
			if !isLevel(code, geo.LevelCity) {
				return nil, fmt.Errorf("data: taxonomy.json: recognised cluster %s: %q is not a city code", c.ID, code)
			}
		}
		recIDs[c.ID] = true
	}
	ds.Taxonomy = geo.Taxonomy{Clusters: clusters(tax.Clusters), Chains: clusters(tax.Chains), Recognised: clusters(tax.Recognised)}
	for _, k := range tax.Keywords {
		if k.Keyword == "" || !clusterIDs[k.ClusterID] {
			return nil, fmt.Errorf("data: taxonomy.json: keyword %q: unknown cluster %q", k.Keyword, k.ClusterID)
		}
		ds.Taxonomy.Keywords = append(ds.Taxonomy.Keywords, geo.KeywordRule{Keyword: k.Keyword, ClusterID: k.ClusterID})
	}

	// Regions.
	var regions featureCollection[RegionProps]
	if err := readJSON(fsys, "regions.geojson", &regions); err != nil {
		return nil, err
	}
	regionIDs := map[string]bool{}
	for _, f := range regions.Features {
		p := f.Properties
		switch p.Kind {
		case geo.RegionCentre, geo.RegionBelt, geo.RegionDemo:
		default:
			return nil, fmt.Errorf("data: regions.geojson: %s: bad kind %q", p.ID, p.Kind)
		}
		if p.ID == "" || regionIDs[p.ID] || p.Source == "" || len(p.Members) == 0 {
			return nil, fmt.Errorf("data: regions.geojson: bad or duplicate region %q", p.ID)
		}
		for _, m := range p.Members {
			if !isLevel(m, geo.LevelCity) {
				return nil, fmt.Errorf("data: regions.geojson: %s: member %q is not a city code", p.ID, m)
			}
		}
		for m := range p.Roles {
			if !isLevel(m, geo.LevelCity) {
				return nil, fmt.Errorf("data: regions.geojson: %s: role for %q, not a city code", p.ID, m)
			}
		}
		mp, err := parseMultiPolygon(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("data: regions.geojson: %s: %w", p.ID, err)
		}
		regionIDs[p.ID] = true
		ds.Regions = append(ds.Regions, geo.Region{ID: p.ID, Name: p.Name, NameEN: p.NameEN, Kind: p.Kind,
			Members: p.Members, Roles: p.Roles, Derived: p.Derived, Geom: mp, Source: p.Source})
	}

	// Zones.
	var zones featureCollection[ZoneProps]
	if err := readJSON(fsys, "zones.geojson", &zones); err != nil {
		return nil, err
	}
	zoneIdx := map[string]int{}
	ds.Zones = make([]geo.Zone, 0, len(zones.Features))
	for _, f := range zones.Features {
		p := f.Properties
		where := "data: zones.geojson: zone " + p.ID
		if p.ID == "" || p.Name == "" || p.Source == "" {
			return nil, fmt.Errorf("%s: id, name and source are required", where)
		}
		if _, dup := zoneIdx[p.ID]; dup {
			return nil, fmt.Errorf("%s: duplicate id", where)
		}
		if !isLevel(p.CityCode, geo.LevelCity) {
			return nil, fmt.Errorf("%s: city_code %q is not a city", where, p.CityCode)
		}
		if p.CountyCode != "" && (!isLevel(p.CountyCode, geo.LevelCounty) || byCode[p.CountyCode].ParentCode != p.CityCode) {
			return nil, fmt.Errorf("%s: county_code %q is not a county of %s", where, p.CountyCode, p.CityCode)
		}
		switch p.PointQuality {
		case geo.PointGeocoded, geo.PointCountyCentroid, geo.PointCityCentroid:
		default:
			return nil, fmt.Errorf("%s: bad point_quality %q", where, p.PointQuality)
		}
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
			Geom: mp, GeomQuality: p.GeomQuality, Regions: p.Regions, Source: p.Source,
			Clusters: []geo.ZoneCluster{}, Chains: []string{}, Revenue: []geo.Revenue{}}
		if z.LeadIndustries == nil {
			z.LeadIndustries = []string{}
		}
		if z.Regions == nil {
			z.Regions = []string{}
		}
		for _, l := range p.Clusters {
			if !clusterIDs[l.ClusterID] || l.Source == "" {
				return nil, fmt.Errorf("%s: cluster link %q unknown or without source", where, l.ClusterID)
			}
			z.Clusters = append(z.Clusters, geo.ZoneCluster{ClusterID: l.ClusterID, Derived: l.Derived, Source: l.Source})
		}
		for _, l := range p.Chains {
			if !chainIDs[l.ChainID] || l.Source == "" {
				return nil, fmt.Errorf("%s: chain link %q unknown or without source", where, l.ChainID)
			}
			z.Chains = append(z.Chains, l.ChainID)
		}
		for _, r := range z.Regions {
			if !regionIDs[r] {
				return nil, fmt.Errorf("%s: unknown region %q", where, r)
			}
		}
		zoneIdx[p.ID] = 0
		ds.Zones = append(ds.Zones, z)
	}
	sort.Slice(ds.Zones, func(i, j int) bool { return ds.Zones[i].ID < ds.Zones[j].ID })
	for i := range ds.Zones {
		zoneIdx[ds.Zones[i].ID] = i
	}

	// Revenue.
	var revs []RevenueRecord
	if err := readJSON(fsys, "revenue.json", &revs); err != nil {
		return nil, err
	}
	for i, r := range revs {
		idx, ok := zoneIdx[r.ZoneID]
		if !ok {
			return nil, fmt.Errorf("data: revenue.json record %d: unknown zone %q", i, r.ZoneID)
		}
		switch r.Bound {
		case geo.BoundExact, geo.BoundLower, geo.BoundUpper:
		default:
			return nil, fmt.Errorf("data: revenue.json record %d: bad bound %q", i, r.Bound)
		}
		if r.Measure == "" || r.Period == "" || r.Source == "" || r.Year < 1980 || r.Year > 2100 {
			return nil, fmt.Errorf("data: revenue.json record %d (%s): measure, period, source and a plausible year are required", i, r.ZoneID)
		}
		ds.Zones[idx].Revenue = append(ds.Zones[idx].Revenue, r.Revenue())
	}
	for i := range ds.Zones {
		rs := ds.Zones[i].Revenue
		sort.SliceStable(rs, func(a, b int) bool {
			if rs[a].Year != rs[b].Year {
				return rs[a].Year < rs[b].Year
			}
			return rs[a].Measure < rs[b].Measure
		})
	}
	return ds, nil
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
