package tiles

import (
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"layoutmap/geo"
)

// EnterpriseListSep joins multi-valued properties of the enterprises
// tiles, wrapped in it too ("|srdi|chain_leader|"), so MapLibre tests a
// value with ["in", "|srdi|", ["get", "classes"]].
const EnterpriseListSep = "|"

// EncodeEnterprises encodes one tile of the enterprises tileset as MVT
// 2.1 (extent geo.TileExtent). A tile is either
//   - layer geo.LayerEnterpriseCells: one point per aggregation cell at the
//     mean of its enterprises, with count, n_<class> per class of
//     geo.EnterpriseClasses and ch_<chain id> per chain (both only when not
//     0: numbers, which MVT's value table shares between cells) and
//     synthetic; the feature id is the cell, z<<48 | x<<24 | y; or
//   - layer geo.LayerEnterprisePoints: one point per enterprise with id,
//     name, name_en, classes and chains ("|a|b|"), zone_id, city_code,
//     location_quality and synthetic.
//
// An empty tile encodes to no bytes. Nothing is dropped: the store chose
// points or cells so that every match is in the tile (geo.EnterpriseTile).
func EncodeEnterprises(t geo.EnterpriseTile, z, x, y uint32, synthetic bool) ([]byte, error) {
	if len(t.Points) == 0 && len(t.Cells) == 0 {
		return nil, nil
	}
	if len(t.Cells) == 0 {
		return encodeEnterprisePoints(t.Points, z, x, y), nil // enterprise_points.go
	}
	fc := make([]*geojson.Feature, 0, len(t.Cells))
	for i := range t.Cells {
		c := &t.Cells[i]
		f := geojson.NewFeature(orb.Point(c.Point))
		f.ID = uint64(c.Z)<<48 | uint64(c.X)<<24 | uint64(c.Y)
		p := f.Properties
		p["count"] = c.Count
		for k, ec := range geo.EnterpriseClasses {
			if c.Classes[k] > 0 {
				p["n_"+ec.ID] = c.Classes[k]
			}
		}
		for id, n := range c.Chains {
			p["ch_"+id] = n
		}
		p["synthetic"] = synthetic
		fc = append(fc, f)
	}
	layer := &mvt.Layer{Name: geo.LayerEnterpriseCells, Version: 2, Extent: geo.TileExtent, Features: fc}
	layer.ProjectToTile(maptile.New(x, y, maptile.Zoom(z)))
	return mvt.Marshal(mvt.Layers{layer})
}

func wrapList(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return EnterpriseListSep + strings.Join(v, EnterpriseListSep) + EnterpriseListSep
}
