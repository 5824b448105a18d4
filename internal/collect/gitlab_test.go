package collect

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// gitlabSite is newSite with a GitLab project and a GitLab track beside
// the GitHub repositories and track.
func gitlabSite(tb testing.TB) *site {
	tb.Helper()
	dir := tb.TempDir()
	src := siteConfig + `
[gitlab]
lookback_days = 7

[[gitlab.projects]]
path = "infra/edge"

[[gitlab.projects]]
path = "acme/app"

[[tracks]]
id = "edge"
project = "infra/edge"
source = "deployments"
environment = "production"
failure_window = "6h"
`
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), []byte(src), "")
	if err != nil {
		tb.Fatal(err)
	}
	return &site{dir: dir, cfg: cfg}
}

func (s *site) trackers(tb testing.TB, gh GitHub, gl GitLab, now time.Time) *Collector {
	tb.Helper()
	return s.newCollector(tb, Options{GitHub: gh, GitLab: gl}, now)
}

// providerGens is gens with each entry named by its provider.
func providerGens(snap *snapshot.Snapshot) map[string]int {
	out := map[string]int{}
	name := func(provider, item string) string {
		if provider == snapshot.ProviderGitLab {
			return "gitlab " + item
		}
		return "github " + item
	}
	for _, r := range snap.Issues {
		out[name(r.Provider, "issues "+r.Repository)] = r.Opened
	}
	for _, t := range snap.Releases {
		out[name(t.Provider, "releases "+t.Track)] = t.Summary.Count
	}
	for _, d := range snap.Delivery {
		out[name(d.Provider, "delivery "+d.Track)] = d.Keys.Deployments
	}
	for _, g := range snap.Goals {
		out[name(g.Provider, "goal "+g.Ref)] = g.Closed
	}
	return out
}

