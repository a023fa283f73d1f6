// Package api is layoutmap's HTTP interface: a Fiber v2 app serving the
// features API in the conventions of OGC API Features Part 1 (landing page,
// conformance, collections, items as GeoJSON per RFC 7946 or CSV), the
// taxonomy and planning regions, an OpenAPI 3.0 description, and the
// liveness/readiness probes.
//
// Handlers are thin: they parse the request (geo.ParseFilter is the one
// filter contract), call the data.Store given in Config, and encode. Every
// error, including unknown routes and panics, leaves through one error
// handler that writes an RFC 9457 application/problem+json body; client
// mistakes are 400 and name the parameter in "invalid-params", never 500.
//
// Other route groups (tiles, statistics, static images, the web map) plug in
// without editing this package's files: each provides a func(*fiber.App) and
// cmd/layoutmap appends it to Config.Extra. New calls them after the API
// routes are registered, so they share the middleware (request id, deadline
// context via c.UserContext(), access log, recover, compression) and the
// problem+json error handler; a handler only has to return an error, for
// example a geo.FieldErrors, data.ErrNotFound or a *fiber.Error. Files named
// api/tiles*.go, api/stats*.go, api/static*.go and api/embed*.go are reserved
// for those groups and may use the package's unexported helpers
// (queryValues, onlyParams, problem types).
//
// api imports tiles, data and geo; never data/memstore or data/postgis
// (cmd/layoutmap injects the store).
package api
