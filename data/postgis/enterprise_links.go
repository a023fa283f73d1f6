package postgis

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"layoutmap/data"
)

// EnterpriseLinks is what an import of zones or admin areas leaves behind
// in a stored enterprise list: its zone links and city/county codes were
// resolved against the dataset of its own import (ListVersion), and a zone
// import does not re-link them (docs/enterprises.md, "Loading": that is
// the list's whole check again, which a planner must see row by row). The
// import's report says how many enterprises are linked to zones that
// changed shape, point or outline quality, or disappeared, and lie in
// admin areas that changed, and tells the planner to import the list again.
type EnterpriseLinks struct {
	// ListVersion is the dataset version the list's links were resolved
	// against (the version of its import); Count its enterprises.
	ListVersion int64 `json:"list_version"`
	Count       int   `json:"count"`
	// ToRemovedZones, ToChangedZones: enterprises linked to zones the
	// import removes, or whose outline, point or outline quality it
	// changes. InChangedAdmin: enterprises whose city or county it
	// changes, adds or removes. ZonesAdded: zones added, which no
	// enterprise is linked to until the list is imported again.
	ToRemovedZones int `json:"to_removed_zones"`
	ToChangedZones int `json:"to_changed_zones"`
	InChangedAdmin int `json:"in_changed_admin_areas"`
	ZonesAdded     int `json:"zones_added"`
	// Message and MessageZH say it in a sentence with what to do.
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
}

// zoneLinkFields are the zone fields an enterprise's link depends on:
// point-in-zone uses the outline (and the point of a zone without one),
// and the link carries the outline's quality.
var zoneLinkFields = []string{"geometry", "point", "geom_quality"}

// enterpriseLinks counts, inside an import's transaction, the stored
// enterprises the dataset change d touches; nil when no list is stored or
// d touches no zone or admin area an enterprise can be linked to.
func enterpriseLinks(ctx context.Context, tx pgx.Tx, d data.Diff) (*EnterpriseLinks, error) {
	var changed []string
	for _, z := range d.ZonesChanged {
		if slices.ContainsFunc(z.Fields, func(f string) bool { return slices.Contains(zoneLinkFields, f) }) {
			changed = append(changed, z.ID)
		}
	}
	admin := slices.Concat(d.AdminAdded, d.AdminRemoved, d.AdminChanged)
	if len(changed)+len(d.ZonesRemoved)+len(d.ZonesAdded)+len(admin) == 0 {
		return nil, nil
	}
	l := &EnterpriseLinks{ZonesAdded: len(d.ZonesAdded)}
	if err := tx.QueryRow(ctx, `SELECT list_version, count FROM layoutmap.enterprise_meta`).Scan(&l.ListVersion, &l.Count); err != nil {
		return nil, fmt.Errorf("enterprise links: %w", err)
	}
	if l.Count == 0 {
		return nil, nil
	}
	if admin == nil {
		admin = []string{}
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE e.zone_id = ANY($1)), count(*) FILTER (WHERE e.zone_id = ANY($2)),
			count(*) FILTER (WHERE e.city_code = ANY($3) OR e.county_code = ANY($3))
		FROM layoutmap.enterprises e`, nonNilStrings(d.ZonesRemoved), nonNilStrings(changed), admin).Scan(&l.ToRemovedZones, &l.ToChangedZones, &l.InChangedAdmin); err != nil {
		return nil, fmt.Errorf("enterprise links: %w", err)
	}
	l.Message = fmt.Sprintf("the stored enterprise list (%d enterprises) keeps the zone links and city/county codes resolved against dataset version %d: "+
		"%d are linked to zones this import removes, %d to zones whose outline, point or outline quality it changes, %d lie in admin areas it changes; "+
		"%d zones are new and hold no enterprise yet. Import the enterprise list again (layoutmap import --enterprises FILE) to re-link it",
		l.Count, l.ListVersion, l.ToRemovedZones, l.ToChangedZones, l.InChangedAdmin, l.ZonesAdded)
	l.MessageZH = fmt.Sprintf("已存企业名录（%d家）的园区关联和市县代码仍按数据版本 %d 确定：其中 %d 家关联的园区被本次导入删除，%d 家关联的园区轮廓、位置或轮廓质量有变，%d 家所在行政区有变；"+
		"新增园区 %d 个，尚无企业关联。请重新导入企业名录（layoutmap import --enterprises 文件）以重新关联",
		l.Count, l.ListVersion, l.ToRemovedZones, l.ToChangedZones, l.InChangedAdmin, l.ZonesAdded)
	return l, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
