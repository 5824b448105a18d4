// Package gitlabtest is a fake GitLab REST API (v4) for tests: an httptest
// server on 127.0.0.1 answering, in GitLab's JSON shapes and headers, from
// projects described as plain Go values.
//
//	srv := gitlabtest.Start(t, gitlabtest.Options{Token: "glpat-x", BasePath: "/gitlab/api/v4/"},
//		gitlabtest.Project{Path: "ops/infra/site", Issues: []gitlabtest.Issue{...}})
//	client, _ := gitlab.New(gitlab.Options{BaseURL: srv.URL, Token: "glpat-x"})
//
// It serves the endpoints collectors/gitlab reads: project issues, merge
// requests, deployments (and a deployment's merge requests), pipelines,
// releases, milestones (and a milestone's issues), a single issue and
// repository compare. Project IDs in paths are URL-encoded full paths
// ("ops%2Finfra%2Fsite"), as GitLab takes them. It interprets the filters
// the collector sends (state, labels, created_after / created_before /
// updated_after, inclusive as GitLab documents them; environment, status,
// ref, iids[]), so a wrong query gives a wrong answer.
//
// Lists come in small pages (Options.PageSize) with X-Page, X-Per-Page,
// X-Next-Page, X-Prev-Page, X-Total, X-Total-Pages and Link headers; like
// GitLab, X-Total and X-Total-Pages are left out above Options.TotalCap
// results. Every answer carries RateLimit-* headers. A request without the
// token (PRIVATE-TOKEN or Authorization: Bearer) gets a 401. Inject queues
// refusals (a 429 with Retry-After, a 5xx) or extra headers, and Requests
// returns every request seen.
package gitlabtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue is a project issue. State is "opened" or "closed".
type Issue struct {
	IID       int
	Title     string
	State     string
	Labels    []string
	CreatedAt time.Time
	// UpdatedAt zero means the latest of CreatedAt and ClosedAt.
	UpdatedAt time.Time
	ClosedAt  *time.Time
	// Milestone is the iid of the issue's milestone, 0 for none.
	Milestone int
}

// MergeRequest is a project merge request. State is "opened", "closed" or
// "merged".
type MergeRequest struct {
	IID       int
	Title     string
	State     string
	Labels    []string
	CreatedAt time.Time
	// UpdatedAt zero means the latest of CreatedAt, MergedAt and ClosedAt.
	UpdatedAt time.Time
	MergedAt  *time.Time
	ClosedAt  *time.Time
	SHA       string
}

// Deployment is a deployment to an environment. Status is "success",
// "failed", "canceled", "running", ...
type Deployment struct {
	ID          int
	Environment string
	Ref, SHA    string
	Status      string
	CreatedAt   time.Time
	// FinishedAt is when its job finished (deployable.finished_at); zero
	// while running.
	FinishedAt time.Time
	// UpdatedAt zero means FinishedAt, or CreatedAt while running.
	UpdatedAt time.Time
	// MergeRequests are the iids of the project's merge requests GitLab
	// links to the deployment.
	MergeRequests []int
}

// Pipeline is a CI pipeline. Status is "success", "failed", "canceled", ...
type Pipeline struct {
	ID, IID                          int
	Ref, SHA, Status                 string
	CreatedAt, StartedAt, FinishedAt time.Time
	// UpdatedAt zero means FinishedAt, or CreatedAt while running.
	UpdatedAt time.Time
}

// Release is a project release of tag TagName at commit SHA.
type Release struct {
	TagName, Name, SHA    string
	CreatedAt, ReleasedAt time.Time
}

// Milestone is a project milestone. State is "active" or "closed"; Due is a
// date ("2026-12-31") or "".
type Milestone struct {
	ID, IID int
	Title   string
	State   string
	Due     string
}

// Commit is one commit of the project's history, which Commits lists
// oldest first on a single line: compare from..to answers the commits
// after from up to and including to.
type Commit struct {
	SHA, Title    string
	CommittedDate time.Time
}

// Project is one project the server knows.
type Project struct {
	// ID is the numeric id (0: its position, from 1).
	ID   int
	Path string

	Issues        []Issue
	MergeRequests []MergeRequest
	Deployments   []Deployment
	Pipelines     []Pipeline
	Releases      []Release
	Milestones    []Milestone
	Commits       []Commit
}

