-- 0001: layoutmap's tables (DESIGN.md §2). Geometry in EPSG:4326; a stored
-- Web-Mercator copy (geom_3857, generated so it can never disagree) backs
-- tile queries through its GiST index. Constraints reject impossible data so
-- a bad import fails inside its transaction instead of serving nonsense.

CREATE TABLE layoutmap.dataset_meta (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    version     bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
    vintage     text NOT NULL DEFAULT '',
    attribution text NOT NULL DEFAULT '',
    imported_at timestamptz
);
INSERT INTO layoutmap.dataset_meta (id) VALUES (true);

CREATE TABLE layoutmap.admin_areas (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
    name        text NOT NULL CHECK (name <> ''),
    name_en     text NOT NULL DEFAULT '',
    level       text NOT NULL CHECK (level IN ('province', 'city', 'county')),
    parent_code text REFERENCES layoutmap.admin_areas (code) DEFERRABLE INITIALLY DEFERRED,
    label_point geometry(Point, 4326) NOT NULL,
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    geom_3857   geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    source      text NOT NULL,
    CHECK ((level = 'province') = (parent_code IS NULL))
);
CREATE INDEX admin_areas_geom_idx ON layoutmap.admin_areas USING gist (geom);
CREATE INDEX admin_areas_geom_3857_idx ON layoutmap.admin_areas USING gist (geom_3857);
CREATE INDEX admin_areas_parent_idx ON layoutmap.admin_areas (parent_code);

CREATE TABLE layoutmap.clusters (
    id          text PRIMARY KEY CHECK (id <> ''),
    name        text NOT NULL,
    name_en     text NOT NULL DEFAULT '',
    kind        text NOT NULL CHECK (kind IN ('cluster', 'chain', 'recognised')),
    parent      text REFERENCES layoutmap.clusters (id) DEFERRABLE INITIALLY DEFERRED,
    scale_class text NOT NULL DEFAULT '',
    source      text NOT NULL,
    ord         integer NOT NULL
);

CREATE TABLE layoutmap.cluster_cities (
    cluster_id text NOT NULL REFERENCES layoutmap.clusters (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    city_code  text NOT NULL REFERENCES layoutmap.admin_areas (code) DEFERRABLE INITIALLY DEFERRED,
    ord        integer NOT NULL,
    PRIMARY KEY (cluster_id, city_code)
);

-- cluster_keywords is the explicit table that derives zone→cluster links
-- from lead industries.
CREATE TABLE layoutmap.cluster_keywords (
    keyword    text NOT NULL CHECK (keyword <> ''),
    cluster_id text NOT NULL REFERENCES layoutmap.clusters (id) DEFERRABLE INITIALLY DEFERRED,
    ord        integer NOT NULL,
    PRIMARY KEY (keyword, cluster_id)
);

CREATE TABLE layoutmap.zones (
    id               text PRIMARY KEY CHECK (id <> ''),
    name             text NOT NULL CHECK (name <> ''),
    name_en          text NOT NULL DEFAULT '',
    level            text NOT NULL,
    level_en         text NOT NULL DEFAULT '',
    city_code        text NOT NULL REFERENCES layoutmap.admin_areas (code) DEFERRABLE INITIALLY DEFERRED,
    county_code      text REFERENCES layoutmap.admin_areas (code) DEFERRABLE INITIALLY DEFERRED,
    lead_industries  text[] NOT NULL DEFAULT '{}',
    approved_area_ha double precision CHECK (approved_area_ha >= 0 AND approved_area_ha < 'Infinity'),
    point            geometry(Point, 4326) NOT NULL,
    point_quality    text NOT NULL CHECK (point_quality IN ('geocoded', 'county_centroid', 'city_centroid')),
    geom             geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    geom_3857        geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    geom_quality     text NOT NULL CHECK (geom_quality IN ('official', 'approximate')),
    source           text NOT NULL
);
CREATE INDEX zones_geom_idx ON layoutmap.zones USING gist (geom);
CREATE INDEX zones_geom_3857_idx ON layoutmap.zones USING gist (geom_3857);
CREATE INDEX zones_city_idx ON layoutmap.zones (city_code);

CREATE TABLE layoutmap.zone_revenue (
    id         bigserial PRIMARY KEY,
    zone_id    text NOT NULL REFERENCES layoutmap.zones (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    year       integer NOT NULL CHECK (year BETWEEN 1949 AND 2100),
    revenue_yi double precision NOT NULL CHECK (revenue_yi >= 0 AND revenue_yi < 'Infinity'),
    measure    text NOT NULL CHECK (measure <> ''),
    bound      text NOT NULL CHECK (bound IN ('exact', 'lower', 'upper')),
    period     text NOT NULL DEFAULT 'full_year',
    source     text NOT NULL CHECK (source <> ''),
    ord        integer NOT NULL
);
CREATE INDEX zone_revenue_zone_idx ON layoutmap.zone_revenue (zone_id, year);

-- zone_headline is derived by every import from zone_revenue with
-- geo.Headline (year 0 = each zone's latest figure), so the revenue rules
-- live once in Go and SQL only compares numbers.
CREATE TABLE layoutmap.zone_headline (
    zone_id    text NOT NULL REFERENCES layoutmap.zones (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    year       integer NOT NULL,
    revenue_yi double precision NOT NULL,
    eff_bound  text NOT NULL CHECK (eff_bound IN ('exact', 'lower', 'upper')),
    PRIMARY KEY (zone_id, year)
);

CREATE TABLE layoutmap.zone_clusters (
    zone_id    text NOT NULL REFERENCES layoutmap.zones (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    cluster_id text NOT NULL REFERENCES layoutmap.clusters (id) DEFERRABLE INITIALLY DEFERRED,
    derived    boolean NOT NULL,
    source     text NOT NULL,
    ord        integer NOT NULL,
    PRIMARY KEY (zone_id, cluster_id)
);
CREATE INDEX zone_clusters_cluster_idx ON layoutmap.zone_clusters (cluster_id);

CREATE TABLE layoutmap.zone_chains (
    zone_id  text NOT NULL REFERENCES layoutmap.zones (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    chain_id text NOT NULL REFERENCES layoutmap.clusters (id) DEFERRABLE INITIALLY DEFERRED,
    ord      integer NOT NULL,
    PRIMARY KEY (zone_id, chain_id)
);
CREATE INDEX zone_chains_chain_idx ON layoutmap.zone_chains (chain_id);

CREATE TABLE layoutmap.planning_regions (
    id        text PRIMARY KEY CHECK (id <> ''),
    name      text NOT NULL,
    name_en   text NOT NULL DEFAULT '',
    kind      text NOT NULL CHECK (kind IN ('centre', 'belt', 'demo')),
    derived   boolean NOT NULL DEFAULT false,
    geom      geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    source    text NOT NULL,
    ord       integer NOT NULL
);
CREATE INDEX planning_regions_geom_3857_idx ON layoutmap.planning_regions USING gist (geom_3857);

CREATE TABLE layoutmap.planning_region_members (
    region_id   text NOT NULL REFERENCES layoutmap.planning_regions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    member_code text NOT NULL REFERENCES layoutmap.admin_areas (code) DEFERRABLE INITIALLY DEFERRED,
    role        text NOT NULL DEFAULT '',
    ord         integer NOT NULL,
    PRIMARY KEY (region_id, member_code)
);
CREATE INDEX planning_region_members_code_idx ON layoutmap.planning_region_members (member_code);
