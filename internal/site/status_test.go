package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/status/api"
	"github.com/bulletin-dev/bulletin/themes"
)

// The golden files are rewritten with go test ./internal/site -update. The
// flag is shared with the package's other golden tests when they define it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// statusSiteDir is the status test site: a group, an ungrouped and a hidden
// component, an open incident, a post-mortem, an incident across the end of
// summer time, and windows past, running and to come.
const statusSiteDir = "testdata/status/site"

// statusNow is the test site's clock: Monday 2 November 2026, 11:00 in
// Berlin, during the cache rebuild window, with the DNS incident still open.
var statusNow = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// renderDir loads and renders the site in dir at now.
func renderDir(tb testing.TB, dir string, now time.Time) map[string][]byte {
	tb.Helper()
	s, err := loadDir(tb, dir, now)
	if err != nil {
		tb.Fatalf("load %s: %v", dir, err)
	}
	out := NewMemOutput()
	if err := s.Render(out); err != nil {
		tb.Fatalf("render %s: %v", dir, err)
	}
	return out.Files()
}

func loadDir(tb testing.TB, dir string, now time.Time) (*Site, error) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	return Load(cfg, Options{Dir: dir, Now: now, Builtin: themes.FS})
}

// copyDir copies a site directory into a temporary one the test may edit.
func copyDir(tb testing.TB, src string) string {
	tb.Helper()
	dst := tb.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}

func writeFile(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// checkStatusGolden compares got with testdata/status/golden/<name>.golden.
func checkStatusGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", "status", "golden", name+".golden")
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (go test ./internal/site -run %s -update creates it)", err, tb.Name())
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from %s (go test ./internal/site -run %s -update rewrites it):\n%s", name, path, tb.Name(), statusDiff(want, got))
	}
}

// statusDiff shows the first differing line of two texts with its neighbours.
func statusDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant: %s\n got: %s", i+1, w, g)
		}
	}
	return "(equal lines, different bytes)"
}

func TestStatusGolden(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	tests := []struct{ file, golden string }{
		{"status/index.html", "status.html"},
		{"status/history/index.html", "history.html"},
		{"status/history/2026/10/index.html", "history-month.html"},
		{"incidents/2026-10-01-database-failover/index.html", "incident-postmortem.html"},
		{"incidents/2026-10-14-dns-resolution-failing/index.html", "incident-open.html"},
		{"incidents/2026-11-02-cache-rebuild/index.html", "maintenance-in-progress.html"},
		{"status/feed.xml", "feed.xml"},
		{"status/components/db/atom.xml", "db-atom.xml"},
	}
	for _, k := range errorKinds() {
		tests = append(tests, struct{ file, golden string }{"errors/" + k.code + ".html", "error-" + k.code + ".html"})
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, ok := files[tt.file]
			if !ok {
				t.Fatalf("%s was not rendered", tt.file)
			}
			checkStatusGolden(t, tt.golden, got)
		})
	}
}

