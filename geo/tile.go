package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Tile layer names, in the order they appear in a composite tile.
const (
	LayerProvince = "province"
	LayerCities   = "cities"
	LayerCounties = "counties"
	LayerZones    = "zones"
	LayerRegions  = "regions"
	LayerLabels   = "labels"
)

// TileQuery asks for the features of one XYZ tile. Filter's zone criteria
// apply to the zones layer (and zone labels); paging fields are ignored.
type TileQuery struct {
	Z, X, Y uint32
	Filter  Filter
}

// Check rejects tiles outside the zoom range or the grid as field errors;
// every store calls it first, so they all word them alike.
func (q TileQuery) Check() error {
	if q.Z > MaxZoom {
		return FieldErrors{{Field: "z", Reason: fmt.Sprintf("must be from %d to %d, got %d", MinZoom, MaxZoom, q.Z)}}
	}
	n := uint32(1) << q.Z
	var errs FieldErrors
	if q.X >= n {
		errs = append(errs, &FieldError{Field: "x", Reason: fmt.Sprintf("must be below %d at zoom %d, got %d", n, q.Z, q.X)})
	}
	if q.Y >= n {
		errs = append(errs, &FieldError{Field: "y", Reason: fmt.Sprintf("must be below %d at zoom %d, got %d", n, q.Z, q.Y)})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Tile returns the orb maptile of the query.
func (q TileQuery) Tile() maptile.Tile { return maptile.New(q.X, q.Y, maptile.Zoom(q.Z)) }

// LayerFeatures are one tile layer's features in WGS84.
type LayerFeatures struct {
	Layer    string
	Features []Feature
}

// Stats types: per-cluster distribution and tiers against targets.

// ClusterStat is one cluster's zones and comparable revenue under a filter.
type ClusterStat struct {
	ClusterID string         `json:"cluster_id"`
	Name      string         `json:"name"`
	NameEN    string         `json:"name_en"`
	Zones     int            `json:"zones"`
	ZoneIDs   []string       `json:"zone_ids"`
	ByCity    map[string]int `json:"by_city"`
	RevenueYi float64        `json:"revenue_yi"` // sum over comparable records only
	RevenueN  int            `json:"revenue_n"`  // how many records the sum covers
	Measure   string         `json:"measure"`    // the measure summed
	// RevenueBound is "exact", or "lower" when a summed figure is a lower
	// bound ("" without a sum).
	RevenueBound string `json:"revenue_bound,omitempty"`
}

// TierStat is the number of zones in one tier for a year with the plan target.
type TierStat struct {
	Tier      Tier     `json:"tier"`
	Zones     int      `json:"zones"`
	ZoneIDs   []string `json:"zone_ids"`
	Lower     int      `json:"lower"`       // zones only "at least" in this tier
	AtOrAbove int      `json:"at_or_above"` // zones in this tier or higher (0 for no_data)
}

// Bounds of Henan with a margin, for integrity checks.
var HenanBound = orb.Bound{Min: orb.Point{110.3, 31.3}, Max: orb.Point{116.7, 36.4}}
