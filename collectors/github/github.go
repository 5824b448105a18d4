// Package github collects a month's figures from GitHub (or GitHub
// Enterprise Server) for bulletin collect: issue and pull-request counts,
// release durations of release tracks, and the state of goals referenced
// from reports. It knows GitHub and nothing of HTML; everything it returns is
// a type of internal/snapshot.
//
// All traffic goes through one transport stack, built once by New:
//
//	go-github ─> drain ─> ETag cache on disk ─> retry/rate limits ─> auth ─> network
//
// The retry layer is the only place that waits or retries: primary and
// secondary rate limits, 429s, 5xx responses, network errors and
// per-request timeouts are all handled there, so the API methods of this
// package read as plain go-github calls. The cache sits above it so that a
// conditional request is made once per call, not once per attempt, and below
// nothing that knows the token, so the token never reaches the cache.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/httpretry"
)

// Default option values.
const (
	DefaultBaseURL    = "https://api.github.com/"
	DefaultTimeout    = 30 * time.Second
	DefaultMaxWait    = 2 * time.Minute
	DefaultMaxRetries = 4
	DefaultLookback   = 14 * 24 * time.Hour
)

// perPage is the page size of every list call: GitHub's maximum, so a month
// costs as few requests as possible.
const perPage = 100

// Options configure a Client.
type Options struct {
	// BaseURL is the REST API base: https://api.github.com/ (the default) or
	// a GitHub Enterprise Server URL such as https://ghe.example.com/api/v3/
	// ("/api/v3/" is added when missing).
	BaseURL string
	// Token authenticates every request (GITHUB_TOKEN). It is sent only as
	// the Authorization header: never logged, never written to the cache.
	// Empty means anonymous requests, with GitHub's much lower limits.
	Token string
	// CacheDir holds the conditional-request (ETag) cache; "" disables it.
	// A re-run over unchanged data then costs no rate limit, since GitHub
	// does not count authorized 304 Not Modified answers.
	CacheDir string
	// Timeout bounds each request attempt, including reading its body;
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxWait is the longest the client waits for a rate limit to reset or
	// for a Retry-After to pass; a longer wait fails with a *LimitError
	// naming the reset time. 0 means DefaultMaxWait.
	MaxWait time.Duration
	// MaxRetries bounds the retries of one request (after rate limits, 429s,
	// 5xx answers, network errors and timeouts); 0 means DefaultMaxRetries,
	// a negative value disables retries.
	MaxRetries int
	// Lookback is how long before the month a release may have started and
	// still be found: deployments and workflow runs created earlier are not
	// listed. 0 means DefaultLookback.
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

// Client collects figures from one GitHub API endpoint. It is safe for
// concurrent use.
type Client struct {
	http     *http.Client
	base     *url.URL // REST API base, ending in "/"
	web      string   // web base, "https://github.com", for links the API does not give
	lookback time.Duration
	logf     func(format string, args ...any)
	stats    *stats
	// runsCap is the number of results the workflow-runs API returns at most
	// for a filtered query (GitHub: 1,000); tests lower it.
	runsCap int
}

// Stats counts a Client's traffic, for a closing log line.
type Stats struct {
	// Requests is the number of HTTP requests sent, retries included.
	Requests int64
	// NotModified counts 304 answers: data served from the cache at no
	// rate-limit cost.
	NotModified int64
	// Retries counts repeated attempts; Waited sums the time slept before them.
	Retries int64
	Waited  time.Duration
}

type stats struct {
	requests, notModified, retries, waited atomic.Int64
}

// New returns a Client for opts. It creates the cache directory if needed.
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
		return nil, errors.New("github client: timeout, max wait and lookback must not be negative")
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

	base, web, err := apiURLs(opts.BaseURL)
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
		limits:     map[string]limit{},
	}
	if opts.CacheDir != "" {
		if rt, err = newETagCache(opts.CacheDir, opts.Token, rt); err != nil {
			return nil, err
		}
	}
	rt = &drainTransport{next: rt}
	if opts.Token == "" {
		opts.Logf("github: no token set (GITHUB_TOKEN); anonymous requests are limited to 60 an hour and 10 searches a minute")
	}
	return &Client{
		http:     &http.Client{Transport: rt},
		base:     base,
		web:      web,
		lookback: opts.Lookback,
		logf:     opts.Logf,
		stats:    st,
		runsCap:  1000,
	}, nil
}

// Stats returns the traffic counted so far.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:    c.stats.requests.Load(),
		NotModified: c.stats.notModified.Load(),
		Retries:     c.stats.retries.Load(),
		Waited:      time.Duration(c.stats.waited.Load()),
	}
}

// api returns a go-github client for one call. go-github remembers the last
// rate-limit headers per Client and then refuses requests on its own, by
// the wall clock, before they reach the transport; a fresh value per call
// keeps that memory empty, so that the retry transport alone decides when
// to wait (with the injected clock) and every wait is bounded by MaxWait.
// A go-github Client is a few dozen pointers; the http.Client underneath
// (connections, cache, rate-limit state) is shared.
func (c *Client) api() *gh.Client {
	g := gh.NewClient(c.http)
	u := *c.base
	g.BaseURL = &u
	return g
}

// apiURLs resolves the configured API base and the matching web base.
func apiURLs(raw string) (api *url.URL, web string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", fmt.Errorf("github api url %q: %w", raw, err)
	}
	if !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, "", fmt.Errorf("github api url %q: want an absolute http(s) URL such as %s", raw, DefaultBaseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if u.Host == "api.github.com" {
		return u, "https://github.com", nil
	}
	// GitHub Enterprise Server serves the REST API under /api/v3/; go-github
	// adds it the same way when a bare host is configured.
	g, err := gh.NewClient(nil).WithEnterpriseURLs(u.String(), u.String())
	if err != nil {
		return nil, "", fmt.Errorf("github api url %q: %w", raw, err)
	}
	api = g.BaseURL
	w := *api
	w.Path = strings.TrimSuffix(strings.TrimSuffix(w.Path, "/"), "/api/v3")
	if strings.HasPrefix(w.Host, "api.") {
		w.Host = strings.TrimPrefix(w.Host, "api.")
	}
	w.RawQuery, w.Fragment = "", ""
	return api, strings.TrimSuffix(w.String(), "/"), nil
}

// splitRepo splits "owner/name".
func splitRepo(repo string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.ContainsAny(name, "/ ") || strings.ContainsAny(owner, " ") {
		return "", "", fmt.Errorf("repository %q is not of the form owner/name", repo)
	}
	return owner, name, nil
}