// TestCollectGitLabBesideGitHub collects a site with both trackers, then
// each alone: each run replaces its own entries only, routes every goal to
// the tracker it names, and leaves the file byte-identical when nothing
// changed, whatever order the sources ran in before.
func TestCollectGitLabBesideGitHub(t *testing.T) {
	s := gitlabSite(t)
	s.writeReport(t, "2026-10", "date: 2026-11-20\ngoals:\n"+
		"  - {title: PG16, status: done, milestone: acme/web#3}\n"+
		"  - {title: Edge, status: done, milestone: infra/edge%2}\n"+
		"  - {title: Nested, status: done, issue: infra/ops/dns#9}\n")

	gh, gl := &fakeGitHub{gen: 1}, &fakeGitLab{fakeGitHub{gen: 1}}
	if _, err := s.trackers(t, gh, gl, nov3).Collect(context.Background(), Request{Month: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	first := s.readSnapshot(t, "2026-10")
	want := map[string]int{
		"github issues acme/app": 1, "github issues acme/web": 1, "github issues acme/infra": 1,
		"gitlab issues infra/edge": 1, "gitlab issues acme/app": 1,
		"github releases backend": 1, "gitlab releases edge": 1,
		"github delivery backend": 1, "gitlab delivery edge": 1,
		"github goal milestone: acme/web#3":   1,
		"gitlab goal milestone: infra/edge%2": 1, "gitlab goal issue: infra/ops/dns#9": 1,
	}
	if got := providerGens(first); !mapsEqual(got, want) {
		t.Errorf("both trackers:\n got %v\nwant %v", got, want)
	}
	if first.Releases[0].Track != "backend" || first.Releases[1].Track != "edge" || first.Delivery[0].Track != "backend" {
		t.Errorf("tracks not in config order: %+v", first.Releases)
	}
	for _, src := range []string{GitHubSource, GitLabSource} {
		if !first.Sources[src].CollectedAt.Equal(nov3) {
			t.Errorf("sources[%s] = %v", src, first.Sources[src].CollectedAt)
		}
	}

	// GitLab alone, at generation 2: GitHub's entries stay at 1.
	gl.gen = 2
	gh.calls = nil
	res, err := s.trackers(t, gh, gl, nov3).Collect(context.Background(), Request{Month: "2026-10", Only: []string{"gitlab"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(gh.calls) != 0 {
		t.Errorf("--only gitlab asked GitHub %v", gh.calls)
	}
	for _, ch := range res.Changes {
		if ch.Kind == Removed {
			t.Errorf("--only gitlab removed %s", ch)
		}
	}
	for k := range want {
		if k[:6] == "gitlab" {
			want[k] = 2
		}
	}
	if got := providerGens(s.readSnapshot(t, "2026-10")); !mapsEqual(got, want) {
		t.Errorf("after --only gitlab:\n got %v\nwant %v", got, want)
	}

	// GitHub alone with unchanged figures: the file keeps its bytes.
	before, err := os.ReadFile(s.dataPath("2026-10"))
	if err != nil {
		t.Fatal(err)
	}
	res, err = s.trackers(t, gh, gl, nov3).Collect(context.Background(), Request{Month: "2026-10", Only: []string{"github"}})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(s.dataPath("2026-10"))
	if res.Changed || !bytes.Equal(before, after) {
		t.Errorf("re-collecting unchanged GitHub figures changed the file:\n%s\n---\n%s", before, after)
	}
}

// TestCollectDeliveryWindow: the deployments asked for reach from the
// look-back before the month to the failure window after it, cut at now.
func TestCollectDeliveryWindow(t *testing.T) {
	s := gitlabSite(t)
	berlin := s.cfg.Location
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, berlin)
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, berlin)
	tests := []struct {
		name   string
		now    time.Time
		github [2]time.Time
		gitlab [2]time.Time
	}{
		{"long after the month", nov3,
			[2]time.Time{start.AddDate(0, 0, -14), end.Add(24 * time.Hour)},
			[2]time.Time{start.AddDate(0, 0, -7), end.Add(6 * time.Hour)}},
		{"an hour after the month", end.Add(time.Hour),
			[2]time.Time{start.AddDate(0, 0, -14), end.Add(time.Hour)},
			[2]time.Time{start.AddDate(0, 0, -7), end.Add(time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh, gl := &fakeGitHub{gen: 1}, &fakeGitLab{fakeGitHub{gen: 1}}
			if _, err := s.trackers(t, gh, gl, tt.now).Collect(context.Background(), Request{Month: "2026-10", DryRun: true}); err != nil {
				t.Fatal(err)
			}
			if len(gh.windows) != 1 || !gh.windows[0][0].Equal(tt.github[0]) || !gh.windows[0][1].Equal(tt.github[1]) {
				t.Errorf("github window %v, want %v", gh.windows, tt.github)
			}
			if len(gl.windows) != 1 || !gl.windows[0][0].Equal(tt.gitlab[0]) || !gl.windows[0][1].Equal(tt.gitlab[1]) {
				t.Errorf("gitlab window %v, want %v", gl.windows, tt.gitlab)
			}
		})
	}
}

func TestGoalProvider(t *testing.T) {
	s := gitlabSite(t)
	tests := []struct{ ref, want string }{
		{"milestone: acme/web#3", config.ProviderGitHub},
		{"issue: acme/web#42", config.ProviderGitHub},
		{"milestone: acme/web%3", config.ProviderGitLab},   // GitLab's own syntax
		{"issue: infra/ops/dns#9", config.ProviderGitLab},  // subgroups exist on GitLab only
		{"milestone: infra/edge#2", config.ProviderGitLab}, // a [[gitlab.projects]] path
		{"issue: acme/app#7", config.ProviderGitLab},       // listed in both: GitLab's list decides
	}
	for _, tt := range tests {
		if got := GoalProvider(s.cfg, tt.ref); got != tt.want {
			t.Errorf("GoalProvider(%q) = %s, want %s", tt.ref, got, tt.want)
		}
	}
}

// TestCollectGitLabFailureKeepsOldFigures: a GitLab item that fails keeps
// its entry, GitLab's collection time stays, and the error names the
// source and the item; GitHub's entries move on.
func TestCollectGitLabFailureKeepsOldFigures(t *testing.T) {
	s := gitlabSite(t)
	gh, gl := &fakeGitHub{gen: 1}, &fakeGitLab{fakeGitHub{gen: 1}}
	if _, err := s.trackers(t, gh, gl, oldTime).Collect(context.Background(), Request{Month: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("GET /projects/infra%2Fedge/deployments: 503 Service Unavailable")
	gh.gen, gl.gen = 2, 2
	gl.fail = map[string]error{"delivery edge": boom}
	_, err := s.trackers(t, gh, gl, nov3).Collect(context.Background(), Request{Month: "2026-10"})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "gitlab: 1 of 4 items failed") || !strings.Contains(err.Error(), "delivery edge: GET /projects") {
		t.Fatalf("error %v", err)
	}
	snap := s.readSnapshot(t, "2026-10")
	got := providerGens(snap)
	if got["gitlab delivery edge"] != 1 || got["gitlab releases edge"] != 2 || got["github delivery backend"] != 2 {
		t.Errorf("generations %v: want the failed delivery edge kept at 1, the rest at 2", got)
	}
	if !snap.Sources[GitLabSource].CollectedAt.Equal(oldTime) || !snap.Sources[GitHubSource].CollectedAt.Equal(nov3) {
		t.Errorf("sources %v", snap.Sources)
	}
}
