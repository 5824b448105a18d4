package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	siteconfig "github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/publish"
)

// The live cycle runs on a copy of the example site, whose config.toml has
// live rules for web (a query on probe_success), api (alert APIDown) and
// dns (alert DNSProbeFailing). The bench fails api: its alert rule sets a
// status at once, while web's five-minute average would take five minutes
// to recover.
const (
	liveComponent = "api"
	liveAlert     = "APIDown"
	liveStatus    = "major_outage" // what the example's APIDown rule sets
)

// probeTarget is the scrape target the bench controls: it serves the
// probe_success gauges the example's live rules and the bench's alert
// rules read, 1 (up) unless set down.
type probeTarget struct {
	mu   sync.Mutex
	down map[string]bool
}

var probeComponents = []string{"web", "api", "dns"}

func (t *probeTarget) set(component string, down bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.down[component] = down
}

func (t *probeTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# TYPE probe_success gauge")
	for _, c := range probeComponents {
		v := 1
		if t.down[c] {
			v = 0
		}
		fmt.Fprintf(w, "probe_success{job=\"blackbox\",component=%q} %d\n", c, v)
	}
}

// The rules file defines the alerts the example's live rules select, on the
// target's gauges. No `for:`, so an alert fires at the first evaluation
// that finds its probe failing.
const liveRules = `groups:
  - name: bench
    interval: 1s
    rules:
      - alert: APIDown
        expr: probe_success{job="blackbox",component="api"} == 0
        labels: {severity: page}
      - alert: DNSProbeFailing
        expr: probe_success{job="blackbox",component="dns"} == 0
        labels: {severity: page}
`

// requirePrometheus returns the path of prometheus. Unlike hugo it is not
// installed for the user: Debian's package also starts a server on every
// interface.
func requirePrometheus() (string, error) {
	p, err := exec.LookPath("prometheus")
	if err != nil {
		return "", errors.New("prometheus is not installed: run `sudo apt-get install -y prometheus` (Debian/Ubuntu; `sudo systemctl disable --now prometheus` then stops the server the package starts), or `go run ./cmd/bench -skip-live`")
	}
	return p, nil
}

// promServer is a Prometheus the bench started.
type promServer struct {
	url    string
	cmd    *exec.Cmd
	exited chan struct{}
	log    string
}

