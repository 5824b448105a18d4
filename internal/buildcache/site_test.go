package buildcache

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/outdir"
	"github.com/bulletin-dev/bulletin/internal/site"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/treetest"
	"github.com/bulletin-dev/bulletin/themes"
)

var buildNow = time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC)

// build renders the site in dir as `bulletin build` does, with or without
// the caches, and returns its files and the markdown cache's stats.
func build(tb testing.TB, dir string, cached bool) (map[string][]byte, Stats) {
	return buildAt(tb, dir, cached, buildNow)
}

// buildAt builds at the clock now. Without cache it renders into memory;
// with, it renders through the markdown cache into dir/public, updated in
// place from the previous build with pages reused, as bulletin build does.
func buildAt(tb testing.TB, dir string, cached bool, now time.Time) (map[string][]byte, Stats) {
	tb.Helper()
	files, st, _ := buildOut(tb, dir, cached, now)
	return files, st
}

// buildOut is buildAt that also returns what the build did to dir/public.
func buildOut(tb testing.TB, dir string, cached bool, now time.Time) (map[string][]byte, Stats, outdir.Stats) {
	tb.Helper()
	b, err := tryBuild(tb, dir, cached, now)
	if err != nil {
		tb.Fatal(err)
	}
	return b.files, b.markdown, b.out
}

// built is what a build made, and what it took from the caches.
type built struct {
	files               map[string][]byte
	markdown, documents Stats
	out                 outdir.Stats
}

// tryBuild builds as bulletin build does and returns the site's problems.
// With the caches it parses content through the document cache, renders
// markdown through the markdown cache, and saves both after a successful
// build.
func tryBuild(tb testing.TB, dir string, cached bool, now time.Time) (built, error) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "production")
	if err != nil {
		return built{}, err
	}
	opts := site.Options{Dir: dir, Now: now, Builtin: themes.FS}
	if !cached {
		s, err := site.Load(cfg, opts)
		if err != nil {
			return built{}, err
		}
		out := site.NewMemOutput()
		if err := s.Render(out); err != nil {
			return built{}, err
		}
		return built{files: out.Files()}, nil
	}
	c, err := ForSite(dir, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	docs, err := DocumentsForSite(dir)
	if err != nil {
		tb.Fatal(err)
	}
	sources := OpenSources(Dir(dir))
	opts.Markdown = c
	opts.Documents = docs
	opts.Sources = sources
	opts.CodeVersion = "test build"
	s, err := site.Load(cfg, opts)
	if err != nil {
		return built{documents: docs.Stats()}, err
	}
	public := filepath.Join(dir, "public")
	ost, err := outdir.Build(public, outdir.Options{Manifest: OutputManifest(dir, public)}, func(w *outdir.Writer) error { return s.Render(w) })
	if err != nil {
		return built{documents: docs.Stats()}, err
	}
	if err := c.Save(); err != nil {
		tb.Fatal(err)
	}
	if err := docs.Save(); err != nil {
		tb.Fatal(err)
	}
	if err := sources.Save(); err != nil {
		tb.Fatal(err)
	}
	return built{files: treetest.Read(tb, public), markdown: c.Stats(), documents: docs.Stats(), out: ost}, nil
}

func sameFiles(tb testing.TB, what string, got, want map[string][]byte) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	n := 0
	for name, w := range want {
		if g, ok := got[name]; !ok || !bytes.Equal(g, w) {
			if n++; n <= 5 {
				tb.Errorf("%s: %s differs from the build without cache", what, name)
			}
		}
	}
}

func genSite(tb testing.TB) (string, *benchgen.Site) {
	tb.Helper()
	gs, err := benchgen.Generate(filepath.Join(tb.TempDir(), "site"), benchgen.Options{Seed: 11, Now: buildNow, Reports: 6, Incidents: 25, Maintenance: 8})
	if err != nil {
		tb.Fatal(err)
	}
	return gs.Dir, gs
}

