// Package web holds layoutmap's web map as built files: the MapLibre app
// (index.html), the chrome-less iframe page (embed.html), the iframe resize
// script (embed.js), the bundle with MapLibre's worker (assets/) and the
// Noto Sans SC subsets its labels are drawn with (fonts/). The sources and
// their build live beside this file; `make build` (scripts/web.sh) writes
// dist/ before `go build` embeds it. A clean clone still compiles: dist/
// then holds only a placeholder and Built reports false.
//
// web imports nothing of layoutmap; api serves FS.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built files with dist/ as the root ("index.html",
// "assets/app-….js", "fonts/…"). It is read-only and safe for concurrent use.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path; "dist" is a constant.
		panic("web: " + err.Error())
	}
	return sub
}

// Built reports whether fsys holds a built web map (index.html present).
func Built(fsys fs.FS) bool {
	_, err := fs.Stat(fsys, "index.html")
	return err == nil
}
