package gitlab

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
)

// TestRetries drives the milestone goal (a milestone lookup, then its
// issues) through the refusals GitLab gives, and checks the requests sent,
// how long the client slept before each, and the outcome.
func TestRetries(t *testing.T) {
	const ref = "milestone: ops/infra/site%3"
	const milestones = "/milestones"
	const issues = "/milestones/9001/issues"
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	epoch := func(d time.Duration) string { return strconv.FormatInt(tNow.Add(d).Unix(), 10) }
	tests := []struct {
		name     string
		inject   []gitlabtest.Injection
		retries  int // Options.MaxRetries
		requests int
		sleeps   []time.Duration
		wantErr  string
	}{
		{name: "no refusal", requests: 3},
		{name: "429 with Retry-After",
			inject:   []gitlabtest.Injection{{Path: milestones, Status: 429, Header: hdr("Retry-After", "7")}},
			requests: 4, sleeps: []time.Duration{7 * time.Second}},
		{name: "429 without Retry-After: until RateLimit-Reset",
			inject:   []gitlabtest.Injection{{Path: milestones, Status: 429, Header: hdr("Retry-After", "", "RateLimit-Remaining", "0", "RateLimit-Reset", epoch(20*time.Second))}},
			requests: 4, sleeps: []time.Duration{21 * time.Second}},
		{name: "429 longer than the max wait",
			inject:   []gitlabtest.Injection{{Path: milestones, Status: 429, Header: hdr("Retry-After", "600")}},
			requests: 1, wantErr: "gitlab rate limit exhausted until 2026-12-02T06:10:00Z: 10m0s away, longer than the 2m0s max wait"},
		{name: "5xx then success",
			inject:   []gitlabtest.Injection{{Path: issues, Status: 502}},
			requests: 4, sleeps: []time.Duration{time.Second}},
		{name: "5xx twice: backoff doubles",
			inject:   []gitlabtest.Injection{{Path: milestones, Status: 503, Times: 2}},
			requests: 5, sleeps: []time.Duration{time.Second, 2 * time.Second}},
		{name: "5xx past the retries",
			inject:  []gitlabtest.Injection{{Path: milestones, Status: 500, Times: 3}},
			retries: 2, requests: 3, sleeps: []time.Duration{time.Second, 2 * time.Second},
			wantErr: "500 {message: Internal Server Error}"},
		{name: "retries disabled",
			inject:  []gitlabtest.Injection{{Path: milestones, Status: 502}},
			retries: -1, requests: 1, wantErr: "502 {message: Bad Gateway}"},
		{name: "quota used up, reset soon: wait before the next request",
			inject:   []gitlabtest.Injection{{Path: milestones, Header: hdr("RateLimit-Remaining", "0", "RateLimit-Reset", epoch(30*time.Second))}},
			requests: 3, sleeps: []time.Duration{31 * time.Second}},
		{name: "quota used up, reset late: fail naming the reset",
			inject:   []gitlabtest.Injection{{Path: milestones, Header: hdr("RateLimit-Remaining", "0", "RateLimit-Reset", epoch(47*time.Minute))}},
			requests: 1, wantErr: "gitlab rate limit exhausted until 2026-12-02T06:47:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, gitlabtest.Options{}, func(o *Options) { o.MaxRetries = tt.retries })
			for _, in := range tt.inject {
				e.srv.Inject(in)
			}
			g, err := e.client.Goal(context.Background(), ref)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if g.Total != 3 || g.Closed != 2 {
					t.Errorf("goal %+v, want 2 of 3 closed", g)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			} else if !strings.Contains(err.Error(), `goal "milestone: ops/infra/site%3"`) {
				t.Errorf("error %q does not name the goal", err)
			}
			if tt.wantErr != "" && strings.Contains(tt.wantErr, "rate limit") {
				var le *LimitError
				if !errors.As(err, &le) || le.MaxWait != DefaultMaxWait {
					t.Errorf("error %v is not a *LimitError", err)
				}
			}
			// The milestone lookup plus the two pages of its three issues.
			if n := len(e.srv.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if !reflect.DeepEqual(*e.sleeps, tt.sleeps) {
				t.Errorf("slept %v, want %v", *e.sleeps, tt.sleeps)
			}
			st := e.client.Stats()
			var slept time.Duration
			for _, d := range tt.sleeps {
				slept += d
			}
			if st.Requests != int64(tt.requests) || st.Waited != slept {
				t.Errorf("stats %+v, want %d requests and %s waited", st, tt.requests, slept)
			}
			for _, l := range e.logs.lines {
				if strings.Contains(l, testToken) {
					t.Errorf("log line carries the token: %s", l)
				}
			}
		})
	}
}

