package geo

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		paging  bool
		wantErr []string // fields named in FieldErrors
		check   func(t *testing.T, f Filter)
	}{
		{name: "empty gives defaults", query: "", paging: true, check: func(t *testing.T, f Filter) {
			if f.Limit != DefaultLimit || f.Offset != 0 || f.BBox != nil || f.MinRevenue != nil {
				t.Errorf("got %+v, want defaults", f)
			}
		}},
		{name: "threshold and year", query: "min_revenue=1000&year=2023", check: func(t *testing.T, f Filter) {
			if f.MinRevenue == nil || *f.MinRevenue != 1000 || f.Year != 2023 {
				t.Errorf("got min %v year %d, want 1000 2023", f.MinRevenue, f.Year)
			}
		}},
		{name: "lists split dedupe", query: "cluster=electronics,food,electronics&cluster=nev&city=410100", check: func(t *testing.T, f Filter) {
			if !slices.Equal(f.Cluster, []string{"electronics", "food", "nev"}) || !slices.Equal(f.City, []string{"410100"}) {
				t.Errorf("got clusters %v cities %v", f.Cluster, f.City)
			}
		}},
		{name: "chinese id allowed", query: "region=" + url.QueryEscape("豫北"), check: func(t *testing.T, f Filter) {
			if !slices.Equal(f.Region, []string{"豫北"}) {
				t.Errorf("got %v", f.Region)
			}
		}},
		{name: "bbox", query: "bbox=113,34,114,35", check: func(t *testing.T, f Filter) {
			if f.BBox == nil || f.BBox.Min[0] != 113 || f.BBox.Max[1] != 35 {
				t.Errorf("got %v", f.BBox)
			}
		}},
		{name: "sortby descending", query: "sortby=-revenue", paging: true, check: func(t *testing.T, f Filter) {
			if f.SortBy != "-revenue" {
				t.Errorf("got %q", f.SortBy)
			}
		}},
		{name: "unknown parameter", query: "clusters=food", wantErr: []string{"clusters"}},
		{name: "paging param without paging", query: "limit=5", wantErr: []string{"limit"}},
		// OGC API Features /req/core/fc-limit-response-1 overrides the
		// project's earlier rule (a 400): over the maximum means the maximum.
		{name: "limit over max clamps to the max", query: "limit=10001", paging: true, check: func(t *testing.T, f Filter) {
			if f.Limit != MaxLimit {
				t.Errorf("limit = %d, want %d", f.Limit, MaxLimit)
			}
		}},
		{name: "datetime instant", query: "datetime=2018-02-12T23:20:50Z", paging: true, check: func(t *testing.T, f Filter) {
			if f.Datetime != "2018-02-12T23:20:50Z" || f.Encode().Get("datetime") != f.Datetime {
				t.Errorf("datetime = %q", f.Datetime)
			}
		}},
		{name: "datetime open intervals", query: "datetime=2018-02-12/..", paging: true},
		{name: "datetime open start", query: "datetime=../2018-03-18T12:31:12Z", paging: true},
		{name: "datetime empty open start", query: "datetime=/2018-03-18T12:31:12%2B08:00", paging: true},
		{name: "datetime both open", query: "datetime=../..", paging: true, wantErr: []string{"datetime"}},
		{name: "datetime reversed", query: "datetime=2019-01-01/2018-01-01", paging: true, wantErr: []string{"datetime"}},
		{name: "datetime garbage", query: "datetime=yesterday", paging: true, wantErr: []string{"datetime"}},
		{name: "datetime only on items", query: "datetime=2018-01-01", wantErr: []string{"datetime"}},
		{name: "bbox six numbers use the horizontal extent", query: "bbox=113,34,-10,114,35,100", check: func(t *testing.T, f Filter) {
			if f.BBox == nil || f.BBox.Min != [2]float64{113, 34} || f.BBox.Max != [2]float64{114, 35} {
				t.Errorf("got %v", f.BBox)
			}
		}},
		{name: "bbox six numbers heights reversed", query: "bbox=113,34,10,114,35,0", wantErr: []string{"bbox"}},
		{name: "bbox five numbers", query: "bbox=113,34,10,114,35", wantErr: []string{"bbox"}},
		{name: "bbox crossing the antimeridian", query: "bbox=170,30,115,40", check: func(t *testing.T, f Filter) {
			if f.BBox == nil || f.BBox.Min[0] != 170 || f.BBox.Max[0] != 115 || len(BBoxParts(*f.BBox)) != 2 {
				t.Errorf("got %v", f.BBox)
			}
		}},
		{name: "bbox south above north", query: "bbox=113,35,114,34", wantErr: []string{"bbox"}},
		{name: "limit zero", query: "limit=0", paging: true, wantErr: []string{"limit"}},
		{name: "negative offset", query: "offset=-1", paging: true, wantErr: []string{"offset"}},
		{name: "bad sortby", query: "sortby=geom", paging: true, wantErr: []string{"sortby"}},
		{name: "nan threshold", query: "min_revenue=NaN", wantErr: []string{"min_revenue"}},
		{name: "inf threshold", query: "max_revenue=Inf", wantErr: []string{"max_revenue"}},
		{name: "huge threshold", query: "min_revenue=1e300", wantErr: []string{"min_revenue"}},
		{name: "min above max", query: "min_revenue=10&max_revenue=5", wantErr: []string{"max_revenue"}},
		{name: "bad year", query: "year=20x3", wantErr: []string{"year"}},
		{name: "bbox three numbers", query: "bbox=1,2,3", wantErr: []string{"bbox"}},
		{name: "sql in id", query: "city=" + url.QueryEscape("410100';DROP TABLE zones;--"), wantErr: []string{"city"}},
		{name: "repeated scalar", query: "year=2022&year=2023", wantErr: []string{"year"}},
		{name: "all errors reported", query: "year=x&bbox=y&tier=a%20b", wantErr: []string{"bbox", "tier", "year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFilter(q, tt.paging)
			if len(tt.wantErr) > 0 {
				fes, ok := AsFieldErrors(err)
				if !ok {
					t.Fatalf("err = %v, want FieldErrors for %v", err, tt.wantErr)
				}
				var got []string
				for _, fe := range fes {
					got = append(got, fe.Field)
				}
				slices.Sort(got)
				if !slices.Equal(got, tt.wantErr) {
					t.Fatalf("fields = %v, want %v (%v)", got, tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.check != nil {
				tt.check(t, f)
			}
		})
	}
}

func TestFilterEncodeRoundTrip(t *testing.T) {
	q, _ := url.ParseQuery("cluster=food,electronics&year=2023&min_revenue=1000.5&bbox=113,34,114.5,35&tier=t5000")
	f, err := ParseFilter(q, false)
	if err != nil {
		t.Fatal(err)
	}
	enc := f.Encode()
	f2, err := ParseFilter(enc, false)
	if err != nil {
		t.Fatal(err)
	}
	if f2.Encode().Encode() != enc.Encode() {
		t.Errorf("round trip: %q != %q", f2.Encode().Encode(), enc.Encode())
	}
	if want := "bbox=113%2C34%2C114.5%2C35&cluster=electronics%2Cfood&min_revenue=1000.5&tier=t5000&year=2023"; enc.Encode() != want {
		t.Errorf("encode = %q, want %q", enc.Encode(), want)
	}
}

func TestValidateAppliesToZonesOnly(t *testing.T) {
	known := func(kind, id string) bool { return id == "410100" || id == "food" }
	min := 5.0
	f := Filter{City: []string{"410100", "999999"}, Cluster: []string{"food"}, MinRevenue: &min}
	err := f.Validate(CollCounties, known)
	fes, ok := AsFieldErrors(err)
	if !ok {
		t.Fatalf("err = %v, want field errors", err)
	}
	var fields []string
	for _, fe := range fes {
		fields = append(fields, fe.Field)
	}
	if !slices.Equal(fields, []string{"city", "cluster", "min_revenue"}) {
		t.Errorf("fields = %v", fields)
	}
	if !strings.Contains(fes[0].Reason, "999999") {
		t.Errorf("reason %q does not name the value", fes[0].Reason)
	}
	if err := (Filter{Cluster: []string{"food"}}).Validate(CollZones, known); err != nil {
		t.Errorf("zones: %v", err)
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "bbox=1,2,3,4", "min_revenue=NaN&year=2023", "limit=10001&offset=-1", "cluster=a,b,,c&tier=no_data", "sortby=-revenue", "city=%27%3B--", "bbox=1e309,0,0,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		flt, err := ParseFilter(q, true)
		if err != nil {
			if _, ok := AsFieldErrors(err); !ok {
				t.Fatalf("error %v is not a FieldError", err)
			}
			return
		}
		if flt.Limit < 1 || flt.Limit > MaxLimit || flt.Offset < 0 {
			t.Fatalf("accepted out-of-range paging %+v", flt)
		}
		if flt.BBox != nil && (flt.BBox.Min[0] > flt.BBox.Max[0] || flt.BBox.Min[1] > flt.BBox.Max[1]) {
			t.Fatalf("accepted inverted bbox %v", flt.BBox)
		}
		// What was accepted encodes and parses back to the same filter.
		if _, err := ParseFilter(flt.Encode(), false); err != nil {
			t.Fatalf("re-parse of %q: %v", flt.Encode().Encode(), err)
		}
	})
}

// TestIDPatternsAgree: the ECMA-262 spelling published in the OpenAPI
// document is the Go pattern with \uXXXX for \x{XXXX}.
func TestIDPatternsAgree(t *testing.T) {
	goSpelling := strings.NewReplacer(`\u3400`, `\x{3400}`, `\u4dbf`, `\x{4dbf}`, `\u4e00`, `\x{4e00}`, `\u9fff`, `\x{9fff}`, `\uf900`, `\x{f900}`, `\ufaff`, `\x{faff}`).Replace(IDPatternECMA)
	if goSpelling != idPattern.String() {
		t.Fatalf("IDPatternECMA %s does not spell idPattern %s", IDPatternECMA, idPattern)
	}
	for _, id := range []string{"豫北", "410100", "new_materials", "中心城市（郑州）", "demo-west", "㐀"} {
		if !idPattern.MatchString(id) {
			t.Errorf("%q rejected", id)
		}
	}
	for _, id := range []string{"a b", "a'b", "", "😀", "𠀀"} {
		if idPattern.MatchString(id) {
			t.Errorf("%q accepted", id)
		}
	}
}
