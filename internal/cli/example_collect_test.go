package cli

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

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
			if k == "GITHUB_TOKEN" {
				return testToken
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

// exCheckReportPage checks the built October report: the figures of the
// snapshot as readers see them, percentages floored to two decimals.
func exCheckReportPage(t *testing.T, page []byte) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	section := func(class, heading string) *html.Node {
		t.Helper()
		secs := exFind(doc, func(n *html.Node) bool { return n.Data == "section" && exHasClass(n, class) })
		if len(secs) != 1 {
			t.Fatalf("%d sections %q in the report page, want 1", len(secs), class)
		}
		if h := exFind(secs[0], func(n *html.Node) bool { return n.Data == "h2" }); len(h) == 0 || exText(h[0]) != heading {
			t.Errorf("section %q has no heading %q", class, heading)
		}
		return secs[0]
	}

	// Issues: repository, opened, closed, open at end, PRs opened / closed.
	issues := exRows(section("issues-section", "Issues"))
	for repo, want := range map[string][]string{
		"orbit-docs/server": {"13", "16", "50", "23 / 23"},
		"orbit-docs/ui":     {"5", "4", "7", "7 / 6"},
	} {
		if got := strings.Join(issues[repo], "|"); got != strings.Join(want, "|") {
			t.Errorf("issues row %s: %q, want %q", repo, got, strings.Join(want, "|"))
		}
	}

	// Release watch: per track, the sentence, the stats and the outliers.
	rels := section("releases-section", "Release watch")
	tracks := map[string][]string{}
	var cur string
	exWalk(rels, func(n *html.Node) {
		switch {
		case n.Data == "h3":
			cur = exText(n)
		case n.Data == "p" && (exHasClass(n, "sentence") || exHasClass(n, "outliers")), n.Data == "dl" && exHasClass(n, "stats"):
			tracks[cur] = append(tracks[cur], exText(n))
		}
	})
	slow := exRunName(204)
	for name, want := range map[string][]string{
		"backend": {
			"5 backend releases, median 1h 40m, 90% within 1d 2h. 4 of 5 took under 5h; 1 outlier, the slowest taking 1d 2h.",
			"Releases 5 Median 1h 40m 90th percentile 1d 2h Slowest 1d 2h",
			"Outliers: " + slow + " (1d 2h)",
		},
		"frontend": {
			"5 frontend releases, median 1h 13m, 90% within 1h 35m. The slowest took 1h 35m.",
			"Releases 5 Median 1h 13m 90th percentile 1h 35m Slowest 1h 35m",
		},
	} {
		if got := strings.Join(tracks[name], "\n"); got != strings.Join(want, "\n") {
			t.Errorf("release watch %s:\n%s\nwant\n%s", name, got, strings.Join(want, "\n"))
		}
	}

	// Uptime: availability, target, error budget left, coverage; and the
	// days that were not 100%.
	uptime := section("uptime-section", "Uptime")
	rows := exRows(uptime)
	for name, want := range map[string][]string{
		"Documentation sites":  {"99.95%", "99.90%", "55%", "100.00%"},
		"API":                  {"99.97%", "99.90%", "73%", "100.00%"},
		"Search":               {"100.00%", "99.50%", "100%", "99.73% (partial data)"},
		"Documentation builds": {"99.73%", "99.00%", "73%", "100.00%"},
		"DNS":                  {"99.77%", "99.95%", "-348%", "100.00%"},
		"Database":             {"100.00%", "99.90%", "100%", "100.00%"},
	} {
		if got := strings.Join(rows[name], "|"); got != strings.Join(want, "|") {
			t.Errorf("uptime row %s: %q, want %q", name, got, strings.Join(want, "|"))
		}
	}
	days := map[string]map[string]string{} // component name -> title -> level
	exWalk(uptime, func(n *html.Node) {
		if n.Data == "ol" && exHasClass(n, "days") {
			name := strings.TrimPrefix(exAttr(n, "aria-label"), "Daily availability of ")
			days[name] = map[string]string{}
			exWalk(n, func(li *html.Node) {
				if li.Data == "li" && exHasClass(li, "day") {
					days[name][exAttr(li, "title")] = strings.TrimSpace(strings.TrimPrefix(exAttr(li, "class"), "day"))
				}
			})
		}
	})
	for _, c := range []struct{ name, title, level string }{
		{"Documentation sites", "2026-10-14: 98.61%", "warn"},
		{"API", "2026-10-05: 99.16%", "warn"},
		{"Search", "2026-10-20: 100.00% (data for 91% of the day)", "ok"},
		{"Documentation builds", "2026-10-01: 95.83%", "warn"},
		{"Documentation builds", "2026-10-25: 96.00%", "warn"},
		{"DNS", "2026-10-14: 93.05%", "down"},
		{"Database", "2026-10-31: 100.00%", "ok"},
	} {
		if got, ok := days[c.name][c.title]; !ok || got != c.level {
			t.Errorf("%s: no day %q at level %s (got %q)", c.name, c.title, c.level, got)
		}
	}
	for name, d := range days {
		if len(d) != 31 {
			t.Errorf("%s: %d distinct days in the strip, want 31", name, len(d))
		}
	}
	if len(days) != 6 {
		t.Errorf("day strips for %d components, want 6", len(days))
	}

	// Goals: tracker link, state and milestone progress.
	goals := section("goals-section", "Goals")
	var got []string
	exWalk(goals, func(n *html.Node) {
		if n.Data != "li" || !exHasClass(n, "goal") {
			return
		}
		var parts []string
		exWalk(n, func(c *html.Node) {
			switch {
			case c.Data == "span" && exHasClass(c, "goal-title"), c.Data == "span" && exHasClass(c, "tracker-state"),
				c.Data == "span" && exHasClass(c, "progress"):
				parts = append(parts, exText(c))
			case c.Data == "a" && exHasClass(c, "tracker"):
				parts = append(parts, exText(c)+" <"+exAttr(c, "href")+">")
			}
		})
		got = append(got, strings.Join(parts, " | "))
	})
	wantGoals := []string{
		"Finish the Django 5.1 upgrade | orbit-docs/server#15 <https://github.com/orbit-docs/server/milestone/15> | closed | 12/12 issues closed",
		"Cut frontend release time below one hour | orbit-docs/ui#431 <https://github.com/orbit-docs/ui/issues/431> | open",
		"Move build logs to object storage",
		"Cut frontend release time below one hour | orbit-docs/ui#431 <https://github.com/orbit-docs/ui/issues/431>",
		"Add a second DNS provider",
		"Publish the DNS incident post-mortem",
	}
	if strings.Join(got, "\n") != strings.Join(wantGoals, "\n") {
		t.Errorf("goals:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantGoals, "\n"))
	}

	// The report's text cites collected figures.
	narrative := exFind(doc, func(n *html.Node) bool { return n.Data == "div" && exHasClass(n, "narrative") })
	if len(narrative) != 1 {
		t.Fatalf("%d narratives", len(narrative))
	}
	text := exText(narrative[0])
	for _, want := range []string{
		"DNS finished the month at 99.77% against a 99.95% target",
		"(-347.43% left)",
		"Documentation sites finished at 99.95%.",
		"The server closed 16 issues this month, more than it opened (13).",
		"5 backend releases went out, with a median of 1h 40m. One outlier, " + slow + ", took 1d 2h",
		"Frontend deploys take 1h 13m at the median",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text does not say %q:\n%s", want, text)
		}
	}
}

