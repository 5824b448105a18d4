package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/tools/txtar"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/treetest"
	"github.com/bulletin-dev/bulletin/themes"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testNow is the build clock of every test: after the fixture's last
// report, so nothing in it is "future".
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// fixture is the small fixed site the golden files are rendered from.
const fixture = "testdata/site"

// loadSite loads the site in dir for environment env ("" is production).
func loadSite(tb testing.TB, dir, env string, opts Options) (*Site, error) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), env)
	if err != nil {
		tb.Fatalf("load config: %v", err)
	}
	opts.Dir = dir
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	opts.Builtin = themes.FS
	return Load(cfg, opts)
}

// renderSite loads and renders the site in dir into memory, failing the
// test on any problem.
func renderSite(tb testing.TB, dir, env string, opts Options) map[string][]byte {
	tb.Helper()
	s, err := loadSite(tb, dir, env, opts)
	if err != nil {
		tb.Fatalf("load %s: %v", dir, err)
	}
	out := NewMemOutput()
	if err := s.Render(out); err != nil {
		tb.Fatalf("render %s: %v", dir, err)
	}
	return out.Files()
}

// buildErr loads and renders the site in dir and returns the problems found
// as "path:line: message" lines, with dir stripped from paths.
func buildErr(tb testing.TB, dir string, opts Options) []string {
	tb.Helper()
	s, err := loadSite(tb, dir, "", opts)
	var problems diag.List
	problems.Add("", err)
	if s != nil {
		problems.Add("", s.Render(Discard{}))
	}
	if err = problems.Err(); err == nil {
		return nil
	}
	var le *diag.ListError
	if !errors.As(err, &le) {
		tb.Fatalf("error is %T, not a *diag.ListError: %v", err, err)
	}
	lines := make([]string, len(le.Errs))
	for i, e := range le.Errs {
		lines[i] = strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), "")
	}
	return lines
}

// writeArchive writes the files of a txtar archive into a new temporary
// directory and returns it.
func writeArchive(tb testing.TB, archive string) string {
	tb.Helper()
	dir := tb.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// checkGolden compares got with testdata/golden/name, or rewrites the
// golden file under -update.
func checkGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
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
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the golden file (run go test -update and review the diff):\n%s", name, firstDiff(want, got))
	}
}

// firstDiff shows the first line where got departs from want.
func firstDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
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
	return "(same lines, different bytes)"
}

func TestGoldenPages(t *testing.T) {
	files := renderSite(t, fixture, "", Options{})
	tests := []struct {
		golden, file string
	}{
		// Goals with tracker state, issues with the trend chart, release
		// watch and uptime, all from data/2026-10.json.
		{"report-full.html", "reports/2026/10/index.html"},
		// No data/2026-08.json: narrative and goals only.
		{"report-no-data.html", "reports/2026/08/index.html"},
		{"home.html", "index.html"},
		{"reports.html", "reports/index.html"},
		{"404.html", "404.html"},
		{"feed.xml", "feed.xml"},
		{"atom.xml", "atom.xml"},
		{"feed.json", "feed.json"},
		{"sitemap.xml", "sitemap.xml"},
		{"robots.txt", "robots.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, ok := files[tt.file]
			if !ok {
				t.Fatalf("%s not rendered; have %v", tt.file, sortedKeys(files))
			}
			checkGolden(t, tt.golden, got)
		})
	}
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// wholeSite is a small site in one file: two published reports, a draft, a
// report dated after the build clock, a site template override and a base
// URL with a path.
const wholeSite = `
-- config.toml --
title = "Tiny Ops"
base_url = "https://example.org/ops"
timezone = "America/New_York"

[env.staging]
base_url = "https://staging.example.org/"
-- content/reports/2026-09.md --
---
title: September
date: 2026-10-02
summary: [First one.]
next_goals: [Ship it]
---
See [the status page](/ops/status/).
-- content/reports/2026-10.md --
+++
title = "October"
date = 2026-11-02T08:00:00-05:00
[[goals]]
title = "Ship it"
status = "done"
+++
Shipped.
-- content/reports/2026-11.md --
---
title: November (draft)
date: 2026-11-20
draft: true
---
Not yet.
-- content/reports/2026-12.md --
---
title: December (scheduled)
date: 2027-01-04
---
Not yet either.
-- content/reports/_template.md --
Files starting with _ are not reports.
-- templates/partials/footer.html --
<footer class="custom">Overridden footer for {{.Site.Title}}</footer>
-- data/2026-10.json --
{"schema": 1, "month": "2026-10", "frozen": true, "sources": {}, "issues": [], "releases": [], "availability": [], "goals": []}
`

