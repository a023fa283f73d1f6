package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/data"
	"layoutmap/geo"
)

const s02 = "S02: 河南五大方面全力推进新型工业化, 香港商报, 2024-01-25: \"「7」就是打造新材料、新能源汽車、電子信息、先進裝備、現代醫藥、現代食品、現代輕紡7個先進製造業集群\" (traditional-script original)"

var sevenClusters = []data.ClusterRecord{
	{ID: "new_materials", Name: "新材料", NameEN: "New Materials"},
	{ID: "nev", Name: "新能源汽车", NameEN: "New Energy Vehicles"},
	{ID: "electronics", Name: "电子信息", NameEN: "Electronic Information"},
	{ID: "equipment", Name: "先进装备", NameEN: "Advanced Equipment"},
	{ID: "medicine", Name: "现代医药", NameEN: "Modern Medicine"},
	{ID: "food", Name: "现代食品", NameEN: "Modern Food"},
	{ID: "textiles", Name: "现代轻纺", NameEN: "Modern Light Industry and Textiles"},
}

// chainIDs are the stable ids and English names of the chains in chains.csv.
var chainIDs = map[string][2]string{
	"超硬材料":      {"superhard_materials", "Superhard Materials"},
	"尼龙新材料":     {"nylon_materials", "Nylon New Materials"},
	"化工新材料":     {"chemical_materials", "Chemical New Materials"},
	"先进铝基材料":    {"aluminium_materials", "Advanced Aluminium-based Materials"},
	"先进工程机械":    {"construction_machinery", "Advanced Construction Machinery"},
	"先进农机装备":    {"agricultural_machinery", "Advanced Agricultural Machinery"},
	"智能传感器":     {"smart_sensors", "Smart Sensors"},
	"新能源汽车":     {"nev_chain", "New Energy Vehicles"},
	"生物医药":      {"biomedicine", "Biomedicine"},
	"高端医疗器械及卫材": {"medical_devices", "High-end Medical Devices and Sanitary Materials"},
	"冷链食品":      {"cold_chain_food", "Cold-chain Food"},
	"纺织服装":      {"textiles_apparel", "Textiles and Apparel"},
	"预制菜":       {"prepared_dishes", "Prepared Dishes"},
	"纳米材料":      {"nanomaterials", "Nanomaterials"},
	"绿色建筑材料":    {"green_building_materials", "Green Building Materials"},
	"光电":        {"optoelectronics", "Optoelectronics"},
}

var reRecognisedRef = regexp.MustCompile(`(rc\d\d) (\S+)`)

var reParen = regexp.MustCompile(`[(\x{ff08}][^)\x{ff09}]*[)\x{ff09}]`)

// taxonomy builds the clusters, chains, recognised clusters and keyword
// tables of the taxonomy and links every zone to its clusters and chains.
func (b *builder) taxonomy() error {
	chainByName, err := b.clustersAndChains()
	if err != nil {
		return err
	}
	if err := b.recognisedClusters(); err != nil {
		return err
	}
	if err := b.keywords(chainByName); err != nil {
		return err
	}
	return b.linkZones()
}

// clustersAndChains adds the seven clusters and the chains of chains.csv
// (sorted by id), returning each chain's id by name.
func (b *builder) clustersAndChains() (chainByName map[string]string, err error) {
	clusterByName := map[string]string{}
	for _, c := range sevenClusters {
		c.Kind = geo.KindCluster
		c.Source = s02
		b.taxOut.Clusters = append(b.taxOut.Clusters, c)
		clusterByName[c.Name] = c.ID
	}
	chainByName = map[string]string{}
	for i, r := range b.chainRows {
		id, ok := chainIDs[r["chain"]]
		if !ok {
			return nil, fmt.Errorf("henanbuild: chains.csv row %d: no id for chain %q (add it to chainIDs)", i+2, r["chain"])
		}
		c := data.ClusterRecord{ID: id[0], Name: r["chain"], NameEN: id[1], Kind: geo.KindChain, Source: r["source"]}
		if p := r["cluster"]; p != "" {
			if c.Parent, ok = clusterByName[p]; !ok {
				return nil, fmt.Errorf("henanbuild: chains.csv row %d: unknown cluster %q", i+2, p)
			}
		}
		if c.Source == "" {
			return nil, fmt.Errorf("henanbuild: chains.csv row %d: empty source", i+2)
		}
		chainByName[c.Name] = c.ID
		b.taxOut.Chains = append(b.taxOut.Chains, c)
	}
	sort.Slice(b.taxOut.Chains, func(i, j int) bool { return b.taxOut.Chains[i].ID < b.taxOut.Chains[j].ID })
	return chainByName, nil
}

