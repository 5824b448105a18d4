package benchgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/site"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/treetest"
	"github.com/bulletin-dev/bulletin/themes"
)

// now is a fixed clock in the middle of a month, after a DST change.
var now = time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC)

func generate(tb testing.TB, opts Options) *Site {
	tb.Helper()
	if opts.Now.IsZero() {
		opts.Now = now
	}
	s, err := Generate(filepath.Join(tb.TempDir(), "site"), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestDeterministic(t *testing.T) {
	opts := Options{Seed: 7, Reports: 3, Incidents: 20}
	a := treetest.Read(t, generate(t, opts).Dir)
	b := treetest.Read(t, generate(t, opts).Dir)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	opts.Seed = 8
	c := treetest.Read(t, generate(t, opts).Dir)
	same := 0
	for name, data := range a {
		if bytes.Equal(data, c[name]) {
			same++
		}
	}
	if same > len(a)/2 {
		t.Errorf("%d of %d files identical with another seed", same, len(a))
	}
}

// TestLoadersAcceptSite runs a generated site through the loaders and the
// whole build, as `bulletin build` would.
func TestLoadersAcceptSite(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"small", Options{Seed: 1, Reports: 12, Incidents: 100}},
		{"many components in many groups", Options{Seed: 2, Reports: 2, Incidents: 30, Components: 14, Groups: 4}},
		{"no incidents, short data", Options{Seed: 3, Reports: 30, DataMonths: 6, MinWords: 200, MaxWords: 300}},
		{"UTC", Options{Seed: 4, Reports: 1, Incidents: 5, TimeZone: "UTC"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gs := generate(t, tt.opts)
			cfg, err := config.Load(filepath.Join(gs.Dir, "config.toml"), "production")
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.ComponentIDs(); len(got) != len(gs.Components) {
				t.Errorf("config has %d components, want %d", len(got), len(gs.Components))
			}
			reports, err := content.LoadReports(filepath.Join(gs.Dir, "content", "reports"), cfg.Location)
			if err != nil {
				t.Fatal(err)
			}
			if len(reports) != tt.opts.Reports {
				t.Errorf("%d reports, want %d", len(reports), tt.opts.Reports)
			}
			sc, err := content.LoadStatusContent(filepath.Join(gs.Dir, "content", "incidents"), filepath.Join(gs.Dir, "content", "maintenance"), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Incidents) != tt.opts.Incidents {
				t.Errorf("%d incidents, want %d", len(sc.Incidents), tt.opts.Incidents)
			}
			open := 0
			for _, inc := range sc.Incidents {
				if n := len(inc.Updates); n < 2 || n > 8 {
					t.Errorf("%s has %d updates, want 2–8", inc.Slug, n)
				}
				if inc.ActiveAt(now) {
					open++
					if last := inc.Updates[len(inc.Updates)-1].At; last.After(now) {
						t.Errorf("open incident %s has an update after now (%s)", inc.Slug, last)
					}
				}
			}
			if want := min(openIncidents, tt.opts.Incidents); open != want || len(gs.Open) != want {
				t.Errorf("%d incidents open at now (site says %d), want %d", open, len(gs.Open), want)
			}
			var inProgress, upcoming int
			for _, m := range sc.Maintenance {
				switch m.StatusAt(now) {
				case content.MaintenanceInProgress:
					inProgress++
				case content.MaintenanceScheduled:
					upcoming++
				}
			}
			if inProgress != 1 || upcoming != 1 {
				t.Errorf("maintenance: %d in progress, %d upcoming; want one of each", inProgress, upcoming)
			}
			snaps, err := snapshot.Store{Dir: filepath.Join(gs.Dir, "data")}.LoadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(snaps) != len(gs.DataMonths) {
				t.Errorf("%d snapshots, want %d", len(snaps), len(gs.DataMonths))
			}
			// The status page's 90 days end today: the last 90 days have data.
			for d := 1; d <= 89; d++ {
				day := now.In(cfg.Location).AddDate(0, 0, -d)
				s := snaps[day.Format("2006-01")]
				if s == nil {
					t.Fatalf("no snapshot for %s", day.Format("2006-01-02"))
				}
				a, _ := s.Component(gs.Components[0])
				found := false
				for _, x := range a.Daily {
					found = found || x.Date == day.Format("2006-01-02")
				}
				if !found {
					t.Fatalf("no daily availability for %s", day.Format("2006-01-02"))
				}
			}

			st, err := site.Load(cfg, site.Options{Dir: gs.Dir, Now: now, Builtin: themes.FS})
			if err != nil {
				t.Fatal(err)
			}
			out := site.NewMemOutput()
			// Render fails on any figure a report cites that its month lacks.
			if err := st.Render(out); err != nil {
				t.Fatal(err)
			}
			for _, m := range gs.Reports {
				name := "reports/" + strings.Replace(m, "-", "/", 1) + "/index.html"
				if _, ok := out.Files()[name]; !ok {
					t.Errorf("no page %s", name)
				}
			}
		})
	}
}

