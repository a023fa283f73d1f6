package static

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// Size limits of an image. MaxSide bounds width and height in CSS pixels;
// MaxPixels bounds the rasterized image (width·scale × height·scale), so
// 4096×4096 at scale 4 (1 GiB of RGBA) is refused rather than clamped.
const (
	MinSide       = 64
	MaxSide       = 4096
	MaxScale      = 4
	MaxPixels     = 4096 * 4096
	DefaultWidth  = 800
	DefaultHeight = 600
	MaxTitleRunes = 120
	// MaxViewZoom bounds the zoom of a view (given or fitted to a bbox):
	// beyond it the ~1/1024° boundaries are meaningless.
	MaxViewZoom = 18
)

// Layer names an image may show (the layers parameter).
const (
	LayerProvince = geo.LayerProvince
	LayerCities   = geo.LayerCities
	LayerCounties = geo.LayerCounties
	LayerZones    = geo.LayerZones
	LayerRegions  = geo.LayerRegions
	LayerLabels   = geo.LayerLabels
)

// AllLayers lists the layers an image can draw, in drawing order. Labels
// go with their layers: city names with cities, zone names with zones.
var AllLayers = []string{LayerProvince, LayerCities, LayerCounties, LayerRegions, LayerZones, LayerLabels}

// DefaultLayers are drawn when the layers parameter is absent: every layer
// but the planning-region overlay, which the web map also leaves off.
var DefaultLayers = []string{LayerProvince, LayerCities, LayerCounties, LayerZones, LayerLabels}

// webLayers maps the web map's layer names (its URL's layers parameter) to
// ours, so a static-image URL built from the map's state works unchanged:
// "boundaries" is the province and city lines, "none" no layer at all.
var webLayers = map[string][]string{
	"boundaries": {LayerProvince, LayerCities},
	"none":       {},
}

// Colour schemes of zones (the color parameter).
const (
	ColorTier    = "tier"
	ColorCluster = "cluster"
)

// Languages of labels and furniture (the lang parameter).
const (
	LangZH = "zh"
	LangEN = "en"
)

// Formats.
const (
	FormatSVG = "svg"
	FormatPNG = "png"
)

// Params are the query parameters of a static image beyond geo.FilterParams.
// The filter's bbox is the view, not a zone filter: a zone half inside the
// view is still drawn.
//
// overlay (planning-region ids to draw) and dist (a cluster id whose zones
// are counted per city, as a choropleth) are the web map's; the regions
// layer draws every region.
//
// ent, ent_class and ent_chain are the web map's enterprise layer (issue
// 15) under its URL names: ent=1 draws it, ent_class and ent_chain filter
// it as the API's class and chain do (Options.EnterpriseFilter).
var Params = []string{"center", "zoom", "width", "height", "width_mm", "scale", "layers", "lang", "title", "legend", "plain", "color", "overlay", "dist", "compare",
	"ent", "ent_class", "ent_chain"}

// Options say what one image shows. Width and Height are CSS pixels; a PNG
// has Width·Scale × Height·Scale pixels, an SVG ignores Scale (it is vector).
// Exactly one of BBox and Center is set, or neither for the default view
// (the province, see DefaultBound).
type Options struct {
	Width, Height int
	Scale         int
	// WidthMM is the width the image is printed at, in mm; 0 is the
	// default (PrintWidthMM: the natural size at 96 dpi, at most 180 mm).
	// Type is set in points for it (see units.go).
	WidthMM float64
	BBox    *orb.Bound
	Center  *orb.Point
	Zoom    float64
	Layers  []string // subset of AllLayers, in AllLayers order
	Lang    string   // LangZH or LangEN
	Title   string   // "" draws the default title
	Legend  bool
	Plain   bool // drop title, legend, scale bar and source line
	Color   string
	// Overlay lists planning-region ids drawn over the map (the web map's
	// overlay); the regions layer adds every region.
	Overlay []string
	// Dist is a cluster id: cities are shaded by how many of the drawn
	// zones belong to it (the web map's distribution view); "" none.
	Dist string
	// Compare is the earlier year of the web map's comparison mode: zones
	// are coloured by the class of their change from Compare to the
	// filter's year (geo.ZoneChange, geo.ChangeClasses colours), a zone
	// whose figures cannot be compared is drawn hollow (not compared), and
	// the legend lists the change classes. 0: no comparison. Needs year.
	Compare int
	// Ent draws the enterprise layer: aggregated counts where many
	// enterprises share a tile, points where few (the tiles' rule,
	// geo.EnterpriseTile), filtered by EntClass (class ids) and EntChain
	// (one chain id), the web map's ent, ent_class and ent_chain.
	Ent      bool
	EntClass []string
	EntChain string
}

