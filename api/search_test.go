package api

import (
	"context"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

type searchDoc struct {
	Query   string `json:"query"`
	Results []struct {
		Kind      string            `json:"kind"`
		ID        string            `json:"id"`
		Name      string            `json:"name"`
		Center    *[2]float64       `json:"center"`
		Matched   string            `json:"matched"`
		KindTitle map[string]string `json:"kind_title"`
	} `json:"results"`
}

// TestSearch runs the search route over the bundled dataset: the ids it
// must find are looked up by name in the same store, never typed in.
func TestSearch(t *testing.T) {
	st := testStoreFor(t)
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){SearchRoutes(st)}})
	ctx := context.Background()
	zones, err := st.Zones(ctx, geo.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	zoneByName := map[string]geo.Zone{}
	for _, z := range zones {
		zoneByName[z.Name] = z
	}
	idOf := func(name string) string {
		if z, ok := zoneByName[name]; ok {
			return z.ID
		}
		for _, lv := range []string{geo.LevelCity, geo.LevelCounty} {
			as, _ := st.AdminAreas(ctx, lv)
			for _, a := range as {
				if a.Name == name {
					return a.Code
				}
			}
		}
		t.Fatalf("no place named %s in the dataset", name)
		return ""
	}
	search := func(q string) searchDoc {
		t.Helper()
		r := get(t, app, "/api/v1/search?limit=50&q="+q)
		if r.status != 200 {
			t.Fatalf("search %s: %d %s", q, r.status, r.body)
		}
		var d searchDoc
		decode(t, r, &d)
		return d
	}

	for _, tc := range []struct{ q, first, kind, matched string }{
		{"hangkonggang", "郑州航空港经济综合实验区", "zone", "pinyin"},
		{"zzjk", "郑州经济技术开发区", "zone", "initials"},
		{"lyjk", "洛阳经济技术开发区", "zone", "initials"},
		{"%E9%83%91%E5%B7%9E%E7%BB%8F%E5%BC%80", "郑州经济技术开发区", "zone", "abbreviation"},    // 郑州经开
		{"%E8%88%AA%E7%A9%BA%E6%B8%AF%E5%8C%BA", "郑州航空港经济综合实验区", "zone", "abbreviation"}, // 航空港区
		{"luoyang", "洛阳市", "city", "name_en"},
		{"zhengzhou", "郑州市", "city", "name_en"},
		{"%E9%83%91%E5%B7%9E", "郑州市", "city", "name"}, // 郑州
		{"jinshui", "金水区", "county", "pinyin"},
		{"changgeshi", "长葛市", "county", "pinyin"}, // 长 read chang in place names, not zhang
	} {
		d := search(tc.q)
		if len(d.Results) == 0 {
			t.Errorf("search %s: no results; want %s first", tc.q, tc.first)
			continue
		}
		r := d.Results[0]
		if r.ID != idOf(tc.first) || r.Kind != tc.kind || r.Matched != tc.matched {
			t.Errorf("search %s: first %s %s %s (%s); want %s %s (%s)", tc.q, r.Kind, r.ID, r.Name, r.Matched, tc.kind, tc.first, tc.matched)
		}
		if r.KindTitle["zh"] == "" || r.KindTitle["en"] == "" {
			t.Errorf("search %s: kind_title %v; want zh and en", tc.q, r.KindTitle)
		}
	}

	// Abbreviations find exactly the zones whose full names hold the long form.
	for _, tc := range []struct{ q, long string }{
		{"%E7%BB%BC%E4%BF%9D", "综合保税区"},     // 综保
		{"%E7%BB%8F%E5%BC%80", "经济技术开发区"},   // 经开 (also 经济开发区, below)
		{"%E9%AB%98%E6%96%B0", "高新技术产业开发区"}, // 高新
	} {
		want := map[string]bool{}
		for _, z := range zones {
			if strings.Contains(z.Name, tc.long) {
				want[z.ID] = true
			}
		}
		got := map[string]bool{}
		for _, r := range search(tc.q).Results {
			if r.Kind == "zone" {
				got[r.ID] = true
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("search %s: zone %s (%s) missing", tc.q, id, nameOf(zones, id))
			}
		}
		if len(want) == 0 {
			t.Errorf("no zone holds %s: the test data changed", tc.long)
		}
	}

	// A zone without a geocoded point has no center: the map must not fly
	// to a guessed place.
	for _, r := range search("hangkonggang").Results {
		z, ok := zoneByName[r.Name]
		if r.Kind != "zone" || !ok {
			continue
		}
		if (z.PointQuality == geo.PointGeocoded) != (r.Center != nil) {
			t.Errorf("zone %s (%s): center %v with point quality %s", r.Name, r.ID, r.Center, z.PointQuality)
		}
	}
}

func nameOf(zones []geo.Zone, id string) string {
	for _, z := range zones {
		if z.ID == id {
			return z.Name
		}
	}
	return ""
}

func TestSearchErrors(t *testing.T) {
	st := testStoreFor(t)
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){SearchRoutes(st)}})
	for _, tc := range []struct{ target, field string }{
		{"/api/v1/search", "q"},
		{"/api/v1/search?q=%20", "q"},
		{"/api/v1/search?q=" + strings.Repeat("a", 65), "q"},
		{"/api/v1/search?q=a&limit=0", "limit"},
		{"/api/v1/search?q=a&limit=51", "limit"},
		{"/api/v1/search?q=a&lmit=5", "lmit"},
	} {
		r := get(t, app, tc.target)
		if r.status != 400 || r.ctype() != ContentTypeProblem || !strings.Contains(string(r.body), `"name":"`+tc.field+`"`) {
			t.Errorf("GET %s: %d %s %s; want 400 problem naming %s", tc.target, r.status, r.ctype(), r.body, tc.field)
		}
	}
}
