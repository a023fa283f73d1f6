package postgis

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// The zones' staging columns are the zone descriptor's stored columns
// (plus point, outline and attrs), so a column added to the descriptor is
// written without touching the writer.
func TestZoneStagingFromDescriptor(t *testing.T) {
	d := geo.Schemas[geo.CollZones]
	var want []string
	for _, f := range d.Fields {
		if c, _, ok := f.StoredColumn(); ok {
			want = append(want, c)
		} else if f.Column != "" && !f.Attr {
			t.Errorf("zone field %s reads %q, which the writer cannot stage", f.Name, f.Column)
		}
	}
	want = append(want, "point", "geom", "attrs")
	if !slices.Equal(zoneStaging.cols, want) {
		t.Errorf("staged zone columns %v, descriptor %v", zoneStaging.cols, want)
	}
	for _, c := range []string{"id", "county_code", "lead_industries", "approved_area_ha", "geom_quality", "source"} {
		if !slices.Contains(zoneStaging.cols, c) {
			t.Errorf("zone column %s not staged", c)
		}
	}

	// A new stored column in the descriptor is staged, created, inserted
	// and valued.
	extra := geo.Field{Name: "operator", Type: geo.TypeString, Column: "coalesce(z.operator, '')",
		Ref: func(x any) any { return &x.(*geo.Zone).Source }}
	d.Fields = append(slices.Clone(d.Fields), extra)
	s := stagingOf(d, "s_zones", func(x any) any { return x.(*geo.Zone).ZoneAttrs })
	if !slices.Contains(s.cols, "operator") {
		t.Fatalf("descriptor column operator not in the write list %v", s.cols)
	}
	for _, q := range []string{s.create(), s.insert()} {
		if !strings.Contains(q, "operator") {
			t.Errorf("operator missing from %s", q)
		}
	}
	if q := s.insert(); !strings.Contains(q, "ST_Multi(geom)") || !strings.HasPrefix(q, "INSERT INTO layoutmap.zones (") {
		t.Errorf("insert: %s", q)
	}
	if q := s.create(); !strings.Contains(q, "ST_AsEWKB(z.geom) AS geom") || !strings.HasSuffix(q, "FROM layoutmap.zones z WITH NO DATA") {
		t.Errorf("create: %s", q)
	}

	z := geo.Zone{ID: "G1", Name: "甲区", Point: orb.Point{113, 34}, Source: "src"}
	z.ApprovalDate = "2000-02"
	row, err := s.row(&z)
	if err != nil {
		t.Fatal(err)
	}
	if len(row) != len(s.cols) {
		t.Fatalf("row of %d values for %d columns", len(row), len(s.cols))
	}
	val := func(col string) any { return row[slices.Index(s.cols, col)] }
	if val("operator") != "src" || val("id") != "G1" {
		t.Errorf("operator %v, id %v", val("operator"), val("id"))
	}
	// Unknown nullable text is NULL, a nil list the empty list, no outline NULL.
	if g, _ := val("geom").([]byte); val("county_code") != nil || val("geom_quality") != nil || g != nil {
		t.Errorf("county_code %v, geom_quality %v, geom %v: want NULL", val("county_code"), val("geom_quality"), val("geom"))
	}
	if l, ok := val("lead_industries").([]string); !ok || l == nil {
		t.Errorf("lead_industries %#v, want an empty list", val("lead_industries"))
	}
	var attrs map[string]string
	if err := json.Unmarshal([]byte(val("attrs").(string)), &attrs); err != nil || attrs["approval_date"] != "2000-02" {
		t.Errorf("attrs %v (%v), want approval_date 2000-02", val("attrs"), err)
	}
}