// EnterpriseFilter is the filter of the enterprise layer: the web map's
// entParams (ent_class → class, ent_chain → chain), the same filter its
// tiles and /api/v1/stats/enterprises get. The zones' filter does not
// apply to enterprises.
func (o Options) EnterpriseFilter() geo.Filter {
	f := geo.Filter{Class: slices.Clone(o.EntClass)}
	if o.EntChain != "" {
		f.Chain = []string{o.EntChain}
	}
	return f
}

// Has reports whether the options draw layer.
func (o Options) Has(layer string) bool { return slices.Contains(o.Layers, layer) }

// DefaultOptions is the image without parameters: the province, 800×600,
// zones by tier, Chinese, with legend and furniture.
func DefaultOptions() Options {
	return Options{Width: DefaultWidth, Height: DefaultHeight, Scale: 1, Layers: slices.Clone(DefaultLayers),
		Lang: LangZH, Legend: true, Color: ColorTier}
}

// ParseRequest reads a static image request: the filter contract (see
// geo.ParseFilter) and Params. The returned filter has BBox nil (the bbox is
// the view, in Options.BBox). Every problem comes back as geo.FieldErrors
// naming the parameter; it never panics and bounds what it allocates.
func ParseRequest(q url.Values) (Options, geo.Filter, error) {
	o := DefaultOptions()
	p := &params{q: q}
	f, err := geo.ParseFilter(q, false, Params...)
	if err != nil {
		fes, ok := geo.AsFieldErrors(err)
		if !ok {
			return o, f, fmt.Errorf("static: parsing filter: %w", err)
		}
		p.errs = append(p.errs, fes...)
	}
	o.BBox, f.BBox = f.BBox, nil
	p.frame(&o)
	o.Ent = p.flag("ent", false)
	if err := p.enterpriseFilter(&o); err != nil {
		return o, f, err
	}
	o.Legend = p.flag("legend", true)
	o.Plain = p.flag("plain", false)
	p.content(&o, f.Year)
	p.view(&o)
	if len(p.errs) > 0 {
		return o, f, p.errs
	}
	return o, f, nil
}

// params reads the parameters of a static image request, collecting every
// problem in errs.
type params struct {
	q    url.Values
	errs geo.FieldErrors
}

func (p *params) bad(field, format string, args ...any) {
	p.errs = append(p.errs, &geo.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// integer reads k, a whole number from lo to hi; def when absent or bad.
func (p *params) integer(k string, lo, hi, def int) int {
	v := p.q.Get(k)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.bad(k, "must be a whole number from %d to %d, got %q", lo, hi, geo.Clip(v))
		return def
	}
	return n
}

// flag reads k, 0/1 or false/true; def when absent or bad.
func (p *params) flag(k string, def bool) bool {
	switch v := p.q.Get(k); v {
	case "":
		return def
	case "1", "true":
		return true
	case "0", "false":
		return false
	default:
		p.bad(k, "must be 0 or 1, got %q", geo.Clip(v))
		return def
	}
}

// oneOf reads k, one of allowed; def when absent or bad.
func (p *params) oneOf(k string, allowed []string, def string) string {
	v := p.q.Get(k)
	if v == "" {
		return def
	}
	if !slices.Contains(allowed, v) {
		p.bad(k, "must be one of %s, got %q", strings.Join(allowed, ", "), geo.Clip(v))
		return def
	}
	return v
}

// frame checks the bbox (an area within Web Mercator's latitudes) and
// reads the image's size, scale and printed width.
func (p *params) frame(o *Options) {
	bad := p.bad
	if o.BBox != nil && (o.BBox.Max[0]-o.BBox.Min[0] <= 0 || o.BBox.Max[1]-o.BBox.Min[1] <= 0) {
		bad("bbox", "must have an area (min below max on both axes)")
	}
	if o.BBox != nil && (o.BBox.Min[1] < -85 || o.BBox.Max[1] > 85) {
		bad("bbox", "latitudes must lie within ±85° (Web Mercator)")
	}
	o.Width = p.integer("width", MinSide, MaxSide, DefaultWidth)
	o.Height = p.integer("height", MinSide, MaxSide, DefaultHeight)
	o.Scale = p.integer("scale", 1, MaxScale, 1)
	if v := p.q.Get("width_mm"); v != "" {
		mm, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || math.IsNaN(mm) || math.IsInf(mm, 0) || mm <= 0:
			bad("width_mm", "must be a positive number of millimetres, got %q", geo.Clip(v))
		case float64(o.Width)/mm*mmPerInch < MinPrintDPI || float64(o.Width)/mm*mmPerInch > MaxPrintDPI:
			bad("width_mm", "gives %.0f px per inch for width %d; allowed %d to %d (width_mm %.0f to %.0f)", float64(o.Width)/mm*mmPerInch, o.Width,
				MinPrintDPI, MaxPrintDPI, float64(o.Width)/MaxPrintDPI*mmPerInch, float64(o.Width)/MinPrintDPI*mmPerInch)
		default:
			o.WidthMM = mm
		}
	}
	if o.Width*o.Scale*o.Height*o.Scale > MaxPixels {
		bad("scale", "width·scale × height·scale must be at most %d pixels, got %d×%d", MaxPixels, o.Width*o.Scale, o.Height*o.Scale)
	}
}

