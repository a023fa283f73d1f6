package postgis

import "layoutmap/geo"

// Feature properties come from geo's one property schema, so
// both stores produce identical GeoJSON and CSV (tile properties: geo and
// the SQL of mvt.go).

func adminProperties(a geo.AdminArea) geo.Properties { return geo.AdminProperties(&a) }

func zoneProperties(z geo.Zone, ts geo.Tiers, year int, fam string) geo.Properties {
	return geo.ZoneProperties(&z, ts, year, fam)
}

func regionProperties(r geo.Region) geo.Properties { return geo.RegionProperties(&r) }
