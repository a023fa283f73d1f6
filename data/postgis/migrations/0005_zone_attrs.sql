-- 0005: a zone's plain attributes (geo.ZoneAttrs: the Attr fields of the
-- zone field table, geo/schema.go) as one jsonb object under their field
-- names, so that a new attribute is a row of the field table, not a
-- migration plus a change to every reader and writer. Queryables and tile
-- columns read them with attrs->>'name' (geo.Field.SQL).

ALTER TABLE layoutmap.zones ADD COLUMN IF NOT EXISTS attrs jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(attrs) = 'object');
