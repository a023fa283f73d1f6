// Package static renders static map images for reports: SVG written by
// hand as deterministic XML and PNG rasterized in pure Go
// (golang.org/x/image/vector for paths, golang.org/x/image/font/opentype
// for text), with no browser.
//
// It takes geo types as input (a Scene the caller fills from its store) and
// never imports data or api: the HTTP handler in api gathers the scene,
// this package draws it. Both formats come from one display list, so an SVG
// and a PNG of the same request show the same features, labels and legend.
// In SVG every zone path carries data-zone="<zone id>" and a <title> with
// its name, so the zones an image shows can be checked against the API.
//
// Coordinates: WGS84 lon/lat in, Web Mercator in between, pixels out. Zoom
// follows MapLibre GL (512 px world at zoom 0), so a center/zoom copied from
// the web map's URL frames the same view.
package static
