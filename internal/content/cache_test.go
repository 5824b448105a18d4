package content_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/digest"
)

// mapCache is a ParseCache in memory that counts what the loader asks.
type mapCache struct {
	mu               sync.Mutex
	m                map[digest.Key]string
	gets, hits, puts int
}

func newMapCache() *mapCache { return &mapCache{m: map[digest.Key]string{}} }

func (c *mapCache) Get(k digest.Key) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	c.gets++
	if ok {
		c.hits++
	}
	return v, ok
}

func (c *mapCache) Put(k digest.Key, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
	c.puts++
}

// counts returns and resets the counters.
func (c *mapCache) counts() (gets, hits, puts int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gets, hits, puts = c.gets, c.hits, c.puts
	c.gets, c.hits, c.puts = 0, 0, 0
	return gets, hits, puts
}

// extraFiles are content files of the kinds benchgen does not write: TOML
// front matter of every kind, Windows line ends, a byte order mark, a file
// that ends with its front matter, times with and without offsets, empty
// and plain-string lists. %[1]s and %[2]s are component ids.
var extraFiles = map[string]string{
	"reports/2020-01.md": `+++
title = "January 2020"
month = "2020-01"
date = 2020-02-03T10:00:00
authors = ["Drew", "Sam"]
summary = ["Postgres 16 migration half done."]

[[goals]]
title = "Migrate to Postgres 16"
status = "in-progress"
milestone = "acme/app#3"

[[goals]]
title = "Retire the old DNS provider"
status = "on-hold"
note = "Waiting for the new provider's contract."

[[next_goals]]
title = "Migrate to Postgres 16"
milestone = "acme/app#3"
+++

The app repository opened issues.
`,
	"reports/2020-02.md": "---\ntitle: February 2020\ndate: 2020-03-02 09:00\nauthors: []\nsummary:\n  - One\ngoals:\n  - title: Ship\n    status: done\n    owner: Sam\n    issue: acme/app#12\nnext_goals:\n  - A plain goal\n---\n",
	"incidents/2020-01-15-toml-outage.md": `+++
title = "Slow website"
impact = "minor"
started = 2020-01-15T14:00:00
resolved = 2020-01-15T15:45:00+01:00
components = ["%[1]s", "%[2]s"]

[[updates]]
at = 2020-01-15T14:05:00
status = "investigating"
body = "Pages load slowly."
components = { %[1]s = "degraded_performance" }

[[updates]]
at = 2020-01-15T14:45:00Z
status = "resolved"
body = "A cache node was replaced."
components = { %[1]s = "operational", %[2]s = "operational" }
+++
## What happened

A cache node ran out of memory.
`,
	"incidents/2020-03-01-crlf.md": "---\r\ntitle: Written on Windows\r\nimpact: none\r\nstarted: 2020-03-01T10:00:00+05:30\r\nresolved: 2020-03-01 11:00\r\ncomponents: [%[1]s]\r\nupdates:\r\n  - at: 2020-03-01T10:00:00+05:30\r\n    status: investigating\r\n    body: |\r\n      Two lines\r\n      of body.\r\n    components: {}\r\n  - at: 2020-03-01 11:00\r\n    status: resolved\r\n    body: Fixed.\r\n---\r\nBody\r\nwith CRLF.\r\n",
	"incidents/2020-03-02-bom.md":  "\ufeff---\ntitle: With a byte order mark\nimpact: critical\nstarted: 2020-03-02\ncomponents: []\nupdates:\n  - at: 2020-03-02T00:00:00Z\n    status: investigating\n    body: \"\"\n---\n",
	"maintenance/2020-02-01-toml-window.md": `+++
title = "Network switch replacement"
scheduled_for = 2020-02-01T20:00:00Z
scheduled_until = 2020-02-01T23:00:00
components = ["%[1]s"]
counts_against_availability = true

[[updates]]
at = 2020-01-28T08:00:00Z
status = "scheduled"
body = "Short interruptions are possible."

[[updates]]
at = 2020-02-01T22:40:00
status = "verifying"
body = "The switch is in; we are verifying."
+++
`,
}