// TestCachedBuildIsIdentical: a cold and a warm cached build give the bytes
// of a build without cache, and the warm one parses and renders nothing.
func TestCachedBuildIsIdentical(t *testing.T) {
	dir, gs := genSite(t)
	plain, _ := build(t, dir, false)
	cold, err := tryBuild(t, dir, true, buildNow)
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "cold cache", cold.files, plain)
	// Hits on a cold cache are documents repeated within the build
	// (the same one-line update on many incidents).
	if cold.markdown.Misses == 0 {
		t.Errorf("cold cache: %+v, want misses", cold.markdown)
	}
	files := int64(len(gs.Reports) + len(gs.Incidents) + len(gs.Maintenance))
	if cold.documents.Misses != files || cold.documents.Hits != 0 {
		t.Errorf("cold document cache: %+v, want %d misses", cold.documents, files)
	}
	w, err := tryBuild(t, dir, true, buildNow)
	if err != nil {
		t.Fatal(err)
	}
	warm, st, out := w.files, w.markdown, w.out
	sameFiles(t, "warm cache", warm, plain)
	if st.Misses != 0 || st.Hits == 0 {
		t.Errorf("warm cache: %+v, want only hits", st)
	}
	if w.documents.Misses != 0 || w.documents.Hits != files {
		t.Errorf("warm document cache: %+v, want %d hits", w.documents, files)
	}
	// Every report, archive, incident and history page and every feed was
	// reused, not rendered, and nothing in public/ was written.
	pages := 0
	for name := range plain {
		feed := strings.HasSuffix(name, "feed.xml") || strings.HasSuffix(name, "atom.xml") || name == "feed.json"
		if strings.HasPrefix(name, "reports/") || name == "index.html" || strings.HasPrefix(name, "incidents/") || strings.HasPrefix(name, "status/history/") || feed {
			pages++
		}
	}
	if !out.Incremental || out.Written != 0 || out.Removed != 0 || out.Reused != pages || out.Kept != len(plain) {
		t.Errorf("warm build did %+v to public/, want %d pages reused and every file kept", out, pages)
	}
}

