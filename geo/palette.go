package geo

// The categorical palettes of the map, beside the tier palette
// (TierPalette, Tier.Color): the web map (through /api/v1/reference) and
// the static images read these, so a cluster, a planning region or a
// distribution step has one colour on every surface.
var (
	// ClusterPalette colours the clusters of the taxonomy by position
	// (a zone takes its first cluster's colour; repeats past its length).
	ClusterPalette = []string{"#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22"}
	// OtherColor fills zones without a cluster and anything unnamed.
	OtherColor = "#7f7f7f"
	// RegionPalette colours planning regions by position in the store's
	// list; it avoids the purples of DistRamp so both can be shown.
	RegionPalette = []string{"#2b8cbe", "#e6a100", "#d7301f", "#238b45", "#e7298a", "#525252", "#a6761d", "#1b9e77"}
	// DistRamp shades cities by their zone count of one cluster, light to
	// dark: 4 steps so adjacent counts stay distinguishable.
	DistRamp = []string{"#e3e1f0", "#bcbddc", "#807dba", "#54278f"}
)

// ClusterColor is the colour of the i-th cluster of the taxonomy;
// OtherColor for i < 0 (no cluster).
func ClusterColor(i int) string {
	if i < 0 {
		return OtherColor
	}
	return ClusterPalette[i%len(ClusterPalette)]
}

// RegionColor is the colour of the i-th planning region.
func RegionColor(i int) string { return RegionPalette[i%len(RegionPalette)] }

// DistStep is the DistRamp step of a city with n of max zones (max > 0):
// the ramp split into equal parts of the largest count.
func DistStep(n, max int) int {
	f := float64(n) / float64(max)
	i := int(f*float64(len(DistRamp)) - 1e-9)
	return min(len(DistRamp)-1, max0(i))
}

func max0(i int) int {
	if i < 0 {
		return 0
	}
	return i
}

// ChangeRamp colours a change between two years (the web map's comparison
// mode, geo.ChangeClasses): clear decrease, decrease, about the same,
// increase, clear increase (ColorBrewer RdBu, diverging, colour-blind safe).
var ChangeRamp = []string{"#b2182b", "#ef8a62", "#f0f0f0", "#67a9cf", "#2166ac"}

// A zone whose two figures cannot be compared (geo.ZoneChange not
// Comparable) is drawn hollow in comparison mode: white fill, grey edge,
// on the web map and in the static images alike.
const (
	NotComparableFill = "#ffffff"
	NotComparableRing = "#6b6b6b"
)

// EnterpriseColor draws enterprises (points and aggregated cells) on the
// web map: one colour apart from the tier, cluster and change palettes,
// so a firm is never read as a zone.
const EnterpriseColor = "#0f766e"

// HighlightColor outlines the zones of the chain a chain view shows (web
// map): a magenta (ColorBrewer PiYG) apart from the tier, cluster, change
// and enterprise colours and from the selected zone's blue.
const HighlightColor = "#c51b7d"

// Palettes is the palettes member of /api/v1/reference: every categorical
// colour of the map, for clients to draw as the static images do.
type Palettes struct {
	Clusters []string `json:"clusters"`
	Regions  []string `json:"regions"`
	Other    string   `json:"other"`
	DistRamp []string `json:"dist_ramp"`
	Change   []string `json:"change"`
	// NotComparable and NotComparableRing draw a zone whose figures
	// cannot be compared in comparison mode.
	NotComparable     string `json:"not_comparable"`
	NotComparableRing string `json:"not_comparable_ring"`
	Enterprise        string `json:"enterprise"`
	Highlight         string `json:"highlight"`
	NoData            string `json:"no_data"`
	Lower             string `json:"lower_bound"`
	Note              string `json:"note"`
}

// MapPalettes returns every palette of the map for clients.
func MapPalettes() Palettes {
	return Palettes{Clusters: ClusterPalette, Regions: RegionPalette, Other: OtherColor, DistRamp: DistRamp, Change: ChangeRamp,
		NotComparable: NotComparableFill, NotComparableRing: NotComparableRing, Enterprise: EnterpriseColor, Highlight: HighlightColor, NoData: NoDataColor, Lower: LowerBoundColor,
		Note: "clusters and regions are coloured by their position in /api/v1/collections/clusters and /regions order, repeating past the palette's length"}
}