// enterpriseFilter reads ent_class and ent_chain (one chain) with the
// enterprises' own parser of class and chain, under the web map's names.
func (p *params) enterpriseFilter(o *Options) error {
	cs, ch := p.q["ent_class"], p.q.Get("ent_chain")
	if len(cs) == 0 && ch == "" {
		return nil
	}
	ef, err := geo.ParseFilter(url.Values{"class": cs, "chain": {ch}}, false)
	if fes, ok := geo.AsFieldErrors(err); ok {
		for _, fe := range fes {
			p.bad("ent_"+fe.Field, "%s", fe.Reason)
		}
	} else if err != nil {
		return fmt.Errorf("static: parsing ent_class, ent_chain: %w", err)
	}
	if len(ef.Chain) > 1 {
		p.bad("ent_chain", "takes one chain id")
	}
	o.EntClass = ef.Class
	if len(ef.Chain) == 1 {
		o.EntChain = ef.Chain[0]
	}
	return nil
}

// content reads what the image shows: language, colouring, layers,
// overlay and distribution clusters, the comparison year (before the
// filter's year) and the title.
func (p *params) content(o *Options, year int) {
	bad := p.bad
	o.Lang = p.oneOf("lang", []string{LangZH, LangEN}, LangZH)
	o.Color = p.oneOf("color", []string{ColorTier, ColorCluster}, ColorTier)
	if v, ok := p.q["layers"]; ok {
		o.Layers = parseLayers(strings.Join(v, ","), bad)
	}
	o.Overlay = idList(p.q, "overlay", bad)
	if ds := idList(p.q, "dist", bad); len(ds) > 1 {
		bad("dist", "takes one cluster id")
	} else if len(ds) == 1 {
		o.Dist = ds[0]
	}
	if v := p.q.Get("compare"); v != "" {
		y, err := strconv.Atoi(v)
		switch {
		case err != nil || y < 1949 || y > 2100:
			bad("compare", "must be a year between 1949 and 2100, got %q", geo.Clip(v))
		case year == 0:
			bad("compare", "needs year: the later year of the comparison")
		case y >= year:
			bad("compare", "must be before year (%d)", year)
		default:
			o.Compare = y
		}
	}
	if v := p.q.Get("title"); v != "" {
		switch {
		case !utf8.ValidString(v):
			bad("title", "is not valid UTF-8")
		case utf8.RuneCountInString(v) > MaxTitleRunes:
			bad("title", "longer than %d characters", MaxTitleRunes)
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			bad("title", "contains control characters")
		default:
			o.Title = strings.TrimSpace(v)
		}
	}
}

// view reads center and zoom (not with a bbox) and, when nothing else is
// wrong, checks that a bbox does not need a zoom past MaxViewZoom.
func (p *params) view(o *Options) {
	bad := p.bad
	cv, zv := p.q.Get("center"), p.q.Get("zoom")
	switch {
	case cv != "" && o.BBox != nil:
		bad("center", "give either bbox or center and zoom, not both")
	case cv != "":
		if c, err := parseCenter(cv); err != nil {
			bad("center", "%s", err)
		} else {
			o.Center = &c
		}
		if zv == "" {
			bad("zoom", "is required with center")
		}
	case zv != "":
		bad("zoom", "needs center")
	}
	if zv != "" {
		z, err := strconv.ParseFloat(zv, 64)
		if err != nil || math.IsNaN(z) || z < geo.MinZoom || z > MaxViewZoom {
			bad("zoom", "must be a number from %d to %d, got %q", geo.MinZoom, MaxViewZoom, geo.Clip(zv))
		} else {
			o.Zoom = z
		}
	}
	if len(p.errs) == 0 && o.BBox != nil {
		// A bbox so small that the fitted zoom passes MaxViewZoom would
		// draw meaningless magnified boundaries.
		if v := NewView(*o); v.Zoom > MaxViewZoom {
			bad("bbox", "too small for a %d×%d image (zoom %.1f > %d)", o.Width, o.Height, v.Zoom, MaxViewZoom)
		}
	}
}

// MaxApprovalRunes bounds a map approval number (审图号): real ones such
// as "GS(2024)1234号" or "豫S（2025）012号" are under 20 characters.
const MaxApprovalRunes = 64

