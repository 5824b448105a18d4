package github

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// fakeGitHub is a GitHub Enterprise Server REST API (under /api/v3/) on
// 127.0.0.1, answering from the recorded-shape payloads in testdata/. It
// interprets what the client sends — search qualifiers, list filters,
// per_page and page, If-None-Match — so a wrong query gives a wrong answer,
// and it enforces rate limits the way GitHub does, with rate-limit headers
// on every answer. Every request is logged.
type fakeGitHub struct {
	tb    testing.TB
	srv   *httptest.Server
	clock *fakeClock

	// pageCap is the largest page served, below GitHub's 100 so that a
	// handful of fixtures spans several pages: the client must follow Link.
	pageCap int
	// runsCap is how many runs a filtered workflow-runs query can reach
	// (GitHub: 1,000); total_count still counts them all.
	runsCap int
	// limits per resource, per window (search: a minute, core: an hour).
	limits map[string]int

	mu        sync.Mutex
	issues    []fixture[gh.Issue]
	deploys   []fixture[gh.Deployment]
	statuses  map[string][]json.RawMessage
	runs      []fixture[gh.WorkflowRun]
	releases  []json.RawMessage
	milestone json.RawMessage
	commits   []fixture[gh.RepositoryCommit] // the repository's history
	tags      map[string]string              // tag name to commit
	pulls     []fixture[gh.PullRequest]
	used      map[string]int
	reset     map[string]time.Time
	script    []scripted
	log       []logged
}

// fixture is a recorded payload and its decoding.
type fixture[T any] struct {
	raw json.RawMessage
	v   T
}

// logged is one request as the server saw it.
type logged struct {
	Method, Path string // Path without the /api/v3 prefix
	Query        url.Values
	IfNoneMatch  string
	Auth         string
	Status       int
}

// scripted answers the next request whose path ends in path, once.
type scripted struct {
	path    string
	respond func(w http.ResponseWriter, r *http.Request)
}

const (
	testToken = "ghp_T0kenThatMustNeverBeWritten1234567890"
	fakeRepo  = "acme/app"
)

func newFake(tb testing.TB) *fakeGitHub {
	tb.Helper()
	f := &fakeGitHub{
		tb:      tb,
		clock:   &fakeClock{t: time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)},
		pageCap: 3,
		runsCap: 1000,
		limits:  map[string]int{"core": 5000, "search": 30},
		used:    map[string]int{},
		reset:   map[string]time.Time{},
	}
	f.issues = loadList[gh.Issue](tb, "issues.json")
	f.deploys = loadList[gh.Deployment](tb, "deployments.json")
	var runs struct {
		WorkflowRuns []json.RawMessage `json:"workflow_runs"`
	}
	readJSON(tb, "workflow_runs.json", &runs)
	for _, raw := range runs.WorkflowRuns {
		var v gh.WorkflowRun
		if err := json.Unmarshal(raw, &v); err != nil {
			tb.Fatal(err)
		}
		f.runs = append(f.runs, fixture[gh.WorkflowRun]{raw, v})
	}
	readJSON(tb, "deployment_statuses.json", &f.statuses)
	readJSON(tb, "releases.json", &f.releases)
	readJSON(tb, "milestone.json", &f.milestone)
	f.commits = loadList[gh.RepositoryCommit](tb, "commits.json")
	readJSON(tb, "tags.json", &f.tags)
	f.pulls = loadList[gh.PullRequest](tb, "pulls.json")
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func loadList[T any](tb testing.TB, name string) []fixture[T] {
	tb.Helper()
	var raws []json.RawMessage
	readJSON(tb, name, &raws)
	out := make([]fixture[T], len(raws))
	for i, raw := range raws {
		out[i].raw = raw
		if err := json.Unmarshal(raw, &out[i].v); err != nil {
			tb.Fatalf("%s[%d]: %v", name, i, err)
		}
	}
	return out
}