func TestStatusOutputs(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	want := []string{
		"status/index.html", "status/history/index.html",
		"status/feed.xml", "status/atom.xml",
		"status/badges/status.svg", "status/badges/dns.svg", "status/badges/web.svg", "status/badges/db.svg",
		"incidents/2026-09-20-slow-website/index.html",
		"incidents/2026-10-01-database-failover/index.html",
		"incidents/2026-10-14-dns-resolution-failing/index.html",
		"incidents/2026-10-25-dst-clock-change/index.html",
		"incidents/2026-09-05-network-switch/index.html",
		"incidents/2026-10-14-cdn-certificates/index.html",
		"incidents/2026-11-02-cache-rebuild/index.html",
		"incidents/2026-12-01-database-upgrade/index.html",
	}
	for _, id := range []string{"dns", "web", "db"} {
		want = append(want, "status/components/"+id+"/feed.xml", "status/components/"+id+"/atom.xml")
	}
	for _, p := range []string{api.PathSummary, api.PathStatus, api.PathComponents, api.PathIncidents, api.PathUnresolved, api.PathMaintenance, api.PathUpcoming, api.PathActive} {
		want = append(want, "status/"+p)
	}
	for _, k := range errorKinds() {
		want = append(want, "errors/"+k.code+".html")
	}
	for _, name := range want {
		if _, ok := files[name]; !ok {
			t.Errorf("%s was not written", name)
		}
	}
	for _, hidden := range []string{"status/badges/batch.svg", "status/components/batch/feed.xml"} {
		if _, ok := files[hidden]; ok {
			t.Errorf("%s written for a hidden component", hidden)
		}
	}

	// The API is the one status.Compute gave the page: same indicator.
	var summary struct {
		Status                struct{ Indicator, Description string } `json:"status"`
		Incidents             []struct{ Name string }                 `json:"incidents"`
		ScheduledMaintenances []struct{ Name string }                 `json:"scheduled_maintenances"`
	}
	if err := json.Unmarshal(files["status/"+api.PathSummary], &summary); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if summary.Status.Indicator != "major" || len(summary.Incidents) != 1 || summary.Incidents[0].Name != "DNS resolution failing & <slow>" || len(summary.ScheduledMaintenances) != 2 {
		t.Errorf("summary.json: %+v", summary)
	}
	page := string(files["status/index.html"])
	if !strings.Contains(page, `<p id="overall" class="overall">Partial System Outage</p>`) {
		t.Error("the status page does not show the indicator summary.json gives")
	}

	sitemap := string(files["sitemap.xml"])
	for _, u := range []string{
		"<loc>https://ops.example.org/status/</loc><lastmod>2026-11-02</lastmod>",
		"<loc>https://ops.example.org/status/history/</loc>",
		"<loc>https://ops.example.org/incidents/2026-10-01-database-failover/</loc><lastmod>2026-10-03</lastmod>",
		"<loc>https://ops.example.org/incidents/2026-12-01-database-upgrade/</loc><lastmod>2026-10-10</lastmod>",
	} {
		if !strings.Contains(sitemap, u) {
			t.Errorf("sitemap lacks %s", u)
		}
	}
	if strings.Contains(sitemap, "/errors/") {
		t.Error("error pages are in the sitemap")
	}

	// Discovery: status pages advertise the incident feeds, not the
	// reports'; report pages keep the reports' feeds.
	for _, name := range []string{"status/index.html", "status/history/index.html", "incidents/2026-10-01-database-failover/index.html"} {
		p := string(files[name])
		if !strings.Contains(p, `<link rel="alternate" type="application/rss&#43;xml" title="Example Ops status (RSS)" href="https://ops.example.org/status/feed.xml">`) ||
			!strings.Contains(p, `<link rel="alternate" type="application/atom&#43;xml" title="Example Ops status (Atom)" href="https://ops.example.org/status/atom.xml">`) {
			t.Errorf("%s does not advertise the incident feeds", name)
		}
		if strings.Contains(p, `href="https://ops.example.org/feed.json"`) {
			t.Errorf("%s advertises the reports' feeds", name)
		}
	}
	if r := string(files["reports/2026/10/index.html"]); !strings.Contains(r, `href="https://ops.example.org/feed.xml"`) {
		t.Error("report page lost the reports' feed discovery")
	}
}

func TestStatusDeterministic(t *testing.T) {
	first := renderDir(t, statusSiteDir, statusNow)
	second := renderDir(t, statusSiteDir, statusNow)
	// Twenty minutes later nothing has happened: the build time must not
	// show anywhere.
	later := renderDir(t, statusSiteDir, statusNow.Add(20*time.Minute))
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between two builds with the same inputs", name)
		}
		if !bytes.Equal(b, later[name]) {
			t.Errorf("%s changes with the build time alone:\n%s", name, statusDiff(b, later[name]))
		}
	}
	if len(first) != len(second) || len(first) != len(later) {
		t.Errorf("file counts differ: %d, %d, %d", len(first), len(second), len(later))
	}
	page := string(first["status/index.html"])
	for _, clock := range []string{"11:00 CET", "2026-11-02T11:00", "10:00:00Z"} {
		if strings.Contains(page, clock) {
			t.Errorf("the status page shows the build time (%s)", clock)
		}
	}
	// "Last updated" is the latest event: the cache rebuild opening.
	if !strings.Contains(page, `Last updated <time datetime="2026-11-02T10:00:00&#43;01:00">2 Nov 2026, 10:00 CET</time>`) {
		t.Error("the status page's last update is not the latest event")
	}
}

