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
	"github.com/bulletin-dev/bulletin/internal/site"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/themes"
)

var buildNow = time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC)

// build renders the site in dir as `bulletin build` does, with or without
// the cache, and returns its files and the cache's stats.
func build(tb testing.TB, dir string, cached bool) (map[string][]byte, Stats) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "production")
	if err != nil {
		tb.Fatal(err)
	}
	opts := site.Options{Dir: dir, Now: buildNow, Builtin: themes.FS}
	var c *Cache
	if cached {
		if c, err = ForSite(dir, cfg); err != nil {
			tb.Fatal(err)
		}
		opts.Markdown = c
	}
	s, err := site.Load(cfg, opts)
	if err != nil {
		tb.Fatal(err)
	}
	out := site.NewMemOutput()
	if err := s.Render(out); err != nil {
		tb.Fatal(err)
	}
	var st Stats
	if c != nil {
		if err := c.Save(); err != nil {
			tb.Fatal(err)
		}
		st = c.Stats()
	}
	return out.Files(), st
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
	gs, err := benchgen.Generate(filepath.Join(tb.TempDir(), "site"), benchgen.Options{Seed: 11, Now: buildNow, Reports: 6, Incidents: 25})
	if err != nil {
		tb.Fatal(err)
	}
	return gs.Dir, gs
}

// TestCachedBuildIsIdentical: a cold and a warm cached build give the bytes
// of a build without cache, and the warm one renders nothing.
func TestCachedBuildIsIdentical(t *testing.T) {
	dir, _ := genSite(t)
	plain, _ := build(t, dir, false)
	cold, st := build(t, dir, true)
	sameFiles(t, "cold cache", cold, plain)
	// Hits on a cold cache are documents repeated within the build
	// (the same one-line update on many incidents).
	if st.Misses == 0 {
		t.Errorf("cold cache: %+v, want misses", st)
	}
	warm, st := build(t, dir, true)
	sameFiles(t, "warm cache", warm, plain)
	if st.Misses != 0 || st.Hits == 0 {
		t.Errorf("warm cache: %+v, want only hits", st)
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
	}{
		{"report markdown", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "reports", gs.Reports[0]+".md"), func(s string) string {
				return s + "\nOne more paragraph, with *emphasis*.\n"
			})
		}},
		{"incident update", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[3]+".md"), func(s string) string {
				return strings.Replace(s, "    body: ", "    body: Edited. ", 1)
			})
		}},
		{"maintenance markdown", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "maintenance", gs.Maintenance[0]+".md"), func(s string) string {
				return s + "\nA **late** note.\n"
			})
		}},
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
		}},
		{"config: percent precision", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return strings.Replace(s, "percent_precision = 2", "percent_precision = 3", 1)
			})
		}},
		{"config: unsafe_html", func(t *testing.T, dir string, gs *benchgen.Site) {
			edit(t, filepath.Join(dir, "content", "reports", gs.Reports[1]+".md"), func(s string) string {
				return s + "\n<div class=\"raw\">raw html</div>\n"
			})
			// Build once with the raw HTML escaped, so the cache holds that.
			build(t, dir, true)
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return strings.Replace(s, "percent_precision = 2", "percent_precision = 2\nunsafe_html = true", 1)
			})
		}},
		{"template override", func(t *testing.T, dir string, gs *benchgen.Site) {
			write(t, filepath.Join(dir, "templates", "partials", "footer.html"), string(footer)+"<!-- overridden -->\n")
		}},
		{"site theme", func(t *testing.T, dir string, gs *benchgen.Site) {
			write(t, filepath.Join(dir, "themes", "default", "templates", "partials", "footer.html"), string(footer)+"<p>theme footer</p>\n")
		}},
		{"stylesheet", func(t *testing.T, dir string, gs *benchgen.Site) {
			css, err := themes.FS.ReadFile("default/static/css/style.css")
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "static", "css", "style.css"), string(css)+"\nbody{margin:0}\n")
		}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			dir, gs := genSite(t)
			build(t, dir, true) // warm the cache
			before, _ := build(t, dir, true)
			c.change(t, dir, gs)
			want, _ := build(t, dir, false)
			got, _ := build(t, dir, true)
			sameFiles(t, "after the change", got, want)
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
			// And once more, now warm, still the same.
			again, _ := build(t, dir, true)
			sameFiles(t, "warm after the change", again, want)
		})
	}
}
