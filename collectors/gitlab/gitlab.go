// Package gitlab collects a month's figures from GitLab (gitlab.com or a
// self-managed instance) for bulletin collect: issue and merge-request
// counts of projects, release durations of release tracks, the raw
// deployments the DORA keys are computed from, and the state of goals
// (milestones and issues) referenced from reports. It knows GitLab and
// nothing of HTML; everything it returns is a type of internal/snapshot.
//
// All traffic goes through one transport stack, built once by New:
//
//	client-go ─> retry/rate limits ─> auth ─> network
//
// client-go (gitlab.com/gitlab-org/api/client-go) builds the requests,
// decodes the answers and reads the pagination headers; its own retries
// (hashicorp/go-retryablehttp) and its rate limiter are switched off, so
// that the retry layer here is the only place that waits or retries: 429s
// with Retry-After, RateLimit-Remaining 0 until RateLimit-Reset, 5xx
// answers, network errors and per-request timeouts, every wait bounded by
// Options.MaxWait and measured with the injected clock. The auth layer adds
// the token, and only to requests for the API host.
//
// The figures:
//
//   - Issues: issues opened, closed in and open at the end of the period,
//     and the same for merge requests, where "closed" means merged.
//   - Releases: one release per successful deployment to an environment,
//     successful pipeline of a ref, or published release, with its duration
//     from start to end, and their summary (snapshot.Summarize).
//   - Delivery: every production deployment that finished in the period,
//     successful or failed, with the changes each successful one shipped
//     first and their lead times; internal/dora turns them into the keys.
//   - Goal: a milestone's closed and total issues, or an issue's state.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/bulletin-dev/bulletin/internal/httpretry"
)

// Default option values.
const (
	DefaultBaseURL    = "https://gitlab.com/api/v4/"
	DefaultTimeout    = 30 * time.Second
	DefaultMaxWait    = 2 * time.Minute
	DefaultMaxRetries = 4
	DefaultLookback   = 14 * 24 * time.Hour
)

// perPage is the page size of every list call: GitLab's maximum, so a month
// costs as few requests as possible.
const perPage = 100

// Options configure a Client.
type Options struct {
	// BaseURL is the REST API base: https://gitlab.com/api/v4/ (the
	// default) or a self-managed instance, possibly under a path prefix,
	// such as https://git.example.com/gitlab/ ("/api/v4/" is added when
	// missing).
	BaseURL string
	// Token authenticates every request (GITLAB_TOKEN). It is sent only as
	// the PRIVATE-TOKEN header, only to the API host, and never logged.
	// Empty means anonymous requests, which see public projects only.
	Token string
	// Timeout bounds each request attempt, including reading its body;
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxWait is the longest the client waits for a rate limit to reset or
	// for a Retry-After to pass; a longer wait fails with a *LimitError
	// naming the reset time. 0 means DefaultMaxWait.
	MaxWait time.Duration
	// MaxRetries bounds the retries of one request (after 429s, 5xx
	// answers, network errors and timeouts); 0 means DefaultMaxRetries, a
	// negative value disables retries.
	MaxRetries int
	// Lookback is how long before the period a release may have started
	// and still be found, and how far back Delivery looks for the
	// deployment before the period's first. 0 means DefaultLookback.
	Lookback time.Duration
	// Logf, when set, receives progress and diagnostic lines (rate-limit
	// waits, retries). Lines never contain the token.
	Logf func(format string, args ...any)
	// Transport is the base transport; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Sleep waits for d or until ctx is done; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Client collects figures from one GitLab API endpoint. It is safe for
// concurrent use.
type Client struct {
	api      *gl.Client
	lookback time.Duration
	stats    *stats
}

// Stats counts a Client's traffic, for a closing log line.
type Stats struct {
	// Requests is the number of HTTP requests sent, retries included.
	Requests int64
	// Retries counts repeated attempts; Waited sums the time slept before
	// them and before requests held back by a used-up rate limit.
	Retries int64
	Waited  time.Duration
}

type stats struct {
	requests, retries, waited atomic.Int64
}

// New returns a Client for opts.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	if opts.Lookback == 0 {
		opts.Lookback = DefaultLookback
	}
	if opts.Timeout < 0 || opts.MaxWait < 0 || opts.Lookback < 0 {
		return nil, errors.New("gitlab client: timeout, max wait and lookback must not be negative")
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	if opts.Sleep == nil {
		opts.Sleep = httpretry.Sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	base, err := apiURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}

	st := &stats{}
	var rt http.RoundTripper = &authTransport{token: opts.Token, host: base.Host, next: opts.Transport}
	rt = &retryTransport{
		next:       rt,
		timeout:    opts.Timeout,
		maxWait:    opts.MaxWait,
		maxRetries: opts.MaxRetries,
		sleep:      opts.Sleep,
		now:        opts.Now,
		logf:       opts.Logf,
		stats:      st,
	}
	// The token goes in through authTransport, not client-go, which would
	// send it to whatever host a request names; client-go's retries and
	// its limiter (which waits by the wall clock, unbounded) are off, so
	// the retry transport alone decides.
	api, err := gl.NewClient("",
		gl.WithBaseURL(base.String()),
		gl.WithHTTPClient(&http.Client{Transport: rt}),
		gl.WithoutRetries(),
		gl.WithCustomRetryMax(0),
		gl.WithCustomLimiter(noLimit{}),
		gl.WithURLWarningLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		return nil, fmt.Errorf("gitlab client: %w", err)
	}
	return &Client{api: api, lookback: opts.Lookback, stats: st}, nil
}