func edit(tb testing.TB, path string, change func(string) string) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	after := change(string(b))
	if after == string(b) {
		tb.Fatalf("edit of %s changed nothing", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(after), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func write(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestNeverStale makes every kind of change to a site whose cache is warm
// and checks that the cached build equals a build without cache and differs
// from the build before the change.
func TestNeverStale(t *testing.T) {
	citation := regexp.MustCompile(`\{\{< figure "uptime\.([a-z0-9]+)" >\}\}`)
	footer, err := themes.FS.ReadFile("default/templates/partials/footer.html")
	if err != nil {
		t.Fatal(err)
	}
	changes := []struct {
		name   string
		change func(t *testing.T, dir string, gs *benchgen.Site)
		// now, when set, is the clock of the builds after the change.
		now time.Time
	}{
		{"report markdown", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "reports", gs.Reports[0]+".md"), func(s string) string {
				return s + "\nOne more paragraph, with *emphasis*.\n"
			})
		}, time.Time{}},
		{"incident update", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[3]+".md"), func(s string) string {
				return strings.Replace(s, "    body: ", "    body: Edited. ", 1)
			})
		}, time.Time{}},
		{"maintenance markdown", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "maintenance", gs.Maintenance[0]+".md"), func(s string) string {
				return s + "\nA **late** note.\n"
			})
		}, time.Time{}},
		{"data snapshot behind a cited figure", func(t *testing.T, dir string, gs *benchgen.Site) {
			// The newest report citing an uptime figure; its month's ratio changes.
			for _, m := range gs.Reports {
				src, err := os.ReadFile(filepath.Join(dir, "content", "reports", m+".md"))
				if err != nil {
					t.Fatal(err)
				}
				g := citation.FindSubmatch(src)
				if g == nil {
					continue
				}
				path := snapshot.Store{Dir: filepath.Join(dir, "data")}.Path(m)
				s, err := snapshot.Read(path)
				if err != nil {
					t.Fatal(err)
				}
				for i := range s.Availability {
					if s.Availability[i].Component == string(g[1]) {
						r := *s.Availability[i].Ratio - 0.0123
						s.Availability[i].Ratio = &r
					}
				}
				if err := snapshot.Write(path, s); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Fatal("no report cites an uptime figure")
		}, time.Time{}},
		{"config: percent precision", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return strings.Replace(s, "percent_precision = 2", "percent_precision = 3", 1)
			})
		}, time.Time{}},
		{"config: unsafe_html", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "reports", gs.Reports[1]+".md"), func(s string) string {
				return s + "\n<div class=\"raw\">raw html</div>\n"
			})
			// Build once with the raw HTML escaped, so the cache holds that.
			build(t, dir, true)
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return strings.Replace(s, "percent_precision = 2", "percent_precision = 2\nunsafe_html = true", 1)
			})
		}, time.Time{}},
		{"config: the status side made a site of its own", func(t *testing.T, dir string, gs *benchgen.Site) {
			// Every status page moves below _status/, every link turns
			// absolute, and /status/ becomes a page sending readers on.
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return strings.Replace(s, "[status]\n", "[status]\nbase_url = \"https://uptime.bench.example/\"\n", 1)
			})
		}, time.Time{}},
		{"template override", func(t *testing.T, dir string, gs *benchgen.Site) {
			write(t, filepath.Join(dir, "templates", "partials", "footer.html"), string(footer)+"<!-- overridden -->\n")
		}, time.Time{}},
		{"site theme", func(t *testing.T, dir string, gs *benchgen.Site) {
			write(t, filepath.Join(dir, "themes", "default", "templates", "partials", "footer.html"), string(footer)+"<p>theme footer</p>\n")
		}, time.Time{}},
		{"report added before the oldest", func(t *testing.T, dir string, gs *benchgen.Site) {
			// The new neighbour shows in the oldest report's pager.
			oldest := gs.Reports[len(gs.Reports)-1]
			month := snapshot.PrevMonth(oldest)
			src, err := os.ReadFile(filepath.Join(dir, "content", "reports", oldest+".md"))
			if err != nil {
				t.Fatal(err)
			}
			s := strings.Replace(string(src), "month: "+oldest, "month: "+month, 1)
			s = regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllString(s, "title: An older report")
			// That month has no data to cite.
			s = regexp.MustCompile(`\{\{< figure "[^"]*" >\}\}`).ReplaceAllString(s, "n/a")
			write(t, filepath.Join(dir, "content", "reports", month+".md"), s)
		}, time.Time{}},
		{"report title, shown in its neighbours' pagers", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "reports", gs.Reports[2]+".md"), func(s string) string {
				return regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllString(s, "title: A new title")
			})
		}, time.Time{}},
		{"report made a draft", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "reports", gs.Reports[2]+".md"), func(s string) string {
				return regexp.MustCompile(`(?m)^month: .*$`).ReplaceAllStringFunc(s, func(m string) string { return m + "\ndraft: true" })
			})
		}, time.Time{}},
		{"report removed", func(t *testing.T, dir string, gs *benchgen.Site) {
			if err := os.Remove(filepath.Join(dir, "content", "reports", gs.Reports[1]+".md")); err != nil {
				t.Fatal(err)
			}
		}, time.Time{}},
		{"incident impact, in its front matter", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[7]+".md"), func(s string) string {
				return regexp.MustCompile(`(?m)^impact: .*$`).ReplaceAllStringFunc(s, func(m string) string {
					if m == "impact: critical" {
						return "impact: none"
					}
					return "impact: critical"
				})
			})
		}, time.Time{}},
		{"incident update status, in its front matter", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[8]+".md"), func(s string) string {
				return strings.Replace(s, "    status: investigating\n", "    status: identified\n", 1)
			})
		}, time.Time{}},
		{"maintenance title, in the tooltips of its days in the reports' strips", func(t *testing.T, dir string, gs *benchgen.Site) {
			for _, m := range gs.Maintenance {
				edit(t, filepath.Join(dir, "content", "maintenance", m+".md"), func(s string) string {
					return regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllString(s, "title: Renamed window")
				})
			}
		}, time.Time{}},
		{"incident title, shown in its month's report", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[len(gs.Incidents)/2]+".md"), func(s string) string {
				return regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllString(s, "title: Renamed incident")
			})
		}, time.Time{}},
		{"incident removed", func(t *testing.T, dir string, gs *benchgen.Site) {
			if err := os.Remove(filepath.Join(dir, "content", "incidents", gs.Incidents[4]+".md")); err != nil {
				t.Fatal(err)
			}
		}, time.Time{}},
		{"config: component renamed", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return regexp.MustCompile(`(?m)^name = "API"$`).ReplaceAllString(s, `name = "Public API"`)
			})
		}, time.Time{}},
		{"a month's snapshot removed: its report loses the sections", func(t *testing.T, dir string, gs *benchgen.Site) {
			// A report citing no figure, so that it still builds without data.
			for _, m := range gs.Reports {
				src, err := os.ReadFile(filepath.Join(dir, "content", "reports", m+".md"))
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(src), "{{< figure") {
					continue
				}
				if err := os.Remove(snapshot.Store{Dir: filepath.Join(dir, "data")}.Path(m)); err != nil {
					t.Fatal(err)
				}
				return
			}
			// Every generated report cites figures: strip one report's.
			m := gs.Reports[1]
			edit(t, filepath.Join(dir, "content", "reports", m+".md"), func(s string) string {
				return regexp.MustCompile(`\{\{< figure "[^"]*" >\}\}`).ReplaceAllString(s, "n/a")
			})
			buildAt(t, dir, true, buildNow) // cached with the month's data
			if err := os.Remove(snapshot.Store{Dir: filepath.Join(dir, "data")}.Path(m)); err != nil {
				t.Fatal(err)
			}
		}, time.Time{}},
		{"earlier month's snapshot, in a trend chart", func(t *testing.T, dir string, gs *benchgen.Site) {
			path := snapshot.Store{Dir: filepath.Join(dir, "data")}.Path(snapshot.PrevMonth(gs.Reports[0]))
			s, err := snapshot.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Issues) == 0 {
				t.Fatal("no issue counts to change")
			}
			s.Issues[0].Opened += 17
			if err := snapshot.Write(path, s); err != nil {
				t.Fatal(err)
			}
		}, time.Time{}},
		{"clock: an open incident's update comes due", func(t *testing.T, dir string, gs *benchgen.Site) {
			// A timeline entry in the future of the first builds.
			edit(t, filepath.Join(dir, "content", "incidents", gs.Open[0]+".md"), func(s string) string {
				front, body, _ := strings.Cut(strings.TrimPrefix(s, "---\n"), "\n---\n")
				return "---\n" + front + "\n  - at: 2026-11-14T12:00:00Z\n    status: monitoring\n    body: A fix is out.\n---\n" + body
			})
			buildAt(t, dir, true, buildNow) // the update is not due yet
		}, buildNow.Add(3 * time.Hour)},
		{"clock: two days on, windows end and begin, open incidents stay open", func(t *testing.T, dir string, gs *benchgen.Site) {
		}, buildNow.Add(48 * time.Hour)},
		{"clock: an incident's resolution comes due", func(t *testing.T, dir string, gs *benchgen.Site) {
			// Resolved an hour after the first builds: open then, settled
			// after.
			edit(t, filepath.Join(dir, "content", "incidents", gs.Open[1]+".md"), func(s string) string {
				front, body, _ := strings.Cut(strings.TrimPrefix(s, "---\n"), "\n---\n")
				front = strings.Replace(front, "\nupdates:", "\nresolved: 2026-11-14T11:30:00Z\nupdates:", 1)
				return "---\n" + front + "\n  - at: 2026-11-14T11:30:00Z\n    status: resolved\n    body: Fixed.\n---\n" + body
			})
			buildAt(t, dir, true, buildNow) // not resolved yet
		}, buildNow.Add(2 * time.Hour)},
		{"live: a component is detected", func(t *testing.T, dir string, gs *benchgen.Site) {
			withLive(t, dir, gs, "operational")
			writeLive(t, dir, gs, "major_outage", buildNow.Add(-time.Minute), nil)
		}, time.Time{}},
		{"live: a detection ends, kept in the month's snapshot", func(t *testing.T, dir string, gs *benchgen.Site) {
			withLive(t, dir, gs, "major_outage")
			start := buildNow.Add(-time.Hour)
			writeLive(t, dir, gs, "operational", buildNow.Add(-time.Minute), nil)
			path := snapshot.Store{Dir: filepath.Join(dir, "data")}.Path("2026-11")
			s, err := snapshot.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			s.PutDisruption(snapshot.Disruption{ID: snapshot.DisruptionID(start, gs.Components[0]), Start: start, End: buildNow.Add(-time.Minute), Status: "major_outage",
				Components: []snapshot.DisruptionComponent{{Component: gs.Components[0], Status: "major_outage", Start: start, End: buildNow.Add(-time.Minute), Signal: "Probes failing"}}})
			if err := snapshot.Write(path, s); err != nil {
				t.Fatal(err)
			}
		}, time.Time{}},
		{"clock: the live checks go stale", func(t *testing.T, dir string, gs *benchgen.Site) {
			withLive(t, dir, gs, "operational")
		}, buildNow.Add(time.Hour)},
		{"live: on-call silences a signal", func(t *testing.T, dir string, gs *benchgen.Site) {
			withLive(t, dir, gs, "major_outage")
			write(t, filepath.Join(dir, "content", "silences", "probe.md"), "---\ncomponent: "+gs.Components[0]+
				"\nreason: Probe misconfigured.\nstart: 2026-11-14T10:00:00Z\nuntil: 2026-11-14T12:00:00Z\n---\n")
		}, time.Time{}},
		{"announcement added, coming up in the newest report", func(t *testing.T, dir string, gs *benchgen.Site) {
			writeNotice(t, dir, gs, "Pages move to HTTP/3", "planned")
		}, time.Time{}},
		{"announcement title, shown in the reports it is coming up in", func(t *testing.T, dir string, gs *benchgen.Site) {
			path := writeNotice(t, dir, gs, "Pages move to HTTP/3", "planned")
			build(t, dir, true)
			edit(t, path, func(s string) string { return strings.Replace(s, "HTTP/3", "QUIC", 1) })
		}, time.Time{}},
		{"clock: an announced change goes overdue", func(t *testing.T, dir string, gs *benchgen.Site) {
			// Effective an hour after the first builds, still in testing.
			writeNotice(t, dir, gs, "Pages move to HTTP/3", "in_testing")
			buildAt(t, dir, true, buildNow)
		}, buildNow.Add(2 * time.Hour)},
		{"delivery entry added to the newest report's month", func(t *testing.T, dir string, gs *benchgen.Site) {
			putDelivery(t, dir, gs.Reports[0], func(d *snapshot.Delivery) {})
		}, time.Time{}},
		{"delivery entry changed in the newest report's month", func(t *testing.T, dir string, gs *benchgen.Site) {
			putDelivery(t, dir, gs.Reports[0], func(d *snapshot.Delivery) {})
			build(t, dir, true) // cached with the first figures
			putDelivery(t, dir, gs.Reports[0], func(d *snapshot.Delivery) {
				rate := 0.5
				d.Keys.FailedChanges, d.Keys.ChangeFailureRate = 1, &rate
				d.Deployments[0].Failure = "incident x"
			})
		}, time.Time{}},
		{"delivery entry of an earlier month, in a delivery trend", func(t *testing.T, dir string, gs *benchgen.Site) {
			putDelivery(t, dir, gs.Reports[0], func(d *snapshot.Delivery) {})
			build(t, dir, true) // the trend has one month
			putDelivery(t, dir, snapshot.PrevMonth(gs.Reports[0]), func(d *snapshot.Delivery) { d.Keys.Deployments = 9 })
		}, time.Time{}},
		{"stylesheet", func(t *testing.T, dir string, gs *benchgen.Site) {
			css, err := themes.FS.ReadFile("default/static/css/style.css")
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "static", "css", "style.css"), string(css)+"\nbody{margin:0}\n")
		}, time.Time{}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			dir, gs := genSite(t)
			build(t, dir, true) // warm the cache
			before, _ := build(t, dir, true)
			c.change(t, dir, gs)
			want := rebuildAt(t, dir, c.now)
			changed := false
			for name, w := range want {
				if !bytes.Equal(before[name], w) {
					changed = true
					break
				}
			}
			if !changed {
				t.Fatalf("the change did not show in the output even without cache; the test proves nothing")
			}
		})
	}
}

