package api

import (
	"net/http"
	"net/url"
	"testing"

	"layoutmap/geo"
)

// FuzzItemsQuery sends arbitrary query strings to the items endpoint: the
// answer is 200 or a 4xx problem, never a 500 and never a panic.
func FuzzItemsQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=1", "limit=10001", "bbox=113,34,114,35", "bbox=1,2,3", "city=410100,410200",
		"min_revenue=NaN", "min_revenue=1e309", "year=2023&min_revenue=1000", "tier=t5000,no_data",
		"sortby=-revenue", "sortby=--name", "f=csv", "offset=99999999999999999999", "city=%zz",
		"cluster=" + url.QueryEscape("新材料"), "a=1&a=2", "limit=1&limit=2", ";", "&&&", "region=x&city=",
	} {
		f.Add("zones", s)
	}
	f.Add("cities", "min_revenue=5")
	app := newApp(f, Config{})
	f.Fuzz(func(t *testing.T, coll, raw string) {
		if len(raw) > 4096 || len(coll) > 64 {
			return
		}
		target := "/api/v1/collections/" + url.PathEscape(coll) + "/items?" + raw
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return // not a request a client can send
		}
		req, err := http.NewRequest(http.MethodGet, u.String(), nil)
		if err != nil {
			return
		}
		res, err := app.Test(req, 30_000)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		res.Body.Close()
		ct := res.Header.Get("Content-Type")
		switch {
		case res.StatusCode == 200:
		case res.StatusCode >= 400 && res.StatusCode < 500 && ct == ContentTypeProblem:
		default:
			t.Fatalf("GET %s: status %d (%s), want 200 or a 4xx problem", target, res.StatusCode, ct)
		}
	})
}

// FuzzParseItems drives the parser alone: a value or field errors, never a
// panic or another error.
func FuzzParseItems(f *testing.F) {
	f.Add("limit=5&bbox=113,34,114,35&f=csv")
	f.Add("year=2023&min_revenue=500&max_revenue=1000&sortby=-revenue")
	f.Add("city_code=410100&revenue_year=2023&approved_area_ha=1e3")
	f.Add("filter-lang=cql-text&filter=derived%20%3D%201")
	f.Add("filter=S_INTERSECTS(geometry,BBOX(34,113,35,114))&filter-crs=%5BEPSG%3A4326%5D")
	f.Add("filter=S_INTERSECTS(geometry,POLYGON((1.2e7%204e6,1.3e7%204e6,1.3e7%204.2e6,1.2e7%204e6)))&filter-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F3857")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		iq, err := parseItems("zones", q)
		if err != nil {
			if _, ok := geo.AsFieldErrors(err); !ok {
				t.Fatalf("parseItems(%q): %v is not a field error", raw, err)
			}
			return
		}
		if iq.filter.Limit < 1 || iq.filter.Limit > 10000 || (iq.format != "" && iq.format != "json" && iq.format != "csv") {
			t.Fatalf("parseItems(%q) = %+v: out of range", raw, iq)
		}
	})
}
