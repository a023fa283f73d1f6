package api

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// Issue 9's nine cases, pinned on the real bundled dataset through every
// HTTP surface (items, tiles, statistics, static images, reference), and a
// cross-surface equality test. The web panel, the list's numbering and the
// card are pinned in Chromium (web/test/web.test.mjs).

const (
	zzHighTech = "G412029"             // 郑州高新技术产业开发区: Q1 2019 四上企业营业收入 217.4
	zzETDZ     = "G411031"             // 郑州经济技术开发区: 2023 营业收入 ≥5000
	jiyuan     = "X-jiyuan-etdz"       // 济源经济技术开发区: Jan–Nov 2024 工业总产值 978.54
	airport    = "X-zhengzhou-airport" // 郑州航空港经济综合实验区: 2022 四上企业营业收入 7755, no geocode
	luoyangIP  = "S419003"             // 河南洛阳工业园区: no figure
)

func figuresApp(t *testing.T) (*fiber.App, *Static) {
	t.Helper()
	st := testStoreFor(t)
	s, err := NewStatic(StaticConfig{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := tiles.New(st, tiles.Config{})
	return newApp(t, Config{Store: st, Extra: []func(*fiber.App){StatsRoutes(st), s.Register,
		TileRoutes(TilesConfig{Tiles: ts, Meta: tiles.Meta{Tiers: geo.DefaultTiers}})}}), s
}

type zoneItem struct {
	ID       string         `json:"id"`
	Geometry map[string]any `json:"geometry"`
	Props    map[string]any `json:"properties"`
}

func zoneItems(t *testing.T, app *fiber.App, filter string) map[string]zoneItem {
	t.Helper()
	q, _ := url.ParseQuery(filter)
	q.Set("limit", "10000")
	r := get(t, app, "/api/v1/collections/zones/items?"+q.Encode())
	if r.status != http.StatusOK {
		t.Fatalf("items?%s: %d %s", filter, r.status, r.body)
	}
	var fc struct {
		Features []zoneItem `json:"features"`
	}
	decode(t, r, &fc)
	out := map[string]zoneItem{}
	for _, f := range fc.Features {
		out[f.ID] = f
	}
	return out
}

func TestNineCases(t *testing.T) {
	app, _ := figuresApp(t)
	has := func(filter, id string) bool { _, ok := zoneItems(t, app, filter)[id]; return ok }

	t.Run("1 part-year figure is a lower bound: at least 100亿, not in 100–500亿", func(t *testing.T) {
		if !has("year=2019&min_revenue=200", zzHighTech) || has("year=2019&max_revenue=500", zzHighTech) {
			t.Error("郑州高新区 2019: want min_revenue=200 to match and max_revenue=500 not to")
		}
		p := zoneItems(t, app, "year=2019")[zzHighTech].Props
		if p["tier"] != "t100" || p["bound"] != geo.BoundLower || p["period"] != "Q1" || p["measure"] != "四上企业营业收入" || p["revenue_year"] != 2019.0 {
			t.Errorf("郑州高新区 2019 headline %v: want tier t100 at least (bound lower), Q1 四上企业营业收入 2019", p)
		}
		if !has("year=2019&tier=t100", zzHighTech) || has("year=2019&tier=t500", zzHighTech) {
			t.Error("tier=t100 must match the at-least-t100 zone (documented: a lower bound matches its band)")
		}
		svg := string(get(t, app, "/static/map.svg?year=2019&city=410100").body)
		if !strings.Contains(svg, "郑州高新技术产业开发区 — ≥217.4亿（2019，一季度 四上企业营业收入，仅高新技术产业集聚区）") {
			t.Error("static SVG: the zone's title does not give its figure as a lower bound with year, period, measure and scope")
		}
		csv := string(get(t, app, "/api/v1/collections/zones/items?f=csv&year=2019&city=410100").body)
		if !strings.Contains(csv, "G412029,") || !strings.Contains(csv, ",lower,Q1,") {
			t.Error("CSV: the row of 郑州高新区 does not carry bound lower and period Q1")
		}
	})

	t.Run("2 output value is never revenue", func(t *testing.T) {
		for _, y := range []string{"", "year=2024"} {
			p := zoneItems(t, app, y)[jiyuan].Props
			if p["tier"] != geo.TierNoData || p["revenue_yi"] != nil {
				t.Errorf("济源 %q revenue headline %v: want no revenue tier", y, p)
			}
		}
		if has("year=2024&min_revenue=500", jiyuan) || has("tier=t500", jiyuan) {
			t.Error("济源's 工业总产值 matched a revenue threshold or tier")
		}
		p := zoneItems(t, app, "year=2024&measure=output")[jiyuan].Props
		if p["tier"] != "t500" || p["bound"] != geo.BoundLower || p["measure"] != "工业总产值" || p["period"] != "Jan–Nov" {
			t.Errorf("济源 under measure=output: %v; want at least t500 (Jan–Nov 工业总产值, lower)", p)
		}
		if !has("year=2024&measure=output&min_revenue=500", jiyuan) {
			t.Error("measure=output&min_revenue=500 must match 济源")
		}
	})

	t.Run("3 the target check counts one year only and names it", func(t *testing.T) {
		for _, c := range []struct {
			q          string
			year, n    int
			ids        []string
			comparable int
		}{
			{"", 2023, 1, []string{zzETDZ}, 2},
			{"year=2023", 2023, 1, []string{zzETDZ}, 2},
			{"year=2022", 2022, 1, []string{airport}, 1},
			{"year=2021", 2021, 0, []string{}, 1},
		} {
			var doc tierStatsDoc
			decode(t, get(t, app, "/api/v1/stats/tiers?"+c.q), &doc)
			tc := doc.TargetCheck
			if doc.Year != c.year || tc == nil || tc.Year != c.year || tc.Rows[0].MinYi != 5000 || tc.Rows[0].AtOrAbove != c.n ||
				!slices.Equal(tc.Rows[0].ZoneIDs, c.ids) || tc.Rows[0].Met || tc.Comparable != c.comparable || tc.Zones != 162 {
				t.Errorf("stats/tiers?%s: year %d, check %+v; want %d: %v at ≥5000 (not met), %d of 162 comparable", c.q, doc.Year, tc, c.year, c.ids, c.comparable)
			}
			verb := "have" // English counts agree in number (trial 6 finding 11)
			if c.comparable == 1 {
				verb = "has"
			}
			if want := fmt.Sprintf("%d of 162 zones %s a comparable revenue figure for %d", c.comparable, verb, c.year); doc.Coverage.TextEN != want {
				t.Errorf("coverage %q, want %q", doc.Coverage.TextEN, want)
			}
		}
	})

	t.Run("4 cluster statistics name their year and have revenue", func(t *testing.T) {
		var doc clusterStatsDoc
		decode(t, get(t, app, "/api/v1/stats/clusters"), &doc)
		sum := 0.0
		for _, c := range doc.Clusters {
			sum += c.RevenueYi
		}
		if doc.Year != 2023 || doc.YearBasis != "latest comparable" || doc.Measure != geo.FamilyRevenue || sum == 0 {
			t.Errorf("stats/clusters: year %d (%s), measure %s, revenue sum %g; want 2023, latest comparable, revenue, some revenue", doc.Year, doc.YearBasis, doc.Measure, sum)
		}
	})

	t.Run("5 static legend counts zones per cluster like the statistics", func(t *testing.T) {
		for _, filter := range []string{"", "city=410100", "region=demo_north"} {
			var doc clusterStatsDoc
			decode(t, get(t, app, "/api/v1/stats/clusters?"+filter), &doc)
			svg := string(get(t, app, "/static/map.svg?color=cluster&bbox="+henanBBox+"&"+filter).body)
			for _, c := range doc.Clusters {
				if c.Zones > 0 && !strings.Contains(svg, fmt.Sprintf(">%s (%d)</text>", c.Name, c.Zones)) {
					t.Errorf("%q: static legend lacks %s (%d)", filter, c.Name, c.Zones)
				}
			}
		}
	})

	t.Run("6 a zone without a geocoded point is not drawn as located", func(t *testing.T) {
		all := zoneItems(t, app, "")
		for _, id := range []string{airport, jiyuan} {
			z := all[id]
			if z.Geometry["type"] != "Point" || z.Props["point_quality"] != geo.PointCityCentroid || z.Props["geom_quality"] != nil {
				t.Errorf("%s: geometry %v, point %v, geom %v; want a Point at its city, no outline", id, z.Geometry["type"], z.Props["point_quality"], z.Props["geom_quality"])
			}
		}
		for id, z := range all {
			if (z.Props["point_quality"] != geo.PointGeocoded || z.Props["approved_area_ha"] == nil) && z.Geometry["type"] != "Point" {
				t.Errorf("%s: %v with point %v, area %v: drawn as an area", id, z.Geometry["type"], z.Props["point_quality"], z.Props["approved_area_ha"])
			}
		}
		svg := string(get(t, app, "/static/map.svg?bbox="+henanBBox).body)
		if strings.Contains(svg, "官方边界") || !strings.Contains(svg, "位置不详") || !strings.Contains(svg, "近似轮廓") {
			t.Error("static legend: want 近似轮廓 and 位置不详, no 官方边界 (no official outline in the data)")
		}
	})

	t.Run("7 sources resolve to titles and addresses", func(t *testing.T) {
		var ref struct {
			Sources []struct {
				ID, Title, Date string
				URLs            []string
			} `json:"sources"`
			Dictionary struct {
				LeadIndustries map[string]string `json:"lead_industries"`
				Measures       map[string]string `json:"measures"`
			} `json:"dictionary"`
		}
		decode(t, get(t, app, "/api/v1/reference"), &ref)
		byID := map[string]int{}
		for i, s := range ref.Sources {
			byID[s.ID] = i
		}
		z := zoneItems(t, app, "")[zzETDZ].Props
		text := fmt.Sprint(z["source"], z["revenue"], z["cluster_links"])
		for _, m := range regexp.MustCompile(`(?:^|[^A-Za-z0-9])(S\d{2})(?:[^0-9]|$)`).FindAllStringSubmatch(text, -1) {
			i, ok := byID[m[1]]
			if !ok || ref.Sources[i].Title == "" {
				t.Errorf("source %s cited by 郑州经开区 does not resolve to a title", m[1])
			}
		}
		if s := ref.Sources[byID["S68"]]; len(s.URLs) == 0 || s.Date != "2019-06-06" {
			t.Errorf("S68 = %+v: want its address and date", s)
		}
		for _, term := range []string{"汽车", "装备制造", "物流"} {
			if ref.Dictionary.LeadIndustries[term] == "" {
				t.Errorf("no English for lead industry %s", term)
			}
		}
		if ref.Dictionary.Measures["四上企业营业收入"] == "" || ref.Dictionary.Measures["工业总产值"] == "" {
			t.Error("measures lack English")
		}
	})

	t.Run("8 zones without a comparable figure sort last", func(t *testing.T) {
		r := get(t, app, "/api/v1/collections/zones/items?sortby=-revenue&limit=10000")
		var fc struct {
			Features []zoneItem `json:"features"`
		}
		decode(t, r, &fc)
		seenNone := false
		for _, f := range fc.Features {
			none := f.Props["revenue_yi"] == nil
			if seenNone && !none {
				t.Fatalf("%s has a figure after zones without one", f.ID)
			}
			seenNone = seenNone || none
		}
		if z := zoneItems(t, app, "")[luoyangIP]; z.Props["revenue_yi"] != nil || z.Props["tier"] != geo.TierNoData {
			t.Errorf("河南洛阳工业园区: %v; want no comparable figure", z.Props)
		}
	})

	t.Run("9 targets are labelled with their plan", func(t *testing.T) {
		var doc tierStatsDoc
		decode(t, get(t, app, "/api/v1/stats/tiers"), &doc)
		if doc.TargetCheck == nil || doc.TargetCheck.Plan.Document != "豫政〔2023〕27号" || doc.TargetCheck.Plan.TargetYear != 2025 {
			t.Errorf("target check plan %+v; want 豫政〔2023〕27号, 2025", doc.TargetCheck)
		}
		if len(doc.EarlierPlans) != 1 || doc.EarlierPlans[0].TargetYear != 2017 || doc.EarlierPlans[0].Source != "S05" {
			t.Errorf("earlier plans %+v; want the 2014 plan (S05), target year 2017", doc.EarlierPlans)
		}
	})
}

// TestSurfacesAgree: for a grid of filters, the zone ids and counts of
// items, decoded tiles (zones layer over every z7 tile of Henan), the
// statistics (tiers and clusters) and the static SVG (data-zone ids, tier
// legend counts) are the same.
func TestSurfacesAgree(t *testing.T) {
	app, _ := figuresApp(t)
	var tileset []maptile.Tile
	min, max := maptile.At(geo.HenanBound.Min, 7), maptile.At(geo.HenanBound.Max, 7)
	for x := min.X; x <= max.X; x++ {
		for y := max.Y; y <= min.Y; y++ {
			tileset = append(tileset, maptile.New(x, y, 7))
		}
	}
	for _, filter := range []string{
		"year=2023", "year=2019", "year=2022&min_revenue=1000", "year=2024&measure=output", "year=2023&tier=t5000,t1000",
		"year=2023&cluster=equipment", "year=2023&city=410100", "year=2023&region=centre", "year=2019&tier=no_data",
	} {
		t.Run(filter, func(t *testing.T) {
			items := zoneItems(t, app, filter)
			ids := slices.Sorted(func(yield func(string) bool) {
				for id := range items {
					if !yield(id) {
						return
					}
				}
			})
			// Tiles.
			inTiles := map[string]string{}
			for _, tl := range tileset {
				r := get(t, app, fmt.Sprintf("/tiles/%d/%d/%d.mvt?%s", tl.Z, tl.X, tl.Y, filter))
				if r.status == http.StatusNoContent {
					continue // empty tile
				}
				if r.status != http.StatusOK {
					t.Fatalf("tile: %d %s", r.status, r.body)
				}
				ls, err := mvt.Unmarshal(r.body)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range ls {
					if l.Name != geo.LayerZones {
						continue
					}
					for _, f := range l.Features {
						inTiles[fmt.Sprint(f.Properties["id"])] = fmt.Sprint(f.Properties["tier"])
					}
				}
			}
			if got := slices.Sorted(mapKeys(inTiles)); !slices.Equal(got, ids) {
				t.Errorf("tiles hold %d zones, items %d", len(got), len(ids))
			}
			perTier := map[string]int{}
			for id, it := range items {
				tier := fmt.Sprint(it.Props["tier"])
				perTier[tier]++
				if inTiles[id] != "" && inTiles[id] != tier {
					t.Errorf("%s: tile tier %s, item tier %s", id, inTiles[id], tier)
				}
			}
			// Statistics.
			var td tierStatsDoc
			decode(t, get(t, app, "/api/v1/stats/tiers?"+filter), &td)
			if td.NumberZones != len(ids) {
				t.Errorf("stats/tiers: %d zones, items %d", td.NumberZones, len(ids))
			}
			for _, ts := range td.Tiers {
				if ts.Zones != perTier[ts.ID] {
					t.Errorf("stats/tiers %s: %d, items %d", ts.ID, ts.Zones, perTier[ts.ID])
				}
			}
			var cd clusterStatsDoc
			decode(t, get(t, app, "/api/v1/stats/clusters?"+filter), &cd)
			for _, cs := range cd.Clusters {
				n := 0
				for _, it := range items {
					if cl, ok := it.Props["clusters"].([]any); ok && slices.Contains(cl, any(cs.ClusterID)) {
						n++
					}
				}
				if cs.Zones != n {
					t.Errorf("stats/clusters %s: %d, items %d", cs.ClusterID, cs.Zones, n)
				}
			}
			// Static SVG: drawn zones and tier legend counts.
			svg := get(t, app, "/static/map.svg?bbox="+henanBBox+"&"+filter).body
			if got := slices.Sorted(slices.Values(svgZoneIDs(svgItems(t, svg)))); !slices.Equal(got, ids) {
				t.Errorf("SVG draws %d zones, items %d", len(got), len(ids))
			}
			for _, tr := range append(slices.Clone(geo.DefaultTiers), geo.NoDataTier) {
				if want := fmt.Sprintf(">%s (%d)</text>", html.EscapeString(tr.Label), perTier[tr.ID]); !strings.Contains(string(svg), want) {
					t.Errorf("SVG legend lacks %s", want)
				}
			}
		})
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
