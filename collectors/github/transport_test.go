package github

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// TestRateLimitsAndRetries drives one GET (a milestone) through every kind
// of refusal GitHub gives, and checks how many requests were sent, how long
// the client slept before each retry, and the outcome.
func TestRateLimitsAndRetries(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC) // the fake clock's start
	type answer = func(http.ResponseWriter, *http.Request)
	tests := []struct {
		name     string
		answers  []answer
		requests int
		sleeps   []time.Duration
		wantErr  string // "" for success
		check    func(t *testing.T, err error)
	}{
		{
			name:     "primary limit resetting soon: wait for the reset",
			answers:  []answer{primaryLimit(t0.Add(30 * time.Second))},
			requests: 2,
			sleeps:   []time.Duration{31 * time.Second},
		},
		{
			name:     "primary limit resetting late: fail naming the reset",
			answers:  []answer{primaryLimit(t0.Add(47 * time.Minute))},
			requests: 1,
			wantErr:  "github primary rate limit (core) exhausted until " + t0.Add(47*time.Minute).Local().Format(time.RFC3339),
			check: func(t *testing.T, err error) {
				var le *LimitError
				if !errors.As(err, &le) || le.Kind != "primary" || le.MaxWait != 2*time.Minute {
					t.Fatalf("error %v is not a primary *LimitError", err)
				}
				var rle *gh.RateLimitError
				if !errors.As(err, &rle) || rle.Rate.Remaining != 0 {
					t.Errorf("error %v does not carry go-github's RateLimitError", err)
				}
			},
		},
		{
			name:     "secondary limit with Retry-After",
			answers:  []answer{secondaryLimit("7")},
			requests: 2,
			sleeps:   []time.Duration{7 * time.Second},
		},
		{
			name:     "secondary limit without Retry-After: a minute, then two",
			answers:  []answer{secondaryLimit(""), secondaryLimit("")},
			requests: 3,
			sleeps:   []time.Duration{time.Minute, 2 * time.Minute},
		},
		{
			name:     "secondary limit longer than the max wait",
			answers:  []answer{secondaryLimit("600")},
			requests: 1,
			wantErr:  "github secondary rate limit (core) exhausted until 2026-11-02T06:10:00Z",
			check: func(t *testing.T, err error) {
				var abuse *gh.AbuseRateLimitError
				if !errors.As(err, &abuse) {
					t.Errorf("error %v does not carry go-github's AbuseRateLimitError", err)
				}
			},
		},
		{
			name:     "429 with Retry-After",
			answers:  []answer{tooMany("3")},
			requests: 2,
			sleeps:   []time.Duration{3 * time.Second},
		},
		{
			name:     "429 with a Retry-After date",
			answers:  []answer{tooMany(t0.Add(20 * time.Second).Format(http.TimeFormat))},
			requests: 2,
			sleeps:   []time.Duration{20 * time.Second},
		},
		{
			name:     "429 without Retry-After",
			answers:  []answer{tooMany("")},
			requests: 2,
			sleeps:   []time.Duration{time.Minute},
		},
		{
			name:     "502 then success",
			answers:  []answer{status(502)},
			requests: 2,
			sleeps:   []time.Duration{time.Second},
		},
		{
			name:     "500, 503, 504 then success: exponential backoff",
			answers:  []answer{status(500), status(503), status(504)},
			requests: 4,
			sleeps:   []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
		},
		{
			name:     "502 forever: bounded retries",
			answers:  []answer{status(502), status(502), status(502), status(502), status(502), status(502)},
			requests: 5, // DefaultMaxRetries + 1
			sleeps:   []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second},
			wantErr:  `goal "milestone: acme/app#3": get milestone: GET `,
			check: func(t *testing.T, err error) {
				var er *gh.ErrorResponse
				if !errors.As(err, &er) || er.Response.StatusCode != 502 {
					t.Errorf("error %v is not go-github's 502 ErrorResponse", err)
				}
			},
		},
		{
			name:     "404 is not retried",
			answers:  []answer{status(404)},
			requests: 1,
			wantErr:  "404 Not Found",
		},
		{
			name:     "plain 403 (no access) is not retried",
			answers:  []answer{forbidden},
			requests: 1,
			wantErr:  "403 Resource not accessible by personal access token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.fail("/milestones/3", tt.answers...)
			c := f.client(t, nil)
			g, err := c.Goal(context.Background(), "milestone: acme/app#3")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if g.Title != "Q4 reliability" || g.Total != 12 {
					t.Errorf("goal after retries = %+v", g)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			if n := len(f.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if got := f.clock.slept(); !slices.Equal(got, tt.sleeps) {
				t.Errorf("slept %v, want %v", got, tt.sleeps)
			}
			st := c.Stats()
			if st.Requests != int64(tt.requests) || st.Retries != int64(len(tt.sleeps)) {
				t.Errorf("stats %+v, want %d requests and %d retries", st, tt.requests, len(tt.sleeps))
			}
		})
	}
}

