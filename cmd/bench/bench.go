package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
)

// size is a generated site shape.
type size struct{ reports, incidents int }

func (s size) String() string {
	return fmt.Sprintf("%d reports, %s incidents", s.reports, thousands(s.incidents))
}

func (s size) dirName() string { return fmt.Sprintf("site-r%d-i%d", s.reports, s.incidents) }

// The sizes the issue asks for, and the same reports without incidents, so
// that the cost of the incidents can be told apart from that of the reports.
var sizes = []size{{12, 100}, {120, 2000}, {120, 10000}}

// result is one row of the size table.
type result struct {
	size        size
	pages       int
	cold, warm  stats
	perIncident time.Duration // (cold − cold without incidents) / incidents
}

// bench holds one run.
type bench struct {
	cfg  config
	r    runner
	root string // module root
	work string // temporary directory
	bin  string // the bulletin binary
	hugo string // the hugo binary
	// prometheus is the prometheus binary.
	prometheus string
	out        io.Writer
	log        io.Writer
	now        time.Time
	report     *os.File // bench/out/results.txt
	checks     []check
	// trashed counts the trees moved aside by discard.
	trashed int

	results map[size]result
}

// check is one target and whether this run met it.
type check struct {
	target, measured string
	ok               bool
}

func newBench(ctx context.Context, c config, stdout, stderr io.Writer) (*bench, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: c, root: root, log: stderr, now: time.Now(), results: map[size]result{}}
	b.r = runner{ctx: ctx, env: os.Environ()}
	if c.wants("hugo") {
		if b.hugo, err = ensureHugo(ctx, stderr); err != nil {
			return nil, err
		}
	}
	if c.wants("live") {
		if b.prometheus, err = requirePrometheus(); err != nil {
			return nil, err
		}
	}
	b.work, err = os.MkdirTemp("", "bulletin-bench-")
	if err != nil {
		return nil, err
	}
	outDir := filepath.Join(root, c.outDir)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	if b.report, err = os.Create(filepath.Join(outDir, "results.txt")); err != nil {
		return nil, err
	}
	b.out = io.MultiWriter(stdout, b.report)
	return b, nil
}

func (b *bench) close() {
	if b.report != nil {
		b.report.Close()
	}
	if b.cfg.keep {
		os.RemoveAll(b.trash())
		fmt.Fprintf(b.log, "bench: sites kept in %s\n", b.work)
		return
	}
	os.RemoveAll(b.work)
}

// trash is where discard moves what a measured run must start without.
func (b *bench) trash() string { return filepath.Join(b.work, "trash") }

// discard makes p absent for the next measurement by moving it into the
// trash, which is emptied when the run ends. Deleting it instead would
// slow the files the next build creates: ext4 without a journal (the disk
// of many VMs and CI runners) skips inodes freed in the last 60 to 360
// seconds when it allocates, checking each one, so a build that follows
// the deletion of the previous round's 20,000 files spent most of its
// time in the kernel's recently_deleted (perf, 2026-12-07) — something a
// fresh clone, whose files are new, never meets.
func (b *bench) discard(p string) error {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := os.MkdirAll(b.trash(), 0o755); err != nil {
		return err
	}
	b.trashed++
	return os.Rename(p, filepath.Join(b.trash(), strconv.Itoa(b.trashed)))
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run bench inside bulletin's module (make bench)")
	}
	return filepath.Dir(mod), nil
}

// ensureHugo returns the path of hugo, installing the Debian package when
// it is missing and we are root.
func ensureHugo(ctx context.Context, log io.Writer) (string, error) {
	if p, err := exec.LookPath("hugo"); err == nil {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("hugo is not installed: run `sudo apt-get install -y hugo` (Debian/Ubuntu) and `make bench` again, or `go run ./cmd/bench -skip-hugo`")
	}
	fmt.Fprintln(log, "bench: installing hugo with apt-get")
	install := func() error {
		cmd := exec.CommandContext(ctx, "apt-get", "install", "-y", "--no-install-recommends", "hugo")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = log, log
		return cmd.Run()
	}
	if err := install(); err != nil {
		// A fresh container has no package lists yet.
		update := exec.CommandContext(ctx, "apt-get", "update")
		update.Stdout, update.Stderr = log, log
		if uerr := update.Run(); uerr != nil {
			return "", fmt.Errorf("apt-get update: %w", uerr)
		}
		if err := install(); err != nil {
			return "", fmt.Errorf("apt-get install hugo: %w", err)
		}
	}
	return exec.LookPath("hugo")
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// all runs every section and the target summary.
func (b *bench) all() error {
	start := time.Now()
	if err := b.buildBinary(); err != nil {
		return err
	}
	fmt.Fprintf(b.out, "bulletin bench — %s, %d CPUs, %s, %d rounds per figure (medians)\n\n", runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), runtime.Version(), b.cfg.rounds)
	steps := map[string]func() error{
		"scale": b.scale, "incident": b.incidentUpdate, "pages": b.pageSizes,
		"live": b.liveCycle, "hugo": b.versusHugo, "firstrun": b.firstRun, "go": b.goBenchmarks,
	}
	for _, name := range sections {
		if !b.cfg.wants(name) {
			continue
		}
		if err := steps[name](); err != nil {
			return err
		}
	}
	b.printChecks()
	fmt.Fprintf(b.out, "\nbench finished in %s\n", time.Since(start).Round(time.Second))
	return nil
}