// startPrometheus starts Debian's prometheus on 127.0.0.1 with a fresh
// data directory in dir, scraping target every second and evaluating the
// rules every second, and waits until it has scraped the target.
func (b *bench) startPrometheus(dir, target string) (*promServer, error) {
	bin := b.prometheus
	cfg := filepath.Join(dir, "prometheus.yml")
	rules := filepath.Join(dir, "rules.yml")
	yml := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: blackbox
    honor_labels: true
    static_configs:
      - targets: [%q]
`, rules, target)
	if err := os.WriteFile(cfg, []byte(yml), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(rules, []byte(liveRules), 0o644); err != nil {
		return nil, err
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		if _, _, err := b.r.run(dir, promtool, "check", "config", cfg); err != nil {
			return nil, err
		}
	}
	// The free port may be taken before Prometheus binds it; a start that
	// fails is retried on another.
	var errs []error
	for attempt := range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		logPath := filepath.Join(dir, fmt.Sprintf("prometheus-%d.log", attempt))
		logFile, err := os.Create(logPath)
		if err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(b.r.ctx, bin,
			"--storage.tsdb.path="+filepath.Join(dir, fmt.Sprintf("data-%d", attempt)),
			"--storage.tsdb.retention.time=100y",
			"--web.listen-address="+addr,
			"--config.file="+cfg,
		)
		cmd.Stdout, cmd.Stderr = logFile, logFile
		err = cmd.Start()
		logFile.Close() // the child keeps its own descriptor
		if err != nil {
			return nil, err
		}
		p := &promServer{url: "http://" + addr, cmd: cmd, exited: make(chan struct{}), log: logPath}
		go func() {
			cmd.Wait()
			close(p.exited)
		}()
		// Ready, then scraped: the first cycle must find the gauges.
		err = p.waitFor(b.r.ctx, 60*time.Second, `up{job="blackbox"} == 1`, true)
		if err == nil {
			err = p.waitFor(b.r.ctx, 30*time.Second, `probe_success{job="blackbox"}`, true)
		}
		if err == nil {
			return p, nil
		}
		p.stop()
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("start prometheus: %w", errors.Join(errs...))
}

// stop kills Prometheus and waits for it to exit.
func (p *promServer) stop() {
	if p.cmd.Process != nil {
		p.cmd.Process.Kill()
	}
	<-p.exited
}

// present reports whether query returns any series at t, as bulletin's
// live check asks it (an instant query at t).
func (p *promServer) present(ctx context.Context, query string, t time.Time) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	q := url.Values{"query": {query}, "time": {strconv.FormatInt(t.Unix(), 10)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/api/v1/query?"+q.Encode(), nil)
	if err != nil {
		return false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return false, fmt.Errorf("query %q: %s: %w", query, resp.Status, err)
	}
	if body.Status != "success" {
		return false, fmt.Errorf("query %q: %s: %s", query, resp.Status, body.Error)
	}
	return len(body.Data.Result) > 0, nil
}

// waitFor polls until query returns series (want) or none (!want) at the
// current second. bulletin's check asks at its start truncated to the
// second, so a state seen at a whole second is what the next check sees.
// The deadline guards against a hang; it asserts nothing about speed.
func (p *promServer) waitFor(ctx context.Context, deadline time.Duration, query string, want bool) error {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		got, err := p.present(ctx, query, time.Now().Truncate(time.Second))
		if err == nil && got == want {
			return nil
		}
		last = err
		select {
		case <-p.exited:
			return fmt.Errorf("prometheus exited: %v\n%s", p.cmd.ProcessState, p.logTail())
		case <-ctx.Done():
			return fmt.Errorf("prometheus at %s: %q still %s after %s (last error: %v)\n%s", p.url, query, map[bool]string{true: "empty", false: "not empty"}[want], deadline, last, p.logTail())
		case <-tick.C:
		}
	}
}

// logTail is the end of what Prometheus wrote to stdout and stderr.
func (p *promServer) logTail() string {
	b, _ := os.ReadFile(p.log)
	return tail(string(b), 2000)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// copyExample copies the example site (config.toml, content/, data/,
// templates/) from the module root to dst and points its [prometheus] url
// at promURL. Nothing else in the copy differs from what the repository
// holds.
func (b *bench) copyExample(dst, promURL string) error {
	for _, name := range []string{"content", "data", "templates"} {
		src := filepath.Join(b.root, name)
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.CopyFS(filepath.Join(dst, name), os.DirFS(src)); err != nil {
			return fmt.Errorf("copy the example site: %w", err)
		}
	}
	// The working copy's own live.json (ignored by git) is not the
	// example's: the first cycle starts from none.
	os.Remove(filepath.Join(dst, "data", "live.json"))
	cfg, err := os.ReadFile(filepath.Join(b.root, "config.toml"))
	if err != nil {
		return err
	}
	const old = `url = "http://127.0.0.1:9090"`
	if strings.Count(string(cfg), old) != 1 {
		return fmt.Errorf("config.toml: expected one line %s in [prometheus] to point at the bench's Prometheus", old)
	}
	cfg = []byte(strings.Replace(string(cfg), old, fmt.Sprintf("url = %q", promURL), 1))
	return os.WriteFile(filepath.Join(dst, "config.toml"), cfg, 0o644)
}

// cycle is one run of the live minute cycle.
type cycle struct {
	wall                 time.Duration // collect + build + publish, as one
	collect, build, publ sample
	uploaded             int64
	objects, data        []string // bucket objects and data/ files that changed
	// manifest is whether publish rewrote its manifest, which is not one
	// of the site's objects (nor counted as uploaded) but is a write.
	manifest                  bool
	bucketBefore, bucketAfter map[string][32]byte
}

// liveSite is the copied example site and the cycle as a user runs it.
type liveSite struct {
	b                    *bench
	dir, bucket, metrics string
	ended                time.Time // when the last cycle ended
}

// cycleGap is the least time between the end of a cycle and the start of
// the next, or of the state change before it. In production a minute
// passes; what matters of it is that times the site shows (to the second)
// and publish's racy window (2 s, when an object just uploaded is verified
// again rather than trusted) see one cycle apart from the next. Back to
// back, a failure would start in the second the last recovery ended, and
// change fewer objects than it does in production.
const cycleGap = 3 * time.Second

// pause waits until cycleGap after the last cycle ended (an interrupted
// bench fails at the next command).
func (s *liveSite) pause() { pauseAfter(s.b.r.ctx, s.ended) }

// pauseAfter waits until cycleGap after ended (not at all for the zero
// time), or until ctx is done.
func pauseAfter(ctx context.Context, ended time.Time) {
	if ended.IsZero() {
		return
	}
	t := time.NewTimer(time.Until(ended.Add(cycleGap)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// run runs one cycle, `bulletin collect --only live -q && bulletin build -q
// && bulletin publish -q --to file://… --metrics-file …`, and what changed.
func (s *liveSite) run() (cycle, error) {
	var c cycle
	var err error
	if c.bucketBefore, err = objects(s.bucket); err != nil {
		return c, err
	}
	dataBefore, err := tree(filepath.Join(s.dir, "data"))
	if err != nil {
		return c, err
	}
	r := &s.b.r
	start := time.Now()
	if c.collect, _, err = r.run(s.dir, s.b.bin, "collect", "--only", "live", "-q"); err != nil {
		return c, err
	}
	if c.build, _, err = r.run(s.dir, s.b.bin, "build", "-q"); err != nil {
		return c, err
	}
	if c.publ, _, err = r.run(s.dir, s.b.bin, "publish", "-q", "--to", "file://"+filepath.ToSlash(s.bucket), "--metrics-file", s.metrics); err != nil {
		return c, err
	}
	c.wall = time.Since(start)
	s.ended = time.Now()
	if c.uploaded, err = metric(s.metrics, "bulletin_publish_objects_uploaded"); err != nil {
		return c, err
	}
	if c.bucketAfter, err = objects(s.bucket); err != nil {
		return c, err
	}
	dataAfter, err := tree(filepath.Join(s.dir, "data"))
	if err != nil {
		return c, err
	}
	c.objects = diffTrees(c.bucketBefore, c.bucketAfter)
	if i := slices.Index(c.objects, publish.ManifestKey); i >= 0 {
		c.objects, c.manifest = slices.Delete(c.objects, i, i+1), true
	}
	c.data = diffTrees(dataBefore, dataAfter)
	return c, nil
}

// objects is the tree of a file:// bucket without the attribute files
// fileblob keeps beside each object.
func objects(bucket string) (map[string][32]byte, error) {
	t, err := tree(bucket)
	for k := range t {
		if strings.HasSuffix(k, ".attrs") {
			delete(t, k)
		}
	}
	return t, err
}

// componentStatus returns the status of the component named name in a
// Statuspage v2 summary.json.
func componentStatus(path, name string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var sum struct {
		Components []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &sum); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	for _, c := range sum.Components {
		if c.Name == name {
			return c.Status, nil
		}
	}
	return "", fmt.Errorf("%s: no component named %q", path, name)
}

// transition is the first cycle after a state change, and how many it
// took to publish the new state.
type transition struct {
	cycle
	seen time.Duration // from flipping the target to Prometheus showing it
	// cycles is how many cycles it took until summary.json had the new
	// status and errors/503.html had changed; 0 if more than maxCycles.
	cycles int
	why    string // what was missing after the last cycle, when cycles is 0
}

// maxCycles bounds the cycles run after a state change that the first did
// not publish.
const maxCycles = 3

// liveCycle measures the live minute cycle on a copy of the example site
// against a real Prometheus scraping a target the bench controls: cycles
// with nothing changed (after a warm-up), then rounds of api failing and
// recovering, one cycle each, checking that each published the new state.
func (b *bench) liveCycle() error {
	work := filepath.Join(b.work, "live")
	site := &liveSite{b: b, dir: filepath.Join(work, "site"), bucket: filepath.Join(work, "bucket"), metrics: filepath.Join(work, "publish.prom")}
	for _, d := range []string{site.dir, site.bucket, filepath.Join(work, "prometheus")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	target := &probeTarget{down: map[string]bool{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: target, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	defer srv.Close()

	b.logf("live cycle: starting prometheus")
	prom, err := b.startPrometheus(filepath.Join(work, "prometheus"), l.Addr().String())
	if err != nil {
		return err
	}
	defer prom.stop()
	_, vout, _ := b.r.run(work, b.prometheus, "--version")
	version, _, _ := strings.Cut(string(vout), "\n")

	if err := b.copyExample(site.dir, prom.url); err != nil {
		return err
	}
	cfg, err := siteconfig.Load(filepath.Join(site.dir, "config.toml"), "production")
	if err != nil {
		return fmt.Errorf("the example site's config: %w", err)
	}
	comp, ok := cfg.Component(liveComponent)
	if !ok {
		return fmt.Errorf("the example site has no component %q to fail", liveComponent)
	}
	if !slices.ContainsFunc(cfg.LiveRules(liveComponent), func(r siteconfig.LiveRule) bool {
		return strings.Contains(r.Alerts, liveAlert) && r.Status == liveStatus
	}) {
		return fmt.Errorf("the example site has no live rule setting %s to %s on alert %s", liveComponent, liveStatus, liveAlert)
	}

	b.logf("live cycle: warm-up, %d cycles with nothing changed", b.cfg.rounds)
	warm, err := site.run()
	if err != nil {
		return err
	}
	var quiet []cycle
	for range b.cfg.rounds {
		site.pause()
		c, err := site.run()
		if err != nil {
			return err
		}
		quiet = append(quiet, c)
	}

	firing := fmt.Sprintf(`ALERTS{alertname=%q,alertstate="firing"}`, liveAlert)
	summary := filepath.Join(site.bucket, "status", "api", "v2", "summary.json")
	// missing says what the bucket lacks of the new state: the
	// component's status want in summary.json, and an errors/503.html
	// other than old.
	const page = "errors/503.html"
	missing := func(want string, old [32]byte) (string, error) {
		got, err := componentStatus(summary, comp.Name)
		if err != nil {
			return "", err
		}
		var why []string
		if got != want {
			why = append(why, fmt.Sprintf("summary.json says %s is %s, not %s", liveComponent, got, want))
		}
		if now, err := objects(site.bucket); err != nil {
			return "", err
		} else if now[page] == old {
			why = append(why, page+" unchanged")
		}
		return strings.Join(why, "; "), nil
	}
	flip := func(down bool) (transition, error) {
		var t transition
		site.pause()
		start := time.Now()
		target.set(liveComponent, down)
		if err := prom.waitFor(b.r.ctx, 30*time.Second, firing, down); err != nil {
			return t, err
		}
		t.seen = time.Since(start)
		want := liveStatus
		if !down {
			want = siteconfig.LiveOperational
		}
		// One cycle should do; if not, a few more say how many it took.
		// Only the first is measured.
		for n := 1; n <= maxCycles; n++ {
			if n > 1 {
				site.pause()
			}
			c, err := site.run()
			if err != nil {
				return t, err
			}
			if n == 1 {
				t.cycle = c
			}
			if t.why, err = missing(want, t.bucketBefore[page]); err != nil {
				return t, err
			}
			if t.why == "" {
				t.cycles = n
				break
			}
		}
		return t, nil
	}
	b.logf("live cycle: %d rounds of %s failing and recovering", b.cfg.rounds, liveComponent)
	var fails, recoveries []transition
	for range b.cfg.rounds {
		f, err := flip(true)
		if err != nil {
			return err
		}
		r, err := flip(false)
		if err != nil {
			return err
		}
		fails, recoveries = append(fails, f), append(recoveries, r)
	}
	// And quiet again: the recovery must leave nothing to publish.
	site.pause()
	after, err := site.run()
	if err != nil {
		return err
	}

	b.printLive(comp.Name, version, warm, quiet, after, fails, recoveries)
	return nil
}

func (b *bench) printLive(name, version string, warm cycle, quiet []cycle, after cycle, fails, recoveries []transition) {
	fmt.Fprintf(b.out, "## Live minute cycle on the example site (%s): `collect --only live -q && build -q && publish -q --to file://…`\n\n", version)
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "cycle\tn\tcollect\tbuild\tpublish\tcycle (min–max)\tobjects uploaded (min–max)\tmanifest rewritten\t")
	row := func(label string, cs []cycle) (stats, int64, int64) {
		var col, bld, pub, tot []sample
		var up []int64
		manifests := 0
		for _, c := range cs {
			if c.manifest {
				manifests++
			}
			col, bld, pub = append(col, c.collect), append(bld, c.build), append(pub, c.publ)
			tot, up = append(tot, sample{wall: c.wall}), append(up, c.uploaded)
		}
		st := summarize(tot)
		walls := make([]time.Duration, len(cs))
		for i, c := range cs {
			walls[i] = c.wall
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s (%s–%s)\t%d (%d–%d)\t%d of %d\t\n", label, len(cs),
			ms(summarize(col).wall), ms(summarize(bld).wall), ms(summarize(pub).wall),
			ms(st.wall), ms(slices.Min(walls)), ms(slices.Max(walls)),
			median(up), slices.Min(up), slices.Max(up), manifests, len(cs))
		return st, median(up), slices.Max(up)
	}
	cycles := func(ts []transition) []cycle {
		out := make([]cycle, len(ts))
		for i, t := range ts {
			out[i] = t.cycle
		}
		return out
	}
	row("warm-up (first)", []cycle{warm})
	qst, _, qmax := row("nothing changed", quiet)
	fst, fup, _ := row(name+" fails", cycles(fails))
	rst, rup, _ := row(name+" recovers", cycles(recoveries))
	_, _, amax := row("nothing changed, after", []cycle{after})
	tw.Flush()

	names := func(list []string) string {
		if len(list) == 0 {
			return "none"
		}
		return strings.Join(limit(list, 30), " ")
	}
	fmt.Fprintln(b.out)
	fmt.Fprintf(b.out, "manifest: publish's %s, its record of what it verified; rewritten by the first cycle after one that uploaded (a write, not a site object, not counted as uploaded)\n", publish.ManifestKey)
	for i, c := range quiet {
		if c.uploaded > 0 || len(c.objects) > 0 {
			fmt.Fprintf(b.out, "quiet cycle %d changed objects: %s (data: %s)\n", i+1, names(c.objects), names(c.data))
		}
	}
	if amax > 0 || len(after.objects) > 0 {
		fmt.Fprintf(b.out, "quiet cycle after the last recovery changed objects: %s (data: %s)\n", names(after.objects), names(after.data))
	}
	last := func(ts []transition) transition { return ts[len(ts)-1] }
	for _, k := range []struct {
		what string
		ts   []transition
	}{{"fails", fails}, {"recovers", recoveries}} {
		l := last(k.ts)
		fmt.Fprintf(b.out, "objects changed when %s %s (last round): %s\n  data: %s\n", name, k.what, names(l.objects), names(l.data))
		for i, t := range k.ts {
			if !slices.Equal(t.objects, l.objects) {
				fmt.Fprintf(b.out, "  round %d differed: %s\n", i+1, names(objectDiff(l.objects, t.objects)))
			}
		}
	}
	fmt.Fprintf(b.out, "data changed by a quiet cycle: %s\n", names(quiet[len(quiet)-1].data))

	// From the alert firing to published, and back: how many cycles it
	// took, and how long Prometheus took to show it (scrape and rule
	// evaluation, every second; not bulletin's time).
	verdict := func(ts []transition) (bool, string) {
		var late []string
		seen, walls := make([]time.Duration, len(ts)), make([]time.Duration, len(ts))
		for i, t := range ts {
			seen[i], walls[i] = t.seen, t.wall
			switch t.cycles {
			case 1:
			case 0:
				late = append(late, fmt.Sprintf("round %d: not after %d cycles: %s", i+1, maxCycles, t.why))
			default:
				late = append(late, fmt.Sprintf("round %d: %d cycles", i+1, t.cycles))
			}
		}
		got := "1 cycle"
		if len(late) > 0 {
			got = "more than 1 cycle (" + strings.Join(late, "; ") + ")"
		}
		return len(late) == 0, fmt.Sprintf("%s, %s (median of %d; Prometheus showed it after %s)", got, ms(median(walls)), len(ts), ms(median(seen)))
	}
	fok, fmsg := verdict(fails)
	rok, rmsg := verdict(recoveries)
	fmt.Fprintf(b.out, "firing → published: %s\nresolved → published: %s\n\n", fmsg, rmsg)

	b.checks = append(b.checks,
		check{"live cycle, nothing changed: < 1 s", ms(qst.wall), qst.wall < time.Second},
		check{"live cycle, nothing changed: 0 objects uploaded", fmt.Sprintf("%d at most over %d cycles, %d after a recovery", qmax, len(quiet), amax), qmax == 0 && amax == 0},
		check{"live cycle, a component fails: < 1 s", ms(fst.wall), fst.wall < time.Second},
		check{"live cycle, a component fails: ≤ 15 objects uploaded", strconv.FormatInt(fup, 10), fup <= 15},
		check{"live cycle, it recovers: < 1 s", ms(rst.wall), rst.wall < time.Second},
		check{"live cycle, it recovers: ≤ 15 objects uploaded", strconv.FormatInt(rup, 10), rup <= 15},
		check{"firing alert → published summary.json and 503 page in 1 cycle", fmsg, fok},
		check{"resolved alert → published in 1 cycle", rmsg, rok})
}

// objectDiff lists what other has beyond base (+name) and lacks of it
// (−name).
func objectDiff(base, other []string) []string {
	var out []string
	for _, o := range other {
		if !slices.Contains(base, o) {
			out = append(out, "+"+o)
		}
	}
	for _, o := range base {
		if !slices.Contains(other, o) {
			out = append(out, "−"+o)
		}
	}
	return out
}
