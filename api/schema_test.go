package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"layoutmap/geo"
)

// TestFieldTableCoversProperties holds geo.Schemas to the features the
// store really serves: every property of every feature of every collection
// has a row with the right JSON type (members of arrays of objects too), so
// the JSON Schema (describedby) and queryables never miss a field, and the
// zones' revenue fields are among them (issue 11 case 1).
func TestFieldTableCoversProperties(t *testing.T) {
	// The bundled dataset with a synthetic enterprise list (the bundled
	// dataset has no enterprises).
	store, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	for _, coll := range geo.CollectionNames {
		cs, ok := geo.Schemas[coll]
		if !ok {
			t.Fatalf("no field table for %s", coll)
		}
		page, err := store.Items(t.Context(), coll, geo.Filter{Limit: geo.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, f := range page.Features {
			// Through JSON, as clients see the values.
			b, err := json.Marshal(map[string]any(f.Properties))
			if err != nil {
				t.Fatal(err)
			}
			var props map[string]any
			if err := json.Unmarshal(b, &props); err != nil {
				t.Fatal(err)
			}
			for k, v := range props {
				seen[k] = true
				fd, ok := cs.Field(k)
				if !ok {
					t.Errorf("%s/%s: property %q has no row in geo.Schemas[%q]", coll, f.ID, k, coll)
					continue
				}
				if msg := typeMismatch(fd, v); msg != "" {
					t.Errorf("%s/%s: %s", coll, f.ID, msg)
				}
			}
		}
		for _, fd := range cs.Fields {
			if !seen[fd.Name] {
				t.Errorf("%s: field %q of the table occurs in no feature", coll, fd.Name)
			}
			if fd.TitleZH == "" || fd.TitleEN == "" {
				t.Errorf("%s.%s: missing a title", coll, fd.Name)
			}
		}
	}
	for _, k := range []string{"revenue_yi", "revenue_year", "measure", "bound", "period", "revenue_source"} {
		if _, ok := geo.Schemas[geo.CollZones].Field(k); !ok {
			t.Errorf("zones lack %s", k)
		}
	}
}

func typeMismatch(fd geo.Field, v any) string {
	ok := false
	switch fd.Type {
	case geo.TypeString:
		s, isStr := v.(string)
		ok = isStr && (len(fd.Enum) == 0 || containsStr(fd.Enum, s))
	case geo.TypeNumber:
		_, ok = v.(float64)
	case geo.TypeInteger:
		x, isNum := v.(float64)
		ok = isNum && x == float64(int64(x))
	case geo.TypeBoolean:
		_, ok = v.(bool)
	case geo.TypeArray:
		arr, isArr := v.([]any)
		ok = isArr
		for _, e := range arr {
			if fd.Items == geo.TypeObject {
				m, isObj := e.(map[string]any)
				if !isObj {
					return fmt.Sprintf("%s: element %v is not an object", fd.Name, e)
				}
				for mk, mv := range m {
					var member *geo.Field
					for i := range fd.Members {
						if fd.Members[i].Name == mk {
							member = &fd.Members[i]
						}
					}
					if member == nil {
						return fmt.Sprintf("%s: member %q has no row", fd.Name, mk)
					}
					if msg := typeMismatch(*member, mv); msg != "" {
						return fd.Name + "." + msg
					}
				}
			} else if msg := typeMismatch(geo.Field{Name: fd.Name + "[]", Type: fd.Items}, e); msg != "" {
				return msg
			}
		}
	}
	if !ok {
		return fmt.Sprintf("%s = %v (%T) is not a %s", fd.Name, v, v, fd.Type)
	}
	return ""
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestSchemaRoutes(t *testing.T) {
	es, err := entStore() // with enterprises, so every collection is listed
	if err != nil {
		t.Fatal(err)
	}
	app := standardsApp(t, Config{Store: es})
	for _, coll := range geo.CollectionNames {
		var doc collectionDoc
		decode(t, get(t, app, "/api/v1/collections/"+coll), &doc)
		schemaURL, queryablesURL := link(doc.Links, "describedby"), link(doc.Links, relQueryables)
		if schemaURL != "http://example.com/api/v1/collections/"+coll+"/schema" || queryablesURL != "http://example.com/api/v1/collections/"+coll+"/queryables" {
			t.Errorf("%s: describedby %q, queryables %q", coll, schemaURL, queryablesURL)
		}
		for _, u := range []string{schemaURL, queryablesURL} {
			path := strings.TrimPrefix(u, "http://example.com")
			r := get(t, app, path, "Accept", "application/schema+json")
			if r.status != http.StatusOK || r.ctype() != ContentTypeSchema {
				t.Fatalf("GET %s: %d %s", path, r.status, r.ctype())
			}
			var s struct {
				Schema     string `json:"$schema"`
				ID         string `json:"$id"`
				Properties map[string]struct {
					Properties map[string]map[string]any
				}
			}
			decode(t, r, &s)
			if s.Schema != jsonSchemaDialect || s.ID != u {
				t.Errorf("GET %s: $schema %q $id %q", path, s.Schema, s.ID)
			}
			if strings.HasSuffix(path, "/schema") {
				fields := s.Properties["properties"].Properties
				if len(fields) != len(geo.Schemas[coll].Fields) {
					t.Errorf("%s schema: %d properties, table has %d", coll, len(fields), len(geo.Schemas[coll].Fields))
				}
				if coll == geo.CollZones && (fields["revenue_yi"]["type"] != "number" || fields["revenue_yi"]["x-ogc-unit"] != "亿元") {
					t.Errorf("zones schema revenue_yi = %v", fields["revenue_yi"])
				}
			} else if _, ok := s.Properties["geometry"]; !ok {
				t.Errorf("%s queryables lack the geometry", coll)
			}
		}
	}
	if r := get(t, app, "/api/v1/collections/nope/schema"); r.status != http.StatusNotFound {
		t.Errorf("unknown collection schema: %d", r.status)
	}
	if r := get(t, app, "/api/v1/collections/zones/queryables", "Accept", "text/csv"); r.status != http.StatusNotAcceptable {
		t.Errorf("queryables as CSV: %d, want 406", r.status)
	}
}