// cacheSite generates a site of 6 reports and 200 incidents plus
// extraFiles.
func cacheSite(tb testing.TB) (string, *benchgen.Site, *config.Config) {
	tb.Helper()
	gs, err := benchgen.Generate(filepath.Join(tb.TempDir(), "site"), benchgen.Options{
		Seed: 3, Now: time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC), Reports: 6, Incidents: 200,
	})
	if err != nil {
		tb.Fatal(err)
	}
	for name, src := range extraFiles {
		src = strings.ReplaceAll(src, "%[1]s", gs.Components[0])
		src = strings.ReplaceAll(src, "%[2]s", gs.Components[1])
		writeFile(tb, filepath.Join(gs.Dir, "content", name), src)
	}
	return gs.Dir, gs, loadConfig(tb, gs.Dir)
}

func loadConfig(tb testing.TB, dir string) *config.Config {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "production")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func writeFile(tb testing.TB, path, src string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// loaded is everything a load of a site's content returns.
type loaded struct {
	Reports   []*content.Report
	ReportErr string
	Status    *content.StatusContent
	StatusErr string
}

func load(dir string, cfg *config.Config, ld content.Loader) loaded {
	var l loaded
	var err error
	l.Reports, err = ld.Reports(filepath.Join(dir, "content", "reports"), cfg.Location)
	if err != nil {
		l.ReportErr = err.Error()
	}
	l.Status, err = ld.StatusContent(filepath.Join(dir, "content", "incidents"), filepath.Join(dir, "content", "maintenance"), cfg)
	if err != nil {
		l.StatusErr = err.Error()
	}
	return l
}

// sameLoad fails unless got deep-equals want: every report, incident and
// window, documents included (their key lines too), and the messages.
func sameLoad(tb testing.TB, what string, got, want loaded) {
	tb.Helper()
	if got.ReportErr != want.ReportErr || got.StatusErr != want.StatusErr {
		tb.Errorf("%s: problems\n%s\n%s\nwant\n%s\n%s", what, got.ReportErr, got.StatusErr, want.ReportErr, want.StatusErr)
	}
	if len(got.Reports) != len(want.Reports) {
		tb.Fatalf("%s: %d reports, want %d", what, len(got.Reports), len(want.Reports))
	}
	for i := range want.Reports {
		if !reflect.DeepEqual(got.Reports[i], want.Reports[i]) {
			tb.Errorf("%s: report %s differs from a fresh parse:\n got %+v\nwant %+v", what, want.Reports[i].Path, got.Reports[i], want.Reports[i])
		}
	}
	if (got.Status == nil) != (want.Status == nil) {
		tb.Fatalf("%s: status content %v, want %v", what, got.Status, want.Status)
	}
	if want.Status == nil {
		return
	}
	if len(got.Status.Incidents) != len(want.Status.Incidents) || len(got.Status.Maintenance) != len(want.Status.Maintenance) {
		tb.Fatalf("%s: %d incidents and %d windows, want %d and %d", what, len(got.Status.Incidents), len(got.Status.Maintenance), len(want.Status.Incidents), len(want.Status.Maintenance))
	}
	for i, w := range want.Status.Incidents {
		if !reflect.DeepEqual(got.Status.Incidents[i], w) {
			tb.Errorf("%s: incident %s differs from a fresh parse:\n got %+v\nwant %+v", what, w.Path, got.Status.Incidents[i], w)
		}
	}
	for i, w := range want.Status.Maintenance {
		if !reflect.DeepEqual(got.Status.Maintenance[i], w) {
			tb.Errorf("%s: window %s differs from a fresh parse:\n got %+v\nwant %+v", what, w.Path, got.Status.Maintenance[i], w)
		}
	}
}

// TestRoundTrip: for every file of a generated site, what a warm load
// decodes from the cache deep-equals what parsing made, the document's key
// lines and the times' unexported fields included.
func TestRoundTrip(t *testing.T) {
	dir, _, _ := cacheSite(t)
	kinds := map[string]string{"reports": "report", "incidents": "incident", "maintenance": "maintenance"}
	n := 0
	for sub, kind := range kinds {
		paths, err := content.MarkdownFiles(filepath.Join(dir, "content", sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			parsed, cached, err := content.RoundTrip(kind, p, src)
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			if !reflect.DeepEqual(parsed, cached) {
				t.Errorf("%s: decode(encode(x)) differs:\n got %+v %+v\nwant %+v %+v", p, cached.Doc, cached.Meta, parsed.Doc, parsed.Meta)
			}
			n++
		}
	}
	if n < 6+200+len(extraFiles) {
		t.Errorf("only %d files round-tripped", n)
	}
}

// TestCachedLoadIsIdentical: loads through a cold and a warm cache give
// what a load without cache gives, deep-equal, and the warm one parses
// nothing.
func TestCachedLoadIsIdentical(t *testing.T) {
	dir, _, cfg := cacheSite(t)
	plain := load(dir, cfg, content.Loader{})
	if plain.ReportErr != "" || plain.StatusErr != "" {
		t.Fatalf("the site has problems:\n%s\n%s", plain.ReportErr, plain.StatusErr)
	}
	c := newMapCache()
	sameLoad(t, "cold cache", load(dir, cfg, content.Loader{Cache: c}), plain)
	files := len(plain.Reports) + len(plain.Status.Incidents) + len(plain.Status.Maintenance)
	if gets, hits, puts := c.counts(); gets != files || hits != 0 || puts != files {
		t.Errorf("cold cache: %d gets, %d hits, %d puts; want %d, 0, %[4]d", gets, hits, puts, files)
	}
	warm := load(dir, cfg, content.Loader{Cache: c})
	sameLoad(t, "warm cache", warm, plain)
	if gets, hits, puts := c.counts(); gets != files || hits != files || puts != 0 {
		t.Errorf("warm cache: %d gets, %d hits, %d puts; want %d, %[4]d, 0", gets, hits, puts, files)
	}
	// Line lookups by key, and their fallbacks to a parent key and to the
	// front matter, answer alike.
	for i, inc := range plain.Status.Incidents {
		for _, key := range []string{"title", "updates.0", "updates.1.status", "updates.0.components", "updates.7.body", "components.0", "nope.3"} {
			if got, want := warm.Status.Incidents[i].Line(key), inc.Line(key); got != want {
				t.Errorf("%s: Line(%q) = %d from the cache, %d parsed", inc.Path, key, got, want)
			}
		}
	}
}

// TestCacheKey: a cached entry serves only the same path with the same
// bytes. A copy of a file under another name, or an edit, is parsed.
func TestCacheKey(t *testing.T) {
	dir, gs, cfg := cacheSite(t)
	c := newMapCache()
	load(dir, cfg, content.Loader{Cache: c})
	incidents := filepath.Join(dir, "content", "incidents")
	src, err := os.ReadFile(filepath.Join(incidents, gs.Incidents[5]+".md"))
	if err != nil {
		t.Fatal(err)
	}
	// The copy's slug is new, its start time and title those of the
	// original: one more incident, no problem.
	writeFile(t, filepath.Join(incidents, "copy-"+gs.Incidents[5]+".md"), string(src))
	edited := strings.Replace(string(src), "title: ", "title: Edited ", 1)
	writeFile(t, filepath.Join(incidents, gs.Incidents[6]+".md"), edited)
	c.counts()
	got := load(dir, cfg, content.Loader{Cache: c})
	sameLoad(t, "after a copy and an edit", got, load(dir, cfg, content.Loader{}))
	if _, hits, puts := c.counts(); puts != 2 || hits != len(got.Reports)+len(got.Status.Incidents)+len(got.Status.Maintenance)-2 {
		t.Errorf("%d hits and %d puts, want all but the copy and the edit served from the cache", hits, puts)
	}
}

// TestCachedValidationFollowsConfig: what the config decides is decided on
// every load, from cached files too. A component removed from the config
// makes the incidents that name it fail with the messages of a load
// without cache; another zone moves the times of offset-less timestamps.
func TestCachedValidationFollowsConfig(t *testing.T) {
	dir, gs, cfg := cacheSite(t)
	c := newMapCache()
	sameLoad(t, "warm-up", load(dir, cfg, content.Loader{Cache: c}), load(dir, cfg, content.Loader{}))

	removed := gs.Components[0]
	kept := cfg.Components[:0:0]
	for _, comp := range cfg.Components {
		if comp.ID != removed {
			kept = append(kept, comp)
		}
	}
	noComp := *cfg
	noComp.Components = kept
	want := load(dir, &noComp, content.Loader{})
	if !strings.Contains(want.StatusErr, `unknown component "`+removed+`"`) {
		t.Fatalf("removing %s from the config should make incidents fail; got %q", removed, want.StatusErr)
	}
	c.counts()
	sameLoad(t, "component removed", load(dir, &noComp, content.Loader{Cache: c}), want)
	if _, hits, _ := c.counts(); hits == 0 {
		t.Errorf("nothing came from the cache: the test proves nothing")
	}

	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip(err)
	}
	otherZone := *cfg
	otherZone.Location = tokyo
	want = load(dir, &otherZone, content.Loader{})
	got := load(dir, &otherZone, content.Loader{Cache: c})
	sameLoad(t, "other zone", got, want)
	for _, inc := range got.Status.Incidents {
		if strings.HasSuffix(inc.Path, "toml-outage.md") && inc.Started.Format(time.RFC3339) != "2020-01-15T14:00:00+09:00" {
			t.Errorf("%s started %s, want 14:00 in Tokyo", inc.Path, inc.Started.Format(time.RFC3339))
		}
	}
}

// TestProblemsAreNotCached: a file with problems, in its front matter or
// found by validation, is parsed on every load and reports the same
// messages every time.
func TestProblemsAreNotCached(t *testing.T) {
	dir, gs, cfg := cacheSite(t)
	incidents := filepath.Join(dir, "content", "incidents")
	writeFile(t, filepath.Join(incidents, "2020-05-01-bad-yaml.md"), "---\ntitle: Bad\nimpact: [minor\n---\n")
	writeFile(t, filepath.Join(incidents, "2020-05-02-bad-status.md"), "---\ntitle: Bad status\nimpact: minor\nstarted: 2020-05-02T10:00:00Z\ncomponents: ["+gs.Components[0]+"]\nupdates:\n  - at: 2020-05-02T10:00:00Z\n    status: exploding\n    body: x\n---\n")
	writeFile(t, filepath.Join(dir, "content", "reports", "2020-05.md"), "---\ntitle: May\ndate: 2020-06-01\nunknown_key: 1\n---\n")
	want := load(dir, cfg, content.Loader{})
	for _, msg := range []string{"2020-05-01-bad-yaml.md:", "2020-05-02-bad-status.md:8: unknown incident status \"exploding\""} {
		if !strings.Contains(want.StatusErr, msg) {
			t.Fatalf("want a problem %q, got\n%s", msg, want.StatusErr)
		}
	}
	if !strings.Contains(want.ReportErr, `2020-05.md:4: unknown key "unknown_key"`) {
		t.Fatalf("want the unknown key, got\n%s", want.ReportErr)
	}
	c := newMapCache()
	for i := range 3 {
		sameLoad(t, "load "+string(rune('1'+i)), load(dir, cfg, content.Loader{Cache: c}), want)
		gets, hits, puts := c.counts()
		if i == 0 && puts != gets-3 || i > 0 && (hits != gets-3 || puts != 0) {
			t.Errorf("load %d: %d gets, %d hits, %d puts; the 3 files with problems must be parsed every time and never stored", i+1, gets, hits, puts)
		}
	}
}

// TestLoadIsParse: every value a load returns, with or without cache, is
// what parsing its file alone makes. The loader reads every file into the
// same buffer, so a value that kept a piece of it would show another
// file's bytes here.
func TestLoadIsParse(t *testing.T) {
	dir, _, cfg := cacheSite(t)
	read := func(path string) []byte {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	c := newMapCache()
	for _, what := range []string{"no cache", "cold cache", "warm cache"} {
		ld := content.Loader{}
		if what != "no cache" {
			ld.Cache = c
		}
		got := load(dir, cfg, ld)
		for _, r := range got.Reports {
			want, err := content.ParseReport(r.Path, read(r.Path), cfg.Location)
			if err != nil || !reflect.DeepEqual(r, want) {
				t.Errorf("%s: %s is not its file parsed alone (%v)", what, r.Path, err)
			}
		}
		for _, inc := range got.Status.Incidents {
			want, err := content.ParseIncident(inc.Path, read(inc.Path), cfg)
			if err != nil || !reflect.DeepEqual(inc, want) {
				t.Errorf("%s: %s is not its file parsed alone (%v)", what, inc.Path, err)
			}
		}
		for _, m := range got.Status.Maintenance {
			want, err := content.ParseMaintenance(m.Path, read(m.Path), cfg)
			if err != nil || !reflect.DeepEqual(m, want) {
				t.Errorf("%s: %s is not its file parsed alone (%v)", what, m.Path, err)
			}
		}
	}
}
