-- 0007: pre-aggregated cells of the enterprises tile layer (issue 15's
-- cold-tile targets). An unfiltered enterprise tile, or one filtered by a
-- single chain (the chain view), holding more than
-- geo.EnterpriseTilePoints firms is its aggregation cells (zoom z +
-- geo.EnterpriseCellBits: count, mean point, count per class and per
-- chain). Counting them from a million rows on every request costs a
-- GROUP BY over up to the whole list, so each enterprise import (and a
-- rollback that restores a list) writes the cells of every such tile here,
-- computed from the same rows in the same transaction: readers see the
-- cells of the list they see. Tiles with any other filter, and tiles small
-- enough for points, are still cut from layoutmap.enterprises per request.
--
-- chain is the chain filter ('': none), z the tile zoom, k the cell's quadkey at zoom z + EnterpriseCellBits
-- (geo.MortonKey >> 2*(MortonZoom - z - EnterpriseCellBits)): a tile's
-- cells are one range of k. classes holds the count per class in the
-- order of geo.EnterpriseClasses; chains and chain_counts the count per
-- chain (chains held by at least one firm of the cell).
CREATE TABLE layoutmap.enterprise_cells (
    chain        text NOT NULL,
    z            smallint NOT NULL CHECK (z BETWEEN 0 AND 24),
    k            bigint NOT NULL CHECK (k >= 0),
    count        integer NOT NULL CHECK (count > 0),
    lon          double precision NOT NULL,
    lat          double precision NOT NULL,
    classes      integer[] NOT NULL,
    chains       text[] NOT NULL,
    chain_counts integer[] NOT NULL CHECK (cardinality(chain_counts) = cardinality(chains)),
    PRIMARY KEY (chain, z, k)
);

-- The import now writes point itself (EWKB in a binary COPY, from the
-- same value as lon and lat: postgis.copyEnterprise) instead of having the
-- server build it per row; the values already stored stay.
ALTER TABLE layoutmap.enterprises_a ALTER COLUMN point DROP EXPRESSION;
ALTER TABLE layoutmap.enterprises_b ALTER COLUMN point DROP EXPRESSION;

-- The statistics of the whole list (no filter: per zone, city, chain,
-- cluster and class, geo.EnterpriseStats) and of each chain (filter
-- chain=ID: {"": whole list, ID: that chain}), computed by the import from the
-- rows it loads with the reference rule (geo.EnterpriseStats.Add) and
-- read by /api/v1/stats/enterprises without a filter or with one chain
-- instead of grouping a
-- million rows per request. NULL: not computed (a list loaded before
-- 0007), the statistics are then counted from the rows.
ALTER TABLE layoutmap.enterprise_meta ADD COLUMN stats jsonb;
