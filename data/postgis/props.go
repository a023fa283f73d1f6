package postgis

import (
	"strings"

	"layoutmap/geo"
)

// Feature and tile properties.
// TODO(#3): after merging the memstore branch, each of these becomes a call
// of its geo counterpart (geo.ZoneProperties, geo.AdminTileProperties …),
// the one property schema both stores share; until then they follow it.

func putStr(p geo.Properties, k, v string) {
	if v != "" {
		p[k] = v
	}
}

func adminProperties(a geo.AdminArea) geo.Properties {
	p := geo.Properties{"code": a.Code}
	putStr(p, "name", a.Name)
	putStr(p, "name_en", a.NameEN)
	putStr(p, "level", a.Level)
	putStr(p, "parent_code", a.ParentCode)
	putStr(p, "source", a.Source)
	return p
}

func zoneProperties(z geo.Zone, ts geo.Tiers, year int) geo.Properties {
	p := zoneTileProperties(z, ts, year)
	if len(z.LeadIndustries) > 0 {
		p["lead_industries"] = z.LeadIndustries
	}
	if z.AreaHa != nil {
		p["approved_area_ha"] = *z.AreaHa
	}
	putStr(p, "source", z.Source)
	return p
}

func regionProperties(r geo.Region) geo.Properties {
	p := regionTileProperties(r)
	p["members"] = r.Members
	putStr(p, "source", r.Source)
	return p
}

func zoneTileProperties(z geo.Zone, ts geo.Tiers, year int) geo.Properties {
	p := geo.Properties{"id": z.ID}
	putStr(p, "name", z.Name)
	putStr(p, "name_en", z.NameEN)
	putStr(p, "level", z.Level)
	putStr(p, "city_code", z.CityCode)
	putStr(p, "county_code", z.CountyCode)
	if len(z.Clusters) > 0 {
		ids := make([]string, len(z.Clusters))
		for i, c := range z.Clusters {
			ids[i] = c.ClusterID
		}
		p["clusters"] = strings.Join(ids, ",")
	}
	putStr(p, "geom_quality", z.GeomQuality)
	putStr(p, "point_quality", z.PointQuality)
	tier, h, ok := geo.ZoneTier(ts, z.Revenue, year)
	p["tier"] = tier
	if ok {
		p["revenue_yi"], p["revenue_year"] = h.RevenueYi, h.Year
		putStr(p, "measure", h.Measure)
		putStr(p, "bound", h.Bound)
	}
	return p
}

func adminTileProperties(a geo.AdminArea) geo.Properties {
	p := adminProperties(a)
	delete(p, "source")
	return p
}

func regionTileProperties(r geo.Region) geo.Properties {
	p := geo.Properties{"id": r.ID, "derived": r.Derived}
	putStr(p, "name", r.Name)
	putStr(p, "name_en", r.NameEN)
	putStr(p, "kind", r.Kind)
	if len(r.Members) > 0 {
		p["members"] = strings.Join(r.Members, ",")
	}
	return p
}

func adminLabelProperties(a geo.AdminArea) geo.Properties {
	p := geo.Properties{"kind": a.Level, "id": a.Code}
	putStr(p, "name", a.Name)
	putStr(p, "name_en", a.NameEN)
	return p
}

func zoneLabelProperties(z geo.Zone, ts geo.Tiers, year int) geo.Properties {
	p := geo.Properties{"kind": "zone", "id": z.ID}
	putStr(p, "name", z.Name)
	putStr(p, "name_en", z.NameEN)
	tier, h, ok := geo.ZoneTier(ts, z.Revenue, year)
	p["tier"] = tier
	if ok {
		p["revenue_yi"] = h.RevenueYi
	}
	return p
}