// client returns a Client talking to the fake with the fake's clock.
func (f *fakeGitHub) client(tb testing.TB, mod func(*Options)) *Client {
	tb.Helper()
	opts := Options{
		BaseURL:   f.srv.URL, // a bare host: /api/v3/ is added as for GitHub Enterprise
		Token:     testToken,
		Transport: f.srv.Client().Transport,
		Sleep:     f.clock.Sleep,
		Now:       f.clock.Now,
		Logf:      tb.Logf,
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// fail queues one-off answers for the next requests to paths ending in path.
func (f *fakeGitHub) fail(path string, answers ...func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range answers {
		f.script = append(f.script, scripted{path, a})
	}
}

// requests returns the log so far.
func (f *fakeGitHub) requests() []logged {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// checkSent fails tb unless the requests so far, path and query, are want.
func (f *fakeGitHub) checkSent(tb testing.TB, want []string) {
	tb.Helper()
	var paths []string
	for _, r := range f.requests() {
		paths = append(paths, r.Path+"?"+r.Query.Encode())
	}
	if !equalJSON(tb, paths, want) {
		tb.Errorf("sent %d requests, want %d", len(paths), len(want))
	}
}

func (f *fakeGitHub) countStatus(code int) int {
	n := 0
	for _, l := range f.requests() {
		if l.Status == code {
			n++
		}
	}
	return n
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	entry := len(f.log)
	f.log = append(f.log, logged{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, "/api/v3"), Query: r.URL.Query(),
		IfNoneMatch: r.Header.Get("If-None-Match"), Auth: r.Header.Get("Authorization")})
	f.mu.Unlock()
	rec := &statusRecorder{ResponseWriter: w, onStatus: func(code int) {
		f.mu.Lock()
		f.log[entry].Status = code
		f.mu.Unlock()
	}}
	f.handle(rec, r)
}

// statusRecorder logs the status as it is written, before the client can
// have the answer.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	onStatus func(int)
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.onStatus(code)
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() { s.ResponseWriter.(http.Flusher).Flush() }

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
		s.onStatus(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

func (f *fakeGitHub) handle(w http.ResponseWriter, r *http.Request) {
	p, ok := strings.CutPrefix(r.URL.Path, "/api/v3")
	if !ok || r.Method != http.MethodGet {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
		return
	}
	f.mu.Lock()
	for i, s := range f.script {
		if strings.HasSuffix(p, s.path) {
			f.script = slices.Delete(f.script, i, i+1)
			f.mu.Unlock()
			s.respond(w, r)
			return
		}
	}
	f.mu.Unlock()

	resource := "core"
	if strings.HasPrefix(p, "/search/") {
		resource = "search"
	}
	if !f.admit(w, resource) {
		return
	}
	status, body, link := f.route(r, p)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-GitHub-Media-Type", "github.v3; format=json")
	sha := wantsSHA(r) && status == http.StatusOK
	if sha {
		w.Header().Set("Content-Type", r.Header.Get("Accept")+"; charset=utf-8")
		w.Header().Set("X-GitHub-Media-Type", "github.v3; param=sha")
	}
	w.Header().Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	w.Header().Set("Cache-Control", "private, max-age=60, s-maxage=60")
	w.Header().Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With")
	if link != "" {
		w.Header().Set("Link", link)
	}
	if status != http.StatusOK {
		f.rateHeaders(w, resource, true)
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		f.rateHeaders(w, resource, false) // 304s do not count
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.rateHeaders(w, resource, true)
	w.WriteHeader(http.StatusOK)
	// A chunked body whose JSON ends before the stream does, as with
	// GitHub's gzipped answers: a JSON decoder stops at the closing brace
	// and sees no EOF unless the client reads on.
	w.Write(body)
	if sha {
		return // the bare 40 characters
	}
	w.(http.Flusher).Flush()
	w.Write([]byte("\n"))
}

// wantsSHA tells whether a request asks for a commit's SHA alone, in either
// spelling of the media type GitHub accepts.
func wantsSHA(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return a == "application/vnd.github.sha" || a == "application/vnd.github.v3.sha"
}

// admit enforces the rate limit of resource, answering 403 when it is used up.
func (f *fakeGitHub) admit(w http.ResponseWriter, resource string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	if !now.Before(f.reset[resource]) {
		f.used[resource] = 0
		window := time.Hour
		if resource == "search" {
			window = time.Minute
		}
		f.reset[resource] = now.Add(window).Truncate(time.Second)
	}
	if f.used[resource] < f.limits[resource] {
		return true
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(f.limits[resource]))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(f.reset[resource].Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(f.used[resource]))
	h.Set("X-RateLimit-Resource", resource)
	writeError(w, http.StatusForbidden, "API rate limit exceeded for user ID 583231.",
		"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
	return false
}

func (f *fakeGitHub) rateHeaders(w http.ResponseWriter, resource string, counts bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if counts {
		f.used[resource]++
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(f.limits[resource]))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(f.limits[resource]-f.used[resource], 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(f.reset[resource].Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(f.used[resource]))
	h.Set("X-RateLimit-Resource", resource)
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("C0DE:%X:%d", len(f.log), f.used[resource]))
}

func writeError(w http.ResponseWriter, code int, msg, doc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	b, _ := json.Marshal(map[string]string{"message": msg, "documentation_url": doc})
	w.Write(b)
}

var (
	reIssue     = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/issues/(\d+)$`)
	reMilestone = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/milestones/(\d+)$`)
	reDeploys   = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/deployments$`)
	reStatuses  = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/deployments/(\d+)/statuses$`)
	reRuns      = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/actions/workflows/([^/]+)/runs$`)
	reReleases  = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/releases$`)
	reCommit    = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/commits/([^/]+)$`)
	reCompare   = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/compare/(.+?)\.\.\.(.+)$`)
	rePulls     = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/pulls$`)
)

func notFound() (int, []byte, string) {
	return http.StatusNotFound, []byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`), ""
}

