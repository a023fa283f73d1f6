package postgis

import "layoutmap/geo"

// Feature and tile properties come from geo's one property schema, so
// both stores produce identical GeoJSON, CSV and tiles.

func adminProperties(a geo.AdminArea) geo.Properties { return geo.AdminProperties(&a) }

func zoneProperties(z geo.Zone, ts geo.Tiers, year int, fam string) geo.Properties {
	return geo.ZoneProperties(&z, ts, year, fam)
}

func regionProperties(r geo.Region) geo.Properties { return geo.RegionProperties(&r) }

func zoneTileProperties(z geo.Zone, ts geo.Tiers, year int, fam string) geo.Properties {
	return geo.ZoneTileProperties(&z, ts, year, fam)
}

func adminTileProperties(a geo.AdminArea) geo.Properties { return geo.AdminTileProperties(&a) }

func regionTileProperties(r geo.Region) geo.Properties { return geo.RegionTileProperties(&r) }

func adminLabelProperties(a geo.AdminArea) geo.Properties { return geo.AdminLabelProperties(&a) }

func zoneLabelProperties(z geo.Zone, ts geo.Tiers, year int, fam string) geo.Properties {
	return geo.ZoneLabelProperties(&z, ts, year, fam)
}