// exRows maps the row header of each body row of the tables under n to
// the texts of its cells.
func exRows(n *html.Node) map[string][]string {
	out := map[string][]string{}
	exWalk(n, func(tr *html.Node) {
		if tr.Data != "tr" || exHasClass(tr, "days-row") {
			return
		}
		var head string
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.ElementNode && c.Data == "th" && exAttr(c, "scope") == "row":
				head = exText(c)
			case c.Type == html.ElementNode && c.Data == "td":
				cells = append(cells, exText(c))
			}
		}
		if head != "" {
			out[head] = cells
		}
	})
	return out
}

func exWalk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		exWalk(c, f)
	}
}

func exFind(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	exWalk(n, func(c *html.Node) {
		if match(c) {
			out = append(out, c)
		}
	})
	return out
}

func exAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func exHasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(exAttr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// exText is the text of n with runs of white space made single spaces;
// elements hidden from sight (charts' SVG text aside) are included.
func exText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if n.Data == "svg" {
				return
			}
			if n.Data == "dt" || n.Data == "dd" {
				b.WriteString(" ")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// exGitHub is a GitHub REST API (as GitHub Enterprise serves it, under
// /api/v3) for the example site's repositories, answering in GitHub's JSON
// shapes with its headers: Link pagination, rate-limit headers per
// resource (core, search), and ETags with 304 Not Modified answers that, as
// on GitHub, cost no rate limit. The issue search evaluates the
// qualifiers the collector sends against an issue list, and refuses any
// other qualifier with GitHub's 422, so a query that changes shape fails
// the test instead of matching everything.
//
// Lists are served in pages of at most pageSize items, fewer than GitHub's
// 100, so that the handful of runs, deployments and statuses of a month
// spans several pages: the client must follow the Link header and not
// assume a page size.
type exGitHub struct {
	token    string
	pageSize int
	resets   map[string]time.Time // rate-limit reset per resource
	limit    map[string]int
	mux      *http.ServeMux

	issues      []exIssue
	runs        []exRun
	deployments []exDeployment
	milestones  []exMilestone

	mu          sync.Mutex
	requests    map[string]int // by endpoint
	notModified int
	noAuth      []string
	used        map[string]int // rate limit spent, by resource
}

type exIssue struct {
	repo    string
	number  int
	pr      bool
	title   string
	created time.Time
	closed  *time.Time
}

type exRun struct {
	number     int
	branch     string
	conclusion string
	started    time.Time
	updated    time.Time
}

type exDeployment struct {
	id       int
	ref      string
	env      string
	created  time.Time
	statuses []exStatus // oldest first
}

type exStatus struct {
	state string
	at    time.Time
}

type exMilestone struct {
	repo         string
	number       int
	title, state string
	open, closed int
	created, due time.Time
	closedAt     *time.Time
}

func exRunID(n int) int64    { return 9000010000 + int64(n) }
func exRunName(n int) string { return fmt.Sprintf("#%d (%s)", n, exSHA("server", n)[:7]) }
func exSHA(repo string, n int) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("%s %d", repo, n)))
	return hex.EncodeToString(sum[:])
}

