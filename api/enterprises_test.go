package api

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/encoding/mvt"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/memstore"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// entStore is the bundled dataset with 6000 synthetic enterprises loaded
// the way `serve --enterprises` loads a list.
var entStore = sync.OnceValues(func() (data.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := synth.Enterprises(ds, 6000, 11, &b); err != nil {
		return nil, err
	}
	rows, probs, err := importer.ReadEnterprises(&b, "synth.csv", "", nil)
	if err != nil || len(probs) > 0 {
		return nil, fmt.Errorf("%v %v", err, probs)
	}
	// One row with a credit code (a made-up one whose check character is
	// right), so every field of the table occurs.
	cc := "91410000000000123"
	c18, _ := geo.CreditCodeCheck(cc)
	rows = append(rows, data.EnterpriseIn{Where: "test", CreditCode: cc + string(c18), Name: "测试企业（虚构）", Point: rows[0].Point, Source: "test row", Chains: []string{"nev_chain"}})
	es, probs := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	if len(probs) > 0 {
		return nil, fmt.Errorf("%v", probs)
	}
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		return nil, err
	}
	return s, s.SetEnterprises(es)
})

func entApp(t *testing.T, s data.Store) *fiber.App {
	return newApp(t, Config{Store: s, Extra: []func(*fiber.App){EnterpriseRoutes(s)}})
}

func matched(t *testing.T, app *fiber.App, query string) int {
	t.Helper()
	r := get(t, app, "/api/v1/collections/enterprises/items?limit=1&"+query)
	if r.status != 200 {
		t.Fatalf("items?%s: %d %s", query, r.status, r.body)
	}
	var fc struct{ NumberMatched int }
	decode(t, r, &fc)
	return fc.NumberMatched
}

// The aggregated counts of the tiles equal the items' counts for the same
// cell and filter, per class and chain too, over HTTP; the z5 tiles over
// Henan hold every enterprise once.
func TestEnterpriseTilesEqualItems(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	for _, filter := range []string{"", "chain=nev_chain,biomedicine", "class=专精特新&city=410100"} {
		total, cells := 0, 0
		for x := 24; x <= 27; x++ {
			for y := 12; y <= 14; y++ {
				r := get(t, app, fmt.Sprintf("/tiles/enterprises/5/%d/%d.mvt?%s", x, y, filter))
				if r.status == 204 {
					continue
				}
				if r.status != 200 || r.ctype() != ContentTypeMVT {
					t.Fatalf("tile 5/%d/%d?%s: %d %s", x, y, filter, r.status, r.body)
				}
				layers, err := mvt.Unmarshal(r.body)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range layers {
					for _, f := range l.Features {
						if l.Name == geo.LayerEnterprisePoints {
							total++
							continue
						}
						id := uint64(f.ID.(float64))
						z, cx, cy := uint32(id>>48), uint32(id>>24&0xFFFFFF), uint32(id&0xFFFFFF)
						b := geo.TileBound(z, cx, cy)
						bbox := fmt.Sprintf("bbox=%g,%g,%g,%g", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
						q := bbox
						if filter != "" {
							q += "&" + filter
						}
						n := int(f.Properties["count"].(float64))
						total += n
						if cells++; cells%7 != 0 { // every 7th cell: the HTTP round trips add up
							continue
						}
						if got := matched(t, app, q); got != n {
							t.Errorf("cell %d/%d/%d?%s: tile counts %d, items %d", z, cx, cy, filter, n, got)
						}
						if filter == "" {
							nv, _ := f.Properties["n_srdi"].(float64)
							if got := matched(t, app, q+"&class=srdi"); got != int(nv) {
								t.Errorf("cell %d/%d/%d: %v srdi in the tile, items %d", z, cx, cy, nv, got)
							}
							nc, _ := f.Properties["ch_nev_chain"].(float64)
							if got := matched(t, app, q+"&chain=nev_chain"); got != int(nc) {
								t.Errorf("cell %d/%d/%d: %v nev_chain in the tile, items %d", z, cx, cy, nc, got)
							}
						}
						if f.Properties["synthetic"] != true {
							t.Errorf("cell without synthetic=true")
						}
					}
				}
			}
		}
		if want := matched(t, app, filter); total != want || (filter == "" && cells == 0) {
			t.Errorf("?%s: z5 tiles hold %d (%d cells), items %d", filter, total, cells, want)
		}
	}
	// The items' CSV imports again: the import format's columns first.
	r := get(t, app, "/api/v1/collections/enterprises/items?f=csv&limit=5&class=srdi")
	head := strings.SplitN(strings.TrimPrefix(string(r.body), utf8BOM), "\n", 2)[0]
	if !strings.Contains(head, "id,credit_code,name,name_en,classes,chains") || !strings.Contains(head, "lon") || !strings.Contains(head, "source") ||
		!strings.Contains(string(r.body), "srdi") || !strings.Contains(string(r.body), "synthetic") {
		t.Errorf("csv: %s", geo.Clip(string(r.body)))
	}
	// TileJSON and the info say synthetic.
	for _, p := range []string{"/tiles/enterprises.json", "/api/v1/enterprises/info"} {
		if r := get(t, app, p); r.status != 200 || !strings.Contains(string(r.body), "synthetic") {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
	for p, field := range map[string]string{
		"/tiles/enterprises/5/26/13.mvt?class=独角兽":                "class",
		"/tiles/enterprises/5/26/13.mvt?zone=NOPE":                "zone",
		"/api/v1/collections/enterprises/items?min_revenue=1":     "min_revenue",
		"/api/v1/collections/zones/items?class=srdi":              "class",
		"/tiles/enterprises.json?chain=" + url.QueryEscape("无此链"): "chain",
	} {
		r := get(t, app, p)
		if r.status != 400 || !strings.Contains(string(r.body), `"name":"`+field+`"`) {
			t.Errorf("%s: %d %s, want a 400 naming %s", p, r.status, r.body, field)
		}
	}
}

// Without an imported list the layer is empty and says how to import.
func TestEnterprisesEmptyHint(t *testing.T) {
	app := entApp(t, testStoreFor(t))
	r := get(t, app, "/api/v1/enterprises/info")
	if r.status != 200 || !strings.Contains(string(r.body), `"count":0`) || !strings.Contains(string(r.body), "--enterprises") {
		t.Errorf("info: %d %s", r.status, r.body)
	}
	if n := matched(t, app, ""); n != 0 {
		t.Errorf("%d enterprises in the bundled dataset", n)
	}
	if r := get(t, app, "/tiles/enterprises/5/26/13.mvt"); r.status != 204 {
		t.Errorf("empty tile: %d", r.status)
	}
}
