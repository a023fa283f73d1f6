package api

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/geo/placename"
)

// Search limits: results per request, and the longest query looked at.
const (
	searchDefaultLimit = 10
	searchMaxLimit     = 50
	searchMaxQuery     = 64 // runes
)

// searchKindTitle names each result kind in both languages, for clients
// that show "开发区 / 县区 / 市" beside a result.
var searchKindTitle = map[string]map[string]string{
	placename.KindCity:   {"zh": "市", "en": "city"},
	placename.KindCounty: {"zh": "县区", "en": "county"},
	placename.KindZone:   {"zh": "开发区", "en": "development zone"},
}

// SearchRoutes serves GET /api/v1/search?q=…&limit=…: cities, counties and
// zones whose name, abbreviation (经开区, 高新区, 综保区 …), English name,
// full pinyin or initials match q, best first. The index is built once per
// dataset version.
func SearchRoutes(store data.Store) func(app *fiber.App) {
	h := &searchHandler{store: store}
	return func(app *fiber.App) {
		app.Group(Prefix).Get("/search", h.search)
	}
}

type searchHandler struct {
	store data.Store

	mu      sync.Mutex
	version int64
	index   *placename.Index
}

type searchResult struct {
	placename.Hit
	KindTitle map[string]string `json:"kind_title"`
}

func (h *searchHandler) search(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	if err := onlyParams(q, "q", "limit"); err != nil {
		return err
	}
	var errs geo.FieldErrors
	text := q.Get("q")
	switch n := utf8.RuneCountInString(text); {
	case placename.Normalize(text) == "":
		errs = append(errs, &geo.FieldError{Field: "q", Reason: "required: a name, pinyin (zhengzhou), initials (zzjk) or abbreviation (经开)"})
	case n > searchMaxQuery:
		errs = append(errs, &geo.FieldError{Field: "q", Reason: fmt.Sprintf("longer than %d characters", searchMaxQuery)})
	}
	limit := searchDefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > searchMaxLimit {
			errs = append(errs, &geo.FieldError{Field: "limit", Reason: fmt.Sprintf("must be a whole number from 1 to %d, got %s", searchMaxLimit, quoteClip(v))})
		}
		limit = n
	}
	if len(errs) > 0 {
		return errs
	}
	ix, err := h.indexFor(c.UserContext())
	if err != nil {
		return err
	}
	hits := ix.Search(text, limit)
	results := make([]searchResult, len(hits))
	for i, hit := range hits {
		results[i] = searchResult{Hit: hit, KindTitle: searchKindTitle[hit.Kind]}
	}
	return c.JSON(fiber.Map{
		"query":   text,
		"results": results,
		"links":   []Link{{Href: base(c) + "/search", Rel: "self", Type: ContentTypeJSON}},
	})
}

// indexFor returns the index of the store's current dataset version,
// building it when the version changed. Concurrent first callers wait for
// one build.
func (h *searchHandler) indexFor(ctx context.Context) (*placename.Index, error) {
	v, err := h.store.Version(ctx)
	if err != nil {
		return nil, fmt.Errorf("api: search: dataset version: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.index != nil && h.version == v {
		return h.index, nil
	}
	entries, err := searchEntries(ctx, h.store)
	if err != nil {
		return nil, err
	}
	h.index, h.version = placename.NewIndex(entries), v
	return h.index, nil
}

// searchEntries lists the store's cities, counties and zones. A zone's
// center is its point only when geocoded: a county or city centroid is
// not where the zone is.
func searchEntries(ctx context.Context, store data.Store) ([]placename.Entry, error) {
	var out []placename.Entry
	for _, lv := range []struct{ level, kind string }{{geo.LevelCity, placename.KindCity}, {geo.LevelCounty, placename.KindCounty}} {
		as, err := store.AdminAreas(ctx, lv.level)
		if err != nil {
			return nil, fmt.Errorf("api: search: %s areas: %w", lv.level, err)
		}
		for _, a := range as {
			p := a.LabelPoint
			out = append(out, placename.Entry{Kind: lv.kind, ID: a.Code, Name: a.Name, NameEN: a.NameEN, Center: &p})
		}
	}
	zs, err := store.Zones(ctx, geo.Filter{})
	if err != nil {
		return nil, fmt.Errorf("api: search: zones: %w", err)
	}
	for _, z := range zs {
		e := placename.Entry{Kind: placename.KindZone, ID: z.ID, Name: z.Name, NameEN: z.NameEN}
		if z.PointQuality == geo.PointGeocoded {
			p := orb.Point(z.Point)
			e.Center = &p
		}
		out = append(out, e)
	}
	return out, nil
}