// Options configure a Server.
type Options struct {
	// BasePath is where the API is served: "/api/v4/" (gitlab.com's, the
	// default) or a self-managed prefix such as "/gitlab/api/v4/".
	BasePath string
	// Token, when set, is required on every request.
	Token string
	// PageSize is the largest page served, whatever per_page asks
	// (default 2), so that a handful of items spans several pages.
	PageSize int
	// TotalCap is the count above which X-Total and X-Total-Pages are left
	// out (GitLab: 10,000; default 10000).
	TotalCap int
	// OmitLink leaves the Link header out, so that a client must follow
	// X-Next-Page; with it, client-go follows Link's rel="next".
	OmitLink bool
	// RateLimit is the RateLimit-Limit announced (default 2000); the
	// remaining count goes down by one a request and never refuses on its
	// own (use Inject).
	RateLimit int
	// Now dates the RateLimit-Reset header (default time.Now).
	Now func() time.Time
	// WebURL is the web origin the answers' web_url fields point to, such
	// as "https://git.example.com/gitlab" (default: the server's own
	// origin and base path), so that what a test writes does not depend
	// on the port the server happened to get.
	WebURL string
}

// Injection changes the answer to the next Times requests (default 1)
// whose path, relative to the base path and with the project ID as sent
// (projects/ops%2Fsite/issues), ends with Path ("" matches all). With a
// Status, that status is answered with a GitLab error body instead;
// without, the real answer is sent. Header is added either way: a
// Retry-After, or RateLimit-Remaining "0" with a RateLimit-Reset.
type Injection struct {
	Path   string
	Status int
	Header http.Header
	Times  int
}

// Request is one request as the server saw it.
type Request struct {
	Method string
	// Path is relative to the base path, with the project ID as sent.
	Path   string
	Query  url.Values
	Host   string
	Token  string // the PRIVATE-TOKEN header, or a Bearer token
	Status int
}

// Server is a running fake GitLab.
type Server struct {
	// URL is the API base, ending in the base path: what
	// gitlab.Options.BaseURL takes.
	URL string
	// Root is the server's origin, "http://127.0.0.1:port".
	Root string

	opts     Options
	projects []Project
	srv      *httptest.Server

	mu       sync.Mutex
	inject   []Injection
	log      []Request
	requests int
}

// Start starts a server for projects; it stops when tb's test ends.
func Start(tb testing.TB, opts Options, projects ...Project) *Server {
	tb.Helper()
	if opts.BasePath == "" {
		opts.BasePath = "/api/v4/"
	}
	if !strings.HasSuffix(opts.BasePath, "/") {
		opts.BasePath += "/"
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 2
	}
	if opts.TotalCap <= 0 {
		opts.TotalCap = 10000
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = 2000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts}
	for i, p := range projects {
		if p.ID == 0 {
			p.ID = i + 1
		}
		s.projects = append(s.projects, p)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	s.Root = s.srv.URL
	s.URL = s.srv.URL + opts.BasePath
	return s
}

// Inject queues an injection; injections apply in the order queued.
func (s *Server) Inject(in Injection) {
	if in.Times <= 0 {
		in.Times = 1
	}
	s.mu.Lock()
	s.inject = append(s.inject, in)
	s.mu.Unlock()
}

// Requests returns the requests seen so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// writeError answers GitLab's error shape, {"message": ...}.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	path := strings.TrimPrefix(r.URL.EscapedPath(), s.opts.BasePath)
	token := r.Header.Get("PRIVATE-TOKEN")
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token == "" {
		token = b
	}
	s.mu.Lock()
	s.requests++
	n := s.requests
	var in *Injection
	for i := range s.inject {
		if strings.HasSuffix(path, s.inject[i].Path) {
			c := s.inject[i]
			in = &c
			if s.inject[i].Times--; s.inject[i].Times == 0 {
				s.inject = slices.Delete(s.inject, i, i+1)
			}
			break
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.log = append(s.log, Request{Method: r.Method, Path: path, Query: r.URL.Query(), Host: r.Host, Token: token, Status: rec.status})
		s.mu.Unlock()
	}()

	h := w.Header()
	reset := s.opts.Now().Truncate(time.Minute).Add(time.Minute)
	h.Set("RateLimit-Limit", strconv.Itoa(s.opts.RateLimit))
	h.Set("RateLimit-Observed", strconv.Itoa(n))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(s.opts.RateLimit-n, 0)))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
	if in != nil {
		for k, v := range in.Header {
			h[k] = v
		}
	}
	switch {
	case !strings.HasPrefix(r.URL.EscapedPath(), s.opts.BasePath):
		writeError(rec, http.StatusNotFound, "404 Not Found")
	case s.opts.Token != "" && token != s.opts.Token:
		writeError(rec, http.StatusUnauthorized, "401 Unauthorized")
	case in != nil && in.Status != 0:
		writeError(rec, in.Status, http.StatusText(in.Status))
	case r.Method != http.MethodGet:
		writeError(rec, http.StatusMethodNotAllowed, "405 Method Not Allowed")
	default:
		s.route(rec, r, path)
	}
}