func (f *fakeGitHub) route(r *http.Request, p string) (int, []byte, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	if p == "/search/issues" {
		return f.search(r, q.Get("q"))
	}
	for _, re := range []*regexp.Regexp{reIssue, reMilestone, reDeploys, reStatuses, reRuns, reReleases, reCommit, reCompare, rePulls} {
		if m := re.FindStringSubmatch(p); m != nil && m[1] != fakeRepo {
			return notFound()
		}
	}
	switch {
	case reIssue.MatchString(p):
		n, _ := strconv.Atoi(reIssue.FindStringSubmatch(p)[2])
		for _, is := range f.issues {
			if is.v.GetNumber() == n {
				return http.StatusOK, is.raw, ""
			}
		}
		return notFound()
	case reMilestone.MatchString(p):
		if reMilestone.FindStringSubmatch(p)[2] != "3" {
			return notFound()
		}
		return http.StatusOK, f.milestone, ""
	case reDeploys.MatchString(p):
		var items []json.RawMessage
		for _, d := range f.deploys {
			if env := q.Get("environment"); env == "" || d.v.GetEnvironment() == env {
				items = append(items, d.raw)
			}
		}
		page, link := f.paginate(r, items, len(items))
		return http.StatusOK, mustJSON(page), link
	case reStatuses.MatchString(p):
		sts, ok := f.statuses[reStatuses.FindStringSubmatch(p)[2]]
		if !ok {
			return notFound()
		}
		page, link := f.paginate(r, sts, len(sts))
		return http.StatusOK, mustJSON(page), link
	case reRuns.MatchString(p):
		if reRuns.FindStringSubmatch(p)[2] != "deploy.yml" {
			return notFound()
		}
		return f.listRuns(r, q)
	case reReleases.MatchString(p):
		page, link := f.paginate(r, f.releases, len(f.releases))
		return http.StatusOK, mustJSON(page), link
	case reCommit.MatchString(p):
		i := f.commit(reCommit.FindStringSubmatch(p)[2])
		if i < 0 {
			return unprocessable("No commit found for SHA: " + reCommit.FindStringSubmatch(p)[2])
		}
		if wantsSHA(r) {
			return http.StatusOK, []byte(f.commits[i].v.GetSHA()), ""
		}
		return http.StatusOK, f.commits[i].raw, ""
	case reCompare.MatchString(p):
		m := reCompare.FindStringSubmatch(p)
		return f.compare(r, m[2], m[3])
	case rePulls.MatchString(p):
		return f.listPulls(r, q)
	}
	return notFound()
}

func unprocessable(msg string) (int, []byte, string) {
	return http.StatusUnprocessableEntity, mustJSON(map[string]string{"message": msg,
		"documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit"}), ""
}

// commit finds the commit a tag or full SHA names, -1 when none.
func (f *fakeGitHub) commit(ref string) int {
	if sha, ok := f.tags[ref]; ok {
		ref = sha
	}
	for i, c := range f.commits {
		if c.v.GetSHA() == ref {
			return i
		}
	}
	return -1
}