func (b *bench) buildBinary() error {
	b.bin = filepath.Join(b.work, "bulletin")
	b.logf("building bulletin")
	_, _, err := b.r.run(b.root, "go", "build", "-o", b.bin, "./cmd/bulletin")
	return err
}

// generate writes a site of size s (once per run).
func (b *bench) generate(s size, opts benchgen.Options) (string, *benchgen.Site, error) {
	dir := filepath.Join(b.work, s.dirName())
	opts.Seed, opts.Now, opts.Reports, opts.Incidents = b.cfg.seed, b.now, s.reports, s.incidents
	site, err := benchgen.Generate(dir, opts)
	if err != nil {
		return "", nil, fmt.Errorf("generate %s: %w", s, err)
	}
	return dir, site, nil
}

// build runs `bulletin build` on dir; cold builds start without a cache.
func (b *bench) build(dir string, cold bool) (sample, error) {
	if cold {
		if err := b.discard(filepath.Join(dir, ".cache")); err != nil {
			return sample{}, err
		}
	}
	s, _, err := b.r.run(dir, b.bin, "build", "-q")
	return s, err
}

// buildRounds runs rounds cold builds (those of a fresh clone: no .cache/,
// no public/) and rounds warm builds, alternating, with cold builds of the
// site in baseDir when it is not "" and Hugo's builds of the same pages in
// hugoDir when it is not "", all in the same rounds: a difference between
// two of them is then not a difference between two stretches of a machine
// whose speed drifts.
func (b *bench) buildRounds(dir, baseDir, hugoDir string) (cold, warm, base stats, hugo []stats, err error) {
	bulletin := []*timed{
		{name: "cold", fn: func() (sample, error) { return b.freshBuild(dir) }},
		{name: "warm", fn: func() (sample, error) { return b.build(dir, false) }},
	}
	var other []*timed
	if baseDir != "" {
		other = append(other, &timed{name: "base cold", fn: func() (sample, error) { return b.freshBuild(baseDir) }})
	}
	if hugoDir != "" {
		other = append(other, b.hugoRuns(hugoDir)...)
	}
	st, err := b.alternate("builds of "+filepath.Base(dir), bulletin, other)
	if err != nil {
		return cold, warm, base, nil, err
	}
	cold, warm, rest := st[0], st[1], st[2:]
	if baseDir != "" {
		base, rest = rest[0], rest[1:]
	}
	return cold, warm, base, rest, nil
}

