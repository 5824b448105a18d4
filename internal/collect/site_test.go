package collect

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// siteWithWindow writes a site whose config has the given [prometheus]
// lines and one maintenance window that does not count, and loads it.
func siteWithWindow(tb testing.TB, prom string) (*config.Config, string) {
	tb.Helper()
	dir := tb.TempDir()
	cfg := "title = \"T\"\nbase_url = \"https://ops.example.org/\"\n\n[prometheus]\nurl = \"http://127.0.0.1:9\"\n" + prom +
		"\n[[components]]\nid = \"db\"\nname = \"DB\"\n"
	window := "---\ntitle: DB upgrade\nscheduled_for: 2026-10-20T21:00:00Z\nscheduled_until: 2026-10-20T22:00:00Z\ncomponents: [db]\n---\n"
	for p, src := range map[string]string{"config.toml": cfg, "content/maintenance/db.md": window} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	c, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		tb.Fatal(err)
	}
	return c, dir
}

func TestExclusions(t *testing.T) {
	const configured = "\n[[prometheus.exclude]]\nstart = 2026-10-14T02:00:00Z\nend = 2026-10-14T02:30:00Z\n"
	tests := []struct {
		name, prom string
		want       []string
	}{
		{"maintenance by default", "", []string{
			"2026-10-20T21:00:00Z..2026-10-20T22:00:00Z [db] maintenance: DB upgrade",
		}},
		{"configured first, with a default reason", configured, []string{
			"2026-10-14T02:00:00Z..2026-10-14T02:30:00Z [] excluded in config.toml",
			"2026-10-20T21:00:00Z..2026-10-20T22:00:00Z [db] maintenance: DB upgrade",
		}},
		{"maintenance not excluded", "exclude_maintenance = false\n" + configured, []string{
			"2026-10-14T02:00:00Z..2026-10-14T02:30:00Z [] excluded in config.toml",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, dir := siteWithWindow(t, tt.prom)
			ws, err := exclusions(cfg, filepath.Join(dir, "content", "maintenance"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, fmt.Sprintf("%s..%s %v %s", w.Start.UTC().Format("2006-01-02T15:04:05Z"), w.End.UTC().Format("2006-01-02T15:04:05Z"), w.Components, w.Reason))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSitePaths(t *testing.T) {
	s := NewSite(SiteOptions{Config: &config.Config{}, Dir: "site"})
	for in, want := range map[string]string{"": "", "data": filepath.Join("site", "data"), "/abs/cache": "/abs/cache"} {
		if got := s.path(in); got != want {
			t.Errorf("path(%q) = %q, want %q", in, got, want)
		}
	}
	if _, ok := s.GitHubStats(); ok {
		t.Error("GitHubStats before any GitHub item: want false")
	}
}

// TestSiteBrokenIncidentStopsTrackers: the DORA keys read the incidents,
// so a broken incident file stops a run that collects a track, before
// anything is asked or written, with the file and line; a run of
// Prometheus alone does not read incidents and goes on.
func TestSiteBrokenIncidentStopsTrackers(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"config.toml": "title = \"T\"\nbase_url = \"https://ops.example.org/\"\n" +
			"[github]\napi_url = \"http://127.0.0.1:9/\"\n[gitlab]\napi_url = \"http://127.0.0.1:9/api/v4/\"\n" +
			"[[tracks]]\nid = \"edge\"\nproject = \"infra/edge\"\nsource = \"deployments\"\nenvironment = \"production\"\n",
		"content/incidents/2026-10-02-x.md": "---\ntitle: X\nimpact: minor\nstarted: 2026-10-02T10:00:00Z\ncaused_by: edge2 v1\n---\n",
	}
	for p, src := range files {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSite(SiteOptions{Config: cfg, Dir: dir, Now: func() time.Time { return nov3 }})
	for _, only := range [][]string{nil, {"gitlab"}} {
		res, err := s.Collect(context.Background(), Request{Month: "2026-10", Only: only})
		want := `content/incidents/2026-10-02-x.md:5: unknown track "edge2" in caused_by (tracks: edge)`
		if res != nil || err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("only %v: result %v, error %v; want none and %s", only, res, err, want)
		}
	}
	if _, ok := s.GitLabStats(); ok {
		t.Error("a GitLab client was created: something was asked before the incidents were read")
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("data/ was created: %v", err)
	}
}