func TestWholeSite(t *testing.T) {
	dir := writeArchive(t, wholeSite)
	files := renderSite(t, dir, "", Options{})
	for _, name := range []string{
		"index.html", "reports/index.html", "404.html", "feed.xml", "atom.xml", "feed.json", "sitemap.xml", "robots.txt",
		"reports/2026/09/index.html", "reports/2026/10/index.html",
	} {
		if _, ok := files[name]; !ok {
			t.Errorf("%s not rendered", name)
		}
	}
	for _, name := range []string{"reports/2026/11/index.html", "reports/2026/12/index.html"} {
		if _, ok := files[name]; ok {
			t.Errorf("%s rendered without --drafts / --future", name)
		}
	}
	for name, b := range files {
		page := string(b)
		if strings.Contains(page, "November (draft)") || strings.Contains(page, "December (scheduled)") {
			t.Errorf("%s mentions an unpublished report", name)
		}
		// errors/ holds self-contained CDN error pages without the layout.
		if strings.HasSuffix(name, ".html") && !strings.HasPrefix(name, "errors/") && !strings.Contains(page, `<footer class="custom">Overridden footer for Tiny Ops</footer>`) {
			t.Errorf("%s does not use the site's footer override", name)
		}
	}
	home := string(files["index.html"])
	for _, want := range []string{
		`<a href="/ops/reports/2026/10/">October</a>`,
		`<a href="/ops/reports/">Reports</a>`,
		`<link rel="canonical" href="https://example.org/ops/">`,
		`<link rel="stylesheet" href="/ops/css/style.`,
		`<time datetime="2026-11-02T08:00:00-05:00">2 November 2026</time>`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	// The data file exists but is empty: no empty sections.
	oct := string(files["reports/2026/10/index.html"])
	for _, s := range []string{`id="issues"`, `id="releases"`, `id="uptime"`} {
		if strings.Contains(oct, s) {
			t.Errorf("empty snapshot rendered section %s", s)
		}
	}
	if !strings.Contains(string(files["sitemap.xml"]), "<loc>https://example.org/ops/reports/2026/09/</loc><lastmod>2026-10-02</lastmod>") {
		t.Errorf("sitemap:\n%s", files["sitemap.xml"])
	}

	t.Run("drafts and future", func(t *testing.T) {
		for _, tt := range []struct {
			name           string
			opts           Options
			draft, planned bool
		}{
			{"drafts", Options{Drafts: true}, true, false},
			{"future", Options{Future: true}, false, true},
			{"both", Options{Drafts: true, Future: true}, true, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				files := renderSite(t, dir, "", tt.opts)
				_, draft := files["reports/2026/11/index.html"]
				_, planned := files["reports/2026/12/index.html"]
				if draft != tt.draft || planned != tt.planned {
					t.Errorf("draft rendered %v (want %v), future rendered %v (want %v)", draft, tt.draft, planned, tt.planned)
				}
				if tt.draft && !strings.Contains(string(files["reports/2026/11/index.html"]), `<span class="badge draft">Draft</span>`) {
					t.Error("draft not marked as draft")
				}
			})
		}
	})

	t.Run("future by the clock", func(t *testing.T) {
		// On 4 January 2027 in New York the December report is due.
		at := time.Date(2027, 1, 4, 5, 0, 0, 0, time.UTC) // 00:00 in New York
		if _, ok := renderSite(t, dir, "", Options{Now: at})["reports/2026/12/index.html"]; !ok {
			t.Error("report not published on its date")
		}
		if _, ok := renderSite(t, dir, "", Options{Now: at.Add(-time.Second)})["reports/2026/12/index.html"]; ok {
			t.Error("report published a second before its date")
		}
	})

	t.Run("staging base URL", func(t *testing.T) {
		files := renderSite(t, dir, "staging", Options{})
		home := string(files["index.html"])
		for _, want := range []string{`<link rel="canonical" href="https://staging.example.org/">`, `<a href="/reports/2026/10/">October</a>`} {
			if !strings.Contains(home, want) {
				t.Errorf("staging home lacks %s", want)
			}
		}
		if strings.Contains(string(files["feed.xml"]), "https://example.org/") {
			t.Error("staging feed links to production")
		}
	})
}

