package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/geo"
)

// Export writes a Dataset in the bundled format (data/henan/README.md), so
// that LoadDataset, `layoutmap import --dir` and the served answers read it
// back unchanged: coordinates are written with full float64 precision (not
// the bundled files' 6 decimals), records in the dataset's order.
//
// What a Dataset does not hold is not invented: the bundled files'
// file-only fields (catalogue_code, outline notes, cities_text,
// chain_keywords, revenue notes) are left out, and a zone's chain links,
// whose sources the stores do not keep, name this as their source.

// ChainLinkSource is the source written for a zone's chain link on export.
const ChainLinkSource = "chain link as stored in layoutmap (its source is not kept in the database)"

// ManifestFile lists every exported file with its size and SHA-256, so an
// import can tell a truncated or altered copy.
const ManifestFile = "manifest.json"

// Manifest is manifest.json.
type Manifest struct {
	FormatVersion int                     `json:"format_version"`
	Files         map[string]ManifestItem `json:"files"`
}

// ManifestItem is one file of a Manifest.
type ManifestItem struct {
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// EncodeDataset returns the bundled files of ds, by name, plus the
// manifest. name is meta.json's name.
func EncodeDataset(ds *Dataset, name string) (map[string][]byte, error) {
	files := map[string][]byte{}
	var err error
	if files["admin.geojson"], err = encodeAdmin(ds); err != nil {
		return nil, err
	}
	if files["zones.geojson"], err = encodeZones(ds); err != nil {
		return nil, err
	}
	if files["regions.geojson"], err = encodeRegions(ds); err != nil {
		return nil, err
	}
	var revs []RevenueRecord
	for _, z := range ds.Zones {
		for _, r := range z.Revenue {
			revs = append(revs, RevenueRecord{ZoneID: z.ID, Year: r.Year, RevenueYi: r.RevenueYi, Measure: r.Measure,
				Bound: r.Bound, Period: r.Period, Scope: r.Scope, Source: r.Source})
		}
	}
	if revs == nil {
		revs = []RevenueRecord{}
	}
	if files["revenue.json"], err = MarshalIndent(revs); err != nil {
		return nil, err
	}
	tax := TaxonomyFile{Clusters: records(ds.Taxonomy.Clusters), Chains: records(ds.Taxonomy.Chains), Recognised: records(ds.Taxonomy.Recognised)}
	for _, k := range ds.Taxonomy.Keywords {
		tax.Keywords = append(tax.Keywords, KeywordRecord{Keyword: k.Keyword, ClusterID: k.ClusterID})
	}
	if files["taxonomy.json"], err = MarshalIndent(tax); err != nil {
		return nil, err
	}
	meta := Meta{FormatVersion: FormatVersion, Name: name, Vintage: ds.Vintage, Attribution: ds.Attribution,
		CRS: "EPSG:4326 (WGS84 lon/lat)",
		Counts: map[string]int{"admin": len(ds.Admin), "zones": len(ds.Zones), "revenue": len(revs),
			"clusters": len(ds.Taxonomy.Clusters), "chains": len(ds.Taxonomy.Chains),
			"recognised": len(ds.Taxonomy.Recognised), "regions": len(ds.Regions)}}
	if files["meta.json"], err = MarshalIndent(meta); err != nil {
		return nil, err
	}
	man := Manifest{FormatVersion: FormatVersion, Files: map[string]ManifestItem{}}
	for n, b := range files {
		sum := sha256.Sum256(b)
		man.Files[n] = ManifestItem{Bytes: len(b), SHA256: hex.EncodeToString(sum[:])}
	}
	if files[ManifestFile], err = MarshalIndent(man); err != nil {
		return nil, err
	}
	return files, nil
}

// WriteDir writes files into dir (created if needed).
func WriteDir(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data: export: %w", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			return fmt.Errorf("data: export: %w", err)
		}
	}
	return nil
}

