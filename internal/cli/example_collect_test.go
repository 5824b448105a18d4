package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
	"github.com/bulletin-dev/bulletin/collectors/prometheus/promtest"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Issue 3, "done means": on the example site, `bulletin collect --month m`
// against test servers writes a snapshot that `bulletin build` renders into
// the report's Issues, Release watch, Uptime and Goals sections.
//
// The month is October 2026, the example's richest: its report references a
// milestone and an issue, cites collected figures in its text, and the month
// holds the change from summer time (25 October is a 25-hour day in Berlin,
// the site's zone). Its report is published, so data/2026-10.json is frozen:
// the test first checks that collect refuses it, leaves the file as it is
// and sends GitHub nothing, then re-collects it with --force, which is what
// the flag is for.
// (The only unfrozen month, the draft 2026-11, references a single issue and
// no milestone.) Every figure the fakes imply but the state of the still-open
// issue goal differs from the frozen file's, so the assertions also prove
// that the old entries were replaced.
func TestExampleSiteCollectAndBuild(t *testing.T) {
	prom := promtest.Start(t, exSeries())
	gh := newExGitHub(testToken)
	ghSrv := httptest.NewServer(gh)
	t.Cleanup(ghSrv.Close)

	dir := exCopyExample(t)
	cfgPath := filepath.Join(dir, "config.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	src := exSetKey(t, string(cfg), "github", "api_url", ghSrv.URL+"/")
	src = exSetKey(t, src, "prometheus", "url", prom.URL)
	gl := gitlabtest.Start(t, gitlabtest.Options{
		BasePath: "/gitlab/api/v4/", Token: exGitLabToken, PageSize: 20, WebURL: "https://git.orbitdocs.example/gitlab"}, exGitLabProject())
	src = exSetKey(t, src, "gitlab", "api_url", gl.URL)
	if err := os.WriteFile(cfgPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dataPath := filepath.Join(dir, "data", "2026-10.json")
	frozen, err := os.ReadFile(dataPath)
	if err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC) // after the report's publication on 3 November
	r := newExRunner(now)

	// A frozen month is refused before any request.
	if code := r.run(t, "collect", "--source", dir, "--month", "2026-10"); code != 1 {
		t.Fatalf("collect of the frozen month: exit %d, want 1", code)
	}
	if msg := r.stderr.String(); !strings.Contains(msg, "is frozen") || !strings.Contains(msg, "--force") {
		t.Errorf("refusal does not say the month is frozen and how to override:\n%s", msg)
	}
	if b, _ := os.ReadFile(dataPath); !bytes.Equal(b, frozen) {
		t.Error("refused collect changed data/2026-10.json")
	}
	if n := gh.total(); n != 0 {
		t.Errorf("%d GitHub requests for a refused month", n)
	}

	if code := r.run(t, "collect", "--source", dir, "--month", "2026-10", "--force"); code != 0 {
		t.Fatalf("collect --force: exit %d\n%s", code, r.stderr.String())
	}
	if want := "wrote " + dataPath + " (11 updated, 1 unchanged)"; !strings.Contains(r.stderr.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, r.stderr.String())
	}
	// 2 repositories × 6 searches; 3 pages of workflow runs; 5 pages of
	// deployments (the 6th is older than the look-back and never asked
	// for); 10 pages of statuses for the 7 deployments created between the
	// look-back and the month's end; 1 milestone and 1 issue (the issue is
	// both a goal and a next goal, and is asked for once).
	wantRequests := map[string]int{"search": 12, "runs": 3, "deployments": 5, "statuses": 10, "milestone": 1, "issue": 1}
	exCheckRequests(t, gh, wantRequests)
	if !strings.Contains(r.stderr.String(), "github: 32 requests (0 not modified") {
		t.Errorf("stderr does not count 32 requests:\n%s", r.stderr.String())
	}
	if len(gh.noAuth) != 0 {
		t.Errorf("requests without the token: %v", gh.noAuth)
	}
	firstData, err := os.ReadFile(dataPath)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Decode(dataPath, firstData)
	if err != nil {
		t.Fatal(err)
	}
	exCheckSnapshot(t, snap, now)

	// A second run over unchanged data revalidates every answer from the
	// ETag cache, spends no rate limit and leaves the file as it is.
	usedBefore := gh.rateUsed()
	gh.reset()
	if code := r.run(t, "collect", "--source", dir, "--month", "2026-10", "--force"); code != 0 {
		t.Fatalf("second collect: exit %d\n%s", code, r.stderr.String())
	}
	exCheckRequests(t, gh, wantRequests)
	if gh.notModified != 32 || !strings.Contains(r.stderr.String(), "github: 32 requests (32 not modified") {
		t.Errorf("%d of 32 requests answered 304 Not Modified\n%s", gh.notModified, r.stderr.String())
	}
	if used := gh.rateUsed(); !maps.Equal(used, usedBefore) {
		t.Errorf("rate limit used %v after the re-run, %v before: revalidation must cost nothing", used, usedBefore)
	}
	if b, _ := os.ReadFile(dataPath); !bytes.Equal(b, firstData) {
		t.Error("re-collecting unchanged data changed data/2026-10.json")
	}
	if !strings.Contains(r.stderr.String(), "is up to date") {
		t.Errorf("stderr does not say the file is up to date:\n%s", r.stderr.String())
	}

	if code := r.run(t, "build", "--source", dir, "--drafts", "-q"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, r.stderr.String())
	}
	page, err := os.ReadFile(filepath.Join(dir, "public", "reports", "2026", "10", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	exCheckReportPage(t, page)

	if strings.Contains(r.all.String(), testToken) {
		t.Error("the token was printed")
	}
	exAssertNotStored(t, dir, testToken)
}

// exRunner runs bulletin commands with GITHUB_TOKEN set and keeps
// everything they print.
type exRunner struct {
	env            Env
	stdout, stderr bytes.Buffer
	all            bytes.Buffer
}

func newExRunner(now time.Time) *exRunner {
	r := &exRunner{}
	r.env = Env{
		Stdout: &r.stdout, Stderr: &r.stderr,
		Getenv: func(k string) string {
			switch k {
			case "GITHUB_TOKEN":
				return testToken
			case "GITLAB_TOKEN":
				return exGitLabToken
			}
			return ""
		},
		Now: func() time.Time { return now },
	}
	return r
}

func (r *exRunner) run(tb testing.TB, args ...string) int {
	tb.Helper()
	r.stdout.Reset()
	r.stderr.Reset()
	code := Run(context.Background(), args, r.env)
	r.all.Write(r.stdout.Bytes())
	r.all.Write(r.stderr.Bytes())
	tb.Logf("bulletin %s: exit %d\nstdout: %.300s\nstderr:\n%s", strings.Join(args[:1], " "), code, r.stdout.String(), r.stderr.String())
	return code
}

// exCopyExample copies the example site at the repository root into a
// temporary directory.
func exCopyExample(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	for _, d := range []string{"content", "data"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			tb.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "config.toml"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// exSetKey replaces the value of key in the TOML table [section] of src,
// failing when the example no longer has that line.
func exSetKey(tb testing.TB, src, section, key, value string) string {
	tb.Helper()
	lines := strings.Split(src, "\n")
	in := false
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "[") {
			in = trimmed == "["+section+"]"
			continue
		}
		if k, _, ok := strings.Cut(trimmed, "="); in && ok && strings.TrimSpace(k) == key {
			lines[i] = key + " = " + strconv.Quote(value)
			return strings.Join(lines, "\n")
		}
	}
	tb.Fatalf("config.toml has no %s in [%s]", key, section)
	return ""
}

func exAssertNotStored(tb testing.TB, dir, secret string) {
	tb.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(secret)) {
			tb.Errorf("the token is stored in %s", path)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// Time helpers. Berlin is the example site's zone.
var exBerlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// exLocal parses "2006-01-02 15:04" in Berlin (not for the repeated hour
// of 25 October; use exUTC there).
func exLocal(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, exBerlin)
	if err != nil {
		panic(err)
	}
	return t
}

func exUTC(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// exInterval is [from, to).
type exInterval struct{ from, to time.Time }

func exIn(t time.Time, ivs []exInterval) bool {
	for _, iv := range ivs {
		if !t.Before(iv.from) && t.Before(iv.to) {
			return true
		}
	}
	return false
}

// The Prometheus data: one sample a minute on whole minutes from half a day
// before October (Berlin) to half a day after, so that every month and day
// boundary has a sample exactly on it and outages across the boundaries
// can be placed.
var (
	exDataFrom = exLocal("2026-09-30 12:00")
	exDataTo   = exLocal("2026-11-01 12:00")
)

// October 2026 in Berlin is 31 days plus the hour gained on 25 October.
const exMonthMinutes = 31*24*60 + 60

// exAPIOutage is when 40 of api's 100 requests a minute fail.
var exAPIOutage = []exInterval{{exLocal("2026-10-05 10:00"), exLocal("2026-10-05 10:30")}}

// exSeries generates the data of the example's components:
//
//   - web: down 20 minutes on 14 October (its query in config.toml selects
//     job="blackbox"; a staging prober that always fails must not count).
//   - api: http_requests_total, 100 requests a minute, 40 of them failing
//     with 500 for 30 minutes on 5 October.
//   - search: no data for 2 hours on 20 October, never down: 100% over
//     the covered time, with coverage short of 100%.
//   - builds: down from 23:00 on 30 September to 01:00 on 1 October (only
//     the hour in October counts), in the repeated hour of 25 October, and
//     on 1 November (not October's).
//   - dns: down 100 minutes on 14 October, the report's DNS outage.
//   - db: never down.
func exSeries() []promtest.Series {
	probe := func(comp, job string, down, gaps []exInterval) promtest.Series {
		s := promtest.Series{Name: "probe_success", Labels: map[string]string{"job": job, "component": comp, "instance": "prober-1"}}
		for t := exDataFrom; t.Before(exDataTo); t = t.Add(time.Minute) {
			if exIn(t, gaps) {
				continue
			}
			v := 1.0
			if exIn(t, down) || job != "blackbox" {
				v = 0
			}
			s.Samples = append(s.Samples, promtest.Sample{Time: t, Value: v})
		}
		return s
	}
	series := []promtest.Series{
		probe("web", "blackbox", []exInterval{{exLocal("2026-10-14 14:05"), exLocal("2026-10-14 14:25")}}, nil),
		probe("web", "blackbox-staging", nil, nil),
		probe("search", "blackbox", nil, []exInterval{{exLocal("2026-10-20 03:00"), exLocal("2026-10-20 05:00")}}),
		probe("builds", "blackbox", []exInterval{
			{exLocal("2026-09-30 23:00"), exLocal("2026-10-01 01:00")},
			{exUTC("2026-10-25T00:30:00Z"), exUTC("2026-10-25T01:30:00Z")}, // 02:30 CEST to 02:30 CET
			{exLocal("2026-11-01 00:00"), exLocal("2026-11-01 02:00")},
		}, nil),
		probe("dns", "blackbox", []exInterval{{exLocal("2026-10-14 14:05"), exLocal("2026-10-14 15:45")}}, nil),
		probe("db", "blackbox", nil, nil),
	}
	// A counter's sample at t holds the requests of the minutes before t.
	good := promtest.Series{Name: "http_requests_total", Labels: map[string]string{"job": "api", "code": "200", "instance": "api-1"}}
	bad := promtest.Series{Name: "http_requests_total", Labels: map[string]string{"job": "api", "code": "500", "instance": "api-1"}}
	g, b := 5e6, 1e3
	for t := exDataFrom; t.Before(exDataTo); t = t.Add(time.Minute) {
		good.Samples = append(good.Samples, promtest.Sample{Time: t, Value: g})
		bad.Samples = append(bad.Samples, promtest.Sample{Time: t, Value: b})
		failed := 0.0
		if exIn(t, exAPIOutage) {
			failed = 40
		}
		g += 100 - failed
		b += failed
	}
	return append(series, good, bad)
}

// exDay is an expected day (or month): ratio and coverage.
type exDay struct{ ratio, coverage float64 }

// exCheckSnapshot compares the collected snapshot with the figures the
// fakes imply.
func exCheckSnapshot(t *testing.T, snap *snapshot.Snapshot, now time.Time) {
	if snap.Month != "2026-10" || !snap.Frozen {
		t.Errorf("month %s frozen %v; --force re-collects a frozen month and leaves it frozen", snap.Month, snap.Frozen)
	}
	for _, src := range []string{"github", "prometheus"} {
		if got := snap.Sources[src].CollectedAt; !got.Equal(now) {
			t.Errorf("sources[%s].collected_at %s, want %s", src, got, now)
		}
	}

	// Issues, from the fake's issue list (see newExGitHub): month
	// boundaries are Berlin midnights, not UTC ones.
	exJSONEqual(t, "issues", snap.Issues, []snapshot.RepoIssues{
		{Repository: "orbit-docs/server", Labels: []string{}, Opened: 13, Closed: 16, OpenAtEnd: 50,
			PullRequests: snapshot.Counts{Opened: 23, Closed: 23, OpenAtEnd: 4}},
		{Repository: "orbit-docs/ui", Labels: []string{}, Opened: 5, Closed: 4, OpenAtEnd: 7,
			PullRequests: snapshot.Counts{Opened: 7, Closed: 6, OpenAtEnd: 1}},
	})

	// Releases: backend from workflow runs (run_started_at to updated_at),
	// frontend from deployments (created to first success).
	rel := func(name, url, start, end string) snapshot.Release {
		s, e := exUTC(start), exUTC(end)
		return snapshot.Release{Name: name, URL: url, Start: s, End: e, DurationSeconds: e.Sub(s).Seconds()}
	}
	run := func(n int, start, end string) snapshot.Release {
		return rel(exRunName(n), fmt.Sprintf("https://github.com/orbit-docs/server/actions/runs/%d", exRunID(n)), start, end)
	}
	dep := func(id int, ref, start, end string) snapshot.Release {
		return rel(fmt.Sprintf("%s (%s)", ref, exSHA("ui", id)[:7]), fmt.Sprintf("https://github.com/orbit-docs/ui/actions/runs/%d", 7000+id), start, end)
	}
	exJSONEqual(t, "releases", snap.Releases, []snapshot.Track{
		{Track: "backend", Name: "backend", Source: "workflow_runs", Releases: []snapshot.Release{
			run(200, "2026-09-30T20:30:00Z", "2026-09-30T22:10:00Z"), // ends at 00:10 on 1 October in Berlin
			run(201, "2026-10-03T09:00:00Z", "2026-10-03T10:22:00Z"),
			run(202, "2026-10-07T10:00:00Z", "2026-10-07T12:03:00Z"),
			run(204, "2026-10-20T08:00:00Z", "2026-10-21T10:00:00Z"),
			run(205, "2026-10-27T14:00:00Z", "2026-10-27T15:35:00Z"),
		}, Summary: snapshot.Summary{
			// 82, 95, 100, 123 and 1560 minutes.
			Count: 5, MedianSeconds: 100 * 60, P90Seconds: 1560 * 60, MaxSeconds: 1560 * 60, MeanSeconds: 392 * 60,
			OutlierFactor: 3, Outliers: []string{exRunName(204)},
		}},
		{Track: "frontend", Name: "frontend", Source: "deployments", Releases: []snapshot.Release{
			dep(304, "v4.7.3", "2026-09-30T21:00:00Z", "2026-09-30T22:05:00Z"),
			dep(305, "v4.8.0", "2026-10-06T10:00:00Z", "2026-10-06T11:10:00Z"),
			dep(308, "v4.8.1", "2026-10-13T12:00:00Z", "2026-10-13T13:13:00Z"), // first of two successes, on the 2nd page of statuses
			dep(309, "v4.9.0", "2026-10-19T09:00:00Z", "2026-10-19T10:20:00Z"),
			dep(310, "v4.9.1", "2026-10-26T15:00:00Z", "2026-10-26T16:35:00Z"),
		}, Summary: snapshot.Summary{
			// 65, 70, 73, 80 and 95 minutes.
			Count: 5, MedianSeconds: 73 * 60, P90Seconds: 95 * 60, MaxSeconds: 95 * 60, MeanSeconds: 76.6 * 60,
			OutlierFactor: 3, Outliers: []string{},
		}},
	})

	due, closedAt := exUTC("2026-10-20T07:00:00Z"), exUTC("2026-10-27T15:40:00Z")
	exJSONEqual(t, "goals", snap.Goals, []snapshot.Goal{
		{Ref: "issue: orbit-docs/ui#431", Kind: "issue", Repository: "orbit-docs/ui", Number: 431,
			Title: "Cut frontend release time below one hour", State: "open",
			URL: "https://github.com/orbit-docs/ui/issues/431", Closed: 0, Total: 1},
		{Ref: "milestone: orbit-docs/server#15", Kind: "milestone", Repository: "orbit-docs/server", Number: 15,
			Title: "Django 5.1 upgrade", State: "closed", URL: "https://github.com/orbit-docs/server/milestone/15",
			Closed: 12, Total: 12, Due: &due, ClosedAt: &closedAt},
	})

	// Availability, computed from exSeries by hand. A probe SLI is the
	// share of successful probes among the samples in [start, end). The
	// request SLI's increase() sees the samples from the window's first
	// minute to its last, so it counts the requests of every minute but
	// the last one: 44,699 minutes of October, 1,439 of a 24-hour day.
	const m = exMonthMinutes
	want := []struct {
		id    string
		month exDay
		slo   float64
		days  map[string]exDay // days not listed: 100%, fully covered
	}{
		{id: "web", month: exDay{1 - 20.0/m, 1}, slo: 0.999, days: map[string]exDay{"2026-10-14": {1 - 20.0/1440, 1}}},
		{id: "api", month: exDay{1 - 40*30/(100*(m-1.0)), 1}, slo: 0.999, days: map[string]exDay{"2026-10-05": {1 - 40*30/(100*1439.0), 1}}},
		{id: "search", month: exDay{1, 1 - 120.0/m}, slo: 0.995, days: map[string]exDay{"2026-10-20": {1, 1 - 120.0/1440}}},
		{id: "builds", month: exDay{1 - 120.0/m, 1}, slo: 0.99, days: map[string]exDay{
			"2026-10-01": {1 - 60.0/1440, 1},
			"2026-10-25": {1 - 60.0/1500, 1}, // a 25-hour day
		}},
		{id: "dns", month: exDay{1 - 100.0/m, 1}, slo: 0.9995, days: map[string]exDay{"2026-10-14": {1 - 100.0/1440, 1}}},
		{id: "db", month: exDay{1, 1}, slo: 0.999},
	}
	if len(snap.Availability) != len(want) {
		t.Errorf("%d components, want %d", len(snap.Availability), len(want))
	}
	for _, w := range want {
		a, ok := snap.Component(w.id)
		if !ok {
			t.Errorf("no availability for %s", w.id)
			continue
		}
		if a.Ratio == nil || !exClose(*a.Ratio, w.month.ratio) || !exClose(a.Coverage, w.month.coverage) {
			t.Errorf("%s: ratio %v coverage %v, want %v and %v", w.id, exPtr(a.Ratio), a.Coverage, w.month.ratio, w.month.coverage)
		}
		budget := 1 - (1-w.month.ratio)/(1-w.slo)
		if !exClose(a.SLO, w.slo) || a.ErrorBudgetRemaining == nil || !exClose(*a.ErrorBudgetRemaining, budget) {
			t.Errorf("%s: slo %v budget %v, want %v and %v", w.id, a.SLO, exPtr(a.ErrorBudgetRemaining), w.slo, budget)
		}
		if len(a.Excluded) != 0 {
			t.Errorf("%s: excluded %+v; no maintenance falls in October", w.id, a.Excluded)
		}
		if len(a.Daily) != 31 {
			t.Errorf("%s: %d days, want 31", w.id, len(a.Daily))
		}
		for i, d := range a.Daily {
			date := fmt.Sprintf("2026-10-%02d", i+1)
			wd, ok := w.days[date]
			if !ok {
				wd = exDay{1, 1}
			}
			if d.Date != date || d.Ratio == nil || !exClose(*d.Ratio, wd.ratio) || !exClose(d.Coverage, wd.coverage) {
				t.Errorf("%s day %d: %s ratio %v coverage %v, want %s %v %v", w.id, i, d.Date, exPtr(d.Ratio), d.Coverage, date, wd.ratio, wd.coverage)
			}
		}
	}
}

func exClose(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

func exPtr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// exJSONEqual compares got and want through their JSON encodings, the form
// that build reads.
func exJSONEqual(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		tb.Errorf("%s:\n%s\nwant\n%s", what, g, w)
	}
}

func exCheckRequests(tb testing.TB, gh *exGitHub, want map[string]int) {
	tb.Helper()
	gh.mu.Lock()
	defer gh.mu.Unlock()
	for k, n := range want {
		if gh.requests[k] != n {
			tb.Errorf("%d %s requests, want %d (all: %v)", gh.requests[k], k, n, gh.requests)
		}
	}
	for k, n := range gh.requests {
		if _, ok := want[k]; !ok {
			tb.Errorf("%d unexpected %s requests", n, k)
		}
	}
}