// rebuildAt builds dir at now (buildNow when zero) without cache and with
// it, twice, checks that the cached builds equal the other, and returns it.
func rebuildAt(t *testing.T, dir string, now time.Time) map[string][]byte {
	t.Helper()
	if now.IsZero() {
		now = buildNow
	}
	want, _ := buildAt(t, dir, false, now)
	got, _ := buildAt(t, dir, true, now)
	sameFiles(t, "after the change", got, want)
	// And once more, now warm, still the same.
	again, _ := buildAt(t, dir, true, now)
	sameFiles(t, "warm after the change", again, want)
	return want
}

// putDelivery sets a delivery entry of track "core" in month's snapshot:
// two successful deployments, edited by change.
func putDelivery(t *testing.T, dir, month string, change func(*snapshot.Delivery)) {
	t.Helper()
	path := snapshot.Store{Dir: filepath.Join(dir, "data")}.Path(month)
	s, err := snapshot.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	start, err := snapshot.MonthStart(month, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	lead, rate := 5400.0, 0.0
	d := snapshot.Delivery{Track: "core", Name: "Core", LeadTimeFrom: "merge", FailureWindowSeconds: 86400,
		Deployments: []snapshot.Deployment{
			{Name: "v1", SHA: "1111111", At: start.Add(48 * time.Hour), Status: snapshot.DeploySuccess,
				Changes: []snapshot.Change{{Ref: "#1", At: start.Add(48*time.Hour - 5400*time.Second), LeadSeconds: lead}}},
			{Name: "v2", SHA: "2222222", At: start.Add(96 * time.Hour), Status: snapshot.DeploySuccess, Changes: []snapshot.Change{}},
		},
		Keys: snapshot.Keys{Deployments: 2, PerWeek: 2 / (30.0 / 7), Changes: 1, LeadTimeMedianSeconds: &lead, LeadTimeP90Seconds: &lead, ChangeFailureRate: &rate}}
	change(&d)
	s.Delivery = []snapshot.Delivery{d}
	if err := snapshot.Write(path, s); err != nil {
		t.Fatal(err)
	}
}

// withLive gives the generated site a live rule for its first component
// and a data/live.json in status, and warms the cache with them.
func withLive(t *testing.T, dir string, gs *benchgen.Site, status string) {
	t.Helper()
	edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
		return s + "\n[[live.rules]]\ncomponent = \"" + gs.Components[0] + "\"\nalerts = 'alertname=\"Down\"'\n"
	})
	writeLive(t, dir, gs, status, buildNow.Add(-2*time.Minute), nil)
	build(t, dir, true)
}

