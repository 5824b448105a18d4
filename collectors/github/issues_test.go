package github

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // month boundaries in Europe/Berlin wherever the tests run

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// month returns [start, end) of month in Europe/Berlin: October 2026 has a
// DST change, so its ends have different offsets (+02:00 and +01:00).
func month(tb testing.TB, m string) (time.Time, time.Time) {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	start, end, err := snapshot.MonthRange(m, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return start, end
}

// The expected counts below are worked out by hand from testdata/issues.json,
// whose issues sit on the month's edges: created exactly at the start (in)
// and exactly at the end (out), closed exactly at the end (so open at the
// end), closed after the end, open for months, pull requests among them.
func TestIssuesCounts(t *testing.T) {
	tests := []struct {
		name   string
		month  string
		labels []string
		want   snapshot.RepoIssues
	}{
		{
			name:  "all issues, October",
			month: "2026-10",
			want: snapshot.RepoIssues{Opened: 4, Closed: 2, OpenAtEnd: 5,
				PullRequests: snapshot.Counts{Opened: 2, Closed: 1, OpenAtEnd: 2}},
		},
		{
			name:   "one label",
			month:  "2026-10",
			labels: []string{"bug"},
			want: snapshot.RepoIssues{Opened: 3, Closed: 1, OpenAtEnd: 4,
				PullRequests: snapshot.Counts{Opened: 0, Closed: 0, OpenAtEnd: 1}},
		},
		{
			name:   "every label must match",
			month:  "2026-10",
			labels: []string{"bug", "ui"},
			want:   snapshot.RepoIssues{Opened: 2, Closed: 1, OpenAtEnd: 2},
		},
		{
			name:   "label with a space",
			month:  "2026-10",
			labels: []string{"help wanted"},
			want:   snapshot.RepoIssues{Opened: 1, Closed: 1, OpenAtEnd: 0},
		},
		{
			name:  "November: the October edges land here",
			month: "2026-11",
			want: snapshot.RepoIssues{Opened: 1, Closed: 2, OpenAtEnd: 4,
				PullRequests: snapshot.Counts{Opened: 0, Closed: 1, OpenAtEnd: 1}},
		},
		{
			name:  "August",
			month: "2026-08",
			want:  snapshot.RepoIssues{Opened: 2, Closed: 0, OpenAtEnd: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t, nil)
			start, end := month(t, tt.month)
			got, err := c.Issues(context.Background(), config.Repository{Name: fakeRepo, Labels: tt.labels}, start, end)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Repository = fakeRepo
			tt.want.Labels = tt.labels
			if tt.want.Labels == nil {
				tt.want.Labels = []string{}
			}
			if !equalJSON(t, got, tt.want) {
				t.Errorf("Issues = %+v, want %+v", got, tt.want)
			}
			reqs := f.requests()
			if len(reqs) != 6 {
				t.Fatalf("%d requests, want 6 (one search per figure)", len(reqs))
			}
			for _, r := range reqs {
				if r.Path != "/search/issues" || r.Query.Get("per_page") != "1" || r.Status != 200 {
					t.Errorf("request %s?%s answered %d, want a one-item search", r.Path, r.Query.Encode(), r.Status)
				}
			}
		})
	}
}

// TestIssueQueries pins the qualifiers sent for a month whose ends have
// different UTC offsets.
func TestIssueQueries(t *testing.T) {
	f := newFake(t)
	c := f.client(t, nil)
	start, end := month(t, "2026-10")
	if _, err := c.Issues(context.Background(), config.Repository{Name: fakeRepo, Labels: []string{"bug", "help wanted"}}, start, end); err != nil {
		t.Fatal(err)
	}
	scope := `repo:acme/app label:"bug" label:"help wanted" `
	want := []string{
		scope + "is:issue created:2026-10-01T00:00:00+02:00..2026-10-31T23:59:59+01:00",
		scope + "is:issue closed:2026-10-01T00:00:00+02:00..2026-10-31T23:59:59+01:00",
		scope + "is:issue created:<2026-11-01T00:00:00+01:00 -closed:<2026-11-01T00:00:00+01:00",
		scope + "is:pr created:2026-10-01T00:00:00+02:00..2026-10-31T23:59:59+01:00",
		scope + "is:pr closed:2026-10-01T00:00:00+02:00..2026-10-31T23:59:59+01:00",
		scope + "is:pr created:<2026-11-01T00:00:00+01:00 -closed:<2026-11-01T00:00:00+01:00",
	}
	reqs := f.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if got := r.Query.Get("q"); got != want[i] {
			t.Errorf("query %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestIssuesBadInput(t *testing.T) {
	start, end := month(t, "2026-10")
	tests := []struct {
		name       string
		repo       config.Repository
		start, end time.Time
		want       string
	}{
		{"quote in label", config.Repository{Name: fakeRepo, Labels: []string{`say "hi"`}}, start, end, `label "say \"hi\"" cannot be searched for`},
		{"empty label", config.Repository{Name: fakeRepo, Labels: []string{""}}, start, end, `label "" cannot be searched for`},
		{"bad repository", config.Repository{Name: "acme"}, start, end, `repository "acme" is not of the form owner/name`},
		{"empty period", config.Repository{Name: fakeRepo}, end, start, "is not after its start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			_, err := f.client(t, nil).Issues(context.Background(), tt.repo, tt.start, tt.end)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("%d requests sent for bad input, want 0", n)
			}
		})
	}
}

func TestIssuesIncompleteResults(t *testing.T) {
	f := newFake(t)
	f.fail("/search/issues", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write([]byte(`{"total_count":3,"incomplete_results":true,"items":[]}`))
	})
	start, end := month(t, "2026-10")
	_, err := f.client(t, nil).Issues(context.Background(), config.Repository{Name: fakeRepo}, start, end)
	if !errors.Is(err, errIncomplete) || !strings.Contains(err.Error(), "issues of acme/app") {
		t.Fatalf("error = %v, want incomplete results for acme/app", err)
	}
}

func TestIssuesUnknownRepository(t *testing.T) {
	f := newFake(t)
	start, end := month(t, "2026-10")
	_, err := f.client(t, nil).Issues(context.Background(), config.Repository{Name: "acme/gone"}, start, end)
	for _, want := range []string{"issues of acme/gone: search", "422 Validation Failed", "cannot be searched"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to contain %q", err, want)
		}
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (a 422 is not retried)", n)
	}
}

// TestConcurrentUse: one client serves several collections at once (the
// orchestrator may run them in parallel); the race detector watches.
func TestConcurrentUse(t *testing.T) {
	f := newFake(t)
	c := f.client(t, func(o *Options) { o.CacheDir = t.TempDir() })
	ops := operations(t)
	want := map[string]any{}
	for name, op := range ops {
		v, err := op(f.client(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		want[name] = v
	}
	var wg sync.WaitGroup
	got := make(map[string]any)
	var mu sync.Mutex
	for range 2 {
		for name, op := range ops {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := op(c)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				got[name] = v
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for name := range ops {
		if !equalJSON(t, got[name], want[name]) {
			t.Errorf("%s differs when run concurrently", name)
		}
	}
}
