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
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

const siteConfig = `
title = "Acme operations"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[github]
[[github.repositories]]
name = "acme/app"
[[github.repositories]]
name = "acme/web"
labels = ["bug"]
[[github.repositories]]
name = "acme/infra"

[prometheus]
url = "http://127.0.0.1:9090"

[[components]]
id = "api"
slo = 99.9
[[components]]
id = "web"

[[tracks]]
id = "backend"
repository = "acme/app"
source = "releases"
`

// site is a temporary site directory with a config loaded from siteConfig.
type site struct {
	dir string
	cfg *config.Config
}

func newSite(tb testing.TB) *site {
	tb.Helper()
	dir := tb.TempDir()
	path := filepath.Join(dir, "config.toml")
	cfg, err := config.Parse(path, []byte(siteConfig), "")
	if err != nil {
		tb.Fatal(err)
	}
	return &site{dir: dir, cfg: cfg}
}

func (s *site) dataPath(month string) string {
	return filepath.Join(s.dir, "data", month+".json")
}

func (s *site) writeReport(tb testing.TB, month, front string) {
	tb.Helper()
	dir := filepath.Join(s.dir, "content", "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	src := "---\ntitle: Report " + month + "\n" + front + "---\n\nBody.\n"
	if err := os.WriteFile(filepath.Join(dir, month+".md"), []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func (s *site) writeSnapshot(tb testing.TB, snap *snapshot.Snapshot) []byte {
	tb.Helper()
	if err := snapshot.Write(s.dataPath(snap.Month), snap); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(s.dataPath(snap.Month))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func (s *site) readSnapshot(tb testing.TB, month string) *snapshot.Snapshot {
	tb.Helper()
	snap, err := snapshot.Read(s.dataPath(month))
	if err != nil {
		tb.Fatal(err)
	}
	return snap
}

// fakeGitHub answers from a generation number, so a test can tell fresh
// figures (gen) from old ones, and fails the items named in fail.
type fakeGitHub struct {
	gen   int
	fail  map[string]error
	calls []string
	// windows are the [from, to) spans Delivery was asked for.
	windows [][2]time.Time
}

func (f *fakeGitHub) failure(item string) error {
	f.calls = append(f.calls, item)
	return f.fail[item]
}

func (f *fakeGitHub) Issues(_ context.Context, repo config.Repository, start, end time.Time) (snapshot.RepoIssues, error) {
	if err := f.failure("issues " + repo.Name); err != nil {
		return snapshot.RepoIssues{}, err
	}
	if end.Sub(start) < 27*24*time.Hour {
		return snapshot.RepoIssues{}, fmt.Errorf("fake: range %v..%v is not a month", start, end)
	}
	return snapshot.RepoIssues{Repository: repo.Name, Labels: repo.Labels, Opened: f.gen, Closed: f.gen, OpenAtEnd: f.gen}, nil
}

func (f *fakeGitHub) Releases(_ context.Context, track config.Track, _, _ time.Time) (snapshot.Track, error) {
	if err := f.failure("releases " + track.ID); err != nil {
		return snapshot.Track{}, err
	}
	return snapshot.Track{Track: track.ID, Name: track.Name, Source: track.Source, Summary: snapshot.Summary{Count: f.gen}}, nil
}

func (f *fakeGitHub) Goal(_ context.Context, ref string) (snapshot.Goal, error) {
	if err := f.failure("goal " + ref); err != nil {
		return snapshot.Goal{}, err
	}
	return snapshot.Goal{Ref: ref, Kind: strings.SplitN(ref, ":", 2)[0], State: "open", Closed: f.gen, Total: 10}, nil
}

// Delivery answers one successful deployment per generation, finished
// just inside the window's end, so the month's keys count gen deployments
// only when the window reaches into the month.
func (f *fakeGitHub) Delivery(_ context.Context, track config.Track, from, to time.Time) (snapshot.Delivery, error) {
	if err := f.failure("delivery " + track.ID); err != nil {
		return snapshot.Delivery{}, err
	}
	f.windows = append(f.windows, [2]time.Time{from, to})
	d := snapshot.Delivery{Track: track.ID, Name: track.Name, LeadTimeFrom: "merge"}
	for i := range f.gen {
		d.Deployments = append(d.Deployments, snapshot.Deployment{
			Name: fmt.Sprintf("v%d", i+1), SHA: fmt.Sprintf("%07x", i+1), At: oct15.Add(time.Duration(i) * time.Hour), Status: snapshot.DeploySuccess})
	}
	return d, nil
}

// fakeGitLab is fakeGitHub's GitLab: the same generations, for projects.
type fakeGitLab struct {
	fakeGitHub
}

func (f *fakeGitLab) Issues(_ context.Context, p config.GitLabProject, start, end time.Time) (snapshot.RepoIssues, error) {
	if err := f.failure("issues gitlab:" + p.Path); err != nil {
		return snapshot.RepoIssues{}, err
	}
	return snapshot.RepoIssues{Repository: p.Path, Labels: p.Labels, Opened: f.gen, Closed: f.gen, OpenAtEnd: f.gen}, nil
}

// oct15 is a moment in the middle of October 2026.
var oct15 = time.Date(2026, 10, 15, 10, 0, 0, 0, time.UTC)

type availCall struct {
	comp    string
	month   string
	exclude []Window
}

type fakePrometheus struct {
	gen   int
	fail  map[string]error
	calls []availCall
	// coverage, when set, is the coverage of every answer (default 1).
	coverage *float64
}

func (f *fakePrometheus) Availability(_ context.Context, comp config.Component, month string, loc *time.Location, exclude []Window) (snapshot.Availability, error) {
	f.calls = append(f.calls, availCall{comp.ID, month, exclude})
	if err := f.fail[comp.ID]; err != nil {
		return snapshot.Availability{}, err
	}
	if loc.String() != "Europe/Berlin" {
		return snapshot.Availability{}, fmt.Errorf("fake: zone %v", loc)
	}
	r := 1 - float64(f.gen)/1000
	a := snapshot.Availability{Component: comp.ID, Ratio: &r, Coverage: 1}
	if f.coverage != nil {
		a.Coverage = *f.coverage
		if a.Coverage == 0 {
			a.Ratio = nil
		}
	}
	return a, nil
}

var (
	// nov3 is a moment after October 2026 has ended in Berlin.
	nov3 = time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	// oldTime is when the "previous" snapshots in these tests were taken.
	oldTime = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
)

func (s *site) collector(tb testing.TB, gh GitHub, p Prometheus, now time.Time) *Collector {
	tb.Helper()
	return s.newCollector(tb, Options{GitHub: gh, Prometheus: p}, now)
}

// newCollector returns a Collector for the site with opts's sources, the
// site's config and directories, and the clock stopped at now.
func (s *site) newCollector(tb testing.TB, opts Options, now time.Time) *Collector {
	tb.Helper()
	opts.Config = s.cfg
	opts.DataDir = filepath.Join(s.dir, "data")
	opts.ReportsDir = filepath.Join(s.dir, "content", "reports")
	opts.Now = func() time.Time { return now }
	c, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// oldSnapshot is a previous run's October: every figure is generation 1.
func oldSnapshot(tb testing.TB, s *site) *snapshot.Snapshot {
	tb.Helper()
	c := s.collector(tb, &fakeGitHub{gen: 1}, &fakePrometheus{gen: 1}, oldTime)
	res, err := c.Collect(context.Background(), Request{Month: "2026-10", DryRun: true})
	if err != nil {
		tb.Fatal(err)
	}
	return res.Snapshot
}

func gens(snap *snapshot.Snapshot) map[string]int {
	out := map[string]int{}
	for _, r := range snap.Issues {
		out["issues "+r.Repository] = r.Opened
	}
	for _, t := range snap.Releases {
		out["releases "+t.Track] = t.Summary.Count
	}
	for _, d := range snap.Delivery {
		out["delivery "+d.Track] = d.Keys.Deployments
	}
	for _, g := range snap.Goals {
		out["goal "+g.Ref] = g.Closed
	}
	for _, a := range snap.Availability {
		out["availability "+a.Component] = int((1-*a.Ratio)*1000 + 0.5)
	}
	return out
}
