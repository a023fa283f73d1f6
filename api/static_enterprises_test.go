package api

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/internal/svgtest"
	"layoutmap/tiles/static"
)

// TestStaticEnterprises is issue 15's "the static images can show the
// layer": /static with the web map's ent=1, ent_class and ent_chain draws
// the enterprise layer (bubbles and points from the store's tiles), its
// legend gives the number of enterprises in view, which equals
// /api/v1/stats/enterprises for the same class, chain and the view's bbox
// (and, for the province view, for the whole list), and legend and source
// line say the list is synthetic.
func TestStaticEnterprises(t *testing.T) {
	st, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStatic(StaticConfig{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, Config{Store: st, Extra: []func(*fiber.App){s.Register, EnterpriseRoutes(st)}})
	// Legend lines wrap at narrow widths: read the texts with their white
	// space (line breaks included) removed.
	count := regexp.MustCompile(`企业([0-9]+)家（本图范围）|([0-9]+)enterprisesinview`)
	for _, q := range []string{"ent=1", "ent=1&ent_class=srdi", "ent=1&ent_chain=nev_chain&lang=en",
		"ent=1&ent_class=chain_leader,little_giant&center=113.7,34.75&zoom=9", "ent=1&width=1200&height=800&width_mm=80"} {
		t.Run(q, func(t *testing.T) {
			r := get(t, app, "/static/map.svg?"+q)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			els, err := svgtest.Parse(r.body)
			if err != nil {
				t.Fatal(err)
			}
			var texts, source string
			drawn := 0
			for _, e := range els {
				if e.Name == "text" {
					texts += e.Text + "\n"
					if e.Attr["class"] == "source" {
						source += e.Text
					}
				}
				if e.Group == "enterprises" && e.Name == "path" {
					drawn++
				}
			}
			flat := strings.Join(strings.Fields(texts), "")
			m := count.FindStringSubmatch(flat)
			if m == nil {
				t.Fatalf("no enterprise count in the legend:\n%s", texts)
			}
			n, _ := strconv.Atoi(m[1] + m[2])
			v, _ := url.ParseQuery(q)
			o, _, err := static.ParseRequest(v)
			if err != nil {
				t.Fatal(err)
			}
			stats := url.Values{}
			f := o.EnterpriseFilter()
			if len(f.Class) > 0 {
				stats.Set("class", strings.Join(f.Class, ","))
			}
			if len(f.Chain) > 0 {
				stats.Set("chain", f.Chain[0])
			}
			whole := entTotal(t, app, stats)
			b := static.NewView(o).Bound()
			stats.Set("bbox", strings.Join([]string{ftoa(b.Min[0]), ftoa(b.Min[1]), ftoa(b.Max[0]), ftoa(b.Max[1])}, ","))
			inView := entTotal(t, app, stats)
			if n != inView || n == 0 {
				t.Errorf("legend: %d enterprises in view; /api/v1/stats/enterprises?%s: %d", n, stats.Encode(), inView)
			}
			if o.Center == nil && n != whole {
				t.Errorf("province view: legend %d, the whole list under the filter %d", n, whole)
			}
			if drawn == 0 {
				t.Error("no enterprise bubble or point drawn")
			}
			syn := map[string]string{"zh": "合成数据", "en": "synthetic"}[o.Lang]
			if !strings.Contains(strings.Join(strings.Fields(source), ""), syn) {
				t.Errorf("source line lacks %q: %s", syn, source)
			}
			// The heading (企业, the filter, then the synthetic note).
			heading := map[string]string{"zh": "合成数据（虚构企业）", "en": "syntheticdata(fictitiousenterprises)"}[o.Lang]
			if !strings.Contains(flat, heading) {
				t.Errorf("legend heading %q missing:\n%s", heading, texts)
			}
		})
	}
	for q, param := range map[string]string{"ent=1&ent_class=nope": "ent_class", "ent=1&ent_chain=no_such_chain": "ent_chain", "ent=2": "ent"} {
		expectProblem(t, app, "/static/map.png?"+q, http.StatusBadRequest, param)
	}
	if r := get(t, app, "/static/map.png?ent=1&ent_class=srdi"); r.status != http.StatusOK || r.ctype() != "image/png" {
		t.Errorf("PNG: %d %s", r.status, r.ctype())
	}
	// No list loaded: the legend says so and how to load one; nothing drawn.
	empty, _ := staticApp(t, nil)
	r := get(t, empty, "/static/map.svg?ent=1")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "未导入企业名录") || strings.Contains(string(r.body), `<g id="enterprises">`) {
		t.Errorf("empty list: %d, hint %v", r.status, strings.Contains(string(r.body), "未导入企业名录"))
	}
}

func entTotal(t *testing.T, app *fiber.App, q url.Values) int {
	t.Helper()
	r := get(t, app, "/api/v1/stats/enterprises?"+q.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("stats?%s: %d %s", q.Encode(), r.status, r.body)
	}
	var d struct{ Total int }
	decode(t, r, &d)
	return d.Total
}
