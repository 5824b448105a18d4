package cli

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

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
	commits     map[string][]exCommit // by repository, oldest first
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
	// merge is a merged pull request's merge commit on main (its
	// merged_at is closed); "" when it is open or was closed unmerged.
	merge string
	// head is a pull request's branch tip when it is on the history (a
	// true merge); "" for a branch squashed away.
	head string
}

// exCommit is a commit of a repository's history.
type exCommit struct {
	sha     string
	parents []string
	at      time.Time // author and committer date
	message string
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

func exRunID(n int) int64             { return 9000010000 + int64(n) }
func exRunName(n int) string          { return fmt.Sprintf("#%d (%s)", n, exSHA("server", n)[:7]) }
func exSHA(repo string, n int) string { return exHash(fmt.Sprintf("%s %d", repo, n)) }

// exHash is a commit SHA named by key.
func exHash(key string) string {
	sum := sha1.Sum([]byte(key))
	return hex.EncodeToString(sum[:])
}

// exHistory builds a repository's commits, oldest first, and the pull
// requests merged into them.
type exHistory struct {
	f       *exGitHub
	repo    string
	main    string // the tip of main
	commits []exCommit
}

func (h *exHistory) commit(sha, at, msg string, parents ...string) string {
	h.commits = append(h.commits, exCommit{sha: sha, parents: parents, at: exUTC(at), message: msg})
	return sha
}

// push adds a commit to main: a direct push, or a squash merge.
func (h *exHistory) push(sha, at, msg string) string {
	var parents []string
	if h.main != "" {
		parents = []string{h.main}
	}
	h.main = h.commit(sha, at, msg, parents...)
	return sha
}

// squash merges pull request n into main as one commit at merged; sha ""
// names the commit after the pull request.
func (h *exHistory) squash(n int, sha, title, created, merged string) string {
	if sha == "" {
		sha = exHash(fmt.Sprintf("%s #%d", h.repo, n))
	}
	h.push(sha, merged, fmt.Sprintf("%s (#%d)", title, n))
	h.f.pull(h.repo, n, title, created, merged, sha, "")
	return sha
}

// merge merges pull request n, whose branch ends at tip, into main with a
// merge commit at merged.
func (h *exHistory) merge(n int, sha, title, created, merged, tip string) string {
	h.main = h.commit(sha, merged, fmt.Sprintf("Merge pull request #%d\n\n%s", n, title), h.main, tip)
	h.f.pull(h.repo, n, title, created, merged, sha, tip)
	return sha
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
	add := func(repo string, n int, created, closed string) {
		for range n {
			is := exIssue{repo: repo, number: next[repo], title: fmt.Sprintf("Issue %d", next[repo]), created: exUTC(created)}
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
	add(srv, 40, "2026-06-10T10:00:00Z", "")
	add(srv, 10, "2026-07-01T10:00:00Z", "2026-10-10T10:00:00Z")
	add(srv, 7, "2026-10-02T09:00:00Z", "")
	add(srv, 5, "2026-10-06T09:00:00Z", "2026-10-20T12:00:00Z")
	add(srv, 1, "2026-09-30T22:30:00Z", "")                     // 00:30 on 1 October in Berlin: October's
	add(srv, 1, "2026-09-30T21:30:00Z", "")                     // 23:30 on 30 September: open at the end only
	add(srv, 1, "2026-10-31T23:30:00Z", "")                     // 00:30 on 1 November: not October's
	add(srv, 1, "2026-09-01T10:00:00Z", "2026-10-31T22:59:59Z") // closed in October's last second
	add(srv, 1, "2026-09-01T10:00:00Z", "2026-10-31T23:00:00Z") // closed at the end: still open then
	add(srv, 2, "2026-05-01T10:00:00Z", "2026-08-01T10:00:00Z")
	// orbit-docs/ui: issues opened 3+2 = 5, closed 3+1 = 4, open at the
	// end 4+2+1 (#431) = 7.
	add(ui, 4, "2026-04-01T10:00:00Z", "")
	add(ui, 3, "2026-10-12T08:00:00Z", "2026-10-15T08:00:00Z")
	add(ui, 2, "2026-10-21T08:00:00Z", "")
	add(ui, 1, "2026-08-01T10:00:00Z", "2026-10-03T10:00:00Z")
	f.issues = append(f.issues, exIssue{repo: ui, number: 431, title: "Cut frontend release time below one hour", created: exUTC("2026-09-02T10:00:00Z")})

	// The histories of main, oldest first, with the pull requests merged
	// into them; the pull requests closed unmerged or still open follow.
	// Run n of deploy.yml deploys exSHA("server", n), the tip of its
	// branch when it started; deployment n of orbit-docs/ui deploys
	// exSHA("ui", n), a commit made shortly before its creation.
	//
	// orbit-docs/server pull requests: opened in October 20 (#1069-#1088)
	// + 2 (#1092, #1093) + 1 (#1095, merged at 00:10 on 1 November in
	// Berlin) = 23; closed in October 20 + 3 (#1089-#1091, opened in
	// September) = 23; open at the end #1092, #1093, #1094 and #1095 = 4.
	// #1096-#1100 were opened and closed before October.
	s := &exHistory{f: f, repo: srv}
	s.squash(1096, "", "Pin gunicorn to 23.0", "2026-08-24T09:00:00Z", "2026-08-26T14:00:00Z") // before the look-back
	s.squash(1097, exSHA("server", 199), "Django 5.1: settings", "2026-09-08T10:00:00Z", "2026-09-10T09:40:00Z")
	s.squash(1098, "", "Retry webhook deliveries", "2026-09-28T10:00:00Z", "2026-09-29T13:00:00Z")
	s.squash(1099, exSHA("server", 200), "Django 5.1: middleware", "2026-09-30T09:00:00Z", "2026-09-30T20:05:00Z") // 22:05 on 30 September in Berlin
	s.squash(1089, "", "Paginate the search API", "2026-09-25T10:00:00Z", "2026-10-01T09:30:00Z")
	s.squash(1091, "", "Drop Python 3.10", "2026-09-25T10:00:00Z", "2026-10-02T10:00:00Z")
	s.push(exSHA("server", 201), "2026-10-03T08:40:00Z", "Release 11.8.0") // a direct push to main
	s.squash(1069, "", "Cache rendered navigation", "2026-10-05T09:00:00Z", "2026-10-06T15:00:00Z")
	s.squash(1070, exSHA("server", 202), "Rate-limit anonymous API tokens", "2026-10-06T08:00:00Z", "2026-10-07T09:45:00Z")
	s.squash(1080, exSHA("server", 203), "Bump the python group with 8 updates", "2026-10-09T10:00:00Z", "2026-10-12T09:30:00Z")
	// feature/search branches off at run 203's commit; run 207 ran on it.
	b1 := s.commit(exHash("server search 1"), "2026-10-14T16:00:00Z", "Search: facet model", exSHA("server", 203))
	b2 := s.commit(exSHA("server", 207), "2026-10-15T09:50:00Z", "Search: facet API", b1)
	b3 := s.commit(exHash("server search 3"), "2026-10-16T12:00:00Z", "Search: review fixes", b2)
	s.squash(1088, "", "Document API pagination", "2026-10-16T09:00:00Z", "2026-10-18T10:00:00Z")
	s.squash(1081, "", "Fix the migration lock timeout", "2026-10-13T09:00:00Z", "2026-10-19T11:00:00Z")
	s.merge(1082, exSHA("server", 204), "Faceted search", "2026-10-14T17:00:00Z", "2026-10-19T15:00:00Z", b3) // a true merge
	s.squash(1083, "", "Stream large exports", "2026-10-22T10:00:00Z", "2026-10-24T11:35:00Z")
	s.squash(1084, exSHA("server", 205), "Django 5.1: remove the shims", "2026-10-26T09:00:00Z", "2026-10-27T13:20:00Z")
	s.squash(1086, "", "Faster sitemap", "2026-10-28T09:00:00Z", "2026-10-30T10:00:00Z")
	s.squash(1087, exSHA("server", 206), "Log slow queries", "2026-10-31T09:00:00Z", "2026-10-31T22:20:00Z")
	s.squash(1095, exSHA("server", 208), "Halloween banner off", "2026-10-31T22:30:00Z", "2026-10-31T23:10:00Z") // 00:10 on 1 November in Berlin
	f.pull(srv, 1071, "Try uvloop", "2026-10-07T14:00:00Z", "2026-10-10T16:00:00Z", "", "")
	for n := 1072; n <= 1079; n++ { // superseded by the grouped update #1080
		f.pull(srv, n, fmt.Sprintf("Bump dependency %d", n-1071), "2026-10-08T10:00:00Z", "2026-10-09T10:00:00Z", "", "")
	}
	f.pull(srv, 1085, "Experiment: async views", "2026-10-23T09:00:00Z", "2026-10-24T15:00:00Z", "", "")
	f.pull(srv, 1090, "Search by author", "2026-09-25T10:00:00Z", "2026-10-01T16:00:00Z", "", "")
	f.pull(srv, 1092, "Upgrade Celery", "2026-10-28T10:00:00Z", "", "", "")
	f.pull(srv, 1093, "Per-project rate limits", "2026-10-28T10:00:00Z", "", "", "")
	f.pull(srv, 1094, "Draft: multi-region", "2026-08-15T10:00:00Z", "", "", "")
	f.pull(srv, 1100, "Try PyPy", "2026-08-01T10:00:00Z", "2026-08-10T10:00:00Z", "", "") // before the look-back

	// orbit-docs/ui pull requests: opened in October 6 (#510-#515) + 1
	// (#516) = 7, closed 6, open at the end 1; #517-#519 were opened and
	// closed before October.
	u := &exHistory{f: f, repo: ui}
	u.push(exSHA("ui", 301), "2026-08-01T09:30:00Z", "Release v4.5.0")
	u.squash(518, "", "Print styles", "2026-08-18T10:00:00Z", "2026-08-19T15:00:00Z") // before the look-back
	u.push(exSHA("ui", 302), "2026-08-20T09:30:00Z", "Release v4.6.0")
	u.push(exSHA("ui", 303), "2026-09-05T09:30:00Z", "Release v4.7.0")
	u.squash(517, "", "Sidebar keyboard navigation", "2026-09-24T10:00:00Z", "2026-09-29T10:00:00Z")
	u.push(exSHA("ui", 304), "2026-09-30T20:50:00Z", "Release v4.7.3")
	u.squash(510, "", "Dark mode for code blocks", "2026-10-02T09:00:00Z", "2026-10-05T15:00:00Z")
	u.squash(511, exSHA("ui", 305), "Release v4.8.0", "2026-10-06T08:00:00Z", "2026-10-06T09:40:00Z")
	u.squash(512, "", "Fix search box focus", "2026-10-07T10:00:00Z", "2026-10-08T16:00:00Z")
	u.push(exSHA("ui", 306), "2026-10-09T09:45:00Z", "Release v4.8.1-rc") // failed in production
	u.push(exSHA("ui", 307), "2026-10-10T09:30:00Z", "Fix asset hashing") // tried in staging
	u.squash(513, exSHA("ui", 308), "Release v4.8.1", "2026-10-12T16:00:00Z", "2026-10-13T11:30:00Z")
	u.squash(515, "", "Lazy-load the version switcher", "2026-10-15T09:00:00Z", "2026-10-16T14:00:00Z")
	u.push(exSHA("ui", 309), "2026-10-19T08:45:00Z", "Release v4.9.0")
	u.push(exHash("ui translations"), "2026-10-25T17:00:00Z", "Update translations")
	u.push(exSHA("ui", 310), "2026-10-26T14:50:00Z", "Release v4.9.1")
	u.push(exSHA("ui", 311), "2026-10-31T22:30:00Z", "Release v4.9.2")
	u.push(exSHA("ui", 312), "2026-11-02T08:50:00Z", "Release v4.10.0")
	f.pull(ui, 514, "Experiment: prefetch on hover", "2026-10-11T09:00:00Z", "2026-10-12T17:00:00Z", "", "")
	f.pull(ui, 516, "Search result previews", "2026-10-30T08:00:00Z", "", "", "")
	f.pull(ui, 519, "Try a CSS framework", "2026-08-01T10:00:00Z", "2026-08-05T12:00:00Z", "", "") // before the look-back
	f.commits = map[string][]exCommit{srv: s.commits, ui: u.commits}

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
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/pulls", f.handle("pulls", "core", f.listPulls))
	f.mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/compare/{basehead}", f.handle("compare", "core", f.compare))
	f.mux.HandleFunc("/", f.handle("other", "core", func(*http.Request) (any, string, *exAPIError) {
		return nil, "", &exAPIError{http.StatusNotFound, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`}
	}))
	return f
}

// pull adds a pull request: closed "" while open, merge its merge commit
// when merged, head its branch tip when that is on the history.
func (f *exGitHub) pull(repo string, n int, title, created, closed, merge, head string) {
	is := exIssue{repo: repo, number: n, pr: true, title: title, created: exUTC(created), merge: merge, head: head}
	if closed != "" {
		c := exUTC(closed)
		is.closed = &c
	}
	f.issues = append(f.issues, is)
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
	state := "open"
	var closed, reason any
	if is.closed != nil {
		state, closed, reason = "closed", *is.closed, "completed"
	}
	m := map[string]any{
		"url": fmt.Sprintf("%s/issues/%d", api, is.number), "repository_url": api,
		"html_url": fmt.Sprintf("https://github.com/%s/%s/%d", is.repo, kind, is.number),
		"id":       int64(is.number) * 1009, "node_id": "I_kwDO" + strconv.Itoa(is.number), "number": is.number,
		"title": is.title, "user": exUser("sam-lindqvist", 5001), "labels": []any{}, "state": state, "locked": false,
		"assignee": nil, "assignees": []any{}, "milestone": nil, "comments": 2,
		"created_at": is.created, "updated_at": is.updated(), "closed_at": closed, "state_reason": reason,
		"author_association": "MEMBER", "body": "",
	}
	if is.pr {
		m["draft"] = false
		m["pull_request"] = map[string]any{
			"url":      fmt.Sprintf("%s/pulls/%d", api, is.number),
			"html_url": fmt.Sprintf("https://github.com/%s/pull/%d", is.repo, is.number),
			"diff_url": fmt.Sprintf("https://github.com/%s/pull/%d.diff", is.repo, is.number), "merged_at": is.mergedAt(),
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

// mergedAt is a pull request's merged_at: its closing time when merged.
func (is exIssue) mergedAt() any {
	if is.merge == "" || is.closed == nil {
		return nil
	}
	return *is.closed
}

// updated is an issue's updated_at: its closing, or else its creation.
func (is exIssue) updated() time.Time {
	if is.closed != nil {
		return *is.closed
	}
	return is.created
}

// listPulls answers GET /repos/{o}/{r}/pulls with its state filter (open
// by default, closed, all) and its sort by creation (the default, newest
// first) or last update (oldest first unless direction=desc).
func (f *exGitHub) listPulls(r *http.Request) (any, string, *exAPIError) {
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	if _, ok := f.commits[repo]; !ok {
		return nil, "", exNotFound()
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	key := func(is exIssue) time.Time { return is.created }
	switch q.Get("sort") {
	case "", "created":
	case "updated":
		key = exIssue.updated
	default:
		return nil, "", &exAPIError{http.StatusUnprocessableEntity, `{"message":"Validation Failed","status":"422"}`}
	}
	desc := q.Get("direction") == "desc" || q.Get("direction") == "" && (q.Get("sort") == "" || q.Get("sort") == "created")
	var match []exIssue
	for _, is := range f.issues {
		open := is.closed == nil
		if is.repo == repo && is.pr && (state == "all" || state == "open" && open || state == "closed" && !open) {
			match = append(match, is)
		}
	}
	slices.SortStableFunc(match, func(a, b exIssue) int {
		if desc {
			return key(b).Compare(key(a))
		}
		return key(a).Compare(key(b))
	})
	page, link := exPage(r, match, f.pageSize)
	out := make([]any, len(page))
	for i, is := range page {
		out[i] = exPullJSON(is)
	}
	return out, link, nil
}

func exPullJSON(is exIssue) map[string]any {
	api := "https://api.github.com/repos/" + is.repo
	web := fmt.Sprintf("https://github.com/%s/pull/%d", is.repo, is.number)
	self := fmt.Sprintf("%s/pulls/%d", api, is.number)
	owner, name, _ := strings.Cut(is.repo, "/")
	state := "open"
	var closed, mergeSHA any
	if is.closed != nil {
		state, closed = "closed", *is.closed
		// GitHub keeps the test merge commit of a pull request closed
		// unmerged: only merged_at tells the two apart.
		mergeSHA = exHash(fmt.Sprintf("%s test merge #%d", is.repo, is.number))
	}
	if is.merge != "" {
		mergeSHA = is.merge
	}
	head := is.head
	if head == "" {
		head = exHash(fmt.Sprintf("%s head #%d", is.repo, is.number))
	}
	branch := fmt.Sprintf("pr-%d", is.number)
	repo := map[string]any{"id": map[string]int{"server": 70001, "ui": 70002}[name], "name": name, "full_name": is.repo, "private": false,
		"owner": exUser(owner, 9100), "html_url": "https://github.com/" + is.repo, "url": api}
	ref := func(ref, sha string) map[string]any {
		return map[string]any{"label": owner + ":" + ref, "ref": ref, "sha": sha, "user": exUser(owner, 9100), "repo": repo}
	}
	return map[string]any{
		"url": self, "id": int64(is.number) * 2003, "node_id": "PR_kwDO" + strconv.Itoa(is.number),
		"html_url": web, "diff_url": web + ".diff", "patch_url": web + ".patch",
		"issue_url": fmt.Sprintf("%s/issues/%d", api, is.number), "number": is.number, "state": state, "locked": false,
		"title": is.title, "user": exUser("sam-lindqvist", 5001), "body": nil,
		"created_at": is.created, "updated_at": is.updated(), "closed_at": closed, "merged_at": is.mergedAt(),
		"merge_commit_sha": mergeSHA, "assignee": nil, "assignees": []any{}, "requested_reviewers": []any{},
		"requested_teams": []any{}, "labels": []any{}, "milestone": nil, "draft": false,
		"commits_url": self + "/commits", "review_comments_url": self + "/comments",
		"review_comment_url": api + "/pulls/comments{/number}", "comments_url": fmt.Sprintf("%s/issues/%d/comments", api, is.number),
		"statuses_url": api + "/statuses/" + head,
		"head":         ref(branch, head), "base": ref("main", exHash(fmt.Sprintf("%s base #%d", is.repo, is.number))),
		"author_association": "MEMBER", "auto_merge": nil, "active_lock_reason": nil,
	}
}

// compare answers GET /repos/{o}/{r}/compare/{base}...{head} as GitHub does
// for paged requests: the commits reachable from head and not from base,
// oldest first, one page of them, with the files on the first page only.
func (f *exGitHub) compare(r *http.Request) (any, string, *exAPIError) {
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	base, head, ok := strings.Cut(r.PathValue("basehead"), "...")
	commits := f.commits[repo]
	find := func(sha string) int {
		return slices.IndexFunc(commits, func(c exCommit) bool { return c.sha == sha })
	}
	b, h := find(base), find(head)
	if !ok || b < 0 || h < 0 {
		return nil, "", exNotFound()
	}
	ancestors := func(i int) map[string]bool {
		got := map[string]bool{}
		for stack := []string{commits[i].sha}; len(stack) > 0; {
			sha := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if j := find(sha); j >= 0 && !got[sha] {
				got[sha] = true
				stack = append(stack, commits[j].parents...)
			}
		}
		return got
	}
	fromBase, fromHead := ancestors(b), ancestors(h)
	var ahead []exCommit
	behind, mergeBase := 0, -1
	for i, c := range commits { // the history is oldest first
		switch {
		case fromHead[c.sha] && !fromBase[c.sha]:
			ahead = append(ahead, c)
		case fromBase[c.sha] && !fromHead[c.sha]:
			behind++
		case fromBase[c.sha]:
			mergeBase = i
		}
	}
	status := "diverged"
	switch {
	case len(ahead) == 0 && behind == 0:
		status = "identical"
	case behind == 0:
		status = "ahead"
	case len(ahead) == 0:
		status = "behind"
	}
	page, link := exPage(r, ahead, f.pageSize)
	out := make([]any, len(page))
	for i, c := range page {
		out[i] = exCommitJSON(repo, c)
	}
	web := "https://github.com/" + repo + "/compare/" + base + "..." + head
	owner, _, _ := strings.Cut(repo, "/")
	m := map[string]any{
		"url":      "https://api.github.com/repos/" + repo + "/compare/" + base + "..." + head,
		"html_url": web, "diff_url": web + ".diff", "patch_url": web + ".patch",
		"permalink_url": "https://github.com/" + repo + "/compare/" + owner + ":" + base[:7] + "..." + owner + ":" + head[:7],
		"base_commit":   exCommitJSON(repo, commits[b]),
		"status":        status, "ahead_by": len(ahead), "behind_by": behind, "total_commits": len(ahead),
		"commits": out,
	}
	if mergeBase >= 0 {
		m["merge_base_commit"] = exCommitJSON(repo, commits[mergeBase])
	}
	if p := r.URL.Query().Get("page"); p == "" || p == "1" {
		m["files"] = []any{}
	}
	return m, link, nil
}

func exCommitJSON(repo string, c exCommit) map[string]any {
	api := "https://api.github.com/repos/" + repo
	person := map[string]any{"name": "Sam Lindqvist", "email": "sam@orbitdocs.example", "date": c.at}
	parents := make([]any, len(c.parents))
	for i, p := range c.parents {
		parents[i] = map[string]any{"url": api + "/commits/" + p, "sha": p, "html_url": "https://github.com/" + repo + "/commit/" + p}
	}
	tree := exHash("tree " + c.sha)
	return map[string]any{
		"url": api + "/commits/" + c.sha, "sha": c.sha, "node_id": "C_kwDO" + c.sha[:16],
		"html_url": "https://github.com/" + repo + "/commit/" + c.sha, "comments_url": api + "/commits/" + c.sha + "/comments",
		"commit": map[string]any{
			"url": api + "/git/commits/" + c.sha, "author": person, "committer": person, "message": c.message,
			"tree":          map[string]any{"url": api + "/git/trees/" + tree, "sha": tree},
			"comment_count": 0,
			"verification":  map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil},
		},
		"author": exUser("sam-lindqvist", 5001), "committer": exUser("sam-lindqvist", 5001), "parents": parents,
	}
}