func TestReportLength(t *testing.T) {
	opts := Options{Seed: 5, Reports: 40, MinWords: 500, MaxWords: 1500}
	gs := generate(t, opts)
	mean := gs.Words / opts.Reports
	if mean < 800 || mean > 1300 {
		t.Errorf("mean report length %d words, want about 1,000", mean)
	}
	for _, m := range gs.Reports {
		src, err := os.ReadFile(filepath.Join(gs.Dir, "content", "reports", m+".md"))
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := strings.Cut(strings.TrimPrefix(string(src), "---\n"), "\n---\n")
		n := len(strings.Fields(body))
		if n < opts.MinWords || n > opts.MaxWords+400 {
			t.Errorf("%s: %d words, want %d–%d", m, n, opts.MinWords, opts.MaxWords)
		}
		for _, want := range []string{"\n## ", "](https://", "|---|", "```"} {
			if !strings.Contains(body, want) && n > 1000 {
				t.Logf("%s: no %q (fine for one report, not for all)", m, want)
			}
		}
	}
	all := ""
	for _, m := range gs.Reports {
		b, _ := os.ReadFile(filepath.Join(gs.Dir, "content", "reports", m+".md"))
		all += string(b)
	}
	for _, want := range []string{"\n## ", "\n### ", "\n- ", "\n1. ", "|---|", "```sh", "](https://", "<https://", "**", "{{< figure \"uptime.", "{{< figure \"issues.", "{{< figure \"releases."} {
		if !strings.Contains(all, want) {
			t.Errorf("no report contains %q", want)
		}
	}
}

// TestPlain: plain reports refer to no snapshot, in body or front matter,
// and only the status page's four months have one.
func TestPlain(t *testing.T) {
	gs := generate(t, Options{Seed: 5, Reports: 30, Plain: true})
	if len(gs.DataMonths) != 4 {
		t.Errorf("data months %v, want the status page's 4", gs.DataMonths)
	}
	for _, m := range gs.Reports {
		src, err := os.ReadFile(filepath.Join(gs.Dir, "content", "reports", m+".md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"{{<", "milestone:"} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s: has %q", m, bad)
			}
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	for name, opts := range map[string]Options{
		"no clock":         {Reports: 1},
		"negative":         {Now: now, Incidents: -1},
		"too many groups":  {Now: now, Components: 2, Groups: 3},
		"words reversed":   {Now: now, MinWords: 900, MaxWords: 800},
		"unknown timezone": {Now: now, TimeZone: "Mars/Olympus"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Generate(t.TempDir(), opts); err == nil {
				t.Error("no error")
			}
		})
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(dir, Options{Now: now}); err == nil {
		t.Error("generated into a non-empty directory")
	}
}

func TestHugoSite(t *testing.T) {
	gs := generate(t, Options{Seed: 6, Reports: 5, Incidents: 7})
	dst := filepath.Join(t.TempDir(), "hugo")
	n, err := HugoSite(gs.Dir, dst)
	if err != nil {
		t.Fatal(err)
	}
	if n != 12 {
		t.Errorf("%d pages, want 12", n)
	}
	got := treetest.Read(t, dst)
	for _, name := range []string{"config.toml", "layouts/_default/single.html", "layouts/shortcodes/figure.html"} {
		if _, ok := got[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	// Reports keep their markdown byte for byte.
	for _, m := range gs.Reports {
		src, _ := os.ReadFile(filepath.Join(gs.Dir, "content", "reports", m+".md"))
		_, body, _ := strings.Cut(strings.TrimPrefix(string(src), "---\n"), "\n---\n")
		page := string(got["content/reports/"+m+".md"])
		if !strings.HasSuffix(page, body) {
			t.Errorf("content/reports/%s.md does not end with the report's body", m)
		}
	}
	if len(gs.Incidents) > 0 {
		if _, ok := got["content/incidents/"+gs.Incidents[0]+".md"]; !ok {
			t.Errorf("no page for incident %s", gs.Incidents[0])
		}
	}
}