// TestBadInput asserts the exact message of every kind of bad input, each
// in a site of its own.
func TestBadInput(t *testing.T) {
	const config = "-- config.toml --\ntitle = \"T\"\nbase_url = \"https://t.example/\"\n"
	const data = "-- data/2026-10.json --\n{\"schema\": 1, \"month\": \"2026-10\", \"sources\": {}, \"issues\": [], \"releases\": [], \"availability\": [{\"component\": \"api\", \"ratio\": 0.999, \"coverage\": 1, \"slo\": 0, \"error_budget_remaining\": null, \"excluded\": [], \"daily\": []}], \"goals\": []}\n"
	tests := []struct {
		name    string
		archive string
		want    []string
	}{
		{
			"broken front matter",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\nsummary: [unclosed\n---\nBody\n",
			[]string{"content/reports/2026-10.md:4: did not find expected ',' or ']'"},
		},
		{
			"front matter not closed",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n\nBody\n",
			[]string{"content/reports/2026-10.md:1: front matter is not closed: add a --- line after it"},
		},
		{
			"month does not match the file name",
			"-- content/reports/2026-10.md --\n---\ntitle: October\nmonth: 2026-11\ndate: 2026-11-02\n---\n",
			[]string{`content/reports/2026-10.md:3: month "2026-11" does not match the file name 2026-10.md`},
		},
		{
			"unknown goal status",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\ngoals:\n  - title: Ship it\n    status: finished\n---\n",
			[]string{`content/reports/2026-10.md:6: unknown goal status "finished" (one of done, in-progress, pushed, on-hold, dropped, pending)`},
		},
		{
			"unknown figure at its body line",
			data + "-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n---\n\nFine: {{< figure \"uptime.api\" >}}.\n\nNot fine: {{< figure \"uptime.dns\" >}}.\n",
			[]string{`content/reports/2026-10.md:8: unknown figure "uptime.dns": 2026-10 has no availability for component "dns" (it has api)`},
		},
		{
			"figure in a month without data",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n---\nSee {{< figure \"uptime.api\" >}}.\n",
			[]string{`content/reports/2026-10.md:5: figure "uptime.api": this page has no month data to cite`},
		},
		{
			"duplicate month",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n---\n-- content/reports/2026-10 copy.md --\n---\ntitle: October\nmonth: 2026-10\ndate: 2026-11-02\n---\n",
			[]string{
				"content/reports/2026-10 copy.md: report file names are YYYY-MM.md, e.g. 2026-10.md",
				"content/reports/2026-10 copy.md:3: duplicate report for 2026-10 (also content/reports/2026-10.md)",
				"content/reports/2026-10.md:1: duplicate report for 2026-10 (also content/reports/2026-10 copy.md)",
			},
		},
		{
			"missing title and date",
			"-- content/reports/2026-10.md --\n---\nauthors: [Drew]\n---\n",
			[]string{"content/reports/2026-10.md:1: title is required", "content/reports/2026-10.md:1: date is required (the publish time, e.g. 2026-11-03)"},
		},
		{
			"unknown front matter key",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\nauthor: Drew\n---\n",
			[]string{"content/reports/2026-10.md:4: unknown key \"author\""},
		},
		{
			"broken snapshot",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n---\n-- data/2026-10.json --\n{\"schema\": 1,\n \"month\": \"2026-10\",\n \"issues\": [}\n",
			[]string{"data/2026-10.json:3: invalid character '}' looking for beginning of value"},
		},
		{
			"unknown snapshot field",
			"-- data/2026-10.json --\n{\"schema\": 1, \"month\": \"2026-10\", \"uptime\": []}\n",
			[]string{`data/2026-10.json:1: unknown field "uptime"`},
		},
		{
			"template error",
			"-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n---\n-- templates/partials/footer.html --\n<footer>\n{{.Site.Nope}}\n</footer>\n",
			[]string{`templates/partials/footer.html:2: executing "partials/footer.html" at <.Site.Nope>: can't evaluate field Nope in type *site.SiteData`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeArchive(t, config+tt.archive)
			got := buildErr(t, dir, Options{})
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestAllProblemsInOneRun puts every kind of bad content into one site: the
// build reports each of them, not only the first.
func TestAllProblemsInOneRun(t *testing.T) {
	dir := writeArchive(t, `
-- config.toml --
title = "T"
base_url = "https://t.example/"
-- content/reports/2026-07.md --
---
title: July
date: 2026-08-02
summary: [unclosed
---
-- content/reports/2026-08.md --
---
title: August
month: 2026-09
date: 2026-09-02
---
-- content/reports/2026-09.md --
---
title: September
date: 2026-10-02
goals:
  - title: Ship it
    status: finished
---
-- content/reports/2026-10.md --
---
title: October
date: 2026-11-02
draft: true
---

{{< figure "uptime.api" >}}
-- content/reports/2026-11.md --
---
title: November
date: 2026-11-20
---
-- data/2026-11.json --
{"schema": 2}
`)
	if os.Geteuid() != 0 {
		// Root reads anything, so the unreadable file only counts for others.
		if err := os.Chmod(filepath.Join(dir, "content/reports/2026-11.md"), 0); err != nil {
			t.Fatal(err)
		}
	}
	got := buildErr(t, dir, Options{Drafts: true, Future: true, KeepGoing: true})
	want := []string{
		"content/reports/2026-07.md:4: did not find expected ',' or ']'",
		`content/reports/2026-08.md:3: month "2026-09" does not match the file name 2026-08.md`,
		`content/reports/2026-09.md:6: unknown goal status "finished" (one of done, in-progress, pushed, on-hold, dropped, pending)`,
		// 2026-10 is a draft: still checked when drafts are included.
		`content/reports/2026-10.md:7: figure "uptime.api": this page has no month data to cite`,
	}
	if os.Geteuid() != 0 {
		want = append(want, "content/reports/2026-11.md: read: permission denied")
	}
	want = append(want, "data/2026-11.json: schema 2 is not supported (this bulletin reads schema 1)")
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnreadableReport(t *testing.T) {
	dir := writeArchive(t, "-- config.toml --\ntitle = \"T\"\nbase_url = \"https://t.example/\"\n-- content/reports/2026-10.md --\n---\ntitle: October\ndate: 2026-11-02\n---\n")
	p := filepath.Join(dir, "content", "reports", "2026-10.md")
	want := []string{"content/reports/2026-10.md: read: permission denied"}
	if os.Geteuid() == 0 {
		// Root reads a file of mode 000 (and CI may run as root): a link
		// to nowhere fails to read as well.
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("gone.md", p); err != nil {
			t.Fatal(err)
		}
		want = []string{"content/reports/2026-10.md: broken symbolic link: no such file or directory"}
	} else {
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(p, 0o644) })
	}
	got := buildErr(t, dir, Options{})
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDeterministic builds the fixture twice into two directories and
// compares every byte.
func TestDeterministic(t *testing.T) {
	build := func() map[string][]byte {
		dir := filepath.Join(t.TempDir(), "public")
		s, err := loadSite(t, fixture, "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteDir(dir, s.Render); err != nil {
			t.Fatal(err)
		}
		return treetest.Read(t, dir)
	}
	a, b := build(), build()
	if len(a) == 0 {
		t.Fatal("nothing built")
	}
	if !slices.Equal(sortedKeys(a), sortedKeys(b)) {
		t.Fatalf("file lists differ:\n%v\n%v", sortedKeys(a), sortedKeys(b))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two builds: %s", name, firstDiff(a[name], b[name]))
		}
	}
	// No clock leaks into the reports: a build a year later is the same.
	// (The status page legitimately depends on the clock, and so do the
	// announcements a report lists, with their status as of the build:
	// leave those out.)
	dir := copyDir(t, fixture)
	if err := os.RemoveAll(filepath.Join(dir, "content", "announcements")); err != nil {
		t.Fatal(err)
	}
	now := renderSite(t, dir, "", Options{})
	later := renderSite(t, dir, "", Options{Now: testNow.AddDate(1, 0, 0)})
	for name, want := range now {
		if !strings.HasPrefix(name, "reports/") && !slices.Contains([]string{"feed.xml", "atom.xml", "feed.json"}, name) {
			continue
		}
		if !bytes.Equal(later[name], want) {
			t.Errorf("%s depends on the build time", name)
		}
	}
}

// TestEmptySite: a site of nothing but a config, as a team's first day,
// builds a home page that says so, an all-clear status page, empty feeds
// and API lists, and error pages.
func TestEmptySite(t *testing.T) {
	dir := writeArchive(t, "-- config.toml --\ntitle = \"Empty\"\nbase_url = \"https://e.example/\"\n")
	files := renderSite(t, dir, "", Options{})
	if home := string(files["index.html"]); !strings.Contains(home, "No reports published yet.") {
		t.Errorf("home page:\n%s", home)
	}
	if st := string(files["status/index.html"]); !strings.Contains(st, "All Systems Operational") {
		t.Errorf("status page does not give the all-clear:\n%s", st)
	}
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json", "status/feed.xml", "status/atom.xml"} {
		f, err := gofeed.NewParser().ParseString(string(files[name]))
		if err != nil || len(f.Items) != 0 {
			t.Errorf("%s: %v, %d items", name, err, len(f.Items))
		}
	}
	for _, name := range []string{"status/api/v2/incidents.json", "status/api/v2/scheduled-maintenances.json", "status/api/v2/components.json"} {
		var doc map[string]any
		if err := json.Unmarshal(files[name], &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range doc {
			if k == "page" {
				continue
			}
			if l, ok := v.([]any); !ok || len(l) != 0 {
				t.Errorf("%s: %s = %v, want []", name, k, v)
			}
		}
	}
	if _, ok := files["errors/503.html"]; !ok {
		t.Error("no 503 page")
	}
}