// CheckApprovalNumber validates a map approval number for the footer: one
// line of valid UTF-8, at most MaxApprovalRunes characters. "" is valid
// (no approval line).
func CheckApprovalNumber(s string) error {
	switch {
	case !utf8.ValidString(s):
		return fmt.Errorf("is not valid UTF-8")
	case utf8.RuneCountInString(strings.TrimSpace(s)) > MaxApprovalRunes:
		return fmt.Errorf("longer than %d characters", MaxApprovalRunes)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("contains control characters (one line only)")
	}
	return nil
}

func parseLayers(s string, bad func(field, format string, args ...any)) []string {
	if len(s) > 200 {
		bad("layers", "longer than 200 bytes")
		return slices.Clone(DefaultLayers)
	}
	var want []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if ls, ok := webLayers[p]; ok {
			want = append(want, ls...)
			continue
		}
		if !slices.Contains(AllLayers, p) {
			bad("layers", "unknown layer %q; allowed: %s, boundaries, none", geo.Clip(p), strings.Join(AllLayers, ", "))
			return slices.Clone(DefaultLayers)
		}
		want = append(want, p)
	}
	out := []string{}
	for _, l := range AllLayers {
		if slices.Contains(want, l) {
			out = append(out, l)
		}
	}
	return out
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_\-]{1,64}$`)

// idList reads a comma-separated list of ids (at most geo.MaxListValues).
// Whether the ids exist is for the caller, who knows the vocabulary.
func idList(q url.Values, k string, bad func(field, format string, args ...any)) []string {
	var out []string
	for _, v := range q[k] {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" || slices.Contains(out, p) {
				continue
			}
			if !idPattern.MatchString(p) {
				bad(k, "%q is not a valid identifier", geo.Clip(p))
				return nil
			}
			if out = append(out, p); len(out) > geo.MaxListValues {
				bad(k, "more than %d values", geo.MaxListValues)
				return nil
			}
		}
	}
	return out
}

func parseCenter(s string) (orb.Point, error) {
	v, err := geo.ParseNumbers(s, "lon,lat")
	if err != nil {
		return orb.Point{}, err
	}
	if v[0] < -180 || v[0] > 180 || v[1] < -85 || v[1] > 85 {
		return orb.Point{}, fmt.Errorf("must lie within -180..180, -85..85")
	}
	return orb.Point{v[0], v[1]}, nil
}

// Encode writes the options back as canonical query values (defaults left
// out), for cache keys and URLs. Together with geo.Filter.Encode it names
// one image exactly.
func (o Options) Encode() url.Values {
	q := url.Values{}
	d := DefaultOptions()
	if o.BBox != nil {
		q.Set("bbox", fmt.Sprintf("%g,%g,%g,%g", o.BBox.Min[0], o.BBox.Min[1], o.BBox.Max[0], o.BBox.Max[1]))
	}
	if o.Center != nil {
		q.Set("center", fmt.Sprintf("%g,%g", o.Center[0], o.Center[1]))
		q.Set("zoom", strconv.FormatFloat(o.Zoom, 'g', -1, 64))
	}
	if o.Width != d.Width {
		q.Set("width", strconv.Itoa(o.Width))
	}
	if o.Height != d.Height {
		q.Set("height", strconv.Itoa(o.Height))
	}
	if o.Scale != d.Scale {
		q.Set("scale", strconv.Itoa(o.Scale))
	}
	if o.WidthMM > 0 {
		q.Set("width_mm", strconv.FormatFloat(o.WidthMM, 'g', -1, 64))
	}
	if !slices.Equal(o.Layers, d.Layers) {
		q.Set("layers", cmp.Or(strings.Join(o.Layers, ","), "none"))
	}
	if o.Lang != d.Lang {
		q.Set("lang", o.Lang)
	}
	if o.Title != "" {
		q.Set("title", o.Title)
	}
	if !o.Legend {
		q.Set("legend", "0")
	}
	if o.Plain {
		q.Set("plain", "1")
	}
	if o.Color != d.Color {
		q.Set("color", o.Color)
	}
	if len(o.Overlay) > 0 {
		ov := slices.Clone(o.Overlay)
		slices.Sort(ov)
		q.Set("overlay", strings.Join(ov, ","))
	}
	if o.Dist != "" {
		q.Set("dist", o.Dist)
	}
	if o.Compare != 0 {
		q.Set("compare", strconv.Itoa(o.Compare))
	}
	if o.Ent {
		q.Set("ent", "1")
	}
	if len(o.EntClass) > 0 {
		cs := slices.Clone(o.EntClass)
		slices.Sort(cs)
		q.Set("ent_class", strings.Join(cs, ","))
	}
	if o.EntChain != "" {
		q.Set("ent_chain", o.EntChain)
	}
	return q
}
