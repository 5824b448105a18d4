package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// testToken is the GITHUB_TOKEN of these tests; it must never be printed
// or stored.
const testToken = "ghp_T0kenThatMustNeverLeakXyZ0123456789ab"

// fakeGitHubAPI answers the REST calls of collectors/github in GitHub's
// JSON shapes. Searches for a repository listed in fail get GitHub's 422
// answer for a repository that cannot be searched.
type fakeGitHubAPI struct {
	t    testing.TB
	fail map[string]bool

	mu       sync.Mutex
	requests int
	noAuth   []string
}

func (f *fakeGitHubAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		f.noAuth = append(f.noAuth, r.URL.Path)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4990")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	switch {
	case path == "/search/issues":
		q := r.URL.Query().Get("q")
		for repo := range f.fail {
			if strings.Contains(q, "repo:"+repo+" ") {
				w.WriteHeader(http.StatusUnprocessableEntity)
				fmt.Fprintf(w, `{"message":"Validation Failed","errors":[{"message":"The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.","resource":"Search","field":"q","code":"invalid"}],"documentation_url":"https://docs.github.com/v3/search/","status":"422"}`)
				return
			}
		}
		n := 7
		if strings.Contains(q, "is:pr") {
			n = 3
		}
		fmt.Fprintf(w, `{"total_count":%d,"incomplete_results":false,"items":[]}`, n)
	case path == "/repos/acme/app/releases":
		fmt.Fprint(w, `[
 {"url":"https://api.github.com/repos/acme/app/releases/2","html_url":"https://github.com/acme/app/releases/tag/v1.3.0","id":2,"tag_name":"v1.3.0","name":"v1.3.0","draft":true,"prerelease":false,"created_at":"2026-10-20T10:00:00Z","published_at":null},
 {"url":"https://api.github.com/repos/acme/app/releases/1","html_url":"https://github.com/acme/app/releases/tag/v1.2.0","id":1,"tag_name":"v1.2.0","name":"v1.2.0","draft":false,"prerelease":false,"created_at":"2026-10-10T10:00:00Z","published_at":"2026-10-10T12:30:00Z"}
]`)
	case path == "/repos/acme/app/commits/v1.2.0":
		// The commit of the release's tag, for its delivery: GitHub
		// answers the bare SHA to the application/vnd.github.sha media type.
		w.Header().Set("Content-Type", "application/vnd.github.sha; charset=utf-8")
		fmt.Fprint(w, "4d1a0c9e2b7f3a5c8e6d0b1f2a3c4e5d6f7a8b9c")
	case path == "/repos/acme/app/milestones/3":
		fmt.Fprint(w, `{"url":"https://api.github.com/repos/acme/app/milestones/3","html_url":"https://github.com/acme/app/milestone/3","id":1003,"number":3,"title":"Postgres 16","description":"","state":"open","open_issues":2,"closed_issues":8,"created_at":"2026-08-01T10:00:00Z","updated_at":"2026-10-30T10:00:00Z","closed_at":null,"due_on":"2026-10-31T07:00:00Z"}`)
	case path == "/repos/acme/web/issues/42":
		fmt.Fprint(w, `{"url":"https://api.github.com/repos/acme/web/issues/42","html_url":"https://github.com/acme/web/issues/42","id":9042,"number":42,"title":"Faster frontend releases","state":"closed","state_reason":"completed","labels":[],"comments":3,"created_at":"2026-09-01T10:00:00Z","updated_at":"2026-10-20T09:00:00Z","closed_at":"2026-10-20T09:00:00Z"}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`)
	}
}

// fakePrometheusAPI answers /api/v1/query and /api/v1/query_range with a
// constant ratio per component, every bucket covered. When stopAt names a
// component, the server stops (closes its listener and drops the request)
// at the first query for it, as a Prometheus going down mid-collect.
type fakePrometheusAPI struct {
	ratio  map[string]float64
	stopAt string
	srv    *httptest.Server

	mu      sync.Mutex
	stopped bool
}