func (b *bench) scale() error {
	list := sizes
	if b.cfg.quick {
		list = sizes[:2]
	}
	// The sites of the same reports without incidents, by report count:
	// each sized site's rounds build its base too (see buildRounds).
	bases := map[int]string{}
	type hugoRow struct {
		size size
		st   []stats
	}
	var hugoRows []hugoRow
	fmt.Fprintln(b.out, "## Build at scale (cold: a fresh clone's first build, no .cache/ and no public/; no change: second build, cache warm)")
	fmt.Fprintln(b.out)
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "reports\tincidents\tpages\tcold build\tCPU\tpages/s\tpeak RSS\tper incident\tno-change build\tpeak RSS\t")
	var baseNotes []string
	for _, s := range list {
		if _, ok := bases[s.reports]; !ok && s.incidents > 0 {
			b.logf("generating %d reports without incidents", s.reports)
			dir, _, err := b.generate(size{s.reports, 0}, benchgen.Options{})
			if err != nil {
				return err
			}
			bases[s.reports] = dir
		}
		b.logf("generating and building %s", s)
		dir, _, err := b.generate(s, benchgen.Options{})
		if err != nil {
			return err
		}
		hugoDir := ""
		if s.incidents >= 10000 && b.hugo != "" {
			// The same pages built by Hugo, so the ratio is visible.
			hugoDir = dir + "-hugo"
			if _, err := benchgen.HugoSite(dir, hugoDir); err != nil {
				return fmt.Errorf("write hugo site: %w", err)
			}
		}
		cold, warm, base, hugo, err := b.buildRounds(dir, bases[s.reports], hugoDir)
		if err != nil {
			return err
		}
		if len(hugo) > 0 {
			hugoRows = append(hugoRows, hugoRow{s, hugo})
		}
		pages, err := countPages(filepath.Join(dir, "public"))
		if err != nil {
			return err
		}
		res := result{size: s, pages: pages, cold: cold, warm: warm}
		if s.incidents > 0 {
			res.perIncident = (cold.wall - base.wall) / time.Duration(s.incidents)
			baseNotes = append(baseNotes, fmt.Sprintf("%d reports %s (rounds of %s incidents)", s.reports, ms(base.wall), thousands(s.incidents)))
		}
		b.results[s] = res
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t\n", s.reports, thousands(s.incidents), thousands(pages),
			ms(cold.wall), ms(cold.cpu), float64(pages)/cold.wall.Seconds(), mb(cold.rssKB),
			us(res.perIncident), ms(warm.wall), mb(warm.rssKB))
	}
	tw.Flush()
	fmt.Fprintf(b.out, "\nper incident = (cold build − cold build of the same reports without incidents, in the same rounds) / incidents; without incidents: %s\n\n",
		strings.Join(baseNotes, ", "))
	for _, h := range hugoRows {
		res := b.results[h.size]
		fmt.Fprintf(b.out, "Hugo building the same %s pages (reports and incidents, minimal templates):\n\n", thousands(h.size.reports+h.size.incidents))
		tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "build\twall\tCPU\tpeak RSS\tbulletin cold vs it (wall)\tbulletin cold vs it (RSS)\t")
		for i, r := range b.hugoRuns("") {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, ms(h.st[i].wall), ms(h.st[i].cpu), mb(h.st[i].rssKB),
				ratio(res.cold.wall, h.st[i].wall), ratio(time.Duration(res.cold.rssKB), time.Duration(h.st[i].rssKB)))
		}
		tw.Flush()
		fmt.Fprintln(b.out)
	}

	if big, ok := b.results[size{120, 10000}]; ok {
		b.checks = append(b.checks,
			check{"120 reports + 10,000 incidents: full build < 1 s", ms(big.cold.wall), big.cold.wall < time.Second},
			check{"120 reports + 10,000 incidents: peak RSS < 150 MB", mb(big.cold.rssKB), big.cold.rssKB < 150*1024})
		if mid, ok := b.results[size{120, 2000}]; ok && mid.perIncident > 0 {
			r := float64(big.perIncident) / float64(mid.perIncident)
			b.checks = append(b.checks, check{"linear: per-incident cost at 10,000 within 1.5× of that at 2,000",
				fmt.Sprintf("%s vs %s (%.2f×)", us(big.perIncident), us(mid.perIncident), r), r <= 1.5})
		}
	}
	return nil
}

// incidentUpdate measures what on-call does during an outage: append an
// update to an open incident, build, publish.
func (b *bench) incidentUpdate() error {
	s := sizes[2]
	if b.cfg.quick {
		s = sizes[1]
	}
	dir := filepath.Join(b.work, s.dirName())
	bucket := filepath.Join(b.work, "bucket-"+s.dirName())
	if err := os.MkdirAll(bucket, 0o755); err != nil {
		return err
	}
	site, err := openSlug(dir)
	if err != nil {
		return err
	}
	b.logf("incident updates on %s", s)
	publishArgs := []string{"publish", "--to", "file://" + filepath.ToSlash(bucket), "--metrics-file", filepath.Join(b.work, "publish.prom")}
	// The baseline: the site as built and published before the outage.
	if _, err := b.build(dir, false); err != nil {
		return err
	}
	if _, _, err := b.r.run(dir, b.bin, publishArgs...); err != nil {
		return err
	}
	// On-call's updates are minutes apart; cycleGap apart is what matters
	// of that (see cycleGap): back to back, each publish would verify the
	// last one's uploads again within its racy window.
	published := time.Now()
	var builds, publishes, totals []sample
	var changed, uploaded []int64
	var lastChanged []string
	for i := 0; i < b.cfg.rounds; i++ {
		before, err := tree(filepath.Join(dir, "public"))
		if err != nil {
			return err
		}
		pauseAfter(b.r.ctx, published)
		msg := fmt.Sprintf("Update %d: we are still working on it.", i+1)
		if _, _, err := b.r.run(dir, b.bin, "incident", "update", site, "-m", msg); err != nil {
			return err
		}
		bs, err := b.build(dir, false)
		if err != nil {
			return err
		}
		ps, _, err := b.r.run(dir, b.bin, publishArgs...)
		if err != nil {
			return err
		}
		published = time.Now()
		after, err := tree(filepath.Join(dir, "public"))
		if err != nil {
			return err
		}
		n, err := metric(filepath.Join(b.work, "publish.prom"), "bulletin_publish_objects_uploaded")
		if err != nil {
			return err
		}
		lastChanged = diffTrees(before, after)
		builds, publishes = append(builds, bs), append(publishes, ps)
		totals = append(totals, sample{wall: bs.wall + ps.wall, cpu: bs.cpu + ps.cpu, rssKB: max(bs.rssKB, ps.rssKB)})
		changed, uploaded = append(changed, int64(len(lastChanged))), append(uploaded, n)
	}
	bst, pst, tst := summarize(builds), summarize(publishes), summarize(totals)
	fmt.Fprintf(b.out, "## One incident update (%s): `bulletin incident update`, then build and publish to a file:// bucket, %s after the last publish\n\n", s, cycleGap)
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rebuild\tpeak RSS\toutput files changed\tpublish\tobjects uploaded\tbuild + publish\t")
	fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t\n", ms(bst.wall), mb(bst.rssKB), median(changed), ms(pst.wall), median(uploaded), ms(tst.wall))
	tw.Flush()
	fmt.Fprintf(b.out, "\nfiles changed by the last update: %s\n\n", strings.Join(limit(lastChanged, 30), " "))
	b.checks = append(b.checks,
		check{"one incident update: rebuild + publish < 1 s", ms(tst.wall), tst.wall < time.Second},
		check{"one incident update: ≤ 15 objects uploaded", strconv.FormatInt(median(uploaded), 10), median(uploaded) <= 15})
	return nil
}

