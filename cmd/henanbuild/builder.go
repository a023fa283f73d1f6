package main

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

//go:embed tables/*.csv
var tablesFS embed.FS

type builder struct {
	shared string
	admin  []adminOut
	logf   func(string, ...any)

	byCode     map[string]*adminOut
	cityByName map[string]string // 郑州市 and 郑州 -> 410100
	countyBy   map[string]string // county name (and renamed forms) -> code

	zoneRows    []map[string]string
	revRows     []map[string]string
	chainRows   []map[string]string
	clusterRows []map[string]string
	zoneIDs     map[string]string // name -> id (non-catalogue zones)
	clusterKW   []map[string]string
	chainKW     []map[string]string
	zoneLinks   []map[string]string

	zonesOut   []zoneOut
	revOut     []data.RevenueRecord
	gaps       []string
	taxOut     data.TaxonomyFile
	regionsOut []regionOut
}

// renamed maps post-2017 county names (as the geocoder's addresses give
// them) to the ~2017 units of the boundary source.
var renamed = map[string]string{
	"长垣市": "410728", // 长垣县 became a city in 2019
	"淮阳区": "411626", // 淮阳县 became a district in 2019
	"孟津区": "410322", // 孟津县 + 吉利区 merged in 2021; the zone lies in old 孟津县
	"偃师区": "410381", // 偃师市 became a district in 2021
	"建安区": "411023", // the source already names it 建安区, under the old 许昌县 code
}