// writeLive writes data/live.json with the first component in status.
func writeLive(t *testing.T, dir string, gs *benchgen.Site, status string, checked time.Time, ds []snapshot.Disruption) {
	t.Helper()
	l := &snapshot.Live{CheckedAt: checked, LastCheck: checked, Disruptions: ds,
		Components: []snapshot.LiveComponent{{Component: gs.Components[0], Status: status, Since: checked.Add(-10 * time.Minute)}}}
	if status != "operational" {
		l.Components[0].Signal = "Probes failing"
	}
	if err := snapshot.WriteLive(filepath.Join(dir, "data"), l); err != nil {
		t.Fatal(err)
	}
}

// writeNotice writes an announcement of the generated site's first
// component, effective an hour after buildNow with the given status since
// a day before, and returns its path.
func writeNotice(t *testing.T, dir string, gs *benchgen.Site, title, status string) string {
	t.Helper()
	path := filepath.Join(dir, "content", "announcements", "2026-11-14-http3.md")
	write(t, path, "---\ntitle: "+title+"\nkind: notice\neffective: "+buildNow.Add(time.Hour).Format(time.RFC3339)+
		"\ncomponents: ["+gs.Components[0]+"]\nupdates:\n  - at: "+buildNow.Add(-24*time.Hour).Format(time.RFC3339)+
		"\n    status: "+status+"\n    body: Announced.\n---\n\nWhat changes.\n")
	return path
}

// TestSourcesNeverStale: once the content files have settled, the cached
// build takes them from the sources cache; a file edited after that is
// read again even when the edit kept its size and modification time, and
// the build shows the edit.
func TestSourcesNeverStale(t *testing.T) {
	t.Parallel()
	dir, gs := genSite(t)
	time.Sleep(2100 * time.Millisecond) // past content's racy window
	build(t, dir, true)
	sources := OpenSources(Dir(dir))
	if len(sources.old) == 0 {
		t.Fatal("the build kept no content file in the sources cache")
	}
	p := filepath.Join(dir, "content", "incidents", gs.Incidents[3]+".md")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	edit(t, p, func(s string) string { return strings.Replace(s, "    body: We", "    body: Us", 1) })
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat(p); err != nil || after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) {
		t.Fatalf("the edit changed size or mtime (%v)", err)
	}
	got, _ := build(t, dir, true)
	want, _ := build(t, dir, false)
	sameFiles(t, "after an edit keeping size and mtime", got, want)
	found := false
	for _, b := range got {
		found = found || bytes.Contains(b, []byte("Us "))
	}
	if !found {
		t.Error("no page shows the edit")
	}
}
