-- 0006: the enterprises collection (issue 15): the firms of the key chains
-- from a planner's list (`layoutmap import --enterprises FILE`), resolved
-- by data.ResolveEnterprises (city and county by point-in-polygon, zone
-- stated or by point-in-zone). The columns are the properties of the
-- enterprises field table (geo/enterprise.go, Field.SQL reads them).
--
-- id and name are C-collated so that their B-tree indexes serve the
-- byte-wise orders of items (Go's string order, as the embedded store).
-- qk is geo.MortonKey(point), the quadkey at zoom 24: the points of any
-- tile or aggregation cell are one range of it, so tiles are index range
-- scans and cells a GROUP BY qk >> shift, exactly as the embedded store
-- cuts them. point is derived from lon/lat (it can never disagree) so
-- that the import COPYs plain numbers.

CREATE TABLE layoutmap.enterprises_a (
    id                text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    credit_code       text UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    name              text COLLATE "C" NOT NULL CHECK (name <> ''),
    name_en           text NOT NULL DEFAULT '',
    lon               double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    point             geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    qk                bigint NOT NULL CHECK (qk >= 0),
    location_quality  text NOT NULL CHECK (location_quality IN ('surveyed', 'geocoded', 'county_centroid', 'unstated', 'synthetic')),
    chains            text[] NOT NULL DEFAULT '{}',
    clusters          text[] NOT NULL DEFAULT '{}',
    clusters_derived  boolean NOT NULL DEFAULT false,
    classes           text[] NOT NULL DEFAULT '{}',
    city_code         text NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
    county_code       text CHECK (county_code ~ '^[0-9]{6}$'),
    zone_id           text,
    zone_link         text CHECK (zone_link IN ('stated', 'point_in_zone')),
    zone_geom_quality text CHECK (zone_geom_quality IN ('official', 'approximate')),
    source            text NOT NULL CHECK (source <> ''),
    year              integer CHECK (year > 0),
    CHECK ((zone_id IS NULL) = (zone_link IS NULL))
);
CREATE TABLE layoutmap.enterprises_b (LIKE layoutmap.enterprises_a INCLUDING ALL);

-- Two slots and a view: an import fills the slot not being served
-- (TRUNCATE, COPY without secondary indexes, then one sorted build of each
-- index, which for a million rows is several times faster than keeping
-- them up to date row by row) and points the view at it in the same
-- transaction. Readers keep the old list until commit; the view swap waits
-- only for queries running at that moment (milliseconds). The secondary
-- indexes (GiST on point, B-trees on qk, name and city, GIN on chains and
-- classes for the class and chain filters) are made by the import
-- (postgis.enterpriseIndexes), so one list of them serves both slots.
CREATE VIEW layoutmap.enterprises AS SELECT * FROM layoutmap.enterprises_a;

-- What is loaded (written by each enterprise import, read by
-- /api/v1/enterprises/info and the collection list without a scan of the
-- table): the dataset version whose import loaded it (0: none), counts,
-- bound and sources.
CREATE TABLE layoutmap.enterprise_meta (
    id           boolean PRIMARY KEY DEFAULT true CHECK (id),
    list_version bigint NOT NULL DEFAULT 0,
    slot         text NOT NULL DEFAULT 'a' CHECK (slot IN ('a', 'b')),
    count        integer NOT NULL DEFAULT 0,
    synthetic    integer NOT NULL DEFAULT 0,
    bbox         double precision[] NOT NULL DEFAULT '{}',
    sources      text[] NOT NULL DEFAULT '{}'
);
INSERT INTO layoutmap.enterprise_meta (id) VALUES (true);

-- Each enterprise list as loaded, for rollback: a gzip'd snapshot keyed by
-- the dataset version of its import. Every history row names the list in
-- force at that version (enterprise_list; 0 or NULL: none), so a rollback
-- restores the dataset and the list together. Lists no kept snapshot
-- names are dropped with the snapshots (DefaultKeepVersions).
CREATE TABLE layoutmap.enterprise_lists (
    version  bigint PRIMARY KEY,
    count    integer NOT NULL,
    snapshot bytea NOT NULL
);
ALTER TABLE layoutmap.dataset_versions ADD COLUMN IF NOT EXISTS enterprise_list bigint NOT NULL DEFAULT 0;