var titlePattern = regexp.MustCompile(`<title>([^<]*)</title>`)

func TestStatusTimeZones(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	inc := string(files["incidents/2026-10-25-dst-clock-change/index.html"])
	// 02:30 happens twice on 25 October: the offset tells them apart.
	for _, want := range []string{
		`<time datetime="2026-10-25T02:30:00&#43;02:00">25 Oct 2026, 02:30 CEST</time>`, // started
		`<time datetime="2026-10-25T02:35:00&#43;02:00">25 Oct 2026, 02:35 CEST</time>`,
		`<time datetime="2026-10-25T02:30:00&#43;01:00">25 Oct 2026, 02:30 CET</time>`,
		`<time datetime="2026-10-25T03:00:00&#43;01:00">25 Oct 2026, 03:00 CET</time> (after 1h 30m)`,
	} {
		if !strings.Contains(inc, want) {
			t.Errorf("DST incident page lacks %s", want)
		}
	}

	// The web component's bars are the 30 calendar days ending on 2 November
	// in Berlin, one per day across the 25-hour day.
	page := string(files["status/index.html"])
	start := strings.Index(page, `<div class="component" id="component-web">`)
	end := strings.Index(page[start:], "</svg>")
	var titles []string
	for _, m := range titlePattern.FindAllStringSubmatch(page[start:start+end], -1) {
		titles = append(titles, m[1])
	}
	if len(titles) != 30 {
		t.Fatalf("%d bars, want 30", len(titles))
	}
	day := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
	for i, title := range titles {
		if label := day.AddDate(0, 0, i).Format("Jan 2") + ": "; !strings.HasPrefix(title, label) {
			t.Errorf("bar %d is %q, want the day %q", i, title, label)
		}
	}
	for _, want := range []string{
		// The DNS incident is still open: it touches every day since.
		"Oct 13: 100.00%",
		"Oct 25: 99.60% — DNS resolution failing &amp; &lt;slow&gt; (major); Stale pages around the clock change (minor)",
		"Oct 20: No data — DNS resolution failing &amp; &lt;slow&gt; (major)",
		"Oct 14: 98.00% — DNS resolution failing &amp; &lt;slow&gt; (major); Maintenance: CDN certificate rotation",
		"Nov 2: No data — DNS resolution failing &amp; &lt;slow&gt; (major); Maintenance: Cache rebuild",
	} {
		if !containsString(titles, want) {
			t.Errorf("no bar says %q in\n%s", want, strings.Join(titles, "\n"))
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var (
	srcAttr   = regexp.MustCompile(`(?i)\ssrc\s*=`)
	hrefAttr  = regexp.MustCompile(`href="([^"]*)"`)
	linkStyle = regexp.MustCompile(`(?i)<link[^>]+rel="?stylesheet`)
)

// checkSelfContained fails when page could make the browser fetch anything:
// scripts, images, stylesheets, CSS url()s.
func checkSelfContained(tb testing.TB, name, page string) {
	tb.Helper()
	for _, bad := range []struct {
		what string
		re   *regexp.Regexp
	}{
		{"script", regexp.MustCompile(`(?i)<script`)},
		{"src attribute", srcAttr},
		{"stylesheet link", linkStyle},
		{"CSS url()", regexp.MustCompile(`(?i)url\(`)},
		{"@import", regexp.MustCompile(`(?i)@import`)},
	} {
		if loc := bad.re.FindStringIndex(page); loc != nil {
			tb.Errorf("%s has a %s: %q", name, bad.what, page[max(0, loc[0]-40):min(len(page), loc[1]+40)])
		}
	}
	if !strings.Contains(page, "<style>") {
		tb.Errorf("%s has no inline style", name)
	}
}

func TestStatusPageSelfContained(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	page := string(files["status/index.html"])
	checkSelfContained(t, "status/index.html", page)
	for _, m := range hrefAttr.FindAllStringSubmatch(page, -1) {
		if h := m[1]; !strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "#") && !strings.HasPrefix(h, "https://ops.example.org/") {
			t.Errorf("status page links to another host: %s", h)
		}
	}
	// The inlined CSS is the status runs of the stylesheet, not all of it.
	if strings.Contains(page, ".chart") || !strings.Contains(page, ".bars .no-data") || !strings.Contains(page, "--ok:") {
		t.Error("the status page does not inline the status part of the stylesheet")
	}
}

func TestReportIncidentsSection(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	report := string(files["reports/2026/10/index.html"])
	for _, want := range []string{
		`<h2 id="month-incidents">Incidents</h2>`,
		"<dt>Incidents</dt><dd>3</dd>",
		// Failover 1h 50m, clock change 1h 30m; DNS is still open.
		"<dt>Time to resolve, total</dt><dd>3h 20m</dd>",
		"<dt>Longest</dt><dd>1h 50m</dd>",
		"<dt>MTTR</dt><dd>1h 40m</dd>",
		// October in Berlin has 745 hours (summer time ends): 745h / 3.
		"<dt>MTBF</dt><dd>10d 8h</dd>",
		"By impact: 0 no impact, 1 minor, 1 major, 1 critical. 1 not resolved yet.",
		`<a href="https://ops.example.org/incidents/2026-10-01-database-failover/">Database failover</a>`,
		"Identified, not resolved yet",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// A site that keeps no incidents at all gets no section: "no incidents"
	// would claim what nobody recorded.
	dir := copyDir(t, statusSiteDir)
	for _, sub := range []string{"content/incidents", "content/maintenance"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			t.Fatal(err)
		}
	}
	files = renderDir(t, dir, statusNow)
	if strings.Contains(string(files["reports/2026/10/index.html"]), "month-incidents") {
		t.Error("a site without incidents has an Incidents section")
	}
	if p := string(files["status/index.html"]); !strings.Contains(p, "All Systems Operational") || strings.Contains(p, "Last updated") {
		t.Error("a site without events is not all operational, or claims an update")
	}
}

func TestStatusProblems(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(dir string)
		wants []string
	}{
		{
			name: "figure in an incident",
			edit: func(dir string) {
				writeFile(t, filepath.Join(dir, "content/incidents/2026-10-02-figure.md"), "---\ntitle: F\nimpact: minor\nstarted: 2026-10-02T10:00:00Z\nresolved: 2026-10-02T11:00:00Z\ncomponents: [web]\nupdates:\n  - at: 2026-10-02T11:00:00Z\n    status: resolved\n    body: ok\n---\n\nText.\n\nUptime was {{< figure \"uptime.web\" >}}.\n")
			},
			wants: []string{`content/incidents/2026-10-02-figure.md:15: figure "uptime.web"`},
		},
		{
			name: "invalid incident",
			edit: func(dir string) {
				writeFile(t, filepath.Join(dir, "content/incidents/2026-10-03-bad.md"), "---\ntitle: B\nimpact: minor\nstarted: 2026-10-03T10:00:00Z\ncomponents: [mail]\nupdates:\n  - at: 2026-10-03T10:00:00Z\n    status: investigating\n    body: x\n---\n")
			},
			wants: []string{`content/incidents/2026-10-03-bad.md:5: unknown component "mail"`},
		},
		{
			name: "status page at the root",
			edit: func(dir string) {
				p := filepath.Join(dir, "config.toml")
				src, _ := os.ReadFile(p)
				writeFile(t, p, strings.Replace(string(src), "[status]\n", "[status]\npath = \"/\"\n", 1))
			},
			wants: []string{`config.toml:9: status.path "/" is the home page's`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, statusSiteDir)
			tt.edit(dir)
			s, err := loadDir(t, dir, statusNow)
			if err == nil {
				err = s.Render(NewMemOutput())
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestStatusStylesheet(t *testing.T) {
	tests := []struct{ name, css, want string }{
		{"marked runs", "a{}\n/* status-page: begin */\n  :root { --x: 1; } /* why */\n\n/* status-page: end */\n.report{}\n/* status-page: begin */\n.bars{}\n/* status-page: end */\n", ":root { --x: 1; }\n.bars{}\n"},
		{"no markers: all of it", "/* theme */\nbody { color: red; }\n", "body { color: red; }\n"},
		{"unclosed marker runs to the end", "x{}\n/* status-page: begin */\ny{}\n", "y{}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statusStylesheet([]byte(tt.css)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// sizeSite writes a site of n components with days of daily data ending at
// now, and active open incidents with four updates each: the status page at
// the size issue 4 budgets for.
func sizeSite(tb testing.TB, n, days, active int, now time.Time) string {
	tb.Helper()
	dir := tb.TempDir()
	var cfg strings.Builder
	cfg.WriteString("title = \"Size Ops\"\nbase_url = \"https://status.example.org/\"\ntimezone = \"Europe/Berlin\"\npercent_precision = 2\n\n[status]\ndays = " + fmt.Sprint(days) + "\n\n")
	cfg.WriteString("[[groups]]\nid = \"public\"\nname = \"Public services\"\ndescription = \"What customers use.\"\n\n[[groups]]\nid = \"internal\"\nname = \"Internal platform\"\n\n")
	names := []string{"Website", "API", "Search", "Documentation builds", "DNS", "Database", "Object storage", "Email delivery", "Authentication", "Webhooks", "Billing", "CDN"}
	for i := 0; i < n; i++ {
		group := "public"
		if i >= n/2 {
			group = "internal"
		}
		fmt.Fprintf(&cfg, "[[components]]\nid = \"c%d\"\nname = %q\ngroup = %q\ndescription = \"The %s service.\"\nslo = 99.9\n\n", i, names[i%len(names)], group, strings.ToLower(names[i%len(names)]))
	}
	writeFile(tb, filepath.Join(dir, "config.toml"), cfg.String())

	// Daily data with realistic variety: most days perfect, some not, a
	// few missing.
	loc, _ := time.LoadLocation("Europe/Berlin")
	first := now.In(loc).AddDate(0, 0, -days+1)
	type daily struct {
		Date     string   `json:"date"`
		Ratio    *float64 `json:"ratio,omitempty"`
		Coverage float64  `json:"coverage"`
	}
	type avail struct {
		Component string  `json:"component"`
		Ratio     float64 `json:"ratio"`
		Coverage  float64 `json:"coverage"`
		SLO       float64 `json:"slo"`
		Excluded  []any   `json:"excluded"`
		Daily     []daily `json:"daily"`
	}
	months := map[string][]avail{}
	for i := 0; i < n; i++ {
		per := map[string]*avail{}
		for d := 0; d < days; d++ {
			day := first.AddDate(0, 0, d)
			m := day.Format("2006-01")
			if per[m] == nil {
				per[m] = &avail{Component: fmt.Sprintf("c%d", i), Ratio: 0.9995, Coverage: 1, SLO: 0.999, Excluded: []any{}}
			}
			dd := daily{Date: day.Format("2006-01-02"), Coverage: 1}
			if (d*7+i*3)%41 != 0 {
				r := 1.0
				if (d+i)%9 == 0 {
					r = 0.9990 - float64((d*13+i)%50)/10000
				}
				dd.Ratio = &r
			} else {
				dd.Coverage = 0
			}
			per[m].Daily = append(per[m].Daily, dd)
		}
		for m, a := range per {
			months[m] = append(months[m], *a)
		}
	}
	for m, av := range months {
		doc := map[string]any{"schema": 1, "month": m, "frozen": false, "sources": map[string]any{}, "issues": []any{}, "releases": []any{}, "availability": av, "goals": []any{}}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			tb.Fatal(err)
		}
		writeFile(tb, filepath.Join(dir, "data", m+".json"), string(b)+"\n")
	}

	bodies := []string{
		"We are investigating elevated error rates for some customers.",
		"We have identified a misbehaving load balancer in one region and are draining it.",
		"Traffic is back on healthy nodes. We are monitoring error rates closely before resolving.",
		"Error rates are back to their usual level; we keep monitoring for another hour.",
	}
	statuses := []string{"investigating", "identified", "monitoring", "monitoring"}
	for k := 0; k < active; k++ {
		started := now.Add(-time.Duration(10+k*7) * time.Hour).UTC()
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Elevated error rates on service %d in one region\nimpact: major\nstarted: %s\ncomponents: [c%d, c%d]\nupdates:\n", k, started.Format(time.RFC3339), k, k+3)
		for u := range bodies {
			fmt.Fprintf(&b, "  - at: %s\n    status: %s\n    body: %s\n", started.Add(time.Duration(u*50)*time.Minute).Format(time.RFC3339), statuses[u], bodies[u])
		}
		b.WriteString("---\n")
		writeFile(tb, filepath.Join(dir, "content/incidents", fmt.Sprintf("incident-%d.md", k)), b.String())
	}
	// Resolved incidents in the window, which the component lists link.
	for k := 0; k < 5; k++ {
		started := now.AddDate(0, 0, -10*(k+1)).UTC()
		writeFile(tb, filepath.Join(dir, "content/incidents", fmt.Sprintf("past-%d.md", k)), fmt.Sprintf("---\ntitle: Slow responses from service %d\nimpact: minor\nstarted: %s\nresolved: %s\ncomponents: [c%d]\nupdates:\n  - at: %s\n    status: resolved\n    body: Fixed.\n---\n",
			k, started.Format(time.RFC3339), started.Add(time.Hour).Format(time.RFC3339), k, started.Add(time.Hour).Format(time.RFC3339)))
	}
	return dir
}

func gzipSize(tb testing.TB, b []byte) int {
	tb.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Len()
}

// statusPageBudget is issue 4's budget: the status page of 10 components
// with 90 days of bars and 3 active incidents fits in 14 KB gzipped, about
// the first round trip of a TCP connection.
const statusPageBudget = 14 * 1024

func TestStatusPageSize(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	files := renderDir(t, sizeSite(t, 10, 90, 3, now), now)
	page := files["status/index.html"]
	if n := strings.Count(string(page), "<rect "); n != 900 {
		t.Fatalf("%d bars, want 900: the test site is not the budgeted one", n)
	}
	if n := strings.Count(string(page), `<article class="event`); n != 3 {
		t.Fatalf("%d active incidents shown, want 3", n)
	}
	size := gzipSize(t, page)
	t.Logf("status page: %d bytes, %d gzipped (budget %d)", len(page), size, statusPageBudget)
	if size > statusPageBudget {
		t.Errorf("status page is %d bytes gzipped, over the %d budget", size, statusPageBudget)
	}
	checkSelfContained(t, "status/index.html", string(page))
}

// BenchmarkStatusPage builds the budgeted status page and reports its size.
func BenchmarkStatusPage(b *testing.B) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := sizeSite(b, 10, 90, 3, now)
	s, err := loadDir(b, dir, now)
	if err != nil {
		b.Fatal(err)
	}
	var page []byte
	for b.Loop() {
		out := NewMemOutput()
		if err := s.Render(out); err != nil {
			b.Fatal(err)
		}
		page = out.Files()["status/index.html"]
	}
	b.ReportMetric(float64(len(page)), "page-bytes")
	b.ReportMetric(float64(gzipSize(b, page)), "gzip-bytes")
}

// TestStatusPathElsewhere: with the status page at another path, /status/
// still leads there, without script.
func TestStatusPathElsewhere(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	cfg := filepath.Join(dir, "config.toml")
	src, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg, strings.Replace(string(src), "[status]\n", "[status]\npath = \"/uptime/\"\n", 1))
	files := renderDir(t, dir, statusNow)
	if _, ok := files["uptime/index.html"]; !ok {
		t.Fatal("no status page at uptime/")
	}
	alias := string(files["status/index.html"])
	for _, want := range []string{`<meta http-equiv="refresh" content="0; url=/uptime/">`, `<link rel="canonical" href="https://ops.example.org/uptime/">`, `<a href="/uptime/">`} {
		if !strings.Contains(alias, want) {
			t.Errorf("status/index.html lacks %s:\n%s", want, alias)
		}
	}
	if strings.Contains(alias, "<script") {
		t.Error("the alias needs a script")
	}
	// At the default path there is no alias to make.
	if got := string(renderDir(t, statusSiteDir, statusNow)["status/index.html"]); strings.Contains(got, "http-equiv") {
		t.Error("the status page itself is an alias")
	}
}