// recorder keeps the status written, for the log.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// route answers GET projects/:id/...
func (s *Server) route(w http.ResponseWriter, r *http.Request, path string) {
	parts := strings.Split(path, "/")
	if len(parts) < 3 || parts[0] != "projects" {
		writeError(w, http.StatusNotFound, "404 Not Found")
		return
	}
	id, err := url.PathUnescape(parts[1])
	if err != nil {
		writeError(w, http.StatusBadRequest, "400 Bad Request")
		return
	}
	var p *Project
	for i := range s.projects {
		if s.projects[i].Path == id || strconv.Itoa(s.projects[i].ID) == id {
			p = &s.projects[i]
		}
	}
	if p == nil {
		writeError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	q := r.URL.Query()
	rest := parts[2:]
	num := func(i int) (int, bool) {
		if len(rest) <= i {
			return 0, false
		}
		n, err := strconv.Atoi(rest[i])
		return n, err == nil
	}
	switch {
	case len(rest) == 1 && rest[0] == "issues":
		listPage(s, w, r, filter(p.Issues, func(is Issue) bool { return s.matchIssue(is, q) }), func(is Issue) any { return s.issueJSON(p, is) })
	case len(rest) == 2 && rest[0] == "issues":
		n, _ := num(1)
		for _, is := range p.Issues {
			if is.IID == n {
				writeJSON(w, s.issueJSON(p, is))
				return
			}
		}
		writeError(w, http.StatusNotFound, "404 Not found")
	case len(rest) == 1 && rest[0] == "merge_requests":
		listPage(s, w, r, filter(p.MergeRequests, func(m MergeRequest) bool { return s.matchMR(m, q) }), func(m MergeRequest) any { return s.mrJSON(p, m) })
	case len(rest) == 1 && rest[0] == "deployments":
		deps := filter(p.Deployments, func(d Deployment) bool {
			return (q.Get("environment") == "" || q.Get("environment") == d.Environment) &&
				(q.Get("status") == "" || q.Get("status") == d.Status) &&
				after(depUpdated(d), q.Get("updated_after"))
		})
		if q.Get("order_by") == "updated_at" {
			sort.SliceStable(deps, func(i, j int) bool { return depUpdated(deps[i]).Before(depUpdated(deps[j])) })
		}
		if q.Get("sort") == "desc" {
			slices.Reverse(deps)
		}
		listPage(s, w, r, deps, func(d Deployment) any { return s.deploymentJSON(p, d) })
	case len(rest) == 3 && rest[0] == "deployments" && rest[2] == "merge_requests":
		n, _ := num(1)
		for _, d := range p.Deployments {
			if d.ID == n {
				mrs := filter(p.MergeRequests, func(m MergeRequest) bool { return slices.Contains(d.MergeRequests, m.IID) })
				listPage(s, w, r, mrs, func(m MergeRequest) any { return s.mrJSON(p, m) })
				return
			}
		}
		writeError(w, http.StatusNotFound, "404 Not found")
	case len(rest) == 1 && rest[0] == "pipelines":
		pls := filter(p.Pipelines, func(pl Pipeline) bool {
			return (q.Get("ref") == "" || q.Get("ref") == pl.Ref) &&
				(q.Get("status") == "" || q.Get("status") == pl.Status) &&
				after(plUpdated(pl), q.Get("updated_after"))
		})
		sort.SliceStable(pls, func(i, j int) bool { return pls[i].ID > pls[j].ID }) // GitLab: id desc
		listPage(s, w, r, pls, func(pl Pipeline) any { return s.pipelineJSON(p, pl, false) })
	case len(rest) == 2 && rest[0] == "pipelines":
		n, _ := num(1)
		for _, pl := range p.Pipelines {
			if pl.ID == n {
				writeJSON(w, s.pipelineJSON(p, pl, true))
				return
			}
		}
		writeError(w, http.StatusNotFound, "404 Not found")
	case len(rest) == 1 && rest[0] == "releases":
		rels := slices.Clone(p.Releases)
		sort.SliceStable(rels, func(i, j int) bool { return rels[i].ReleasedAt.After(rels[j].ReleasedAt) })
		if q.Get("sort") == "asc" {
			slices.Reverse(rels)
		}
		listPage(s, w, r, rels, func(rl Release) any { return s.releaseJSON(p, rl) })
	case len(rest) == 1 && rest[0] == "milestones":
		iids := q["iids[]"]
		ms := filter(p.Milestones, func(m Milestone) bool { return len(iids) == 0 || slices.Contains(iids, strconv.Itoa(m.IID)) })
		listPage(s, w, r, ms, func(m Milestone) any { return s.milestoneJSON(p, m) })
	case len(rest) == 3 && rest[0] == "milestones" && rest[2] == "issues":
		n, _ := num(1)
		for _, m := range p.Milestones {
			if m.ID == n {
				is := filter(p.Issues, func(is Issue) bool { return is.Milestone == m.IID })
				listPage(s, w, r, is, func(is Issue) any { return s.issueJSON(p, is) })
				return
			}
		}
		writeError(w, http.StatusNotFound, "404 Milestone Not Found")
	case len(rest) == 2 && rest[0] == "repository" && rest[1] == "compare":
		s.compare(w, p, q.Get("from"), q.Get("to"))
	default:
		writeError(w, http.StatusNotFound, "404 Not Found")
	}
}

func filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// listPage answers one page of items in GitLab's offset pagination, with
// its headers.
func listPage[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T, encode func(T) any) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 20
	}
	per = min(per, s.opts.PageSize)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	total := len(items)
	pages := max((total+per-1)/per, 1)
	lo, hi := min((page-1)*per, total), min(page*per, total)
	out := make([]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, encode(it))
	}
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(per))
	link := func(n int, rel string) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(n))
		v.Set("per_page", strconv.Itoa(per))
		u.RawQuery = v.Encode()
		return fmt.Sprintf("<%s%s>; rel=%q", s.Root, u.RequestURI(), rel)
	}
	var links []string
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links = append(links, link(page-1, "prev"))
	} else {
		h.Set("X-Prev-Page", "")
	}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links = append(links, link(page+1, "next"))
	} else {
		h.Set("X-Next-Page", "")
	}
	links = append(links, link(1, "first"))
	if total <= s.opts.TotalCap {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(pages))
		links = append(links, link(pages, "last"))
	}
	if !s.opts.OmitLink {
		h.Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// after reports whether t is at or after the time in v ("" matches all).
func after(t time.Time, v string) bool {
	if v == "" {
		return true
	}
	a, err := time.Parse(time.RFC3339, v)
	return err == nil && !t.Before(a)
}

// before reports whether t is at or before the time in v ("" matches all).
func before(t time.Time, v string) bool {
	if v == "" {
		return true
	}
	b, err := time.Parse(time.RFC3339, v)
	return err == nil && !t.After(b)
}

func hasLabels(have []string, want string) bool {
	if want == "" {
		return true
	}
	for _, l := range strings.Split(want, ",") {
		if !slices.Contains(have, strings.TrimSpace(l)) {
			return false
		}
	}
	return true
}

func latest(ts ...*time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t != nil && t.After(out) {
			out = *t
		}
	}
	return out
}