// recognisedClusters adds the recognised clusters of clusters.csv: id =
// "rc" + the row number (stable as long as rows are only appended), their
// cities read from the cities text (a county stands for its city).
func (b *builder) recognisedClusters() error {
	for i, r := range b.clusterRows {
		c := data.ClusterRecord{ID: fmt.Sprintf("rc%02d", i+1), Name: r["name"], Kind: geo.KindRecognised,
			ScaleClass: r["scale_class"], CitiesText: r["cities"], Source: r["source"]}
		c.NameEN = ""
		if c.Source == "" {
			return fmt.Errorf("henanbuild: clusters.csv row %d: empty source", i+2)
		}
		seen := map[string]bool{}
		for _, part := range strings.Split(reParen.ReplaceAllString(r["cities"], ""), "、") {
			part = strings.TrimSpace(part)
			code := b.cityByName[part]
			if code == "" {
				if cc, ok := b.countyBy[part]; ok {
					code = b.byCode[cc].Parent
				}
			}
			if code == "" {
				b.logf("clusters.csv row %d: %q is not a city or county; kept in cities_text only", i+2, part)
				continue
			}
			if !seen[code] {
				seen[code] = true
				c.Cities = append(c.Cities, code)
			}
		}
		sort.Strings(c.Cities)
		b.taxOut.Recognised = append(b.taxOut.Recognised, c)
	}
	return nil
}

// keywords adds the cluster and chain keyword tables, checking that each
// names a known cluster or chain.
func (b *builder) keywords(chainByName map[string]string) error {
	for _, r := range b.clusterKW {
		if _, ok := findCluster(b.taxOut.Clusters, r["cluster_id"]); !ok {
			return fmt.Errorf("henanbuild: cluster_keywords.csv: unknown cluster %q", r["cluster_id"])
		}
		b.taxOut.Keywords = append(b.taxOut.Keywords, data.KeywordRecord{Keyword: r["keyword"], ClusterID: r["cluster_id"], Rationale: r["rationale"]})
	}
	for _, r := range b.chainKW {
		id, ok := chainByName[r["chain"]]
		if !ok {
			return fmt.Errorf("henanbuild: chain_keywords.csv: unknown chain %q", r["chain"])
		}
		b.taxOut.ChainKeywords = append(b.taxOut.ChainKeywords, data.KeywordRecord{Keyword: r["keyword"], ChainID: id, Rationale: r["rationale"]})
	}
	return nil
}

// linkZones links every zone to its clusters and chains: explicit (sourced)
// links of zone_cluster_links.csv first; keyword links only where no
// explicit link to that cluster exists.
func (b *builder) linkZones() error {
	explicit := map[string]map[string]string{}
	for _, r := range b.zoneLinks {
		z := b.zoneByName(r["zone"])
		if z == nil {
			return fmt.Errorf("henanbuild: zone_cluster_links.csv: unknown zone %q", r["zone"])
		}
		if _, ok := findCluster(b.taxOut.Clusters, r["cluster_id"]); !ok {
			return fmt.Errorf("henanbuild: zone_cluster_links.csv: unknown cluster %q", r["cluster_id"])
		}
		// The link cites recognised clusters by id and name: check both.
		for _, m := range reRecognisedRef.FindAllStringSubmatch(r["source"], -1) {
			c, ok := findCluster(b.taxOut.Recognised, m[1])
			if !ok || c.Name != m[2] {
				return fmt.Errorf("henanbuild: zone_cluster_links.csv: %s is not %s in clusters.csv", m[1], m[2])
			}
		}
		if explicit[z.ID] == nil {
			explicit[z.ID] = map[string]string{}
		}
		explicit[z.ID][r["cluster_id"]] = r["source"]
	}
	for i := range b.zonesOut {
		z := &b.zonesOut[i]
		links := map[string]data.ZoneLink{}
		for cid, src := range explicit[z.ID] {
			links[cid] = data.ZoneLink{ClusterID: cid, Derived: false, Source: src}
		}
		z.Clusters = keywordLinks(links, z.LeadIndustries, b.taxOut.Keywords, "cluster_keywords.csv", "; lead industries from the zone's source")
		z.Chains = keywordLinks(map[string]data.ZoneLink{}, z.LeadIndustries, b.taxOut.ChainKeywords, "chain_keywords.csv", "")
	}
	return nil
}

