package api

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

// maxQueryBytes bounds the query string the parsers look at.
const maxQueryBytes = 8 << 10

// queryValues parses the raw query string strictly: a malformed escape is a
// 400 naming "query" instead of being guessed around. The values are fresh
// strings, safe to keep after the handler returns.
func queryValues(c *fiber.Ctx) (url.Values, error) {
	raw := string(c.Request().URI().QueryString())
	if len(raw) > maxQueryBytes {
		return nil, geo.FieldErrors{{Field: "query", Reason: "longer than 8 KiB"}}
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, geo.FieldErrors{{Field: "query", Reason: "malformed query string: " + err.Error()}}
	}
	return q, nil
}

// etagMatches implements If-None-Match with weak comparison (RFC 9110
// §13.1.2): "*" or any listed tag equal to etag, W/ ignored on both sides.
// Every conditional GET (tiles, TileJSON and style, static images, web
// assets) uses it.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// onlyParams rejects parameters a route does not take, so a typo is an
// error rather than silently ignored; each must also appear at most once.
func onlyParams(q url.Values, allowed ...string) error {
	var errs geo.FieldErrors
	for _, k := range sortedKeys(q) {
		switch {
		case !slices.Contains(allowed, k):
			reason := "unknown parameter"
			if len(allowed) > 0 {
				reason += "; allowed: " + strings.Join(allowed, ", ")
			} else {
				reason += "; this route takes none"
			}
			errs = append(errs, &geo.FieldError{Field: geo.Clip(k), Reason: reason})
		case len(q[k]) > 1:
			errs = append(errs, &geo.FieldError{Field: k, Reason: "given more than once"})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// featureFormats maps the f values of features to media types, and
// featureOffers lists what Accept may choose (the first is the default).
// GeoJSON answers application/json too: it is JSON.
var (
	featureFormats = map[string]string{"json": ContentTypeGeoJSON, "geojson": ContentTypeGeoJSON, "csv": mediaCSV, "html": ContentTypeHTML, "xlsx": mediaXLSX}
	featureOffers  = []string{ContentTypeGeoJSON, ContentTypeJSON, mediaCSV, ContentTypeHTML, mediaXLSX}
)

// mediaCSV is CSV's media type without parameters, as Accept names it.
const mediaCSV = "text/csv"

// format reads the f parameter: "" (absent: Accept decides), "json" (also
// "geojson"), "csv" or "xlsx" (the CSV's columns as a workbook).
func format(q url.Values) (string, error) {
	switch v := q.Get("f"); v {
	case "":
		return "", nil
	case "json", "geojson":
		return "json", nil
	case "csv", "html", "xlsx":
		return v, nil
	default:
		return "", geo.FieldErrors{{Field: "f", Reason: "must be json, csv, html or xlsx, got " + quoteClip(v)}}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func quoteClip(s string) string { return `"` + geo.Clip(s) + `"` }