// ancestors returns the commits reachable from commit i, itself included.
func (f *fakeGitHub) ancestors(i int) map[string]bool {
	got := map[string]bool{}
	for stack := []string{f.commits[i].v.GetSHA()}; len(stack) > 0; {
		sha := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if j := f.commit(sha); j >= 0 && !got[sha] {
			got[sha] = true
			for _, p := range f.commits[j].v.Parents {
				stack = append(stack, p.GetSHA())
			}
		}
	}
	return got
}

// compare answers the compare API as GitHub does for paging requests: the
// commits reachable from head and not from base, oldest first, one page of
// them, with the files on the first page only.
func (f *fakeGitHub) compare(r *http.Request, base, head string) (int, []byte, string) {
	b, h := f.commit(base), f.commit(head)
	if b < 0 || h < 0 {
		return notFound()
	}
	fromBase, fromHead := f.ancestors(b), f.ancestors(h)
	var ahead []fixture[gh.RepositoryCommit]
	behind := 0
	for _, c := range f.commits {
		switch sha := c.v.GetSHA(); {
		case fromHead[sha] && !fromBase[sha]:
			ahead = append(ahead, c)
		case fromBase[sha] && !fromHead[sha]:
			behind++
		}
	}
	slices.SortStableFunc(ahead, func(x, y fixture[gh.RepositoryCommit]) int {
		return x.v.GetCommit().GetCommitter().GetDate().Compare(y.v.GetCommit().GetCommitter().GetDate().Time)
	})
	mergeBase := -1 // the newest common ancestor
	for i, c := range f.commits {
		if sha := c.v.GetSHA(); fromBase[sha] && fromHead[sha] &&
			(mergeBase < 0 || c.v.GetCommit().GetCommitter().GetDate().After(f.commits[mergeBase].v.GetCommit().GetCommitter().GetDate().Time)) {
			mergeBase = i
		}
	}
	state := "diverged"
	switch {
	case len(ahead) == 0 && behind == 0:
		state = "identical"
	case behind == 0:
		state = "ahead"
	case len(ahead) == 0:
		state = "behind"
	}
	raws := make([]json.RawMessage, len(ahead))
	for i, c := range ahead {
		raws[i] = c.raw
	}
	page, link := f.paginate(r, raws, len(raws))
	web := "https://github.com/" + fakeRepo + "/compare/" + base + "..." + head
	out := map[string]any{
		"url":           "https://api.github.com/repos/" + fakeRepo + "/compare/" + base + "..." + head,
		"html_url":      web,
		"permalink_url": "https://github.com/" + fakeRepo + "/compare/acme:" + shortSHA(f.commits[b].v.GetSHA()) + "...acme:" + shortSHA(f.commits[h].v.GetSHA()),
		"diff_url":      web + ".diff",
		"patch_url":     web + ".patch",
		"base_commit":   f.commits[b].raw,
		"status":        state,
		"ahead_by":      len(ahead),
		"behind_by":     behind,
		"total_commits": len(ahead),
		"commits":       page,
	}
	if mergeBase >= 0 {
		out["merge_base_commit"] = f.commits[mergeBase].raw
	}
	if r.URL.Query().Get("page") == "" || r.URL.Query().Get("page") == "1" {
		out["files"] = []any{}
	}
	return http.StatusOK, mustJSON(out), link
}

// listPulls answers the pull-request list with its state filter and its
// sort orders by creation (the default) or last update.
func (f *fakeGitHub) listPulls(r *http.Request, q url.Values) (int, []byte, string) {
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var prs []fixture[gh.PullRequest]
	for _, pr := range f.pulls {
		if state == "all" || pr.v.GetState() == state {
			prs = append(prs, pr)
		}
	}
	var key func(pr fixture[gh.PullRequest]) time.Time
	switch q.Get("sort") {
	case "", "created":
	case "updated":
		key = func(pr fixture[gh.PullRequest]) time.Time { return pr.v.GetUpdatedAt().Time }
	default:
		return validationFailed(fmt.Errorf("fake: sort %q not supported", q.Get("sort")))
	}
	// GitHub's default direction is desc for the creation order, asc otherwise.
	desc := q.Get("direction") == "desc" || (q.Get("direction") == "" && key == nil)
	if key == nil {
		key = func(pr fixture[gh.PullRequest]) time.Time { return pr.v.GetCreatedAt().Time }
	}
	slices.SortStableFunc(prs, func(x, y fixture[gh.PullRequest]) int {
		if desc {
			return key(y).Compare(key(x))
		}
		return key(x).Compare(key(y))
	})
	raws := make([]json.RawMessage, len(prs))
	for i, pr := range prs {
		raws[i] = pr.raw
	}
	page, link := f.paginate(r, raws, len(raws))
	return http.StatusOK, mustJSON(page), link
}

