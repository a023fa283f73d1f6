-- 0009: the scope of a revenue figure (geo.Revenue.Scope, the field
-- "scope"): 'zone' when it counts the whole zone, otherwise the one part of
-- the zone it counts as the source names it (an industry such as 食品产业,
-- or a smaller area such as 航空港产业集聚区). A part's figure is a lower
-- bound of the zone's (geo.EffectiveBound), so headlines are recomputed.
-- Scope is part of a figure's key (data.RevenueKey): a zone's food-industry
-- figure and its whole revenue of one year are two figures.
--
-- layoutmap:recompute-headlines
ALTER TABLE layoutmap.zone_revenue
    ADD COLUMN IF NOT EXISTS scope text NOT NULL DEFAULT 'zone'
    CHECK (scope <> '' AND char_length(scope) <= 40);
ALTER TABLE layoutmap.zone_headline ADD COLUMN IF NOT EXISTS scope text;

-- Figures imported before this migration from the bundled dataset carry
-- their scope only in their source text, as cmd/henanbuild wrote it
-- ("… [scope: 食品产业 only]", "… [scope: 2019年一季度 only; published as
-- 航空港产业集聚区, …]"). Read it back with the builder's rule
-- (cmd/henanbuild revenueScope): "published as X" names the part counted;
-- otherwise "X only" where X is not a part of a year (年, 季度, 月).
UPDATE layoutmap.zone_revenue
   SET scope = m[1]
  FROM (SELECT id AS rid, regexp_match(source, '\[scope: (?:[^]]*; )?published as ([^],;]+)') AS m
          FROM layoutmap.zone_revenue) x
 WHERE id = x.rid AND x.m IS NOT NULL AND scope = 'zone';
UPDATE layoutmap.zone_revenue
   SET scope = m[1]
  FROM (SELECT id AS rid, regexp_match(source, '\[scope: (?:[^]]*; )?([^];]+) only[];]') AS m
          FROM layoutmap.zone_revenue) x
 WHERE id = x.rid AND x.m IS NOT NULL AND x.m[1] !~ '(年|季度|月)' AND scope = 'zone';