// newExGitHub returns the fake with the example's October data. The
// expected figures in exCheckSnapshot are counted from these lists.
func newExGitHub(token string) *exGitHub {
	f := &exGitHub{
		token:    token,
		pageSize: 2,
		resets:   map[string]time.Time{"core": time.Now().Add(time.Hour), "search": time.Now().Add(time.Minute)},
		limit:    map[string]int{"core": 5000, "search": 30},
		requests: map[string]int{},
		used:     map[string]int{},
	}
	next := map[string]int{"orbit-docs/server": 1000, "orbit-docs/ui": 500}
	add := func(repo string, pr bool, n int, created, closed string) {
		for range n {
			is := exIssue{repo: repo, number: next[repo], pr: pr, title: fmt.Sprintf("Issue %d", next[repo]), created: exUTC(created)}
			if closed != "" {
				c := exUTC(closed)
				is.closed = &c
			}
			next[repo]++
			f.issues = append(f.issues, is)
		}
	}
	// orbit-docs/server issues: opened 7+5+1 = 13, closed 10+5+1 = 16,
	// open at the end 40+7+1+1+1 = 50.
	const srv, ui = "orbit-docs/server", "orbit-docs/ui"
	add(srv, false, 40, "2026-06-10T10:00:00Z", "")
	add(srv, false, 10, "2026-07-01T10:00:00Z", "2026-10-10T10:00:00Z")
	add(srv, false, 7, "2026-10-02T09:00:00Z", "")
	add(srv, false, 5, "2026-10-06T09:00:00Z", "2026-10-20T12:00:00Z")
	add(srv, false, 1, "2026-09-30T22:30:00Z", "")                     // 00:30 on 1 October in Berlin: October's
	add(srv, false, 1, "2026-09-30T21:30:00Z", "")                     // 23:30 on 30 September: open at the end only
	add(srv, false, 1, "2026-10-31T23:30:00Z", "")                     // 00:30 on 1 November: not October's
	add(srv, false, 1, "2026-09-01T10:00:00Z", "2026-10-31T22:59:59Z") // closed in October's last second
	add(srv, false, 1, "2026-09-01T10:00:00Z", "2026-10-31T23:00:00Z") // closed at the end: still open then
	add(srv, false, 2, "2026-05-01T10:00:00Z", "2026-08-01T10:00:00Z")
	// Pull requests: opened 20+2+1 = 23, closed 20+3 = 23, open at the end
	// 2+1+1 = 4.
	add(srv, true, 20, "2026-10-08T10:00:00Z", "2026-10-09T10:00:00Z")
	add(srv, true, 3, "2026-09-25T10:00:00Z", "2026-10-02T10:00:00Z")
	add(srv, true, 2, "2026-10-28T10:00:00Z", "")
	add(srv, true, 1, "2026-08-15T10:00:00Z", "")
	add(srv, true, 1, "2026-10-31T22:30:00Z", "2026-10-31T23:10:00Z") // closed after midnight in Berlin
	// orbit-docs/ui: issues opened 3+2 = 5, closed 3+1 = 4, open at the
	// end 4+2+1 (#431) = 7; pull requests 7, 6 and 1.
	add(ui, false, 4, "2026-04-01T10:00:00Z", "")
	add(ui, false, 3, "2026-10-12T08:00:00Z", "2026-10-15T08:00:00Z")
	add(ui, false, 2, "2026-10-21T08:00:00Z", "")
	add(ui, false, 1, "2026-08-01T10:00:00Z", "2026-10-03T10:00:00Z")
	add(ui, true, 6, "2026-10-05T08:00:00Z", "2026-10-05T18:00:00Z")
	add(ui, true, 1, "2026-10-30T08:00:00Z", "")
	f.issues = append(f.issues, exIssue{repo: ui, number: 431, title: "Cut frontend release time below one hour", created: exUTC("2026-09-02T10:00:00Z")})

	// Runs of deploy.yml in orbit-docs/server. The collector asks for
	// successful runs on main created from 14 days before October to its
	// end; the server answers 206, 205, 204, 202, 201 and 200 (3 pages).
	for _, r := range []struct {
		n                  int
		branch, conclusion string
		started, updated   string
	}{
		{199, "main", "success", "2026-09-10T10:00:00Z", "2026-09-10T11:00:00Z"}, // before the look-back
		{200, "main", "success", "2026-09-30T20:30:00Z", "2026-09-30T22:10:00Z"}, // ends on 1 October in Berlin
		{201, "main", "success", "2026-10-03T09:00:00Z", "2026-10-03T10:22:00Z"},
		{202, "main", "success", "2026-10-07T10:00:00Z", "2026-10-07T12:03:00Z"},
		{203, "main", "failure", "2026-10-12T10:00:00Z", "2026-10-12T10:40:00Z"},
		{204, "main", "success", "2026-10-20T08:00:00Z", "2026-10-21T10:00:00Z"}, // a full day: the outlier
		{205, "main", "success", "2026-10-27T14:00:00Z", "2026-10-27T15:35:00Z"},
		{206, "main", "success", "2026-10-31T22:30:00Z", "2026-10-31T23:20:00Z"}, // ends in November in Berlin
		{207, "feature/search", "success", "2026-10-15T10:00:00Z", "2026-10-15T10:30:00Z"},
		{208, "main", "success", "2026-11-01T08:00:00Z", "2026-11-01T09:30:00Z"},
	} {
		f.runs = append(f.runs, exRun{number: r.n, branch: r.branch, conclusion: r.conclusion, started: exUTC(r.started), updated: exUTC(r.updated)})
	}

	// Deployments of orbit-docs/ui. Listed newest first, production only:
	// 312 311 | 310 309 | 308 306 | 305 304 | 303 302 | 301. Page 5 reaches
	// past the look-back (303), so page 6 is never asked for; statuses are
	// asked for 311 down to 304, 10 pages in all.
	st := func(state, at string) exStatus { return exStatus{state, exUTC(at)} }
	f.deployments = []exDeployment{
		{301, "v4.5.0", "production", exUTC("2026-08-01T10:00:00Z"), []exStatus{st("success", "2026-08-01T11:00:00Z")}},
		{302, "v4.6.0", "production", exUTC("2026-08-20T10:00:00Z"), []exStatus{st("success", "2026-08-20T11:00:00Z")}},
		{303, "v4.7.0", "production", exUTC("2026-09-05T10:00:00Z"), []exStatus{st("success", "2026-09-05T11:00:00Z")}},
		{304, "v4.7.3", "production", exUTC("2026-09-30T21:00:00Z"), []exStatus{
			st("in_progress", "2026-09-30T21:01:00Z"), st("success", "2026-09-30T22:05:00Z")}}, // 00:05 on 1 October
		{305, "v4.8.0", "production", exUTC("2026-10-06T10:00:00Z"), []exStatus{
			st("queued", "2026-10-06T10:00:05Z"), st("in_progress", "2026-10-06T10:01:00Z"), st("success", "2026-10-06T11:10:00Z")}},
		{306, "v4.8.1-rc", "production", exUTC("2026-10-09T10:00:00Z"), []exStatus{
			st("in_progress", "2026-10-09T10:01:00Z"), st("failure", "2026-10-09T10:30:00Z")}},
		{307, "v4.8.1-rc", "staging", exUTC("2026-10-10T10:00:00Z"), []exStatus{st("success", "2026-10-10T10:20:00Z")}},
		{308, "v4.8.1", "production", exUTC("2026-10-13T12:00:00Z"), []exStatus{
			st("queued", "2026-10-13T12:00:00Z"), st("in_progress", "2026-10-13T12:01:00Z"), st("success", "2026-10-13T13:13:00Z"),
			st("inactive", "2026-10-13T13:20:00Z"), st("success", "2026-10-13T13:30:00Z")}},
		{309, "v4.9.0", "production", exUTC("2026-10-19T09:00:00Z"), []exStatus{
			st("in_progress", "2026-10-19T09:01:00Z"), st("success", "2026-10-19T10:20:00Z")}},
		{310, "v4.9.1", "production", exUTC("2026-10-26T15:00:00Z"), []exStatus{
			st("in_progress", "2026-10-26T15:01:00Z"), st("success", "2026-10-26T16:35:00Z")}},
		{311, "v4.9.2", "production", exUTC("2026-10-31T22:40:00Z"), []exStatus{
			st("in_progress", "2026-10-31T22:41:00Z"), st("success", "2026-10-31T23:05:00Z")}}, // 00:05 on 1 November
		{312, "v4.10.0", "production", exUTC("2026-11-02T09:00:00Z"), []exStatus{st("success", "2026-11-02T10:00:00Z")}},
	}
	closedAt := exUTC("2026-10-27T15:40:00Z")
	f.milestones = []exMilestone{{repo: srv, number: 15, title: "Django 5.1 upgrade", state: "closed", open: 0, closed: 12,
		created: exUTC("2026-08-03T09:00:00Z"), due: exUTC("2026-10-20T07:00:00Z"), closedAt: &closedAt}}

	f.mux = http.NewServeMux()
	f.mux.HandleFunc("GET /api/v3/search/issues", f.handle("search", "search", f.searchIssues))
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/actions/workflows/{file}/runs", f.handle("runs", "core", f.listRuns))
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/deployments", f.handle("deployments", "core", f.listDeployments))
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/deployments/{id}/statuses", f.handle("statuses", "core", f.listStatuses))
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/milestones/{n}", f.handle("milestone", "core", f.getMilestone))
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/issues/{n}", f.handle("issue", "core", f.getIssue))
	f.mux.HandleFunc("/", f.handle("other", "core", func(*http.Request) (any, string, *exAPIError) {
		return nil, "", &exAPIError{http.StatusNotFound, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`}
	}))
	return f
}

func (f *exGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

func (f *exGitHub) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.requests {
		n += c
	}
	return n
}

// reset forgets the requests counted so far (not the rate limit spent).
func (f *exGitHub) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = map[string]int{}
	f.notModified = 0
}

func (f *exGitHub) rateUsed() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.used {
		out[k] = v
	}
	return out
}

// exAPIError is an error answer: status and GitHub's JSON body.
type exAPIError struct {
	status int
	body   string
}

// handle wraps an endpoint: it counts the request, checks the token, and
// writes GitHub's headers, the ETag and the JSON body, or a 304 when the
// client already holds the answer.
func (f *exGitHub) handle(kind, resource string, h func(*http.Request) (any, string, *exAPIError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests[kind]++
		if r.Header.Get("Authorization") != "Bearer "+f.token {
			f.noAuth = append(f.noAuth, r.URL.Path)
		}
		f.mu.Unlock()

		body, link, apiErr := h(r)
		var b []byte
		status := http.StatusOK
		if apiErr != nil {
			status, b = apiErr.status, []byte(apiErr.body)
		} else {
			var err error
			if b, err = json.Marshal(body); err != nil {
				panic(err)
			}
		}
		sum := sha256.Sum256(b)
		etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		notModified := apiErr == nil && r.Header.Get("If-None-Match") == etag

		f.mu.Lock()
		if notModified {
			f.notModified++
		} else {
			f.used[resource]++
		}
		used := f.used[resource]
		f.mu.Unlock()

		hd := w.Header()
		hd.Set("Content-Type", "application/json; charset=utf-8")
		hd.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		hd.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		hd.Set("X-GitHub-Media-Type", "github.v3; format=json")
		hd.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
		hd.Set("X-RateLimit-Limit", strconv.Itoa(f.limit[resource]))
		hd.Set("X-RateLimit-Remaining", strconv.Itoa(f.limit[resource]-used))
		hd.Set("X-RateLimit-Reset", strconv.FormatInt(f.resets[resource].Unix(), 10))
		hd.Set("X-RateLimit-Used", strconv.Itoa(used))
		hd.Set("X-RateLimit-Resource", resource)
		if apiErr == nil {
			hd.Set("ETag", etag)
		}
		if link != "" {
			hd.Set("Link", link)
		}
		if notModified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(status)
		w.Write(b)
	}
}

// exPage returns the page of items a request asks for and its Link header.
func exPage[T any](r *http.Request, items []T, maxSize int) ([]T, string) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	size := min(per, 100, maxSize)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page <= 0 {
		page = 1
	}
	last := max(1, (len(items)+size-1)/size)
	lo, hi := min((page-1)*size, len(items)), min(page*size, len(items))
	ref := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(p))
		u.RawQuery = v.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, ref(page-1, "prev"))
	}
	if page < last {
		links = append(links, ref(page+1, "next"), ref(last, "last"))
	}
	if page > 1 {
		links = append(links, ref(1, "first"))
	}
	return items[lo:hi], strings.Join(links, ", ")
}

func exValidation(msg string) *exAPIError {
	b, _ := json.Marshal(map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"message": msg, "resource": "Search", "field": "q", "code": "invalid"}},
		"documentation_url": "https://docs.github.com/v3/search/",
		"status":            "422",
	})
	return &exAPIError{http.StatusUnprocessableEntity, string(b)}
}

func exNotFound() *exAPIError {
	return &exAPIError{http.StatusNotFound, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`}
}

// searchIssues answers GET /search/issues for the qualifiers repo:, is:issue,
// is:pr, created: and closed: (ranges a..b and comparisons <, <=, >, >=
// with full date-times), each optionally negated with "-".
func (f *exGitHub) searchIssues(r *http.Request) (any, string, *exAPIError) {
	q := r.URL.Query().Get("q")
	var preds []func(exIssue) bool
	for _, tok := range strings.Fields(q) {
		neg := strings.HasPrefix(tok, "-")
		key, val, ok := strings.Cut(strings.TrimPrefix(tok, "-"), ":")
		if !ok {
			return nil, "", exValidation(fmt.Sprintf("the fake searches qualifiers only, not %q", tok))
		}
		var p func(exIssue) bool
		switch key {
		case "repo":
			p = func(is exIssue) bool { return is.repo == val }
		case "is":
			switch val {
			case "issue":
				p = func(is exIssue) bool { return !is.pr }
			case "pr":
				p = func(is exIssue) bool { return is.pr }
			}
		case "created", "closed":
			in, err := exTimeQualifier(val)
			if err != nil {
				return nil, "", exValidation(fmt.Sprintf("%s: %v", tok, err))
			}
			if key == "created" {
				p = func(is exIssue) bool { return in(is.created) }
			} else {
				p = func(is exIssue) bool { return is.closed != nil && in(*is.closed) }
			}
		}
		if p == nil {
			return nil, "", exValidation(fmt.Sprintf("the fake does not know the qualifier %q", tok))
		}
		if neg {
			inner := p
			p = func(is exIssue) bool { return !inner(is) }
		}
		preds = append(preds, p)
	}
	var match []exIssue
	for _, is := range f.issues {
		ok := true
		for _, p := range preds {
			ok = ok && p(is)
		}
		if ok {
			match = append(match, is)
		}
	}
	page, link := exPage(r, match, 100)
	items := make([]any, len(page))
	for i, is := range page {
		item := exIssueJSON(is)
		item["score"] = 1.0
		items[i] = item
	}
	return map[string]any{"total_count": len(match), "incomplete_results": false, "items": items}, link, nil
}

// exTimeQualifier parses the value of created: or closed:.
func exTimeQualifier(v string) (func(time.Time) bool, error) {
	parse := func(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }
	if a, b, ok := strings.Cut(v, ".."); ok {
		lo, err := parse(a)
		if err != nil {
			return nil, err
		}
		hi, err := parse(b)
		if err != nil {
			return nil, err
		}
		return func(t time.Time) bool { return !t.Before(lo) && !t.After(hi) }, nil
	}
	for _, op := range []string{"<=", ">=", "<", ">"} {
		if s, ok := strings.CutPrefix(v, op); ok {
			at, err := parse(s)
			if err != nil {
				return nil, err
			}
			return map[string]func(time.Time) bool{
				"<=": func(t time.Time) bool { return !t.After(at) },
				">=": func(t time.Time) bool { return !t.Before(at) },
				"<":  func(t time.Time) bool { return t.Before(at) },
				">":  func(t time.Time) bool { return t.After(at) },
			}[op], nil
		}
	}
	return nil, fmt.Errorf("the fake wants a range a..b or a comparison with a date-time, got %q", v)
}

func exUser(login string, id int) map[string]any {
	return map[string]any{"login": login, "id": id, "node_id": "MDQ6VXNlcj" + strconv.Itoa(id), "type": "User", "site_admin": false,
		"html_url": "https://github.com/" + login, "url": "https://api.github.com/users/" + login}
}

func exIssueJSON(is exIssue) map[string]any {
	api := "https://api.github.com/repos/" + is.repo
	kind := "issues"
	if is.pr {
		kind = "pull"
	}
	state, updated := "open", is.created
	var closed, reason any
	if is.closed != nil {
		state, updated, closed, reason = "closed", *is.closed, *is.closed, "completed"
	}
	m := map[string]any{
		"url": fmt.Sprintf("%s/issues/%d", api, is.number), "repository_url": api,
		"html_url": fmt.Sprintf("https://github.com/%s/%s/%d", is.repo, kind, is.number),
		"id":       int64(is.number) * 1009, "node_id": "I_kwDO" + strconv.Itoa(is.number), "number": is.number,
		"title": is.title, "user": exUser("sam-lindqvist", 5001), "labels": []any{}, "state": state, "locked": false,
		"assignee": nil, "assignees": []any{}, "milestone": nil, "comments": 2,
		"created_at": is.created, "updated_at": updated, "closed_at": closed, "state_reason": reason,
		"author_association": "MEMBER", "body": "",
	}
	if is.pr {
		m["draft"] = false
		m["pull_request"] = map[string]any{
			"url":      fmt.Sprintf("%s/pulls/%d", api, is.number),
			"html_url": fmt.Sprintf("https://github.com/%s/pull/%d", is.repo, is.number),
			"diff_url": fmt.Sprintf("https://github.com/%s/pull/%d.diff", is.repo, is.number), "merged_at": closed,
		}
	}
	return m
}

// listRuns answers GET .../actions/workflows/{file}/runs for deploy.yml of
// orbit-docs/server, filtered by branch, status (a conclusion such as
// success) and created (a..b), newest first.
func (f *exGitHub) listRuns(r *http.Request) (any, string, *exAPIError) {
	if r.PathValue("owner")+"/"+r.PathValue("repo") != "orbit-docs/server" || r.PathValue("file") != "deploy.yml" {
		return nil, "", exNotFound()
	}
	q := r.URL.Query()
	var created func(time.Time) bool
	if c := q.Get("created"); c != "" {
		var err error
		if created, err = exTimeQualifier(c); err != nil {
			return nil, "", &exAPIError{http.StatusUnprocessableEntity, `{"message":"Invalid created","status":"422"}`}
		}
	}
	var match []exRun
	for i := len(f.runs) - 1; i >= 0; i-- {
		run := f.runs[i]
		switch {
		case q.Get("branch") != "" && run.branch != q.Get("branch"),
			q.Get("status") != "" && q.Get("status") != run.conclusion && q.Get("status") != "completed",
			created != nil && !created(run.started.Add(-30*time.Second)):
			continue
		}
		match = append(match, run)
	}
	page, link := exPage(r, match, f.pageSize)
	runs := make([]any, len(page))
	for i, run := range page {
		id := exRunID(run.number)
		api := "https://api.github.com/repos/orbit-docs/server"
		runs[i] = map[string]any{
			"id": id, "name": "Deploy", "node_id": "WFR_kwLO" + strconv.FormatInt(id, 10),
			"head_branch": run.branch, "head_sha": exSHA("server", run.number),
			"path": ".github/workflows/deploy.yml", "display_title": fmt.Sprintf("Deploy #%d", run.number),
			"run_number": run.number, "event": "push", "status": "completed", "conclusion": run.conclusion,
			"workflow_id": 4711, "check_suite_id": id + 1, "url": fmt.Sprintf("%s/actions/runs/%d", api, id),
			"html_url":      fmt.Sprintf("https://github.com/orbit-docs/server/actions/runs/%d", id),
			"pull_requests": []any{}, "created_at": run.started.Add(-30 * time.Second), "updated_at": run.updated,
			"actor": exUser("drew-okafor", 5002), "run_attempt": 1, "run_started_at": run.started,
			"jobs_url": fmt.Sprintf("%s/actions/runs/%d/jobs", api, id), "logs_url": fmt.Sprintf("%s/actions/runs/%d/logs", api, id),
			"workflow_url": api + "/actions/workflows/4711",
			"repository":   map[string]any{"id": 70001, "name": "server", "full_name": "orbit-docs/server", "private": false},
		}
	}
	return map[string]any{"total_count": len(match), "workflow_runs": runs}, link, nil
}

func (f *exGitHub) deployment(r *http.Request) (exDeployment, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || r.PathValue("owner")+"/"+r.PathValue("repo") != "orbit-docs/ui" {
		return exDeployment{}, false
	}
	for _, d := range f.deployments {
		if d.id == id {
			return d, true
		}
	}
	return exDeployment{}, false
}

// listDeployments answers GET /repos/orbit-docs/ui/deployments, filtered
// by environment, newest first.
func (f *exGitHub) listDeployments(r *http.Request) (any, string, *exAPIError) {
	if r.PathValue("owner")+"/"+r.PathValue("repo") != "orbit-docs/ui" {
		return nil, "", exNotFound()
	}
	env := r.URL.Query().Get("environment")
	var match []exDeployment
	for i := len(f.deployments) - 1; i >= 0; i-- {
		if d := f.deployments[i]; env == "" || d.env == env {
			match = append(match, d)
		}
	}
	page, link := exPage(r, match, f.pageSize)
	out := make([]any, len(page))
	api := "https://api.github.com/repos/orbit-docs/ui"
	for i, d := range page {
		out[i] = map[string]any{
			"url": fmt.Sprintf("%s/deployments/%d", api, d.id), "id": d.id, "node_id": "DE_kwDO" + strconv.Itoa(d.id),
			"sha": exSHA("ui", d.id), "ref": d.ref, "task": "deploy", "payload": map[string]any{},
			"original_environment": d.env, "environment": d.env, "description": nil,
			"creator": exUser("mei-tanaka", 5003), "created_at": d.created, "updated_at": d.statuses[len(d.statuses)-1].at,
			"statuses_url":   fmt.Sprintf("%s/deployments/%d/statuses", api, d.id),
			"repository_url": api, "transient_environment": false, "production_environment": d.env == "production",
		}
	}
	return out, link, nil
}

// listStatuses answers GET .../deployments/{id}/statuses, newest first.
// Success statuses link to the deploying workflow run's log.
func (f *exGitHub) listStatuses(r *http.Request) (any, string, *exAPIError) {
	d, ok := f.deployment(r)
	if !ok {
		return nil, "", exNotFound()
	}
	sts := make([]exStatus, len(d.statuses))
	for i, s := range d.statuses {
		sts[len(sts)-1-i] = s
	}
	page, link := exPage(r, sts, f.pageSize)
	out := make([]any, len(page))
	api := "https://api.github.com/repos/orbit-docs/ui"
	for i, s := range page {
		id := d.id*100 + i
		logURL := ""
		if s.state == "success" {
			logURL = fmt.Sprintf("https://github.com/orbit-docs/ui/actions/runs/%d", 7000+d.id)
		}
		out[i] = map[string]any{
			"url": fmt.Sprintf("%s/deployments/%d/statuses/%d", api, d.id, id), "id": id, "node_id": "DES_kwDO" + strconv.Itoa(id),
			"state": s.state, "creator": exUser("github-actions[bot]", 41898282), "description": "",
			"environment": d.env, "target_url": logURL, "created_at": s.at, "updated_at": s.at,
			"deployment_url": fmt.Sprintf("%s/deployments/%d", api, d.id), "repository_url": api,
			"environment_url": "https://docs.orbitdocs.example/", "log_url": logURL,
		}
	}
	return out, link, nil
}

func (f *exGitHub) getMilestone(r *http.Request) (any, string, *exAPIError) {
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	n, _ := strconv.Atoi(r.PathValue("n"))
	for _, m := range f.milestones {
		if m.repo != repo || m.number != n {
			continue
		}
		api := "https://api.github.com/repos/" + repo
		var closedAt any
		if m.closedAt != nil {
			closedAt = *m.closedAt
		}
		return map[string]any{
			"url": fmt.Sprintf("%s/milestones/%d", api, n), "html_url": fmt.Sprintf("https://github.com/%s/milestone/%d", repo, n),
			"labels_url": fmt.Sprintf("%s/milestones/%d/labels", api, n), "id": 3000 + n, "node_id": "MI_kwDO" + strconv.Itoa(n),
			"number": n, "title": m.title, "description": "", "creator": exUser("sam-lindqvist", 5001),
			"open_issues": m.open, "closed_issues": m.closed, "state": m.state,
			"created_at": m.created, "updated_at": closedAt, "due_on": m.due, "closed_at": closedAt,
		}, "", nil
	}
	return nil, "", exNotFound()
}

func (f *exGitHub) getIssue(r *http.Request) (any, string, *exAPIError) {
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	n, _ := strconv.Atoi(r.PathValue("n"))
	for _, is := range f.issues {
		if is.repo == repo && is.number == n {
			return exIssueJSON(is), "", nil
		}
	}
	return nil, "", exNotFound()
}
