// Command bench measures bulletin at scale and side by side with Hugo; it
// is what `make bench` runs. It builds the bulletin binary once, generates
// synthetic sites with internal/benchgen into a temporary directory, and
// drives the real `bulletin build` and `bulletin publish` commands, printing
// medians over several rounds:
//
//   - full (cold) and no-change builds at (reports, incidents) = (12, 100),
//     (120, 2,000), (120, 10,000): time, pages/s, peak RSS, per-incident cost
//     (against the same reports without incidents, built in the same rounds);
//   - one incident update: rebuild, output files changed, publish to a
//     file:// bucket, objects uploaded;
//   - status page and 503 page bytes;
//   - the live minute cycle on a copy of the example site against a real
//     Prometheus (`collect --only live`, build, publish): with nothing
//     changed, when a component fails and when it recovers;
//   - 2,000 markdown pages built by Hugo (in memory, to disk into an empty
//     directory and over its previous output) alternated with bulletin in
//     the same rounds, with ratios: once for reports that cite figures
//     through shortcodes, once for plain markdown; bulletin's first build
//     of a fresh clone (no .cache/, no public/), its --no-cache build and
//     its rebuilds; Hugo also builds the 10,120 pages of the largest size;
//   - `make run` on a fresh machine (empty module and build caches) until
//     the first page answers;
//   - the Go benchmarks of the pipeline packages, in benchstat format.
//
// The machine is assumed shared and noisy: every figure is a median, and
// the comparison with Hugo is a ratio of medians from the same run.
// Results are also written to bench/out/.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the command line.
type config struct {
	rounds    int
	count     int
	benchtime string
	seed      uint64
	keep      bool
	skipHugo  bool
	skipGo    bool
	skipLive  bool
	// skipFirstRun leaves out `make run` from empty caches.
	skipFirstRun bool
	quick        bool
	outDir       string
	goPackages   string
	// only is the set of sections to run; nil runs them all.
	only map[string]bool
}

// sections are the parts of a run, in the order they run. incident and
// pages measure the sites that scale generates, so they need it.
var sections = []string{"scale", "incident", "pages", "live", "hugo", "firstrun", "go"}

// wants reports whether section s runs.
func (c config) wants(s string) bool {
	switch {
	case c.only != nil:
		return c.only[s]
	case s == "hugo":
		return !c.skipHugo
	case s == "go":
		return !c.skipGo
	case s == "live":
		return !c.skipLive
	case s == "firstrun":
		return !c.skipFirstRun
	}
	return true
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.IntVar(&c.rounds, "rounds", 5, "rounds per figure (the median is reported)")
	fs.IntVar(&c.count, "count", 6, "go test -count for the Go benchmarks")
	fs.StringVar(&c.benchtime, "benchtime", "300ms", "go test -benchtime for the Go benchmarks")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the generated sites")
	fs.BoolVar(&c.keep, "keep", false, "keep the generated sites and print where")
	fs.BoolVar(&c.skipHugo, "skip-hugo", false, "leave out the comparison with Hugo")
	fs.BoolVar(&c.skipGo, "skip-go", false, "leave out the Go benchmarks")
	fs.BoolVar(&c.skipLive, "skip-live", false, "leave out the live cycle (it needs prometheus)")
	fs.BoolVar(&c.skipFirstRun, "skip-firstrun", false, "leave out `make run` from empty module and build caches (it downloads modules)")
	fs.BoolVar(&c.quick, "quick", false, "3 rounds and the two smaller sizes only (a smoke test)")
	fs.StringVar(&c.outDir, "out", "bench/out", "directory for the result files, relative to the module root")
	only := fs.String("only", "", "run only these sections, comma-separated: "+strings.Join(sections, ", ")+" (incident and pages need scale)")
	fs.StringVar(&c.goPackages, "packages", "./internal/content ./internal/markdown ./internal/status/... ./internal/feed ./internal/site", "packages whose Go benchmarks run")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if c.quick {
		c.rounds = min(c.rounds, 3)
		c.count = min(c.count, 3)
	}
	if *only != "" {
		c.only = map[string]bool{}
		for _, s := range strings.Split(*only, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(sections, s) {
				fmt.Fprintf(stderr, "bench: -only: unknown section %q (known: %s)\n", s, strings.Join(sections, ", "))
				return 2
			}
			c.only[s] = true
		}
		if (c.only["incident"] || c.only["pages"]) && !c.only["scale"] {
			fmt.Fprintln(stderr, "bench: -only: incident and pages measure the sites that scale generates; add scale")
			return 2
		}
	}
	if c.rounds < 1 || c.count < 1 {
		fmt.Fprintln(stderr, "bench: -rounds and -count must be at least 1")
		return 2
	}
	b, err := newBench(ctx, c, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	defer b.close()
	if err := b.all(); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}
