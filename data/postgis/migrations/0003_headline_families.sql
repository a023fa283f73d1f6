-- 0003: headlines per measure family (geo/measure.go, geo/revenue.go).
-- A zone now has one headline per (family, year): revenue-family figures
-- set the revenue tiers, output-value figures only the output tiers
-- (measure=output). period is the headline record's period; eff_bound its
-- bound as a statement about the full year (what tiles call bound).
--
-- layoutmap:recompute-headlines
-- (Migrate recomputes zone_headline with geo.Headline after a migration
-- carrying the line above, so a change of the headline rules ships as a
-- migration with that line and needs no re-import.)
ALTER TABLE layoutmap.zone_headline
    ADD COLUMN family text NOT NULL DEFAULT 'revenue',
    ADD COLUMN period text;
ALTER TABLE layoutmap.zone_headline DROP CONSTRAINT zone_headline_pkey;
ALTER TABLE layoutmap.zone_headline ADD PRIMARY KEY (zone_id, family, year);
ALTER TABLE layoutmap.zone_headline ALTER COLUMN family DROP DEFAULT;

-- A zone whose place is not known (no geocoded point) or whose approved
-- area is unknown has no outline: it is served as its point, and drawn as
-- "location unknown" at its county or city, never as a circle that looks
-- surveyed (geo.Zone.Geom nil, geom_quality NULL).
ALTER TABLE layoutmap.zones ALTER COLUMN geom DROP NOT NULL;
ALTER TABLE layoutmap.zones ALTER COLUMN geom_quality DROP NOT NULL;