func issueUpdated(is Issue) time.Time {
	if !is.UpdatedAt.IsZero() {
		return is.UpdatedAt
	}
	return latest(&is.CreatedAt, is.ClosedAt)
}

func mrUpdated(m MergeRequest) time.Time {
	if !m.UpdatedAt.IsZero() {
		return m.UpdatedAt
	}
	return latest(&m.CreatedAt, m.MergedAt, m.ClosedAt)
}

func depUpdated(d Deployment) time.Time {
	if !d.UpdatedAt.IsZero() {
		return d.UpdatedAt
	}
	return latest(&d.CreatedAt, &d.FinishedAt)
}

func plUpdated(p Pipeline) time.Time {
	if !p.UpdatedAt.IsZero() {
		return p.UpdatedAt
	}
	return latest(&p.CreatedAt, &p.StartedAt, &p.FinishedAt)
}

func (s *Server) matchIssue(is Issue, q url.Values) bool {
	st := q.Get("state")
	return (st == "" || st == "all" || st == is.State) &&
		hasLabels(is.Labels, q.Get("labels")) &&
		after(is.CreatedAt, q.Get("created_after")) && before(is.CreatedAt, q.Get("created_before")) &&
		after(issueUpdated(is), q.Get("updated_after")) && before(issueUpdated(is), q.Get("updated_before"))
}

