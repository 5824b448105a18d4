package site

import (
	"bytes"
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
		{"status/components/dns/index.html", "component-dns.html"},
		{"announcements/2026-12-01-tls-legacy-ciphers/index.html", "announcement-testing.html"},
		{"announcements/2026-10-30-database-engine-upgrade/index.html", "announcement-overdue.html"},
		{"announcements/index.html", "announcements.html"},
		{"announcements/feed.xml", "announcements-feed.xml"},
		{"announcements/atom.xml", "announcements-atom.xml"},
		{"announcements/feed.json", "announcements-feed.json"},
		{"status/api/announcements.json", "announcements-api.json"},
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

// barPattern matches a daily bar of the status page: its level and its
// tooltip.
var barPattern = regexp.MustCompile(`<span class="([a-z-]+)" title="([^"]*)"></span>`)

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
	end := strings.Index(page[start:], `<p class="bar-legend">`)
	var titles []string
	for _, m := range barPattern.FindAllStringSubmatch(page[start:start+end], -1) {
		titles = append(titles, m[2])
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
		// Each incident says how long it lasted that day; the 25-hour day
		// is 25 hours long.
		"Oct 25: 99.60% — DNS resolution failing &amp; &lt;slow&gt; (major, 1d 1h); Stale pages around the clock change (minor, 1h 30m)",
		"Oct 20: No data — DNS resolution failing &amp; &lt;slow&gt; (major, 1d)",
		"Oct 14: 98.00% — DNS resolution failing &amp; &lt;slow&gt; (major, 13h 10m); Maintenance: CDN certificate rotation",
		// Still open: no duration that would change with the build time.
		"Nov 2: No data — DNS resolution failing &amp; &lt;slow&gt; (major, ongoing); Maintenance: Cache rebuild",
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

// TestFutureIncidentTimes: with CheckTimes (bulletin check) an incident
// or update dated after Now, beyond a clock's error, is a problem at its
// line; without, as a build as of an earlier time, it is left out.
func TestFutureIncidentTimes(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	// statusNow is 2026-11-02T10:00:00Z, 11:00 in the site's zone.
	writeFile(t, filepath.Join(dir, "content/incidents/2026-11-02-ahead.md"), "---\ntitle: A\nimpact: minor\nstarted: 2031-11-02T09:00:00Z\ncomponents: [web]\nupdates:\n  - at: 2031-11-02T09:05:00Z\n    status: investigating\n    body: x\n---\n")
	writeFile(t, filepath.Join(dir, "content/incidents/2026-11-01-late.md"), "---\ntitle: L\nimpact: minor\nstarted: 2026-11-02T09:00:00Z\ncomponents: [web]\nupdates:\n  - at: 2026-11-02T10:04:00Z\n    status: investigating\n    body: four minutes ahead is a clock's error\n  - at: 2026-11-02T10:06:00Z\n    status: identified\n    body: six is not\n---\n")
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(cfg, Options{Dir: dir, Now: statusNow, Builtin: themes.FS}); err != nil {
		t.Fatalf("without CheckTimes: %v", err)
	}
	_, err = Load(cfg, Options{Dir: dir, Now: statusNow, Builtin: themes.FS, CheckTimes: true})
	inc := filepath.Join(dir, "content", "incidents")
	want := strings.Join([]string{
		inc + "/2026-11-01-late.md:10: update at 2026-11-02T11:06:00+01:00 is in the future (now is 2026-11-02T11:00:00+01:00)",
		inc + "/2026-11-02-ahead.md:4: started 2031-11-02T10:00:00+01:00 is in the future (now is 2026-11-02T11:00:00+01:00)",
		inc + "/2026-11-02-ahead.md:7: update at 2031-11-02T10:05:00+01:00 is in the future (now is 2026-11-02T11:00:00+01:00)",
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestStatusPastAndComponentPages checks the status page's "Past incidents"
// by day and the components' own pages: the days listed, the quiet ones
// said so, the component linked from the status page, its page's day rows
// with the anchors the bars link to and every incident of the window.
func TestStatusPastAndComponentPages(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	page := string(files["status/index.html"])
	i := strings.Index(page, `id="past"`)
	if i < 0 {
		t.Fatal("no Past incidents section")
	}
	past, _, ok := strings.Cut(page[i:], "</section>")
	if !ok {
		t.Fatal("no Past incidents section")
	}
	if n := strings.Count(past, `class="past-day"`); n != 15 {
		t.Errorf("Past incidents lists %d days, want 15 (the default past_days)", n)
	}
	for _, want := range []string{
		`id="past-` + statusNow.Format(time.DateOnly) + `"`,
		`No incidents reported.`,
		`Incident history</a>`,
	} {
		if !strings.Contains(past, want) {
			t.Errorf("Past incidents lacks %s", want)
		}
	}
	if !strings.Contains(page, `<a href="/status/components/dns/">DNS</a>`) {
		t.Error("the status page does not link the DNS component's page")
	}
	comp := string(files["status/components/dns/index.html"])
	if comp == "" {
		t.Fatal("status/components/dns/index.html was not rendered")
	}
	if n := strings.Count(comp, `<tr id="day-`); n != 30 {
		t.Errorf("the component page has %d day rows, want 30 (the test site's status.days)", n)
	}
	if !strings.Contains(comp, `<tr id="day-`+statusNow.Format(time.DateOnly)+`">`) {
		t.Error("the component page has no row for today")
	}
	if !strings.Contains(comp, "DNS resolution failing") {
		t.Error("the component page does not list the DNS incident")
	}
}