// CheckManifest verifies fsys against its manifest.json, when it has one:
// every listed file must be present with its size and SHA-256. It returns
// nil when there is no manifest.
func CheckManifest(fsys fs.FS) error {
	b, err := fs.ReadFile(fsys, ManifestFile)
	if err != nil {
		return nil
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("data: %s: %w", ManifestFile, err)
	}
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		want := m.Files[n]
		got, err := fs.ReadFile(fsys, n)
		if err != nil {
			return fmt.Errorf("data: %s lists %s, which is missing: copy the whole exported directory", ManifestFile, n)
		}
		sum := sha256.Sum256(got)
		if len(got) != want.Bytes || hex.EncodeToString(sum[:]) != want.SHA256 {
			return fmt.Errorf("data: %s has %d bytes, the manifest says %d with another checksum: the file is truncated or was changed after export (edit files before export, or delete %s to import an edited copy)",
				n, len(got), want.Bytes, ManifestFile)
		}
	}
	return nil
}

func records(cs []geo.Cluster) []ClusterRecord {
	if cs == nil {
		return nil
	}
	out := make([]ClusterRecord, len(cs))
	for i, c := range cs {
		out[i] = ClusterRecord{ID: c.ID, Name: c.Name, NameEN: c.NameEN, Kind: c.Kind, Parent: c.Parent,
			ScaleClass: c.ScaleClass, Cities: c.Cities, Source: c.Source}
	}
	return out
}

func encodeAdmin(ds *Dataset) ([]byte, error) {
	feats := make([]*geojson.Feature, len(ds.Admin))
	for i, a := range ds.Admin {
		p := AdminProps{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Level: a.Level, ParentCode: a.ParentCode,
			LabelPoint: [2]float64(a.LabelPoint), Source: a.Source}
		f, err := newFeature(a.Code, a.Geom, p)
		if err != nil {
			return nil, err
		}
		feats[i] = f
	}
	return FeatureLines(feats)
}

func encodeZones(ds *Dataset) ([]byte, error) {
	feats := make([]*geojson.Feature, len(ds.Zones))
	for i, z := range ds.Zones {
		pt := [2]float64(z.Point)
		p := ZoneProps{ID: z.ID, Name: z.Name, NameEN: z.NameEN, Level: z.Level, LevelEN: z.LevelEN,
			CityCode: z.CityCode, CountyCode: z.CountyCode, LeadIndustries: z.LeadIndustries, AreaHa: z.AreaHa,
			Point: &pt, PointQuality: z.PointQuality, GeomQuality: z.GeomQuality, Regions: z.Regions, Source: z.Source,
			ZoneAttrs: z.ZoneAttrs, Clusters: []ZoneLink{}, Chains: []ZoneLink{}}
		for _, c := range z.Clusters {
			p.Clusters = append(p.Clusters, ZoneLink{ClusterID: c.ClusterID, Derived: c.Derived, Source: c.Source})
		}
		for _, c := range z.Chains {
			p.Chains = append(p.Chains, ZoneLink{ChainID: c, Source: ChainLinkSource})
		}
		f, err := newFeature(z.ID, z.Geom, p)
		if err != nil {
			return nil, err
		}
		feats[i] = f
	}
	return FeatureLines(feats)
}

func encodeRegions(ds *Dataset) ([]byte, error) {
	feats := make([]*geojson.Feature, len(ds.Regions))
	for i, r := range ds.Regions {
		p := RegionProps{ID: r.ID, Name: r.Name, NameEN: r.NameEN, Kind: r.Kind, Members: r.Members, Roles: r.Roles,
			Derived: r.Derived, Source: r.Source}
		f, err := newFeature(r.ID, r.Geom, p)
		if err != nil {
			return nil, err
		}
		feats[i] = f
	}
	return FeatureLines(feats)
}

// newFeature makes a feature whose properties are props' JSON fields.
func newFeature(id string, g orb.MultiPolygon, props any) (*geojson.Feature, error) {
	f := geojson.NewFeature(g)
	if len(g) == 0 {
		f.Geometry = nil // "geometry": null: a zone without an outline
	}
	f.ID = id
	b, err := json.Marshal(props)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &f.Properties); err != nil {
		return nil, err
	}
	return f, nil
}

// FeatureLines writes a FeatureCollection with one feature per line, as the
// bundled files are laid out.
func FeatureLines(feats []*geojson.Feature) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, f := range feats {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(f); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimRight(line.Bytes(), "\n"))
		if i < len(feats)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	return buf.Bytes(), nil
}

// MarshalIndent is the JSON layout of the dataset's .json files: one-space
// indent, no HTML escaping, a final newline.
func MarshalIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