func (f *fakeGitHub) listRuns(r *http.Request, q url.Values) (int, []byte, string) {
	var created func(*time.Time) bool
	if c := q.Get("created"); c != "" {
		var err error
		if created, err = dateMatcher(c); err != nil {
			return validationFailed(err)
		}
	}
	var items []json.RawMessage
	for _, run := range f.runs {
		v := run.v
		if st := q.Get("status"); st != "" && v.GetConclusion() != st && v.GetStatus() != st {
			continue
		}
		if b := q.Get("branch"); b != "" && v.GetHeadBranch() != b {
			continue
		}
		if at := v.GetCreatedAt().Time; created != nil && !created(&at) {
			continue
		}
		items = append(items, run.raw)
	}
	page, link := f.paginate(r, items, min(len(items), f.runsCap))
	return http.StatusOK, mustJSON(map[string]any{"total_count": len(items), "workflow_runs": page}), link
}

// search answers /search/issues by evaluating q over the issue fixtures.
func (f *fakeGitHub) search(r *http.Request, q string) (int, []byte, string) {
	preds, err := parseQuery(q)
	if err != nil {
		return validationFailed(err)
	}
	for _, tok := range tokenize(q) {
		if repo, ok := strings.CutPrefix(tok, "repo:"); ok && repo != fakeRepo {
			return validationFailed(fmt.Errorf("The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them."))
		}
	}
	var items []json.RawMessage
	for _, is := range f.issues {
		ok := true
		for _, p := range preds {
			if !p(&is.v) {
				ok = false
				break
			}
		}
		if ok {
			var m map[string]any
			json.Unmarshal(is.raw, &m)
			m["score"] = 1.0
			items = append(items, mustJSON(m))
		}
	}
	page, link := f.paginate(r, items, min(len(items), 1000))
	return http.StatusOK, mustJSON(map[string]any{"total_count": len(items), "incomplete_results": false, "items": page}), link
}

func validationFailed(err error) (int, []byte, string) {
	return http.StatusUnprocessableEntity, mustJSON(map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{{"message": err.Error(), "resource": "Search", "field": "q", "code": "invalid"}},
		"documentation_url": "https://docs.github.com/v3/search/",
	}), ""
}

// parseQuery turns a search query into predicates, implementing the
// qualifiers of GitHub's syntax the client may use, and refusing others.
// A leading "-" excludes what the qualifier matches (its complement).
func parseQuery(q string) ([]func(*gh.Issue) bool, error) {
	var preds []func(*gh.Issue) bool
	for _, tok := range tokenize(q) {
		neg := strings.HasPrefix(tok, "-")
		tok = strings.TrimPrefix(tok, "-")
		key, val, ok := strings.Cut(tok, ":")
		if !ok {
			return nil, fmt.Errorf("fake: free text %q not supported", tok)
		}
		val = strings.Trim(val, `"`)
		var p func(*gh.Issue) bool
		switch key {
		case "repo":
			p = func(is *gh.Issue) bool { return strings.HasSuffix(is.GetRepositoryURL(), "/repos/"+val) }
		case "is":
			switch val {
			case "issue":
				p = func(is *gh.Issue) bool { return !is.IsPullRequest() }
			case "pr":
				p = func(is *gh.Issue) bool { return is.IsPullRequest() }
			default:
				return nil, fmt.Errorf("fake: is:%s not supported", val)
			}
		case "label":
			if strings.Contains(val, ",") {
				return nil, fmt.Errorf("fake: label lists not supported")
			}
			p = func(is *gh.Issue) bool {
				for _, l := range is.Labels {
					if strings.EqualFold(l.GetName(), val) {
						return true
					}
				}
				return false
			}
		case "created", "closed":
			m, err := dateMatcher(val)
			if err != nil {
				return nil, err
			}
			if key == "created" {
				p = func(is *gh.Issue) bool { at := is.GetCreatedAt().Time; return m(&at) }
			} else {
				p = func(is *gh.Issue) bool {
					if is.ClosedAt == nil {
						return false // no closing date: matched by no closed: range
					}
					return m(&is.ClosedAt.Time)
				}
			}
		default:
			return nil, fmt.Errorf("fake: qualifier %q not supported", key)
		}
		if neg {
			inner := p
			p = func(is *gh.Issue) bool { return !inner(is) }
		}
		preds = append(preds, p)
	}
	return preds, nil
}