// TestNetworkErrorRetried fails the first attempt in the transport and
// checks that the request is sent again after a second.
func TestNetworkErrorRetried(t *testing.T) {
	var calls atomic.Int32
	e := start(t, gitlabtest.Options{}, func(o *Options) {
		o.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if calls.Add(1) == 1 {
				return nil, errors.New("connection reset by peer")
			}
			return http.DefaultTransport.RoundTrip(r)
		})
	})
	if _, err := e.client.Goal(context.Background(), "issue: ops/infra/site#6"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || !reflect.DeepEqual(*e.sleeps, []time.Duration{time.Second}) {
		t.Errorf("%d attempts, slept %v; want 2 and [1s]", calls.Load(), *e.sleeps)
	}
}

// TestTimeoutRetried holds the first attempt until the per-request timeout
// ends it, and checks that it is retried.
func TestTimeoutRetried(t *testing.T) {
	var calls atomic.Int32
	e := start(t, gitlabtest.Options{}, func(o *Options) {
		o.Timeout = 20 * time.Millisecond
		o.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if calls.Add(1) == 1 {
				<-r.Context().Done()
				return nil, r.Context().Err()
			}
			return http.DefaultTransport.RoundTrip(r)
		})
	})
	if _, err := e.client.Goal(context.Background(), "issue: ops/infra/site#6"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || !reflect.DeepEqual(*e.sleeps, []time.Duration{time.Second}) {
		t.Errorf("%d attempts, slept %v; want 2 and [1s]", calls.Load(), *e.sleeps)
	}
	if len(e.logs.lines) != 1 || !strings.Contains(e.logs.lines[0], "no answer within 20ms") {
		t.Errorf("log %q does not say the attempt timed out", e.logs.lines)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTokenOnlyToAPIHost follows a redirect from the API host to another
// one and checks that the token went to the first only.
func TestTokenOnlyToAPIHost(t *testing.T) {
	other := gitlabtest.Start(t, gitlabtest.Options{}, fixture())
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("PRIVATE-TOKEN") != testToken {
			http.Error(w, `{"message":"401 Unauthorized"}`, http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, other.Root+r.URL.RequestURI(), http.StatusFound)
	}))
	t.Cleanup(api.Close)
	c, err := New(Options{BaseURL: api.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Goal(context.Background(), "issue: ops/infra/site#6"); err != nil {
		t.Fatal(err)
	}
	reqs := other.Requests()
	if len(reqs) != 1 || reqs[0].Path != "projects/ops%2Finfra%2Fsite/issues/6" {
		t.Fatalf("redirect target saw %+v", reqs)
	}
	if reqs[0].Token != "" {
		t.Errorf("the token was sent to %s, not the API host", reqs[0].Host)
	}
}

func TestAPIURL(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{in: "https://gitlab.com/api/v4/", want: "https://gitlab.com/api/v4/"},
		{in: "https://gitlab.com", want: "https://gitlab.com/api/v4/"},
		{in: "https://git.example.com/gitlab/", want: "https://git.example.com/gitlab/api/v4/"},
		{in: "https://git.example.com/gitlab/api/v4", want: "https://git.example.com/gitlab/api/v4/"},
		{in: "gitlab.com", wantErr: `gitlab api url "gitlab.com": want an absolute http(s) URL`},
		{in: "ftp://gitlab.com/", wantErr: "want an absolute http(s) URL"},
		{in: "https://gitlab.com/?private_token=x", wantErr: "want no query or fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := apiURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Fatalf("apiURL = %v, %v; want %s", u, err, tt.want)
			}
		})
	}
}