// openSlug returns the slug of an open incident of the generated site in dir.
func openSlug(dir string) (string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "content", "incidents"))
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, "content", "incidents", e.Name()))
		if err != nil {
			return "", err
		}
		if front, _, _ := strings.Cut(strings.TrimPrefix(string(b), "---\n"), "\n---\n"); !strings.Contains(front, "\nresolved:") {
			return strings.TrimSuffix(e.Name(), ".md"), nil
		}
	}
	return "", fmt.Errorf("%s has no open incident", dir)
}

// metric reads one gauge of a Prometheus text file.
func metric(path, name string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, name) || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %q: %w", path, line, err)
		}
		return int64(v), nil
	}
	return 0, fmt.Errorf("%s: no %s", path, name)
}

func limit(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(list[:n:n], fmt.Sprintf("… (%d more)", len(list)-n))
}

// pageSizes reports the bytes of the status page and the error pages.
func (b *bench) pageSizes() error {
	fmt.Fprintln(b.out, "## Page weight (10 components × 90 days; gzip level 6, as most servers and CDNs use)")
	fmt.Fprintln(b.out)
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "site\tpage\traw\tgzipped\t")
	worstStatus, worstErr := 0, 0
	worstErrName := ""
	list := sizes
	if b.cfg.quick {
		list = sizes[:2]
	}
	for _, s := range list {
		pub := filepath.Join(b.work, s.dirName(), "public")
		pages := []string{"status/index.html", "errors/503.html"}
		errPages, _ := filepath.Glob(filepath.Join(pub, "errors", "*.html"))
		for _, p := range errPages {
			rel, _ := filepath.Rel(pub, p)
			if rel = filepath.ToSlash(rel); rel != "errors/503.html" {
				pages = append(pages, rel)
			}
		}
		for i, p := range pages {
			raw, err := os.ReadFile(filepath.Join(pub, filepath.FromSlash(p)))
			if err != nil {
				return fmt.Errorf("page weight: %w", err)
			}
			gz := gzipLen(raw)
			if p == "status/index.html" {
				worstStatus = max(worstStatus, gz)
			} else if len(raw) > worstErr {
				worstErr, worstErrName = len(raw), p
			}
			if i < 2 { // the other error pages are summarised below
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", s, p, kib(len(raw)), kib(gz))
			}
		}
	}
	tw.Flush()
	fmt.Fprintf(b.out, "\nlargest error page: %s, %s\n\n", worstErrName, kib(worstErr))
	b.checks = append(b.checks,
		check{"status page ≤ 14 KB gzipped", kib(worstStatus), worstStatus <= 14*1024},
		check{"503 pages ≤ 4 KB", kib(worstErr), worstErr <= 4*1024})
	return nil
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, 6)
	w.Write(b)
	w.Close()
	return buf.Len()
}

func (b *bench) printChecks() {
	fmt.Fprintln(b.out, "## Targets")
	fmt.Fprintln(b.out)
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tmeasured\tmet")
	for _, c := range b.checks {
		met := "yes"
		if !c.ok {
			met = "NO"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.target, c.measured, met)
	}
	tw.Flush()
}

func us(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// thousands writes n with thousands separators: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
