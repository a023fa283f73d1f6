// Package geo is layoutmap's shared vocabulary: domain types (admin areas,
// zones, revenue records, clusters, regions), the one filter contract with its
// validation, revenue tiers, and small geometry helpers.
//
// It does no I/O and imports only the standard library and orb; nothing else
// in this repository may be imported from here. Coordinates are [lon, lat]
// WGS84 (EPSG:4326) unless a name says otherwise.
package geo
