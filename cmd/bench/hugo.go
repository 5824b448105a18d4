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

// hugoCorpus is the side-by-side corpus: 2,000 pages of 500–1,500 words
// (about 1,000 on average). In bulletin they are monthly reports, of which
// the last 24 months have data to cite; Hugo gets the same markdown.
var hugoCorpus = size{2000, 0}

// versusHugo builds the same markdown with Hugo and bulletin, alternating
// the order every round so neither always runs on a warmer machine.
func (b *bench) versusHugo() error {
	b.logf("generating the %d-page corpus for the comparison with Hugo", hugoCorpus.reports)
	dir, site, err := b.generate(hugoCorpus, benchgen.Options{DataMonths: 24, Maintenance: 1})
	if err != nil {
		return err
	}
	hugoDir := filepath.Join(b.work, "hugo-site")
	pages, err := benchgen.HugoSite(dir, hugoDir)
	if err != nil {
		return fmt.Errorf("write hugo site: %w", err)
	}
	_, vout, err := b.r.run(hugoDir, b.hugo, "version")
	if err != nil {
		return err
	}

	hugoMem := func() (sample, error) {
		s, _, err := b.r.run(hugoDir, b.hugo, "--renderToMemory", "--quiet")
		return s, err
	}
	hugoDisk := func() (sample, error) {
		// A full build into an empty destination, as bulletin's is.
		if err := os.RemoveAll(filepath.Join(hugoDir, "public")); err != nil {
			return sample{}, err
		}
		s, _, err := b.r.run(hugoDir, b.hugo, "--quiet")
		return s, err
	}
	cold := func() (sample, error) { return b.build(dir, true) }
	warm := func() (sample, error) { return b.build(dir, false) }
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
	type runFn struct {
		name string
		fn   func() (sample, error)
		got  []sample
	}
	runs := []*runFn{
		{name: "hugo --renderToMemory", fn: hugoMem},
		{name: "hugo (to disk)", fn: hugoDisk},
		{name: "bulletin build (cold)", fn: cold},
		{name: "bulletin build (no change)", fn: warm},
		{name: "bulletin build (one report edited)", fn: oneFile},
	}
	// Warm the page cache and both programs once before measuring.
	for _, r := range runs[:3] {
		if _, err := r.fn(); err != nil {
			return err
		}
	}
	for round := 0; round < b.cfg.rounds; round++ {
		b.logf("hugo side by side, round %d of %d", round+1, b.cfg.rounds)
		order := runs
		if round%2 == 1 {
			// bulletin first on odd rounds (its warm builds must follow its cold one).
			order = append(append([]*runFn{}, runs[2:]...), runs[:2]...)
		}
		for _, r := range order {
			s, err := r.fn()
			if err != nil {
				return err
			}
			r.got = append(r.got, s)
		}
	}
	st := make([]stats, len(runs))
	for i, r := range runs {
		st[i] = summarize(r.got)
	}
	bulletinPages, err := countPages(filepath.Join(dir, "public"))
	if err != nil {
		return err
	}
	hugoPages, err := countPages(filepath.Join(hugoDir, "public"))
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "## Side by side with Hugo: the same %s markdown pages (%s words), %d rounds alternated\n\n", thousands(pages), thousands(site.Words), b.cfg.rounds)
	fmt.Fprintf(b.out, "%s; bulletin writes %s HTML pages, Hugo %s\n\n", firstLine(vout), thousands(bulletinPages), thousands(hugoPages))
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "build\twall\tCPU\tpeak RSS\twall vs hugo (mem)\twall vs hugo (disk)\tRSS vs hugo (mem)\t")
	for i, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, ms(st[i].wall), ms(st[i].cpu), mb(st[i].rssKB),
			ratio(st[i].wall, st[0].wall), ratio(st[i].wall, st[1].wall), ratio(time.Duration(st[i].rssKB), time.Duration(st[0].rssKB)))
	}
	tw.Flush()
	fmt.Fprintln(b.out, "\nratios are bulletin / Hugo: 0.50× means twice as fast (or half the memory).")
	fmt.Fprintln(b.out)

	// Targets against the faster and leaner of Hugo's two modes.
	hugoWall := min(st[0].wall, st[1].wall)
	hugoRSS := min(st[0].rssKB, st[1].rssKB)
	b.checks = append(b.checks,
		check{"2,000 pages: full build ≥ 2× faster than Hugo", fmt.Sprintf("%s vs %s (%s)", ms(st[2].wall), ms(hugoWall), ratio(st[2].wall, hugoWall)), 2*st[2].wall <= hugoWall},
		check{"2,000 pages: peak RSS ≤ ½ Hugo's", fmt.Sprintf("%s vs %s (%s)", mb(st[2].rssKB), mb(hugoRSS), ratio(time.Duration(st[2].rssKB), time.Duration(hugoRSS))), 2*st[2].rssKB <= hugoRSS},
		check{"2,000 pages: no-change rebuild ≥ 10× faster than Hugo", fmt.Sprintf("%s vs %s (%s)", ms(st[3].wall), ms(hugoWall), ratio(st[3].wall, hugoWall)), 10*st[3].wall <= hugoWall},
		check{"2,000 pages: one-file rebuild ≥ 10× faster than Hugo", fmt.Sprintf("%s vs %s (%s)", ms(st[4].wall), ms(hugoWall), ratio(st[4].wall, hugoWall)), 10*st[4].wall <= hugoWall},
	)
	return nil
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
