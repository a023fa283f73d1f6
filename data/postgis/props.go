package postgis

import "layoutmap/geo"

// Feature properties. TODO(#3): replace with geo.ZoneProperties,
// geo.AdminProperties and geo.RegionProperties once the memstore branch
// lands them in geo, so both stores produce identical JSON from one function.

func adminProperties(a geo.AdminArea) geo.Properties {
	p := geo.Properties{"code": a.Code, "name": a.Name, "name_en": a.NameEN, "level": a.Level, "source": a.Source}
	if a.ParentCode != "" {
		p["parent_code"] = a.ParentCode
	}
	return p
}

func zoneProperties(z geo.Zone, ts geo.Tiers, year int) geo.Properties {
	tier, h, ok := geo.ZoneTier(ts, z.Revenue, year)
	p := geo.Properties{
		"id": z.ID, "name": z.Name, "name_en": z.NameEN, "level": z.Level, "level_en": z.LevelEN,
		"city_code": z.CityCode, "lead_industries": z.LeadIndustries, "point_quality": z.PointQuality,
		"geom_quality": z.GeomQuality, "source": z.Source, "tier": tier, "chains": z.Chains, "regions": z.Regions,
	}
	if z.CountyCode != "" {
		p["county_code"] = z.CountyCode
	}
	if z.AreaHa != nil {
		p["approved_area_ha"] = *z.AreaHa
	}
	cl := make([]string, len(z.Clusters))
	for i, c := range z.Clusters {
		cl[i] = c.ClusterID
	}
	p["clusters"] = cl
	if ok {
		p["revenue_yi"], p["revenue_year"], p["revenue_measure"], p["revenue_bound"] = h.RevenueYi, h.Year, h.Measure, h.Bound
	}
	return p
}

func regionProperties(r geo.Region) geo.Properties {
	return geo.Properties{"id": r.ID, "name": r.Name, "name_en": r.NameEN, "kind": r.Kind, "members": r.Members, "derived": r.Derived, "source": r.Source}
}
