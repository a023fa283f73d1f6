package data

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"layoutmap/geo"
)

// PolygonPlacer places a point by testing every outline with orb/planar
// (bounds first): the reference the Placer is tested against. zone is the
// first zone (dataset order) whose outline holds p.
func PolygonPlacer(ds *Dataset) (admin func(orb.Point) (city, county string, ok bool), zone func(orb.Point) string) {
	ab := make([]orb.Bound, len(ds.Admin))
	for i := range ds.Admin {
		ab[i] = ds.Admin[i].Geom.Bound()
	}
	zb := make([]orb.Bound, len(ds.Zones))
	for i := range ds.Zones {
		zb[i] = ds.Zones[i].Geom.Bound()
	}
	admin = func(p orb.Point) (string, string, bool) {
		for i, a := range ds.Admin {
			if a.Level == geo.LevelCounty && ab[i].Contains(p) && planar.MultiPolygonContains(a.Geom, p) {
				return a.ParentCode, a.Code, true
			}
		}
		for i, a := range ds.Admin {
			if a.Level == geo.LevelCity && ab[i].Contains(p) && planar.MultiPolygonContains(a.Geom, p) {
				return a.Code, "", true
			}
		}
		return "", "", false
	}
	zone = func(p orb.Point) string {
		for i, z := range ds.Zones {
			if len(z.Geom) > 0 && zb[i].Contains(p) && planar.MultiPolygonContains(z.Geom, p) {
				return z.ID
			}
		}
		return ""
	}
	return admin, zone
}

// PlacerPolygonsOnly answers as pl does but always by testing the
// polygons (no raster): the rule the raster must agree with exactly.
func PlacerPolygonsOnly(pl *Placer) (admin func(orb.Point) (city, county string, ok bool), zone func(orb.Point) string) {
	admin = func(p orb.Point) (string, string, bool) {
		if i := pl.counties.slowFind(p); i >= 0 {
			return pl.counties.items[i].aux, pl.counties.items[i].code, true
		}
		if i := pl.cities.slowFind(p); i >= 0 {
			return pl.cities.items[i].code, "", true
		}
		return "", "", false
	}
	zone = func(p orb.Point) string {
		if i := pl.zones.slowFind(p); i >= 0 {
			return pl.zones.items[i].code
		}
		return ""
	}
	return admin, zone
}
