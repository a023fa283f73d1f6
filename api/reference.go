package api

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/geo"
	"layoutmap/geo/placename"
)

// reference serves GET /api/v1/reference: what a client needs to show
// figures honestly and readably, from the one place each is defined:
//   - families: the measure families (geo.Families) with their measures in
//     Chinese and English, the default first;
//   - tiers: the store's tiers with their colour (the one palette the web
//     map, /styles/layout.json and the static images use), no_data last;
//   - palettes: the categorical colours (geo.MapPalettes: geo.ClusterPalette
//     by taxonomy position, geo.RegionPalette by region position,
//     geo.OtherColor, geo.DistRamp, geo.ChangeRamp) the static images draw
//     with and the web map reads, so no client keeps a copy;
//   - abbreviations: the usual short forms of zone names (placename.
//     Abbreviations, longest first), which search matches and the web
//     map's province-zoom labels use; abbreviations_en the same for the
//     English names (placename.AbbreviationsEN: ETDZ, High-tech Zone …);
//   - enterprise_classes: the enterprise classes (geo.EnterpriseClasses:
//     id, Chinese and English name) in their order of presentation;
//   - plans: the 2025 targets of 豫政〔2023〕27号 (headline) and earlier
//     plans (history: other years, other kinds of zones);
//   - sources: the shared source list the rows' S-ids refer to (title,
//     publisher, date, citation, addresses), from the bundled dataset's
//     sources.json;
//   - dictionary: English for lead industries, measures and periods.
//
// Sources and dictionary describe the project's shared facts; a PostGIS
// dataset citing ids outside that list shows them unresolved.
func (s *server) reference(c *fiber.Ctx) error {
	if err := s.noParams(c); err != nil {
		return err
	}
	ref, err := bundledReference()
	if err != nil {
		return fmt.Errorf("api: reference: %w", err)
	}
	ts := append(append(geo.Tiers{}, s.cfg.Store.Tiers()...), geo.NoDataTier)
	return c.JSON(fiber.Map{
		"families":                    geo.Families,
		"default_family":              geo.DefaultFamily,
		"tiers":                       ts,
		"palettes":                    geo.MapPalettes(),
		"abbreviations":               abbreviations(placename.Abbreviations),
		"abbreviations_en":            abbreviations(placename.AbbreviationsEN),
		"enterprise_classes":          enterpriseClasses(),
		"lower_bound":                 fiber.Map{"color": geo.LowerBoundColor, "label": "≥ 下限值（至少在此档）", "label_en": "≥ lower bound (at least this tier)"},
		"plans":                       []geo.Plan{geo.PlanTargets2025, geo.PlanTargets2017},
		"zones_per_cluster_rule":      ZonesPerClusterRule,
		"zones_per_cluster_rule_text": fiber.Map{"zh": ZonesPerClusterRuleZH, "en": ZonesPerClusterRuleEN},
		"sources":                     ref.Sources,
		"dictionary":                  ref.Dictionary,
		"links":                       []Link{{Href: base(c) + "/reference", Rel: "self", Type: ContentTypeJSON}},
	})
}

type abbreviation struct {
	Long  string `json:"long"`
	Short string `json:"short"`
}

func abbreviations(table []struct{ Long, Short string }) []abbreviation {
	out := make([]abbreviation, len(table))
	for i, a := range table {
		out[i] = abbreviation{a.Long, a.Short}
	}
	return out
}

type enterpriseClass struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// enterpriseClasses lists geo.EnterpriseClasses (规上 … 链主) in their order
// of presentation, for the web map's class filter, card and legend.
func enterpriseClasses() []enterpriseClass {
	out := make([]enterpriseClass, len(geo.EnterpriseClasses))
	for i, c := range geo.EnterpriseClasses {
		out[i] = enterpriseClass{c.ID, c.Name, c.NameEN}
	}
	return out
}

type referenceData struct {
	Sources    []data.Source
	Dictionary data.Dictionary
}

// bundledReference reads sources.json and dictionary.json of the bundled
// dataset once.
var bundledReference = sync.OnceValues(func() (referenceData, error) {
	var r referenceData
	for name, v := range map[string]any{"sources.json": &r.Sources, "dictionary.json": &r.Dictionary} {
		b, err := henan.FS.ReadFile(name)
		if err != nil {
			return r, fmt.Errorf("reading %s: %w", name, err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			return r, fmt.Errorf("parsing %s: %w", name, err)
		}
	}
	return r, nil
})
