-- Used by docs/performance.md ("PostGIS store with ST_AsMVT") (load with psql -f into the layoutmap database).
-- A plain ST_AsMVT-per-request tile over the same layoutmap tables: the
-- same layers, zooms, extent, buffer and properties, but full-resolution
-- outlines (no per-zoom simplification, no cells): what a generic
-- SQL-to-MVT server (pg_tileserv's shape) does on this database.
CREATE SCHEMA IF NOT EXISTS naive;
CREATE OR REPLACE FUNCTION naive.tile(z int, x int, y int) RETURNS bytea LANGUAGE sql STABLE AS $$
WITH e AS (SELECT ST_TileEnvelope(z, x, y) AS env, ST_TileEnvelope(z, x, y, margin => 0.015625) AS benv)
SELECT
  coalesce((SELECT ST_AsMVT(t, 'province', 4096, 'geom', 'fid') FROM (SELECT a.tile_fid AS fid, ST_AsMVTGeom(a.geom_3857, e.env, 4096, 64, true) AS geom, a.code, a.name, a.name_en, a.level, a.parent_code
     FROM layoutmap.admin_areas a, e WHERE a.level = 'province' AND a.geom_3857 && e.benv) t WHERE t.geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'cities', 4096, 'geom', 'fid') FROM (SELECT a.tile_fid AS fid, ST_AsMVTGeom(a.geom_3857, e.env, 4096, 64, true) AS geom, a.code, a.name, a.name_en, a.level, a.parent_code
     FROM layoutmap.admin_areas a, e WHERE a.level = 'city' AND a.geom_3857 && e.benv) t WHERE t.geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'counties', 4096, 'geom', 'fid') FROM (SELECT a.tile_fid AS fid, ST_AsMVTGeom(a.geom_3857, e.env, 4096, 64, true) AS geom, a.code, a.name, a.name_en, a.level, a.parent_code
     FROM layoutmap.admin_areas a, e WHERE z >= 7 AND a.level = 'county' AND a.geom_3857 && e.benv) t WHERE t.geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'regions', 4096, 'geom', 'id') FROM (SELECT r.ord AS id, ST_AsMVTGeom(r.geom_3857, e.env, 4096, 64, true) AS geom, r.id AS rid, r.name, r.name_en, r.kind, r.derived
     FROM layoutmap.planning_regions r, e WHERE r.geom_3857 && e.benv) t WHERE t.geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'zones', 4096, 'geom', 'fid') FROM (SELECT z2.tile_fid AS fid, ST_AsMVTGeom(z2.geom_3857, e.env, 4096, 64, true) AS geom, z2.id, z2.name, z2.name_en, z2.level, z2.city_code, z2.county_code,
       h.revenue_yi, h.revenue_year, h.measure, h.bound, z2.geom_quality, z2.point_quality
     FROM e, layoutmap.zones z2 LEFT JOIN layoutmap.zone_headline h ON h.zone_id = z2.id AND h.year = 0 WHERE z >= 5 AND z2.geom_3857 && e.benv) t WHERE t.geom IS NOT NULL), '')
  || coalesce((SELECT ST_AsMVT(t, 'labels', 4096, 'geom', 'fid') FROM (
       SELECT a.tile_fid AS fid, ST_AsMVTGeom(a.label_3857, e.env, 4096, 64, true) AS geom, a.level AS kind, a.code AS id, a.name, a.name_en, NULL::float8 AS revenue_yi
       FROM layoutmap.admin_areas a, e WHERE (a.level = 'city' OR (a.level = 'county' AND z >= 8)) AND a.label_3857 && e.benv
       UNION ALL
       SELECT z2.tile_fid, ST_AsMVTGeom(z2.point_3857, e.env, 4096, 64, true), 'zone', z2.id, z2.name, z2.name_en, h.revenue_yi
       FROM e, layoutmap.zones z2 LEFT JOIN layoutmap.zone_headline h ON h.zone_id = z2.id AND h.year = 0 WHERE z >= 5 AND z2.point_3857 && e.benv) t WHERE t.geom IS NOT NULL), '')
FROM e
$$;
DROP TABLE IF EXISTS naive.tiles;
CREATE TABLE naive.tiles (z int, i int, x int, y int, PRIMARY KEY (z, i));
