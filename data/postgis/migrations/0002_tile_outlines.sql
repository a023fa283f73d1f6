-- 0002: what ST_AsMVT tiles need so one SQL round trip builds a tile that
-- decodes like the embedded store's orb tile (mvt.go).
--
-- tile_outlines holds the province, city, county and planning-region
-- outlines simplified per zoom in Go at import, with the embedded store's
-- Douglas–Peucker (geo.SimplifyTolerance), in Web Mercator. A row covers
-- the zooms zmin..zmax over which the simplified shape is the same, so a
-- z5 tile reads a few hundred vertices instead of ST_AsMVTGeom reducing
-- full-resolution outlines on every request. Rows are derived data:
-- every import rewrites them, Migrate fills them for existing data.
CREATE TABLE layoutmap.tile_outlines (
    layer     text NOT NULL CHECK (layer IN ('province', 'cities', 'counties', 'regions')),
    id        text NOT NULL,
    fid       bigint NOT NULL CHECK (fid >= 0),
    zmin      smallint NOT NULL,
    zmax      smallint NOT NULL CHECK (zmax >= zmin),
    -- From the zoom the cells start (mvt.go: cellZoom), a shape is stored
    -- cut into the XYZ tiles of that zoom (cx, cy), each piece grown by the
    -- tile buffer: a z14 tile then clips a piece of a few hundred vertices,
    -- not a province of ten thousand. -1: the whole shape.
    cx        integer NOT NULL DEFAULT -1,
    cy        integer NOT NULL DEFAULT -1,
    geom_3857 geometry(MultiPolygon, 3857) NOT NULL,
    PRIMARY KEY (layer, id, zmin, cx, cy)
);
CREATE INDEX tile_outlines_geom_3857_idx ON layoutmap.tile_outlines USING gist (geom_3857);
CREATE INDEX tile_outlines_cell_idx ON layoutmap.tile_outlines (cx, cy);

-- The headline record's own year, measure and bound (geo.Headline), which
-- tiles carry as revenue_year, measure and bound; eff_bound stays the
-- filter's bound. Filled by every import and revenue import.
ALTER TABLE layoutmap.zone_headline
    ADD COLUMN revenue_year integer,
    ADD COLUMN measure text,
    ADD COLUMN bound text;

-- Label points in Web Mercator, for the labels layer's && test.
ALTER TABLE layoutmap.admin_areas
    ADD COLUMN label_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(label_point, 3857)) STORED;
ALTER TABLE layoutmap.zones
    ADD COLUMN point_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(point, 3857)) STORED;
CREATE INDEX zones_point_3857_idx ON layoutmap.zones USING gist (point_3857);

-- geo.TileFeatureID of each row (a hash for non-numeric ids, so computed in
-- Go at import): the MVT feature id ST_AsMVT writes.
ALTER TABLE layoutmap.admin_areas ADD COLUMN tile_fid bigint CHECK (tile_fid >= 0);
ALTER TABLE layoutmap.zones ADD COLUMN tile_fid bigint CHECK (tile_fid >= 0);
