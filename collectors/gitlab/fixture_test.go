package gitlab

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
)

const (
	testToken   = "glpat-T0kenThatMustNeverBeLogged12345"
	testProject = "ops/infra/site"
)

// The month collected: November 2026, UTC.
var (
	nov  = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	dec  = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tNow = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) // the fake clock
)

// at is a time in the fixture: "11-05 10:00" in 2026, UTC.
func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", "2026-"+s)
	if err != nil {
		panic(err)
	}
	return t
}

func atp(s string) *time.Time { t := at(s); return &t }

// sha is a fixture commit id: forty hex digits from a short name.
func sha(n int) string { return fmt.Sprintf("%08x", 0xc0ffee00+n) + strings.Repeat("ab", 16) }

// fixture is the project the tests collect from. Its November figures,
// counted by hand:
//
//	issues, all labels:  opened 4 (#3 #4 #6 #8), closed 3 (#1 #3 #8), open at end 3 (#2 #4 #6)
//	issues, ops+infra:   opened 2 (#3 #8),       closed 2 (#3 #8),    open at end 1 (#2)
//	merge requests:      opened 4 (!2 !3 !4 !5), merged 2 (!1 !2),    open at end 3 (!4 !5 !6)
//	merge requests, ops+infra: opened 2 (!2 !4), merged 1 (!2), open at end 1 (!4)
func fixture() gitlabtest.Project {
	return gitlabtest.Project{
		Path: testProject,
		Issues: []gitlabtest.Issue{
			{IID: 1, Title: "rotate certs", State: "closed", Labels: []string{"ops"}, CreatedAt: at("10-20 10:00:00"), ClosedAt: atp("11-05 09:00:00"), Milestone: 3},
			{IID: 2, Title: "last second of October", State: "opened", Labels: []string{"ops", "infra"}, CreatedAt: at("10-31 23:59:59"), Milestone: 3},
			{IID: 3, Title: "first second of November", State: "closed", Labels: []string{"ops", "infra"}, CreatedAt: at("11-01 00:00:00"), ClosedAt: atp("11-30 23:59:59"), Milestone: 3},
			{IID: 4, Title: "closed as December began", State: "closed", Labels: []string{"infra"}, CreatedAt: at("11-15 12:00:00"), ClosedAt: atp("12-01 00:00:00")},
			{IID: 5, Title: "opened as December began", State: "opened", Labels: []string{"ops", "infra"}, CreatedAt: at("12-01 00:00:00")},
			{IID: 6, Title: "still open", State: "opened", Labels: []string{"ops"}, CreatedAt: at("11-20 08:00:00")},
			{IID: 7, Title: "long gone", State: "closed", Labels: []string{"ops"}, CreatedAt: at("09-01 08:00:00"), ClosedAt: atp("10-15 08:00:00")},
			{IID: 8, Title: "quick fix", State: "closed", Labels: []string{"ops", "infra"}, CreatedAt: at("11-02 08:00:00"), ClosedAt: atp("11-03 08:00:00")},
		},
		MergeRequests: []gitlabtest.MergeRequest{
			{IID: 1, Title: "from October", State: "merged", CreatedAt: at("10-28 10:00:00"), MergedAt: atp("11-02 10:00:00")},
			{IID: 2, Title: "merged in November", State: "merged", Labels: []string{"ops", "infra"}, CreatedAt: at("11-03 10:00:00"), MergedAt: atp("11-10 10:00:00")},
			{IID: 3, Title: "abandoned", State: "closed", CreatedAt: at("11-05 10:00:00"), ClosedAt: atp("11-06 10:00:00")},
			{IID: 4, Title: "merged as December began", State: "merged", Labels: []string{"ops", "infra"}, CreatedAt: at("11-25 10:00:00"), MergedAt: atp("12-01 00:00:00")},
			{IID: 5, Title: "open", State: "opened", CreatedAt: at("11-29 10:00:00")},
			{IID: 6, Title: "old and open", State: "opened", CreatedAt: at("10-01 10:00:00")},
		},
		Milestones: []gitlabtest.Milestone{
			{ID: 9001, IID: 3, Title: "Q4 hardening", State: "active", Due: "2026-12-31"},
			{ID: 9002, IID: 4, Title: "Empty", State: "closed"},
		},
		Deployments: []gitlabtest.Deployment{
			// Before the month, inside the two-week look-back: the predecessor.
			{ID: 100, Environment: "production", Ref: "main", SHA: sha(1), Status: "success", CreatedAt: at("10-25 10:00:00"), FinishedAt: at("10-25 10:05:00")},
			{ID: 101, Environment: "production", Ref: "main", SHA: sha(3), Status: "success", CreatedAt: at("11-03 12:00:00"), FinishedAt: at("11-03 12:10:00"), MergeRequests: []int{1}},
			{ID: 102, Environment: "staging", Ref: "main", SHA: sha(3), Status: "success", CreatedAt: at("11-03 11:00:00"), FinishedAt: at("11-03 11:02:00"), MergeRequests: []int{1}},
			{ID: 103, Environment: "production", Ref: "main", SHA: sha(4), Status: "failed", CreatedAt: at("11-10 12:00:00"), FinishedAt: at("11-10 12:03:00")},
			{ID: 104, Environment: "production", Ref: "main", SHA: sha(5), Status: "success", CreatedAt: at("11-11 09:00:00"), FinishedAt: at("11-11 10:00:00"), MergeRequests: []int{2}},
			{ID: 105, Environment: "production", Ref: "main", SHA: sha(5), Status: "canceled", CreatedAt: at("11-12 09:00:00"), FinishedAt: at("11-12 09:01:00")},
			// Created in November, done in December: December's.
			{ID: 106, Environment: "production", Ref: "v2.0.0", SHA: sha(6), Status: "success", CreatedAt: at("11-30 23:50:00"), FinishedAt: at("12-01 00:10:00"), MergeRequests: []int{4}},
			// Created before the look-back, finished in November (a stuck job).
			{ID: 99, Environment: "production", Ref: "main", SHA: sha(1), Status: "success", CreatedAt: at("10-01 10:00:00"), FinishedAt: at("11-01 10:00:00")},
		},
		Pipelines: []gitlabtest.Pipeline{
			{ID: 500, IID: 50, Ref: "main", SHA: sha(1), Status: "success", CreatedAt: at("10-30 09:00:00"), StartedAt: at("10-30 09:01:00"), FinishedAt: at("10-30 09:11:00")},
			{ID: 501, IID: 51, Ref: "main", SHA: sha(3), Status: "success", CreatedAt: at("11-04 09:00:00"), StartedAt: at("11-04 09:02:00"), FinishedAt: at("11-04 09:22:00")},
			{ID: 502, IID: 52, Ref: "main", SHA: sha(4), Status: "failed", CreatedAt: at("11-05 09:00:00"), StartedAt: at("11-05 09:00:30"), FinishedAt: at("11-05 09:04:00")},
			{ID: 503, IID: 53, Ref: "feature", SHA: sha(4), Status: "success", CreatedAt: at("11-05 10:00:00"), StartedAt: at("11-05 10:00:00"), FinishedAt: at("11-05 10:05:00")},
			{ID: 504, IID: 54, Ref: "main", SHA: sha(5), Status: "success", CreatedAt: at("11-06 09:00:00"), StartedAt: at("11-06 09:00:00"), FinishedAt: at("11-06 10:30:00")},
			{ID: 505, IID: 55, Ref: "main", SHA: sha(5), Status: "canceled", CreatedAt: at("11-07 09:00:00"), StartedAt: at("11-07 09:00:00"), FinishedAt: at("11-07 09:01:00")},
		},
		Releases: []gitlabtest.Release{
			{TagName: "v1.0.0", SHA: sha(1), CreatedAt: at("10-27 12:00:00"), ReleasedAt: at("10-28 12:00:00")},
			{TagName: "v1.1.0", SHA: sha(4), CreatedAt: at("11-07 12:00:00"), ReleasedAt: at("11-08 12:00:00")},
			{TagName: "v1.2.0", SHA: sha(5), CreatedAt: at("11-20 12:00:00"), ReleasedAt: at("11-20 18:00:00")},
			{TagName: "v2.0.0", SHA: sha(6), CreatedAt: at("11-30 12:00:00"), ReleasedAt: at("12-01 00:00:00")},
		},
		Commits: []gitlabtest.Commit{
			{SHA: sha(1), Title: "one", CommittedDate: at("10-24 10:00:00")},
			{SHA: sha(2), Title: "two", CommittedDate: at("11-01 10:00:00")},
			{SHA: sha(3), Title: "three", CommittedDate: at("11-02 10:00:00")},
			{SHA: sha(4), Title: "four", CommittedDate: at("11-04 10:00:00")},
			{SHA: sha(5), Title: "five", CommittedDate: at("11-05 10:00:00")},
			{SHA: sha(6), Title: "six", CommittedDate: at("11-29 10:00:00")},
		},
	}
}

// env is a fake GitLab and a client of it with a fake clock and sleep.
type env struct {
	srv    *gitlabtest.Server
	client *Client
	sleeps *[]time.Duration
	logs   *logLines
}

type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

// start runs the fake with opts and returns a client of it; edit, when
// set, changes the client's options.
func start(tb testing.TB, opts gitlabtest.Options, edit func(*Options)) env {
	tb.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return tNow }
	}
	srv := gitlabtest.Start(tb, opts, fixture())
	var mu sync.Mutex
	var sleeps []time.Duration
	now := tNow
	logs := &logLines{}
	o := Options{
		BaseURL: srv.URL,
		Token:   testToken,
		Logf:    logs.logf,
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			sleeps = append(sleeps, d)
			now = now.Add(d)
			mu.Unlock()
			return ctx.Err()
		},
	}
	if edit != nil {
		edit(&o)
	}
	c, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	return env{srv: srv, client: c, sleeps: &sleeps, logs: logs}
}