// Stats returns the traffic counted so far.
func (c *Client) Stats() Stats {
	return Stats{
		Requests: c.stats.requests.Load(),
		Retries:  c.stats.retries.Load(),
		Waited:   time.Duration(c.stats.waited.Load()),
	}
}

// noLimit is a client-go rate limiter that never waits: pacing is the
// retry transport's.
type noLimit struct{}

func (noLimit) Wait(context.Context) error { return nil }

// apiURL resolves the configured API base: an absolute http(s) URL whose
// path ends in /api/v4/, added when missing.
func apiURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("gitlab api url %q: %w", raw, err)
	}
	if !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("gitlab api url %q: want an absolute http(s) URL such as %s", raw, DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("gitlab api url %q: want no query or fragment", raw)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(p, "/api/v4") {
		p += "/api/v4"
	}
	u.Path, u.RawPath = p+"/", ""
	return u, nil
}

// checkPath reports whether path is a project's full path:
// "group/project" or "group/sub/.../project".
func checkPath(path string) error {
	parts := strings.Split(path, "/")
	if len(parts) < 2 {
		return fmt.Errorf("project %q is not a full path such as group/project", path)
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, " #%?") {
			return fmt.Errorf("project %q is not a full path such as group/project", path)
		}
	}
	return nil
}

// each calls f for every item of a paginated list, following X-Next-Page
// and, on endpoints that paginate by keyset, the Link header's rel=next
// (client-go's WithNext picks the one the answer has). list is called with
// the page's request options; f returns false to stop early.
func each[T any](ctx context.Context, list func(opts ...gl.RequestOptionFunc) ([]T, *gl.Response, error), f func(T) bool) error {
	opts := []gl.RequestOptionFunc{gl.WithContext(ctx)}
	for {
		items, resp, err := list(opts...)
		if err != nil {
			return err
		}
		for _, it := range items {
			if !f(it) {
				return nil
			}
		}
		next, ok := gl.WithNext(resp)
		if !ok {
			return nil
		}
		opts = []gl.RequestOptionFunc{gl.WithContext(ctx), next}
	}
}

func ptr[T any](v T) *T { return &v }

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// in reports whether t is set and in [start, end).
func in(t *time.Time, start, end time.Time) bool {
	return t != nil && !t.Before(start) && t.Before(end)
}
