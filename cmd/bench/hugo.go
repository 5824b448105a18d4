package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
)

// hugoCorpus is the side-by-side size: 2,000 pages of 500–1,500 words
// (about 1,000 on average). In bulletin they are monthly reports; Hugo gets
// the same markdown.
var hugoCorpus = size{2000, 0}

// corpus is one body of markdown built by both.
type corpus struct {
	name string
	opts benchgen.Options
}

// corpora are the two the comparison runs on: reports of which the last 24
// months cite figures of their snapshots through shortcodes, and the same
// number of plain-markdown reports (no shortcodes, no data beyond the
// status page's), which is what most reports are.
var corpora = []corpus{
	{"shortcodes", benchgen.Options{DataMonths: 24, Maintenance: 1}},
	{"plain markdown", benchgen.Options{Plain: true, Maintenance: 1}},
}

// versusHugo builds each corpus with Hugo and bulletin.
func (b *bench) versusHugo() error {
	for i, c := range corpora {
		if err := b.versusHugoOn(c, fmt.Sprintf("corpus%d", i)); err != nil {
			return err
		}
	}
	return nil
}

// timed is one kind of build measured over the rounds.
type timed struct {
	name string
	fn   func() (sample, error)
	got  []sample
}

// alternate runs every fn once to warm the page cache, then rounds times,
// in order on even rounds and with the second group first on odd ones, so
// neither program always runs on a warmer machine. A group keeps its order
// (bulletin's rebuilds must follow its full build).
func (b *bench) alternate(label string, first, second []*timed) ([]stats, error) {
	all := append(append([]*timed{}, first...), second...)
	for _, r := range all {
		if _, err := r.fn(); err != nil {
			return nil, err
		}
	}
	for round := 0; round < b.cfg.rounds; round++ {
		b.logf("%s, round %d of %d", label, round+1, b.cfg.rounds)
		order := all
		if round%2 == 1 {
			order = append(append([]*timed{}, second...), first...)
		}
		for _, r := range order {
			s, err := r.fn()
			if err != nil {
				return nil, err
			}
			r.got = append(r.got, s)
		}
	}
	st := make([]stats, len(all))
	for i, r := range all {
		st[i] = summarize(r.got)
	}
	return st, nil
}

// hugoRuns are Hugo's builds of the site in dir: in memory, to disk into an
// empty destination (as a fresh clone's), and to disk over the previous
// build's output.
func (b *bench) hugoRuns(dir string) []*timed {
	return []*timed{
		{name: "hugo --renderToMemory", fn: func() (sample, error) {
			s, _, err := b.r.run(dir, b.hugo, "--renderToMemory", "--quiet")
			return s, err
		}},
		{name: "hugo, to disk, no public/", fn: func() (sample, error) {
			if err := b.discard(filepath.Join(dir, "public")); err != nil {
				return sample{}, err
			}
			s, _, err := b.r.run(dir, b.hugo, "--quiet")
			return s, err
		}},
		{name: "hugo, to disk, over public/", fn: func() (sample, error) {
			s, _, err := b.r.run(dir, b.hugo, "--quiet")
			return s, err
		}},
	}
}

// freshBuild is the first build of a fresh clone: no .cache/, no public/.
func (b *bench) freshBuild(dir string) (sample, error) {
	if err := b.discard(filepath.Join(dir, "public")); err != nil {
		return sample{}, err
	}
	return b.build(dir, true)
}

