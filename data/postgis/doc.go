// Package postgis is the data.Store over PostgreSQL + PostGIS, with the
// schema's numbered migrations and the SQL the importer runs. All of
// layoutmap's SQL lives here.
//
// Geometry crosses the wire as EWKB decoded with go-geom and is converted to
// orb exactly once, in convert.go. Every value from outside is a bind
// parameter; identifiers (sort keys, collections) come from allow-lists.
// It imports data and geo, never tiles, api or memstore.
package postgis