func (s *Server) matchMR(m MergeRequest, q url.Values) bool {
	st := q.Get("state")
	return (st == "" || st == "all" || st == m.State) &&
		hasLabels(m.Labels, q.Get("labels")) &&
		after(m.CreatedAt, q.Get("created_after")) && before(m.CreatedAt, q.Get("created_before")) &&
		after(mrUpdated(m), q.Get("updated_after")) && before(mrUpdated(m), q.Get("updated_before"))
}

// ts writes a time as GitLab does: UTC with milliseconds; nil and the zero
// time as null.
func ts(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (s *Server) web(p *Project, rest string) string {
	if s.opts.WebURL != "" {
		return strings.TrimSuffix(s.opts.WebURL, "/") + "/" + p.Path + rest
	}
	return s.Root + strings.TrimSuffix(strings.TrimSuffix(s.opts.BasePath, "/"), "/api/v4") + "/" + p.Path + rest
}

func labels(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

var author = map[string]any{"id": 1, "username": "ops-bot", "name": "Ops Bot", "state": "active", "web_url": "https://gitlab.example/ops-bot"}

func (s *Server) issueJSON(p *Project, is Issue) any {
	up := issueUpdated(is)
	var ms any
	for _, m := range p.Milestones {
		if m.IID == is.Milestone && is.Milestone != 0 {
			ms = s.milestoneJSON(p, m)
		}
	}
	return map[string]any{
		"id": p.ID*100000 + is.IID, "iid": is.IID, "project_id": p.ID,
		"title": is.Title, "description": "", "state": is.State,
		"created_at": ts(&is.CreatedAt), "updated_at": ts(&up), "closed_at": ts(is.ClosedAt),
		"labels": labels(is.Labels), "milestone": ms, "author": author, "assignees": []any{},
		"type": "ISSUE", "issue_type": "issue", "user_notes_count": 0, "confidential": false,
		"web_url":    s.web(p, fmt.Sprintf("/-/issues/%d", is.IID)),
		"references": map[string]string{"short": fmt.Sprintf("#%d", is.IID), "full": fmt.Sprintf("%s#%d", p.Path, is.IID)},
	}
}

func (s *Server) mrJSON(p *Project, m MergeRequest) any {
	up := mrUpdated(m)
	return map[string]any{
		"id": p.ID*100000 + 50000 + m.IID, "iid": m.IID, "project_id": p.ID,
		"title": m.Title, "description": "", "state": m.State,
		"created_at": ts(&m.CreatedAt), "updated_at": ts(&up), "merged_at": ts(m.MergedAt), "closed_at": ts(m.ClosedAt),
		"target_branch": "main", "source_branch": fmt.Sprintf("mr-%d", m.IID),
		"labels": labels(m.Labels), "author": author, "draft": false,
		"sha": m.SHA, "merge_commit_sha": nil, "squash_commit_sha": nil,
		"web_url":    s.web(p, fmt.Sprintf("/-/merge_requests/%d", m.IID)),
		"references": map[string]string{"short": fmt.Sprintf("!%d", m.IID), "full": fmt.Sprintf("%s!%d", p.Path, m.IID)},
	}
}

func (s *Server) deploymentJSON(p *Project, d Deployment) any {
	up := depUpdated(d)
	job := "success"
	if d.Status != "success" {
		job = d.Status
	}
	return map[string]any{
		"id": d.ID, "iid": d.ID, "ref": d.Ref, "sha": d.SHA, "status": d.Status,
		"created_at": ts(&d.CreatedAt), "updated_at": ts(&up),
		"user":        author,
		"environment": map[string]any{"id": 1, "name": d.Environment, "external_url": "https://" + d.Environment + ".example"},
		"deployable": map[string]any{
			"id": d.ID * 10, "status": job, "stage": "deploy", "name": "deploy", "ref": d.Ref, "tag": false,
			"created_at": ts(&d.CreatedAt), "started_at": ts(&d.CreatedAt), "finished_at": ts(&d.FinishedAt),
			"commit": map[string]any{"id": d.SHA, "short_id": short(d.SHA)},
			"pipeline": map[string]any{
				"id": d.ID * 100, "sha": d.SHA, "ref": d.Ref, "status": job,
				"web_url":    s.web(p, fmt.Sprintf("/-/pipelines/%d", d.ID*100)),
				"created_at": ts(&d.CreatedAt), "updated_at": ts(&up),
			},
		},
	}
}

func (s *Server) pipelineJSON(p *Project, pl Pipeline, full bool) any {
	up := plUpdated(pl)
	out := map[string]any{
		"id": pl.ID, "iid": pl.IID, "project_id": p.ID, "status": pl.Status, "source": "push",
		"ref": pl.Ref, "sha": pl.SHA, "name": nil,
		"web_url":    s.web(p, fmt.Sprintf("/-/pipelines/%d", pl.ID)),
		"created_at": ts(&pl.CreatedAt), "updated_at": ts(&up),
	}
	if full { // GET /pipelines/:id adds what the list leaves out
		out["started_at"] = ts(&pl.StartedAt)
		out["finished_at"] = ts(&pl.FinishedAt)
		out["tag"] = false
		out["user"] = author
		if !pl.StartedAt.IsZero() && !pl.FinishedAt.IsZero() {
			out["duration"] = int(pl.FinishedAt.Sub(pl.StartedAt).Seconds())
		}
	}
	return out
}

func (s *Server) releaseJSON(p *Project, r Release) any {
	var commit any = map[string]any{"id": r.SHA, "short_id": short(r.SHA)}
	for _, c := range p.Commits {
		if c.SHA == r.SHA {
			commit = commitJSON(c)
		}
	}
	name := r.Name
	if name == "" {
		name = r.TagName
	}
	return map[string]any{
		"tag_name": r.TagName, "name": name, "description": "",
		"created_at": ts(&r.CreatedAt), "released_at": ts(&r.ReleasedAt),
		"upcoming_release": r.ReleasedAt.After(s.opts.Now()),
		"author":           author, "commit": commit, "commit_path": "/" + p.Path + "/-/commit/" + r.SHA,
		"tag_path": "/" + p.Path + "/-/tags/" + r.TagName,
		"assets":   map[string]any{"count": 0, "sources": []any{}, "links": []any{}},
		"_links":   map[string]any{"self": s.web(p, "/-/releases/"+r.TagName)},
	}
}

func (s *Server) milestoneJSON(p *Project, m Milestone) any {
	var due any
	if m.Due != "" {
		due = m.Due
	}
	return map[string]any{
		"id": m.ID, "iid": m.IID, "project_id": p.ID, "title": m.Title, "description": "",
		"state": m.State, "due_date": due, "start_date": nil, "expired": false,
		"created_at": "2026-01-05T09:00:00.000Z", "updated_at": "2026-01-05T09:00:00.000Z",
		"web_url": s.web(p, fmt.Sprintf("/-/milestones/%d", m.IID)),
	}
}

func commitJSON(c Commit) any {
	return map[string]any{
		"id": c.SHA, "short_id": short(c.SHA), "title": c.Title, "message": c.Title + "\n",
		"author_name": "Ops Bot", "author_email": "ops-bot@example.com", "authored_date": ts(&c.CommittedDate),
		"committer_name": "Ops Bot", "committer_email": "ops-bot@example.com", "committed_date": ts(&c.CommittedDate),
		"created_at": ts(&c.CommittedDate), "parent_ids": []string{},
	}
}

func short(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// compare answers repository/compare: the commits after from up to and
// including to, oldest first, in Project.Commits' line of history.
func (s *Server) compare(w http.ResponseWriter, p *Project, from, to string) {
	idx := func(sha string) int {
		return slices.IndexFunc(p.Commits, func(c Commit) bool { return c.SHA == sha })
	}
	i, j := idx(from), idx(to)
	if i < 0 || j < 0 {
		writeError(w, http.StatusNotFound, "404 Ref Not Found")
		return
	}
	commits := []any{}
	if i < j {
		for _, c := range p.Commits[i+1 : j+1] {
			commits = append(commits, commitJSON(c))
		}
	}
	writeJSON(w, map[string]any{
		"commit": commitJSON(p.Commits[j]), "commits": commits, "diffs": []any{},
		"compare_timeout": false, "compare_same_ref": from == to,
		"web_url": s.web(p, "/-/compare/"+from+"..."+to),
	})
}