// keywordLinks adds to links (keyed by cluster or chain id) a derived link
// for each keyword of kws that a lead industry contains, unless a link to
// that id exists, and returns the links sorted by id. A keyword record has
// either a cluster or a chain id, so their concatenation is the id. The
// source names the first industry and keyword found, the keyword file and
// note.
func keywordLinks(links map[string]data.ZoneLink, industries []string, kws []data.KeywordRecord, file, note string) []data.ZoneLink {
	for _, ind := range industries {
		for _, kw := range kws {
			id := kw.ClusterID + kw.ChainID
			if _, ok := links[id]; !ok && strings.Contains(ind, kw.Keyword) {
				links[id] = data.ZoneLink{ClusterID: kw.ClusterID, ChainID: kw.ChainID, Derived: true,
					Source: fmt.Sprintf("derived: lead industry %q contains keyword %q (%s)%s", ind, kw.Keyword, file, note)}
			}
		}
	}
	out := make([]data.ZoneLink, 0, len(links))
	for _, l := range links {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ClusterID+out[i].ChainID < out[j].ClusterID+out[j].ChainID })
	return out
}

func findCluster(cs []data.ClusterRecord, id string) (data.ClusterRecord, bool) {
	for _, c := range cs {
		if c.ID == id {
			return c, true
		}
	}
	return data.ClusterRecord{}, false
}

// ---- regions ----

// regionOut is a region being built: its file properties and its outline.
type regionOut struct {
	data.RegionProps
	geom orb.MultiPolygon
}

func (b *builder) regions(ctx context.Context, conn *pgx.Conn, gcj map[string]orb.MultiPolygon) error {
	rows, err := readTable("regions.csv")
	if err != nil {
		return err
	}
	rat, err := readTable("region_rationale.csv")
	if err != nil {
		return err
	}
	rationale := map[string]string{}
	for _, r := range rat {
		rationale[r["id"]] = r["rationale"]
	}
	for _, r := range rows {
		g := regionOut{RegionProps: data.RegionProps{ID: r["id"], Name: r["name"], NameEN: r["name_en"], Kind: r["kind"],
			Members: strings.Fields(r["members"]), Derived: r["derived"] == "true",
			Rationale: rationale[r["id"]], Source: r["source"]}}
		sort.Strings(g.Members)
		for _, m := range g.Members {
			if a, ok := b.byCode[m]; !ok || a.Level != geo.LevelCity {
				return fmt.Errorf("henanbuild: region %s: member %s is not a city", g.ID, m)
			}
		}
		if f := strings.Fields(r["roles"]); len(f) > 0 {
			g.Roles = map[string]string{}
			for _, kv := range f {
				k, v, _ := strings.Cut(kv, "=")
				g.Roles[k] = v
			}
		}
		var parts []string
		for _, m := range g.Members {
			gj, err := json.Marshal(geojson.NewGeometry(gcj["city:"+m]))
			if err != nil {
				return err
			}
			parts = append(parts, string(gj))
		}
		var out string
		err := conn.QueryRow(ctx, `SELECT ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Normalize(
		    clean_parts(polys(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(j), 4326) ORDER BY o)), $2))), 12)
		  FROM unnest($1::text[]) WITH ORDINALITY AS t(j, o)`, parts, outlineSliverM2).Scan(&out)
		if err != nil {
			return fmt.Errorf("henanbuild: region %s union: %w", g.ID, err)
		}
		gg, err := geojson.UnmarshalGeometry([]byte(out))
		if err != nil {
			return err
		}
		mp, ok := gg.Geometry().(orb.MultiPolygon)
		if !ok {
			return fmt.Errorf("henanbuild: region %s: %T", g.ID, gg.Geometry())
		}
		g.geom = mpToWGS(mp)
		b.regionsOut = append(b.regionsOut, g)
	}
	// Zones: the regions of their city.
	for i := range b.zonesOut {
		z := &b.zonesOut[i]
		z.Regions = []string{}
		for _, g := range b.regionsOut {
			for _, m := range g.Members {
				if m == z.CityCode {
					z.Regions = append(z.Regions, g.ID)
				}
			}
		}
		sort.Strings(z.Regions)
	}
	return nil
}
