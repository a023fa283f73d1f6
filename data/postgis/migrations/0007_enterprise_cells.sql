-- 0007: pre-aggregated cells of the enterprises tile layer (issue 15's
-- cold-tile targets). An unfiltered enterprise tile holding more than
-- geo.EnterpriseTilePoints firms is its aggregation cells (zoom z +
-- geo.EnterpriseCellBits: count, mean point, count per class and per
-- chain). Counting them from a million rows on every request costs a
-- GROUP BY over up to the whole list, so each enterprise import (and a
-- rollback that restores a list) writes the cells of every such tile here,
-- computed from the same rows in the same transaction: readers see the
-- cells of the list they see. Tiles with a filter, and tiles small enough
-- for points, are still cut from layoutmap.enterprises per request.
--
-- z is the tile zoom, k the cell's quadkey at zoom z + EnterpriseCellBits
-- (geo.MortonKey >> 2*(MortonZoom - z - EnterpriseCellBits)): a tile's
-- cells are one range of k. classes holds the count per class in the
-- order of geo.EnterpriseClasses; chains and chain_counts the count per
-- chain (chains held by at least one firm of the cell).
CREATE TABLE layoutmap.enterprise_cells (
    z            smallint NOT NULL CHECK (z BETWEEN 0 AND 24),
    k            bigint NOT NULL CHECK (k >= 0),
    count        integer NOT NULL CHECK (count > 0),
    lon          double precision NOT NULL,
    lat          double precision NOT NULL,
    classes      integer[] NOT NULL,
    chains       text[] NOT NULL,
    chain_counts integer[] NOT NULL CHECK (cardinality(chain_counts) = cardinality(chains)),
    PRIMARY KEY (z, k)
);
