# bulletin — the two set-up commands are `make run` and `make test`.

GO       ?= go
PORT     ?= 1313
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS  := -X github.com/bulletin-dev/bulletin/internal/cli.Version=$(VERSION)

.PHONY: run test fuzz build check bench clean

## run: build the example site and serve it at http://127.0.0.1:$(PORT) with live reload.
## The preview binary leaves out publish's cloud bucket drivers and collect's API clients
## (-tags preview): previewing never calls them, and on a fresh machine they are most of what
## there is to download and compile.
run:
	@mkdir -p .cache/bin
	$(GO) build -tags preview -ldflags "$(LDFLAGS)" -o .cache/bin/bulletin-preview ./cmd/bulletin
	.cache/bin/bulletin-preview serve --port $(PORT)

## test: vet and run every test with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# Each fuzz target, as package:name; go test -fuzz takes one per run. The
# budget is a count of inputs, not seconds, so that a slow or loaded machine
# still fuzzes each target as much (about 5-20 s each on 2 cores).
FUZZ_TARGETS := internal/content:FuzzParseReport internal/content:FuzzParseIncident \
	internal/content:FuzzParseMaintenance internal/content:FuzzDecodeYAML \
	internal/markdown:FuzzRender internal/config:FuzzParse internal/snapshot:FuzzDecode
FUZZTIME ?= 10000x

## fuzz: run every fuzz target briefly from its corpus in testdata/fuzz (CI runs it after test)
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "fuzz $$name in ./$$pkg ($(FUZZTIME))"; \
		$(GO) test ./$$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

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
