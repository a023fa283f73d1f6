//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main elsewhere than in a browser says how to build the engine (so that
// go build, vet and staticcheck of ./... see a package on every platform).
func main() {
	fmt.Fprintln(os.Stderr, "sitewasm is the static site's engine: build it with GOOS=js GOARCH=wasm (scripts/web.sh)")
	os.Exit(2)
}