// tokenize splits a query at spaces outside double quotes.
func tokenize(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// dateMatcher reads <X, <=X, >X, >=X and inclusive ranges A..B (either end
// may be *). Only full date-times with seconds and an offset are accepted:
// that is what the client must send.
func dateMatcher(v string) (func(*time.Time) bool, error) {
	parse := func(s string) (time.Time, error) {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return t, fmt.Errorf("fake: date-time %q: %v", s, err)
		}
		return t, nil
	}
	for _, op := range []string{"<=", ">=", "<", ">"} {
		if s, ok := strings.CutPrefix(v, op); ok {
			x, err := parse(s)
			if err != nil {
				return nil, err
			}
			return func(t *time.Time) bool {
				switch op {
				case "<=":
					return !t.After(x)
				case ">=":
					return !t.Before(x)
				case "<":
					return t.Before(x)
				default:
					return t.After(x)
				}
			}, nil
		}
	}
	a, b, ok := strings.Cut(v, "..")
	if !ok {
		return nil, fmt.Errorf("fake: date %q not supported", v)
	}
	var lo, hi *time.Time
	if a != "*" {
		t, err := parse(a)
		if err != nil {
			return nil, err
		}
		lo = &t
	}
	if b != "*" {
		t, err := parse(b)
		if err != nil {
			return nil, err
		}
		hi = &t
	}
	return func(t *time.Time) bool {
		return (lo == nil || !t.Before(*lo)) && (hi == nil || !t.After(*hi))
	}, nil
}

// paginate serves one page of items, of which only the first reachable can
// be paged to, with a Link header like GitHub's.
func (f *fakeGitHub) paginate(r *http.Request, items []json.RawMessage, reachable int) ([]json.RawMessage, string) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100, f.pageCap)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	last := max((reachable+per-1)/per, 1)
	lo, hi := min((page-1)*per, reachable), min(page*per, reachable)
	out := append([]json.RawMessage{}, items[lo:hi]...)
	at := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return "<http://" + r.Host + r.URL.Path + "?" + q.Encode() + ">"
	}
	var links []string
	if page > 1 {
		links = append(links, at(page-1)+`; rel="prev"`)
	}
	if page < last {
		links = append(links, at(page+1)+`; rel="next"`, at(last)+`; rel="last"`)
	}
	if page > 1 {
		links = append(links, at(1)+`; rel="first"`)
	}
	return out, strings.Join(links, ", ")
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// fakeClock is the time of both the client and the fake; sleeping advances it.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// Canned error answers, as GitHub sends them.

func primaryLimit(reset time.Time) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		h.Set("X-RateLimit-Used", "5000")
		h.Set("X-RateLimit-Resource", "core")
		writeError(w, http.StatusForbidden, "API rate limit exceeded for user ID 583231. If you reach out to GitHub Support for help, please include the request ID C0DE:1234.",
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api")
	}
}

func secondaryLimit(retryAfter string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("X-RateLimit-Remaining", "4100")
		writeError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
	}
}

func tooMany(retryAfter string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeError(w, http.StatusTooManyRequests, "Too Many Requests", "https://docs.github.com/rest")
	}
}

func status(code int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if code >= 500 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(code)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", code, http.StatusText(code))
			return
		}
		writeError(w, code, http.StatusText(code), "https://docs.github.com/rest")
	}
}

func forbidden(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-RateLimit-Remaining", "4999")
	writeError(w, http.StatusForbidden, "Resource not accessible by personal access token", "https://docs.github.com/rest/issues/milestones#get-a-milestone")
}

// hang answers nothing until the client gives up.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