// TestSearchPacing uses up the search quota in the middle of a repository:
// the client must wait for the reset it was told about instead of spending
// a request on a 403.
func TestSearchPacing(t *testing.T) {
	f := newFake(t)
	f.limits["search"] = 4
	c := f.client(t, nil)
	start, end := month(t, "2026-10")
	got, err := c.Issues(context.Background(), config.Repository{Name: fakeRepo}, start, end)
	if err != nil {
		t.Fatal(err)
	}
	if got.Opened != 4 || got.PullRequests.OpenAtEnd != 2 {
		t.Errorf("counts after pacing: %+v", got)
	}
	if n := len(f.requests()); n != 6 {
		t.Errorf("%d requests, want 6", n)
	}
	if n := f.countStatus(http.StatusForbidden); n != 0 {
		t.Errorf("%d requests refused with 403; the client should have waited", n)
	}
	// The fourth answer says: none left, reset a minute after the first.
	if got := f.clock.slept(); !slices.Equal(got, []time.Duration{61 * time.Second}) {
		t.Errorf("slept %v, want one wait of 61s", got)
	}
}

// TestSearchQuotaTooFar: when the known reset is beyond the max wait, fail
// at once, without sending a request bound to be refused.
func TestSearchQuotaTooFar(t *testing.T) {
	f := newFake(t)
	f.limits["search"] = 2
	c := f.client(t, func(o *Options) { o.MaxWait = 30 * time.Second })
	start, end := month(t, "2026-10")
	_, err := c.Issues(context.Background(), config.Repository{Name: fakeRepo}, start, end)
	var le *LimitError
	if !errors.As(err, &le) || le.Resource != "search" {
		t.Fatalf("error = %v, want a search *LimitError", err)
	}
	if !strings.Contains(err.Error(), "issues of acme/app") {
		t.Errorf("error %q does not name the repository", err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2 (the third is known to be refused)", n)
	}
}

func TestTimeout(t *testing.T) {
	f := newFake(t)
	f.fail("/milestones/3", hang, hang)
	c := f.client(t, func(o *Options) { o.Timeout = 50 * time.Millisecond; o.MaxRetries = 1 })
	_, err := c.Goal(context.Background(), "milestone: acme/app#3")
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("error = %v, want a timeout", err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestCanceled(t *testing.T) {
	f := newFake(t)
	f.fail("/milestones/3", status(502))
	ctx, cancel := context.WithCancel(context.Background())
	c := f.client(t, func(o *Options) {
		o.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	})
	_, err := c.Goal(ctx, "milestone: acme/app#3")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestAPIURLs(t *testing.T) {
	tests := []struct {
		in, api, web, err string
	}{
		{in: "https://api.github.com/", api: "https://api.github.com/", web: "https://github.com"},
		{in: "https://api.github.com", api: "https://api.github.com/", web: "https://github.com"},
		{in: "https://ghe.example.com/api/v3/", api: "https://ghe.example.com/api/v3/", web: "https://ghe.example.com"},
		{in: "https://ghe.example.com/api/v3", api: "https://ghe.example.com/api/v3/", web: "https://ghe.example.com"},
		{in: "https://ghe.example.com", api: "https://ghe.example.com/api/v3/", web: "https://ghe.example.com"},
		{in: "ghe.example.com", err: "want an absolute http(s) URL"},
		{in: "ftp://ghe.example.com", err: "want an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			api, web, err := apiURLs(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if api.String() != tt.api || web != tt.web {
				t.Errorf("apiURLs(%q) = %s, %s; want %s, %s", tt.in, api, web, tt.api, tt.web)
			}
		})
	}
}

func TestResourceOf(t *testing.T) {
	for path, want := range map[string]string{
		"/search/issues":                 "search",
		"/api/v3/search/issues":          "search",
		"/repos/acme/search/issues/3":    "core",
		"/repos/search/app/milestones/3": "core",
		"/repos/acme/app/deployments":    "core",
	} {
		req, _ := http.NewRequest(http.MethodGet, "https://api.github.com"+path, nil)
		if got := resourceOf(req); got != want {
			t.Errorf("resourceOf(%s) = %s, want %s", path, got, want)
		}
	}
}

// TestTruncatedAnswer: an answer that breaks off before its
// Content-Length is an error naming the request, not a bare
// "unexpected EOF".
func TestTruncatedAnswer(t *testing.T) {
	f := newFake(t)
	f.fail("/milestones/3", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "500")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"number": 3, "title": "Faster rel`)
	})
	c := f.client(t, nil)
	_, err := c.Goal(context.Background(), "milestone: acme/app#3")
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("error = %v, want an unexpected EOF", err)
	}
	want := "GET " + f.srv.URL + "/api/v3/repos/acme/app/milestones/3: answer cut short: unexpected EOF"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q\nwant it to contain %q", err, want)
	}
}
