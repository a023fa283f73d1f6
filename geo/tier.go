package geo

import (
	"fmt"
	"sort"
)

// Tier ids. TierNoData is for zones without a usable figure for the year.
const TierNoData = "no_data"

// Tier is a revenue band [MinYi, MaxYi) in 亿元; MaxYi 0 means unbounded.
type Tier struct {
	ID      string  `json:"id"`
	Label   string  `json:"label"`
	LabelEN string  `json:"label_en"`
	MinYi   float64 `json:"min_yi"`
	MaxYi   float64 `json:"max_yi,omitempty"`
	Target  int     `json:"target,omitempty"` // plan target: zones at or above MinYi by 2025 (0: none)
	// Color is the tier's fill (#rrggbb), the one palette the web map,
	// /styles/layout.json and the static images read.
	Color string `json:"color"`
}

// TierPalette runs from the highest tier to the lowest (a ColorBrewer
// OrRd-like ramp); tiers beyond it take its last colour. NoDataColor is
// grey, so "no comparable figure" never reads as "small".
var TierPalette = []string{"#99000d", "#e0452b", "#f98e52", "#fdc48a", "#fbe7c6"}

// NoDataColor fills zones without a comparable figure.
const NoDataColor = "#c8c8c8"

// LowerBoundColor strokes the "≥" ring of zones known only by a lower bound
// (at least their tier).
const LowerBoundColor = "#222222"

func paletteAt(i int) string {
	if i < len(TierPalette) {
		return TierPalette[i]
	}
	return TierPalette[len(TierPalette)-1]
}

// Tiers is an ordered set of tiers, highest first.
type Tiers []Tier

// DefaultTiers mirror 豫政〔2023〕27号: 2 / 10 / 30 zones over 5000 / 1000 / 500亿 by 2025.
// The English labels give the 亿 figure too: the threshold field, its
// quick buttons and the API's min_revenue are in 亿 in either language, and
// "500 bn yuan" beside "≥5000亿" read as two different thresholds (trial 6).
var DefaultTiers = Tiers{
	{ID: "t5000", Label: "≥5000亿", LabelEN: "≥500 bn yuan (≥5000亿)", MinYi: 5000, Target: 2, Color: TierPalette[0]},
	{ID: "t1000", Label: "1000–5000亿", LabelEN: "100–500 bn yuan (1000–5000亿)", MinYi: 1000, MaxYi: 5000, Target: 10, Color: TierPalette[1]},
	{ID: "t500", Label: "500–1000亿", LabelEN: "50–100 bn yuan (500–1000亿)", MinYi: 500, MaxYi: 1000, Target: 30, Color: TierPalette[2]},
	{ID: "t100", Label: "100–500亿", LabelEN: "10–50 bn yuan (100–500亿)", MinYi: 100, MaxYi: 500, Color: TierPalette[3]},
	{ID: "t0", Label: "<100亿", LabelEN: "<10 bn yuan (<100亿)", MinYi: 0, MaxYi: 100, Color: TierPalette[4]},
}

// NoDataTier describes zones without a figure.
var NoDataTier = Tier{ID: TierNoData, Label: "无可比数据", LabelEN: "no comparable figure", Color: NoDataColor}

// NewTiers builds tiers from descending lower thresholds in 亿元, e.g.
// [5000 1000 500 100 0]. It returns an error when thresholds are not strictly
// descending, negative, or do not end at 0.
func NewTiers(thresholds []float64) (Tiers, error) {
	if len(thresholds) == 0 || thresholds[len(thresholds)-1] != 0 {
		return nil, fmt.Errorf("geo: tiers must end with 0")
	}
	if !sort.SliceIsSorted(thresholds, func(i, j int) bool { return thresholds[i] > thresholds[j] }) {
		return nil, fmt.Errorf("geo: tier thresholds must be strictly descending")
	}
	ts := make(Tiers, len(thresholds))
	for i, t := range thresholds {
		if t < 0 || (i > 0 && t >= thresholds[i-1]) {
			return nil, fmt.Errorf("geo: tier thresholds must be strictly descending and non-negative")
		}
		ts[i] = Tier{ID: fmt.Sprintf("t%g", t), MinYi: t, Color: paletteAt(i)}
		if i > 0 {
			ts[i].MaxYi = thresholds[i-1]
			ts[i].Label = fmt.Sprintf("%g–%g亿", t, thresholds[i-1])
			ts[i].LabelEN = fmt.Sprintf("%g–%g (100m yuan)", t, thresholds[i-1])
		} else {
			ts[i].Label = fmt.Sprintf("≥%g亿", t)
			ts[i].LabelEN = fmt.Sprintf("≥%g (100m yuan)", t)
		}
		for _, d := range DefaultTiers {
			if d.MinYi == t {
				ts[i].Target = d.Target
			}
		}
	}
	return ts, nil
}

// Of returns the tier id of a figure in 亿元.
func (ts Tiers) Of(yi float64) string {
	for _, t := range ts {
		if yi >= t.MinYi {
			return t.ID
		}
	}
	return ts[len(ts)-1].ID
}

// Lookup returns the tier with the id, including TierNoData.
func (ts Tiers) Lookup(id string) (Tier, bool) {
	if id == TierNoData {
		return NoDataTier, true
	}
	for _, t := range ts {
		if t.ID == id {
			return t, true
		}
	}
	return Tier{}, false
}