// versusHugoOn builds corpus c with Hugo and bulletin, alternated.
func (b *bench) versusHugoOn(c corpus, dirName string) error {
	b.logf("generating the %d-page %s corpus for the comparison with Hugo", hugoCorpus.reports, c.name)
	dir := filepath.Join(b.work, dirName)
	opts := c.opts
	opts.Seed, opts.Now, opts.Reports, opts.Incidents = b.cfg.seed, b.now, hugoCorpus.reports, hugoCorpus.incidents
	site, err := benchgen.Generate(dir, opts)
	if err != nil {
		return fmt.Errorf("generate %s corpus: %w", c.name, err)
	}
	hugoDir := dir + "-hugo"
	pages, err := benchgen.HugoSite(dir, hugoDir)
	if err != nil {
		return fmt.Errorf("write hugo site: %w", err)
	}
	_, vout, err := b.r.run(hugoDir, b.hugo, "version")
	if err != nil {
		return err
	}
	// One file changed: a report gains a paragraph, as an author's edit.
	edited := filepath.Join(dir, "content", "reports", site.Reports[len(site.Reports)/2]+".md")
	edits := 0
	oneFile := func() (sample, error) {
		edits++
		f, err := os.OpenFile(edited, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return sample{}, err
		}
		fmt.Fprintf(f, "\nAn edit, number %d, to see what one changed file costs.\n", edits)
		if err := f.Close(); err != nil {
			return sample{}, err
		}
		return b.build(dir, false)
	}
	hugo := b.hugoRuns(hugoDir)
	bulletin := []*timed{
		{name: "bulletin build, fresh clone (no .cache/, no public/)", fn: func() (sample, error) { return b.freshBuild(dir) }},
		{name: "bulletin build --no-cache, over public/", fn: func() (sample, error) {
			s, _, err := b.r.run(dir, b.bin, "build", "-q", "--no-cache")
			return s, err
		}},
		{name: "bulletin build, no .cache/, over public/", fn: func() (sample, error) { return b.build(dir, true) }},
		{name: "bulletin build, no change", fn: func() (sample, error) { return b.build(dir, false) }},
		{name: "bulletin build, one report edited", fn: oneFile},
	}
	st, err := b.alternate("hugo side by side ("+c.name+")", hugo, bulletin)
	if err != nil {
		return err
	}
	bulletinPages, err := countPages(filepath.Join(dir, "public"))
	if err != nil {
		return err
	}
	hugoPages, err := countPages(filepath.Join(hugoDir, "public"))
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "## Side by side with Hugo, %s: the same %s markdown pages (%s words), %d rounds alternated\n\n", c.name, thousands(pages), thousands(site.Words), b.cfg.rounds)
	fmt.Fprintf(b.out, "%s; bulletin writes %s HTML pages, Hugo %s\n\n", firstLine(vout), thousands(bulletinPages), thousands(hugoPages))
	hugoBest := b.printVersus(append(hugo, bulletin...), st, len(hugo))

	// Targets against the fastest and leanest of Hugo's modes.
	hs := st[len(hugo):]
	full := func(what string, s stats) []check {
		return []check{
			{fmt.Sprintf("2,000 pages, %s, %s: ≤ 0.5× Hugo's time", c.name, what), fmt.Sprintf("%s vs %s (%s)", ms(s.wall), ms(hugoBest.wall), ratio(s.wall, hugoBest.wall)), 2*s.wall <= hugoBest.wall},
			{fmt.Sprintf("2,000 pages, %s, %s: peak RSS ≤ ½ Hugo's", c.name, what), fmt.Sprintf("%s vs %s (%s)", mb(s.rssKB), mb(hugoBest.rssKB), ratio(time.Duration(s.rssKB), time.Duration(hugoBest.rssKB))), 2*s.rssKB <= hugoBest.rssKB},
		}
	}
	rebuild := func(what string, s stats) check {
		return check{fmt.Sprintf("2,000 pages, %s, %s: ≤ 0.1× Hugo's full build", c.name, what), fmt.Sprintf("%s vs %s (%s)", ms(s.wall), ms(hugoBest.wall), ratio(s.wall, hugoBest.wall)), 10*s.wall <= hugoBest.wall}
	}
	b.checks = append(b.checks, full("first build of a fresh clone", hs[0])...)
	b.checks = append(b.checks, full("--no-cache build", hs[1])...)
	b.checks = append(b.checks, full("build without .cache/", hs[2])...)
	b.checks = append(b.checks, rebuild("no-change rebuild", hs[3]), rebuild("one-report rebuild", hs[4]))
	return nil
}

// printVersus prints the table of runs, of which the first nHugo are
// Hugo's, with every run's ratios to each of Hugo's; it returns the best
// of Hugo's wall times and peak RSS.
func (b *bench) printVersus(runs []*timed, st []stats, nHugo int) stats {
	best := st[0]
	for _, s := range st[1:nHugo] {
		best.wall, best.rssKB = min(best.wall, s.wall), min(best.rssKB, s.rssKB)
	}
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "build\twall\tCPU\tpeak RSS\t")
	for _, r := range runs[:nHugo] {
		fmt.Fprintf(tw, "wall vs %s\t", r.name)
	}
	fmt.Fprintln(tw, "RSS vs Hugo's least\t")
	for i, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t", r.name, ms(st[i].wall), ms(st[i].cpu), mb(st[i].rssKB))
		for j := range nHugo {
			fmt.Fprintf(tw, "%s\t", ratio(st[i].wall, st[j].wall))
		}
		fmt.Fprintf(tw, "%s\t\n", ratio(time.Duration(st[i].rssKB), time.Duration(best.rssKB)))
	}
	tw.Flush()
	fmt.Fprintln(b.out, "\nratios are bulletin / Hugo: 0.50× means twice as fast (or half the memory); targets are against Hugo's fastest mode and least memory.")
	fmt.Fprintln(b.out)
	return best
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

func firstLine(b []byte) string {
	s := bufio.NewScanner(bytes.NewReader(b))
	if s.Scan() {
		return strings.TrimSpace(s.Text())
	}
	return "hugo"
}

// goBenchmarks runs the Go benchmarks of the pipeline packages; their output
// is printed as go test writes it (benchstat reads it as is) and saved to
// bench/out/gobench.txt for comparing runs: benchstat old.txt new.txt.
func (b *bench) goBenchmarks() error {
	b.logf("running the Go benchmarks (-count %d)", b.cfg.count)
	args := []string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", fmt.Sprint(b.cfg.count), "-benchtime", b.cfg.benchtime}
	args = append(args, strings.Fields(b.cfg.goPackages)...)
	_, out, err := b.r.run(b.root, "go", args...)
	if err != nil {
		return err
	}
	path := filepath.Join(b.root, b.cfg.outDir, "gobench.txt")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(b.out, "## Go benchmarks (go %s; saved to %s for benchstat)\n\n", strings.Join(args, " "), filepath.Join(b.cfg.outDir, "gobench.txt"))
	// Keep benchstat's input intact: header lines, results and package lines.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "goos:") || strings.HasPrefix(line, "goarch:") ||
			strings.HasPrefix(line, "pkg:") || strings.HasPrefix(line, "cpu:") {
			fmt.Fprintln(b.out, line)
		}
	}
	fmt.Fprintln(b.out)
	return nil
}
