# bulletin — the two set-up commands are `make run` and `make test`.

GO       ?= go
PORT     ?= 1313
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -X github.com/bulletin-dev/bulletin/internal/cli.Version=$(VERSION)

.PHONY: run test build check bench clean

## run: build the example site and serve it at http://127.0.0.1:$(PORT) with live reload.
## The preview binary leaves out the cloud bucket drivers (-tags preview): previewing never
## calls them, and on a fresh machine they are most of what there is to download and compile.
run:
	@mkdir -p .cache/bin
	$(GO) build -tags preview -ldflags "$(LDFLAGS)" -o .cache/bin/bulletin-preview ./cmd/bulletin
	.cache/bin/bulletin-preview serve --port $(PORT)

## test: vet and run every test with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## build: compile ./bulletin and render the example site into public/
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bulletin ./cmd/bulletin
	./bulletin build

## check: validate config.toml and all content
check:
	$(GO) run ./cmd/bulletin check

## bench: speed and memory at scale, side by side with Hugo (installs Hugo)
bench:
	$(GO) run ./cmd/bench

clean:
	rm -rf public bulletin