func readCSV(r io.Reader) ([]map[string]string, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("empty CSV")
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = strings.TrimSpace(rec[i])
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func readCSVFile(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := readCSV(f)
	if err != nil {
		return nil, fmt.Errorf("henanbuild: reading %s: %w", path, err)
	}
	return rows, nil
}

func readTable(name string) ([]map[string]string, error) {
	f, err := tablesFS.Open("tables/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := readCSV(f)
	if err != nil {
		return nil, fmt.Errorf("henanbuild: reading table %s: %w", name, err)
	}
	return rows, nil
}

func (b *builder) load() error {
	b.byCode = map[string]*adminOut{}
	b.cityByName = map[string]string{}
	b.countyBy = map[string]string{}
	for i := range b.admin {
		a := &b.admin[i]
		b.byCode[a.Code] = a
		switch a.Level {
		case geo.LevelCity:
			b.cityByName[a.Name] = a.Code
			b.cityByName[strings.TrimSuffix(a.Name, "市")] = a.Code
		case geo.LevelCounty:
			if _, dup := b.countyBy[a.Name]; dup {
				return fmt.Errorf("henanbuild: county name %s is not unique", a.Name)
			}
			b.countyBy[a.Name] = a.Code
		}
	}
	for k, v := range renamed {
		b.countyBy[k] = v
	}
	var err error
	d := filepath.Join(b.shared, "data")
	if b.zoneRows, err = readCSVFile(filepath.Join(d, "zones.csv")); err != nil {
		return err
	}
	if b.revRows, err = readCSVFile(filepath.Join(d, "revenue.csv")); err != nil {
		return err
	}
	if b.chainRows, err = readCSVFile(filepath.Join(d, "chains.csv")); err != nil {
		return err
	}
	if b.clusterRows, err = readCSVFile(filepath.Join(d, "clusters.csv")); err != nil {
		return err
	}
	ids, err := readTable("zone_ids.csv")
	if err != nil {
		return err
	}
	b.zoneIDs = map[string]string{}
	for _, r := range ids {
		b.zoneIDs[r["name"]] = r["id"]
	}
	if b.clusterKW, err = readTable("cluster_keywords.csv"); err != nil {
		return err
	}
	if b.chainKW, err = readTable("chain_keywords.csv"); err != nil {
		return err
	}
	if b.zoneLinks, err = readTable("zone_cluster_links.csv"); err != nil {
		return err
	}
	return nil
}

// ---- zones ----

// zoneOut is a zone being built: its file properties and its outline.
type zoneOut struct {
	data.ZoneProps
	geom orb.MultiPolygon
}

var levelEN = map[string]string{
	"国家级经济技术开发区":            "National Economic and Technological Development Zone",
	"国家高新技术产业开发区":           "National High-tech Industrial Development Zone",
	"综合保税区":                 "Comprehensive Bonded Zone",
	"省级开发区":                 "Provincial Development Zone",
	"省级开发区(2021—2022年整合后)":  "Provincial Development Zone (after the 2021–2022 consolidation)",
	"国家级(国务院批复的航空港经济综合实验区)": "National (Airport Economy Zone approved by the State Council)",
}

// zoneTypes are the name endings translated for English names, longest first.
var zoneTypes = [][2]string{
	{"航空港经济综合实验区", "Airport Economy Zone"},
	{"先进制造业开发区", "Advanced Manufacturing Development Zone"},
	{"高新技术产业开发区", "High-tech Industrial Development Zone"},
	{"经济技术开发区", "Economic and Technological Development Zone"},
	{"综合保税区", "Comprehensive Bonded Zone"},
	{"产业集聚区", "Industrial Agglomeration Zone"},
	{"经济开发区", "Economic Development Zone"},
	{"工业园区", "Industrial Park"},
	{"高新区", "High-tech Zone"},
	{"开发区", "Development Zone"},
}

// zoneDescriptors are industry words between the place and the type.
var zoneDescriptors = [][2]string{
	{"中介服务", "Intermediary Services"},
	{"循环经济", "Circular Economy"},
	{"精细化工", "Fine Chemical"},
	{"煤化工", "Coal Chemical"},
	{"新能源", "New Energy"},
	{"石化", "Petrochemical"},
	{"纺织", "Textile"},
	{"汽车", "Automobile"},
	{"电源", "Power Supply"},
	{"物流", "Logistics"},
	{"工业", "Industrial"},
	{"经开", "ETDZ"},
}

// zonePlaces are zone place names that would otherwise be split wrongly
// (红旗渠 is the canal of 林州, not 红旗区 + 渠).
var zonePlaces = map[string]string{
	"红旗渠": "Hongqiqu",
}

// placeWord is the pinyin of a place-name part: 市/县/区 dropped, except that
// a single-character county keeps "xian" (杞县 Qixian).
func placeWord(s string) string {
	for _, suf := range []string{"市", "县", "区"} {
		if strings.HasSuffix(s, suf) {
			base := strings.TrimSuffix(s, suf)
			if utf8.RuneCountInString(base) == 1 {
				return Pinyin(s)
			}
			return Pinyin(base)
		}
	}
	return Pinyin(s)
}

func (b *builder) zoneNameEN(name string) string {
	rest := strings.TrimPrefix(name, "河南")
	typ := ""
	for _, t := range zoneTypes {
		if strings.HasSuffix(rest, t[0]) {
			rest, typ = strings.TrimSuffix(rest, t[0]), t[1]
			break
		}
	}
	var desc []string
	for changed := true; changed; {
		changed = false
		for _, d := range zoneDescriptors {
			if rest != d[0] && strings.HasSuffix(rest, d[0]) {
				rest = strings.TrimSuffix(rest, d[0])
				desc = append([]string{d[1]}, desc...)
				changed = true
			}
		}
	}
	// 工业 before a type that already says "Industrial" adds nothing.
	if len(desc) > 0 && desc[0] == "Industrial" && strings.Contains(typ, "Industrial") {
		desc = desc[1:]
	}
	// Place names that are not admin names but start like one.
	if w, ok := zonePlaces[rest]; ok {
		return strings.Join(append(append([]string{w}, desc...), typ), " ")
	}
	// Split the place into known admin names (longest prefix first).
	var known []string
	for _, a := range b.admin {
		n := a.Name
		known = append(known, n)
		for _, suf := range []string{"市", "县", "区"} {
			if base := strings.TrimSuffix(n, suf); base != n && utf8.RuneCountInString(base) >= 2 {
				known = append(known, base)
			}
		}
	}
	sort.Slice(known, func(i, j int) bool {
		if len(known[i]) != len(known[j]) {
			return len(known[i]) > len(known[j])
		}
		return known[i] < known[j]
	})
	var words []string
	for rest != "" {
		matched := false
		for _, k := range known {
			if strings.HasPrefix(rest, k) {
				words = append(words, placeWord(k))
				rest = strings.TrimPrefix(rest, k)
				matched = true
				break
			}
		}
		if !matched {
			words = append(words, placeWord(rest))
			rest = ""
		}
	}
	words = append(words, desc...)
	if typ != "" {
		words = append(words, typ)
	}
	return strings.Join(words, " ")
}

var reCode = regexp.MustCompile(`代码([GS]\d{6})`)

// reApproval is the 2018 catalogue's approval month as the zones' sources
// quote it ("批准2000.02"); approval_date is "2000-02". No quote, no date.
var reApproval = regexp.MustCompile(`批准(\d{4})\.(\d{2})`)

func splitIndustries(s string) []string {
	// "化工新材料(甲醇钠、苯酐等精细化工)": keep parenthesised detail with
	// its item instead of splitting inside the parentheses.
	var out []string
	depth := 0
	cur := strings.Builder{}
	for _, r := range s {
		switch r {
		case '(', '\uff08':
			depth++
		case ')', '\uff09':
			depth--
		}
		if r == '、' && depth == 0 {
			if t := strings.TrimSpace(cur.String()); t != "" {
				out = append(out, t)
			}
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	if t := strings.TrimSpace(cur.String()); t != "" {
		out = append(out, t)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

const circleVertices = 48

// circle returns a CCW ring of the given radius (metres) around p, on a
// sphere of the WGS84 mean radius (good to a fraction of a percent at this
// size).
func circle(p orb.Point, radiusM float64) orb.MultiPolygon {
	const R = 6371008.8
	lat := p[1] * math.Pi / 180
	r := make(orb.Ring, 0, circleVertices+1)
	for i := 0; i < circleVertices; i++ {
		t := 2 * math.Pi * float64(i) / circleVertices
		dlat := radiusM * math.Sin(t) / R * 180 / math.Pi
		dlon := radiusM * math.Cos(t) / (R * math.Cos(lat)) * 180 / math.Pi
		r = append(r, orb.Point{round6(p[0] + dlon), round6(p[1] + dlat)})
	}
	r = append(r, r[0])
	return orb.MultiPolygon{{r}}
}

func (b *builder) zones() error {
	seen := map[string]bool{}
	for i, r := range b.zoneRows {
		z, err := b.zoneIdentity(i, r, seen)
		if err != nil {
			return err
		}
		var ok bool
		if z.LevelEN, ok = levelEN[z.Level]; !ok {
			return fmt.Errorf("henanbuild: zone %s: unknown level %q", z.Name, z.Level)
		}
		z.NameEN = b.zoneNameEN(z.Name)
		z.LeadIndustries = splitIndustries(r["lead_industries"])
		if s := r["approved_area_ha"]; s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("henanbuild: zone %s: area %q: %w", z.Name, s, err)
			}
			z.AreaHa = &v
		}
		if err := b.zoneAdmin(&z, r); err != nil {
			return err
		}
		point, err := b.zonePoint(&z, r)
		if err != nil {
			return err
		}
		z.Point = &point
		zoneOutline(&z, point)
		b.zonesOut = append(b.zonesOut, z)
	}
	sort.Slice(b.zonesOut, func(i, j int) bool { return b.zonesOut[i].ID < b.zonesOut[j].ID })
	b.logf("%d zones", len(b.zonesOut))
	return nil
}

// zoneIdentity is the zone of zones.csv row r (index i): name, level,
// source, its id (the catalogue code quoted in the source, else
// tables/zone_ids.csv; unique: seen) and approval date.
func (b *builder) zoneIdentity(i int, r map[string]string, seen map[string]bool) (zoneOut, error) {
	z := zoneOut{ZoneProps: data.ZoneProps{Name: r["name"], Level: r["level"], Source: r["source"], GeomQuality: geo.GeomApproximate}}
	if z.Source == "" {
		return z, fmt.Errorf("henanbuild: zones.csv row %d (%s): empty source", i+2, z.Name)
	}
	if m := reCode.FindStringSubmatch(z.Source); m != nil {
		z.ID, z.CatalogueCode = m[1], m[1]
	} else if id, ok := b.zoneIDs[z.Name]; ok {
		z.ID = id
	} else {
		return z, fmt.Errorf("henanbuild: zone %s has no catalogue code and no id in tables/zone_ids.csv", z.Name)
	}
	if seen[z.ID] {
		return z, fmt.Errorf("henanbuild: duplicate zone id %s", z.ID)
	}
	if m := reApproval.FindStringSubmatch(z.Source); m != nil {
		z.ApprovalDate = m[1] + "-" + m[2]
	}
	seen[z.ID] = true
	return z, nil
}

// zoneAdmin sets the zone's county and city codes from the row's names,
// checking that the county lies in the city.
func (b *builder) zoneAdmin(z *zoneOut, r map[string]string) error {
	if c := r["county"]; c != "" {
		code, ok := b.countyBy[c]
		if !ok {
			if cc, ok2 := b.cityByName[c]; ok2 && cc == jiyuan {
				code = ""
			} else {
				return fmt.Errorf("henanbuild: zone %s: unknown county %q", z.Name, c)
			}
		}
		z.CountyCode = code
	}
	if c := r["city"]; c != "" {
		code, ok := b.cityByName[c]
		if !ok {
			return fmt.Errorf("henanbuild: zone %s: unknown city %q", z.Name, c)
		}
		z.CityCode = code
		if z.CountyCode != "" && b.byCode[z.CountyCode].Parent != code {
			return fmt.Errorf("henanbuild: zone %s: county %s is not in city %s", z.Name, z.CountyCode, code)
		}
	} else if z.CountyCode != "" {
		z.CityCode = b.byCode[z.CountyCode].Parent
		z.AdminNote = "city filled from the county (zones.csv has the county only)"
	} else if strings.HasPrefix(z.Name, "宛西") {
		// 宛 is the classical short name of 南阳; zones.csv says the
		// place was derived from the name but left both fields empty.
		z.CityCode = b.cityByName["南阳市"]
		z.AdminNote = "city inferred from the name: 宛 is the short name of 南阳; county unknown"
	} else {
		return fmt.Errorf("henanbuild: zone %s: no city or county", z.Name)
	}
	return nil
}

// zonePoint is the zone's point and its quality: geocoded when the row
// has one of the zone itself (flagged when outside its county or city),
// else the representative point of its county or city.
func (b *builder) zonePoint(z *zoneOut, r map[string]string) ([2]float64, error) {
	lonS, latS := r["lon"], r["lat"]
	var point [2]float64
	adminPoint := func() {
		if z.CountyCode != "" {
			point = pt(b.byCode[z.CountyCode].Label)
			z.PointQuality = geo.PointCountyCentroid
		} else {
			point = pt(b.byCode[z.CityCode].Label)
			z.PointQuality = geo.PointCityCentroid
		}
	}
	switch {
	case lonS == "" || latS == "":
		adminPoint()
	case strings.Contains(z.Source, "区县级"):
		adminPoint()
		if z.CountyCode == "" {
			point = pt(b.byCode[z.CityCode].Label)
			z.PointQuality = geo.PointCityCentroid
		}
	case strings.Contains(z.Source, "市级"):
		point = pt(b.byCode[z.CityCode].Label)
		z.PointQuality = geo.PointCityCentroid
	default:
		lon, err1 := strconv.ParseFloat(lonS, 64)
		lat, err2 := strconv.ParseFloat(latS, 64)
		if err1 != nil || err2 != nil {
			return point, fmt.Errorf("henanbuild: zone %s: bad lon/lat %q %q", z.Name, lonS, latS)
		}
		point = [2]float64{round6(lon), round6(lat)}
		z.PointQuality = geo.PointGeocoded
		area := b.byCode[z.CityCode]
		if z.CountyCode != "" {
			area = b.byCode[z.CountyCode]
		}
		if !pointIn(area.Geom, orb.Point(point)) {
			z.PointOutside = true
			b.logf("zone %s: geocoded point outside %s %s (flagged)", z.Name, area.Code, area.Name)
		}
	}
	return point, nil
}

// zoneOutline gives the zone a circle of the approved area, only where
// both its own place and its area are known. Otherwise no outline
// (geometry null): the zone is served as its point and drawn as "location
// unknown" (county/city point) or as a point (no area).
func zoneOutline(z *zoneOut, point [2]float64) {
	switch {
	case z.PointQuality != geo.PointGeocoded:
		z.GeomQuality = ""
		z.Outline = "none: location unknown, the point is the representative point of its " + map[string]string{geo.PointCountyCentroid: "county", geo.PointCityCentroid: "city"}[z.PointQuality]
	case z.AreaHa == nil:
		z.GeomQuality = ""
		z.Outline = "none: approved area unknown"
	default:
		z.geom = circle(orb.Point(point), math.Sqrt(*z.AreaHa*1e4/math.Pi))
		z.Outline = "circle of the approved area around the point"
	}
}

func pt(p orb.Point) [2]float64 { return [2]float64{p[0], p[1]} }

func (b *builder) zoneByName(name string) *zoneOut {
	for i := range b.zonesOut {
		if b.zonesOut[i].Name == name {
			return &b.zonesOut[i]
		}
	}
	return nil
}

// ---- revenue ----

// revSource is the record's source: S-id and quote, plus the detail of the
// measure as revenue.csv writes it (the part of the year or of the zone;
// the part of the zone is also the record's Scope, see revenueScope).
func revSource(id, quote, detail string) string {
	s := id + ": " + quote
	if detail != "" {
		s += " [scope: " + detail + "]"
	}
	return s
}

// Scope phrases of a measure's detail in revenue.csv: "published as X" (a
// figure published for X, e.g. the 2019 航空港产业集聚区, which SOURCES.md's
// S68 entry says is smaller than the zone) and "X only" (e.g. "食品产业
// only"). The same rule reads old sources in migration
// 0009_revenue_scope.sql; keep them equal.
var (
	rePublishedAs = regexp.MustCompile(`(?:^|; )published as ([^,;]+)`)
	reOnly        = regexp.MustCompile(`(?:^|; )([^;]+) only(?:;|$)`)
	reYearPart    = regexp.MustCompile(`年|季度|月`)
)

// revenueScope is the part of the zone a figure counts, read from its
// measure's detail: the area it was published for ("published as X"), or
// what "X only" names when X is not a part of the year; geo.ScopeZone when
// the detail names no part of the zone.
func revenueScope(detail string) string {
	if m := rePublishedAs.FindStringSubmatch(detail); m != nil {
		return strings.TrimSpace(m[1])
	}
	for _, m := range reOnly.FindAllStringSubmatch(detail, -1) {
		if !reYearPart.MatchString(m[1]) {
			return strings.TrimSpace(m[1])
		}
	}
	return geo.ScopeZone
}

var reMeasure = regexp.MustCompile(`^([^(]+?)\s*(?:\((.*)\))?$`)

// rePartYear finds "1—N月" (January to month N) in a measure's detail.
var rePartYear = regexp.MustCompile(`1\s*[—–-]\s*(\d{1,2})\s*月`)

var monthAbbr = []string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// period reads the part-of-year from a measure's detail text: Q1, or
// Jan–<month> for "1—N月" (N < 12), else the full year.
func period(detail string) string {
	if strings.Contains(detail, "一季度") {
		return "Q1"
	}
	if m := rePartYear.FindStringSubmatch(detail); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 && n < 12 {
			return "Jan–" + monthAbbr[n]
		}
	}
	return geo.PeriodFullYear
}

func (b *builder) revenue() error {
	type key struct {
		zone string
		year int
		val  float64
	}
	have := map[key]bool{}
	for i, r := range b.revRows {
		line := i + 2
		z := b.zoneByName(r["zone"])
		if z == nil {
			b.gaps = append(b.gaps, fmt.Sprintf("revenue.csv row %d: %s %s %s亿元 (%s, %s) — zone not in zones.csv, not in the dataset", line, r["zone"], r["year"], r["value_100m_yuan"], r["measure"], r["source_id"]))
			continue
		}
		year, err := strconv.Atoi(r["year"])
		if err != nil {
			return fmt.Errorf("henanbuild: revenue.csv row %d: year: %w", line, err)
		}
		val, err := strconv.ParseFloat(r["value_100m_yuan"], 64)
		if err != nil {
			return fmt.Errorf("henanbuild: revenue.csv row %d: value: %w", line, err)
		}
		m := reMeasure.FindStringSubmatch(r["measure"])
		if m == nil {
			return fmt.Errorf("henanbuild: revenue.csv row %d: measure %q", line, r["measure"])
		}
		switch r["bound"] {
		case geo.BoundExact, geo.BoundLower, geo.BoundUpper:
		default:
			return fmt.Errorf("henanbuild: revenue.csv row %d: bound %q", line, r["bound"])
		}
		if r["source_id"] == "" || r["quote"] == "" {
			return fmt.Errorf("henanbuild: revenue.csv row %d: no source", line)
		}
		b.revOut = append(b.revOut, data.RevenueRecord{
			ZoneID: z.ID, Year: year, RevenueYi: val, Measure: strings.TrimSpace(m[1]),
			Bound: r["bound"], Period: period(m[2]), Scope: revenueScope(m[2]), Note: m[2],
			Source: revSource(r["source_id"], r["quote"], m[2]),
		})
		have[key{z.ID, year, val}] = true
	}
	// The revenue columns of zones.csv: the same figures are repeated in
	// revenue.csv (with measure and bound); keep one record each and fail if
	// a zones.csv figure has no revenue.csv counterpart (it would need its
	// measure stated).
	for _, r := range b.zoneRows {
		if r["revenue_100m_yuan"] == "" {
			continue
		}
		z := b.zoneByName(r["name"])
		year, _ := strconv.Atoi(r["revenue_year"])
		val, _ := strconv.ParseFloat(r["revenue_100m_yuan"], 64)
		if !have[key{z.ID, year, val}] {
			return fmt.Errorf("henanbuild: zones.csv revenue of %s (%d, %v) is not in revenue.csv: state its measure there", z.Name, year, val)
		}
	}
	sort.Slice(b.revOut, func(i, j int) bool {
		a, c := b.revOut[i], b.revOut[j]
		if a.ZoneID != c.ZoneID {
			return a.ZoneID < c.ZoneID
		}
		if a.Year != c.Year {
			return a.Year < c.Year
		}
		return a.Measure < c.Measure
	})
	for i := 1; i < len(b.revOut); i++ {
		a, c := b.revOut[i-1], b.revOut[i]
		if a.ZoneID == c.ZoneID && a.Year == c.Year && a.Measure == c.Measure && a.Period == c.Period && a.Scope == c.Scope {
			return fmt.Errorf("henanbuild: two %s figures for %s %d", a.Measure, a.ZoneID, a.Year)
		}
	}
	b.logf("%d revenue records, %d gaps", len(b.revOut), len(b.gaps))
	return nil
}