func (f *fakePrometheusAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := r.Form.Get("query")
	comp := ""
	if _, rest, ok := strings.Cut(q, `component="`); ok {
		comp, _, _ = strings.Cut(rest, `"`)
	}
	f.mu.Lock()
	if f.stopAt != "" && comp == f.stopAt && !f.stopped {
		f.stopped = true
		f.srv.Listener.Close()
	}
	stopped := f.stopped
	f.mu.Unlock()
	if stopped {
		panic(http.ErrAbortHandler)
	}
	v, ok := f.ratio[comp]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"status":"error","errorType":"bad_data","error":"unexpected query %q"}`, q)
		return
	}
	val := strconv.FormatFloat(v, 'f', -1, 64)
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v1/query":
		at, _ := strconv.ParseFloat(r.Form.Get("time"), 64)
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[%.3f,%q]}]}}`, at, val)
	case "/api/v1/query_range":
		start, _ := strconv.ParseFloat(r.Form.Get("start"), 64)
		end, _ := strconv.ParseFloat(r.Form.Get("end"), 64)
		step, _ := strconv.ParseFloat(r.Form.Get("step"), 64)
		var pts []string
		for t := start; t <= end+1e-9; t += step {
			pts = append(pts, fmt.Sprintf("[%.3f,%q]", math.Round(t*1000)/1000, val))
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[%s]}]}}`, strings.Join(pts, ","))
	default:
		http.NotFound(w, r)
	}
}

type collectSite struct {
	dir    string
	gh     *fakeGitHubAPI
	prom   *fakePrometheusAPI
	ghURL  string
	now    time.Time
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// newCollectSite writes a site whose config points at fake GitHub and
// Prometheus servers on 127.0.0.1.
func newCollectSite(tb testing.TB, report string) *collectSite {
	tb.Helper()
	s := &collectSite{
		dir:  tb.TempDir(),
		gh:   &fakeGitHubAPI{t: tb},
		prom: &fakePrometheusAPI{ratio: map[string]float64{"api": 0.999, "web": 1}},
		now:  time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
	}
	ghSrv := httptest.NewServer(s.gh)
	tb.Cleanup(ghSrv.Close)
	promSrv := httptest.NewUnstartedServer(s.prom)
	// One connection per request, so that a stopped server refuses the
	// next one instead of answering on a kept-alive connection.
	promSrv.Config.SetKeepAlivesEnabled(false)
	promSrv.Start()
	tb.Cleanup(promSrv.Close)
	s.prom.srv = promSrv
	s.ghURL = ghSrv.URL

	cfg := fmt.Sprintf(`title = "Acme operations"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[github]
api_url = %q

[[github.repositories]]
name = "acme/app"
[[github.repositories]]
name = "acme/web"

[prometheus]
url = %q

[[components]]
id = "api"
slo = 99.9
[[components]]
id = "web"

[[tracks]]
id = "backend"
repository = "acme/app"
source = "releases"
`, ghSrv.URL+"/", promSrv.URL)
	s.write(tb, "config.toml", cfg)
	if report != "" {
		s.write(tb, "content/reports/2026-10.md", report)
	}
	return s
}

func (s *collectSite) write(tb testing.TB, name, body string) {
	tb.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func (s *collectSite) run(tb testing.TB, terminal bool, args ...string) int {
	tb.Helper()
	s.stdout.Reset()
	s.stderr.Reset()
	env := Env{
		Stdout: &s.stdout, Stderr: &s.stderr,
		Getenv: func(k string) string {
			if k == "GITHUB_TOKEN" {
				return testToken
			}
			return ""
		},
		Now:        func() time.Time { return s.now },
		IsTerminal: terminal,
	}
	code := Run(context.Background(), append([]string{"collect", "--source", s.dir}, args...), env)
	tb.Logf("exit %d\nstdout: %.300s\nstderr:\n%s", code, s.stdout.String(), s.stderr.String())
	return code
}

func (s *collectSite) snapshot(tb testing.TB) *snapshot.Snapshot {
	tb.Helper()
	snap, err := snapshot.Read(filepath.Join(s.dir, "data", "2026-10.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return snap
}

// assertNoToken fails when the token appears in the output or in any file
// of the site (data/, the GitHub cache, anything).
func (s *collectSite) assertNoToken(tb testing.TB) {
	tb.Helper()
	if strings.Contains(s.stdout.String()+s.stderr.String(), testToken) {
		tb.Error("the token was printed")
	}
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(testToken)) {
			tb.Errorf("the token is stored in %s", path)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

const collectReport = `---
title: October 2026
date: 2026-11-20
goals:
  - title: Postgres 16
    status: in-progress
    milestone: acme/app#3
