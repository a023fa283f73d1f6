package geo

// The categorical palettes of the map, in one place: the web map reads them
// from /api/v1/reference (field "palettes") and the static images
// (tiles/static) from here, so a cluster or region has the same colour on
// every surface. Colours are #rrggbb.
var (
	// ClusterPalette colours clusters by their position in the cluster
	// taxonomy (i mod len); zones in no listed cluster take OtherColor.
	ClusterPalette = []string{"#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22"}
	// RegionPalette colours planning regions by position in the store's
	// region list; it avoids the purples of DistRamp so both can be shown.
	RegionPalette = []string{"#2b8cbe", "#e6a100", "#d7301f", "#238b45", "#e7298a", "#525252", "#a6761d", "#1b9e77"}
	// DistRamp shades cities by their number of zones of one cluster, light
	// to dark; 4 steps so adjacent counts stay distinguishable.
	DistRamp = []string{"#e3e1f0", "#bcbddc", "#807dba", "#54278f"}
	// ChangeRamp colours a change between two years (comparison mode):
	// clear decrease, decrease, about the same (|Δ| < 2 %), increase, clear
	// increase (ColorBrewer RdBu, diverging, colour-blind safe).
	ChangeRamp = []string{"#b2182b", "#ef8a62", "#f0f0f0", "#67a9cf", "#2166ac"}
)

// OtherColor is the colour of "other / unassigned" in categorical legends.
const OtherColor = "#7f7f7f"

// Palettes is the palettes member of /api/v1/reference.
type Palettes struct {
	Cluster []string `json:"cluster"`
	Region  []string `json:"region"`
	Dist    []string `json:"dist"`
	Change  []string `json:"change"`
	Other   string   `json:"other"`
	NoData  string   `json:"no_data"`
	Lower   string   `json:"lower_bound"`
}

// MapPalettes returns every palette of the map for clients.
func MapPalettes() Palettes {
	return Palettes{Cluster: ClusterPalette, Region: RegionPalette, Dist: DistRamp, Change: ChangeRamp, Other: OtherColor, NoData: NoDataColor, Lower: LowerBoundColor}
}