next_goals:
  - title: Faster frontend releases
    issue: acme/web#42
---
Text.
`

func TestCollectCommand(t *testing.T) {
	s := newCollectSite(t, collectReport)
	s.write(t, "content/maintenance/db-upgrade.md", `---
title: Database upgrade
scheduled_for: 2026-10-31T22:00:00Z
scheduled_until: 2026-11-01T01:00:00Z
components: [api]
---
Details.
`)
	if code := s.run(t, false); code != 0 {
		t.Fatalf("exit %d\n%s", code, s.stderr.String())
	}
	snap := s.snapshot(t)
	if snap.Month != "2026-10" {
		t.Errorf("month %s, want the last complete month 2026-10", snap.Month)
	}
	app, ok := snap.Repo("acme/app")
	if !ok || app.Opened != 7 || app.OpenAtEnd != 7 || app.PullRequests.Closed != 3 {
		t.Errorf("issues acme/app: %+v", app)
	}
	tr, ok := snap.TrackByID("backend")
	if !ok || tr.Summary.Count != 1 || tr.Releases[0].Name != "v1.2.0" || tr.Summary.MedianSeconds != 9000 {
		t.Errorf("releases: %+v", tr)
	}
	if g, ok := snap.Goal("milestone: acme/app#3"); !ok || g.Closed != 8 || g.Total != 10 || g.Title != "Postgres 16" {
		t.Errorf("milestone goal: %+v", g)
	}
	if g, ok := snap.Goal("issue: acme/web#42"); !ok || g.State != "closed" || g.Closed != 1 {
		t.Errorf("issue goal (from next_goals): %+v", g)
	}
	api, ok := snap.Component("api")
	if !ok || api.Ratio == nil || math.Abs(*api.Ratio-0.999) > 1e-9 || api.Coverage != 1 || len(api.Daily) != 31 {
		t.Fatalf("availability api: %+v", api)
	}
	if len(api.Excluded) != 1 || api.Excluded[0].Reason != "maintenance: Database upgrade" ||
		!api.Excluded[0].End.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(-time.Hour)) {
		t.Errorf("maintenance window not excluded (clipped to October's end, 23:00 UTC): %+v", api.Excluded)
	}
	if web, _ := snap.Component("web"); len(web.Excluded) != 0 {
		t.Errorf("web excluded %+v; the window is api's only", web.Excluded)
	}
	for _, src := range []string{"github", "prometheus"} {
		if !snap.Sources[src].CollectedAt.Equal(s.now) {
			t.Errorf("sources[%s] = %+v", src, snap.Sources[src])
		}
	}
	if !strings.Contains(s.stderr.String(), "wrote "+filepath.Join(s.dir, "data", "2026-10.json")) {
		t.Errorf("stderr:\n%s", s.stderr.String())
	}
	if strings.ContainsAny(s.stderr.String(), "\r\x1b") {
		t.Error("terminal control characters in non-terminal output")
	}
	if s.stdout.Len() != 0 {
		t.Errorf("stdout: %q", s.stdout.String())
	}
	// 2 repositories × 6 searches, 1 release page, 1 milestone, 1 issue;
	// for the delivery, the release page again and its tag's commit (a
	// first release, with nothing earlier to compare it to).
	if d, ok := snap.DeliveryByTrack("backend"); !ok || len(d.Deployments) != 1 || d.Deployments[0].SHA != "4d1a0c9e2b7f3a5c8e6d0b1f2a3c4e5d6f7a8b9c" || d.Keys.Deployments != 1 {
		t.Errorf("delivery: %+v", d)
	}
	if s.gh.requests != 17 || len(s.gh.noAuth) != 0 {
		t.Errorf("%d GitHub requests, %d without the token: %v", s.gh.requests, len(s.gh.noAuth), s.gh.noAuth)
	}
	s.assertNoToken(t)
}

func TestCollectCommandGitHubFailsForOneRepository(t *testing.T) {
	s := newCollectSite(t, collectReport)
	if code := s.run(t, false); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, s.stderr.String())
	}
	before := s.snapshot(t)
	// The previous snapshot's figures for acme/web must survive; make them
	// distinguishable from what the server answers.
	for i := range before.Issues {
		if before.Issues[i].Repository == "acme/web" {
			before.Issues[i].Opened = 42
		}
	}
	if err := snapshot.Write(filepath.Join(s.dir, "data", "2026-10.json"), before); err != nil {
		t.Fatal(err)
	}
	s.gh.fail = map[string]bool{"acme/web": true}
	s.prom.ratio["api"] = 0.995
	s.now = s.now.Add(time.Hour)

	code := s.run(t, false)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, s.stderr.String())
	}
	stderr := s.stderr.String()
	for _, want := range []string{"bulletin collect: github: 1 of 6 items failed", "issues acme/web:", "422", "cannot be searched", "issues acme/web: kept"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	after := s.snapshot(t)
	if web, _ := after.Repo("acme/web"); web.Opened != 42 {
		t.Errorf("acme/web figures replaced: %+v", web)
	}
	if api, _ := after.Component("api"); math.Abs(*api.Ratio-0.995) > 1e-9 {
		t.Errorf("prometheus not updated although it succeeded: %v", *api.Ratio)
	}
	if !after.Sources["github"].CollectedAt.Equal(before.Sources["github"].CollectedAt) || !after.Sources["prometheus"].CollectedAt.Equal(s.now) {
		t.Errorf("sources %+v", after.Sources)
	}
	s.assertNoToken(t)
}

func TestCollectCommandPrometheusStopsMidCollect(t *testing.T) {
	s := newCollectSite(t, "")
	if code := s.run(t, false, "--only", "prometheus"); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, s.stderr.String())
	}
	before := s.snapshot(t)
	s.prom.ratio = map[string]float64{"api": 0.5, "web": 0.5}
	s.prom.stopAt = "web"
	s.now = s.now.Add(time.Hour)

	if code := s.run(t, false, "--only", "prometheus"); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, s.stderr.String())
	}
	if !strings.Contains(s.stderr.String(), "prometheus: 1 of 2 items failed") || !strings.Contains(s.stderr.String(), "availability web:") {
		t.Errorf("stderr:\n%s", s.stderr.String())
	}
	after := s.snapshot(t)
	oldWeb, _ := before.Component("web")
	if web, _ := after.Component("web"); *web.Ratio != *oldWeb.Ratio || len(web.Daily) != 31 {
		t.Errorf("web figures lost: ratio %v, %d days", *web.Ratio, len(web.Daily))
	}
	if api, _ := after.Component("api"); *api.Ratio != 0.5 {
		t.Errorf("api not updated: %v", *api.Ratio)
	}
	if len(after.Issues) != 0 || s.gh.requests != 0 {
		t.Errorf("--only prometheus touched GitHub: %d requests", s.gh.requests)
	}
}

func TestCollectCommandFrozen(t *testing.T) {
	published := strings.Replace(collectReport, "date: 2026-11-20", "date: 2026-11-01", 1)
	s := newCollectSite(t, published)
	if code := s.run(t, false); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, s.stderr.String())
	}
	if msg := s.stderr.String(); !strings.Contains(msg, "is frozen") || !strings.Contains(msg, "--force") {
		t.Errorf("stderr:\n%s", msg)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "data")); err == nil {
		t.Error("data/ written for a frozen month")
	}
	if s.gh.requests != 0 {
		t.Errorf("%d GitHub requests for a frozen month", s.gh.requests)
	}
	if code := s.run(t, false, "--force"); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, s.stderr.String())
	}
	if snap := s.snapshot(t); len(snap.Issues) != 2 {
		t.Errorf("--force did not collect: %+v", snap.Issues)
	}
}

func TestCollectCommandDryRun(t *testing.T) {
	s := newCollectSite(t, collectReport)
	if code := s.run(t, false, "--dry-run", "--month", "2026-10"); code != 0 {
		t.Fatalf("exit %d\n%s", code, s.stderr.String())
	}
	snap, err := snapshot.Decode("stdout", s.stdout.Bytes())
	if err != nil {
		t.Fatalf("stdout is not a snapshot: %v\n%s", err, s.stdout.String())
	}
	if len(snap.Issues) != 2 || len(snap.Availability) != 2 {
		t.Errorf("dry-run snapshot: %+v", snap)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "data")); err == nil {
		t.Error("dry run created data/")
	}
	if !strings.Contains(s.stderr.String(), "issues acme/app: added") || !strings.Contains(s.stderr.String(), "nothing written") {
		t.Errorf("stderr:\n%s", s.stderr.String())
	}
	var v map[string]any
	if err := json.Unmarshal(s.stdout.Bytes(), &v); err != nil {
		t.Error(err)
	}
	s.assertNoToken(t)
}

func TestCollectCommandTerminalProgress(t *testing.T) {
	s := newCollectSite(t, collectReport)
	if code := s.run(t, true); code != 0 {
		t.Fatalf("exit %d\n%s", code, s.stderr.String())
	}
	out := s.stderr.String()
	for _, want := range []string{"\r\x1b[K", "github 2/6 releases backend", "prometheus 1/2 availability web", "github: 6 items collected\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
}

func TestCollectCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad month", []string{"--month", "October"}, `month "October" is not of the form YYYY-MM`},
		{"future month", []string{"--month", "2027-01"}, "has not begun yet"},
		{"unknown source", []string{"--only", "github,jira"}, `unknown source "jira"`},
		{"unknown flag", []string{"--months", "2026-10"}, "flag provided but not defined"},
		{"positional month", []string{"2026-10"}, "the month is given with --month"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCollectSite(t, "")
			if code := s.run(t, false, tt.args...); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(s.stderr.String(), tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, s.stderr.String())
			}
			if s.gh.requests != 0 {
				t.Errorf("%d requests on a usage error", s.gh.requests)
			}
		})
	}
}

func TestRedactWriter(t *testing.T) {
	var b bytes.Buffer
	tokens := secrets{"s3cret", "glpat-x"}
	w := tokens.writer(&b)
	n, err := fmt.Fprintf(w, "token s3cret in an error, s3cret again, glpat-x too\n")
	if err != nil || n != len("token s3cret in an error, s3cret again, glpat-x too\n") {
		t.Errorf("n %d err %v", n, err)
	}
	if b.String() != "token [REDACTED] in an error, [REDACTED] again, [REDACTED] too\n" {
		t.Errorf("got %q", b.String())
	}
	if err := tokens.err(fmt.Errorf("get: Bearer s3cret refused, PRIVATE-TOKEN glpat-x")); err.Error() != "get: Bearer [REDACTED] refused, PRIVATE-TOKEN [REDACTED]" {
		t.Errorf("err: %v", err)
	}
	if w := (secrets{"", ""}).writer(&b); w != io.Writer(&b) {
		t.Errorf("no secrets: writer wraps")
	}
}

// TestCollectCommandQuiet is the README's hourly cron job: collect -q
// prints nothing when it succeeds, so cron mails nothing, and everything
// a plain run would have printed, and the failure, when it fails.
func TestCollectCommandQuiet(t *testing.T) {
	s := newCollectSite(t, collectReport)
	for _, args := range [][]string{{"-q"}, {"--only", "prometheus", "--month", "2026-11", "-q"}} {
		if code := s.run(t, false, args...); code != 0 || s.stdout.Len()+s.stderr.Len() != 0 {
			t.Errorf("collect %v succeeded with exit %d and printed %q %q", args, code, s.stdout.String(), s.stderr.String())
		}
	}
	if _, err := os.Stat(filepath.Join(s.dir, "data", "2026-11.json")); err != nil {
		t.Errorf("collect -q wrote nothing: %v", err)
	}
	s.gh.fail = map[string]bool{"acme/web": true}
	s.now = s.now.Add(time.Hour)
	if code := s.run(t, false, "-q"); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"issues acme/web:", "422", "bulletin collect: github: 1 of 6 items failed", "wrote "} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("a failed collect -q does not say %q:\n%s", want, s.stderr.String())
		}
	}
	s.assertNoToken(t)
}

// TestREADMECronIsQuiet: the README's hourly collect runs with -q, or cron
// mails its summary every hour.
func TestREADMECronIsQuiet(t *testing.T) {
	for _, line := range strings.Split(readmeBlock(t, "## Publishing from cron", "cron"), "\n") {
		if !strings.Contains(line, "bulletin collect") || !strings.HasPrefix(line, "30 * * * *") {
			continue
		}
		_, cmd, _ := strings.Cut(line, "bulletin collect")
		cmd, _, _ = strings.Cut(cmd, "&&")
		if !strings.Contains(" "+cmd+" ", " -q ") {
			t.Errorf("the hourly cron line runs collect without -q: %s", line)
		}
		return
	}
	t.Error("the README has no hourly cron line running bulletin collect")
}
