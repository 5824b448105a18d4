package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/httpretry"
)

// LimitError reports a GitHub rate limit that lifts later than
// Options.MaxWait allows waiting for.
type LimitError struct {
	// Kind is "primary" (the hourly quota of Resource) or "secondary"
	// (GitHub's abuse protection, answered with 403 or 429 and Retry-After).
	Kind string
	// Resource is the rate-limit resource: "core" or "search".
	Resource string
	// Reset is when GitHub accepts requests again.
	Reset time.Time
	// Wait is how long that was from the moment of the decision.
	Wait time.Duration
	// MaxWait is the longest wait the client was allowed.
	MaxWait time.Duration
	// Err is go-github's reading of the refusal (*github.RateLimitError or
	// *github.AbuseRateLimitError); nil when the exhausted quota was known
	// from an earlier answer and no request was sent.
	Err error
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("github %s rate limit (%s) exhausted until %s: %s away, longer than the %s max wait",
		e.Kind, e.Resource, e.Reset.Format(time.RFC3339), e.Wait.Round(time.Second), e.MaxWait)
}

func (e *LimitError) Unwrap() error { return e.Err }

// Waits chosen where GitHub gives no Retry-After. Its documentation asks to
// wait at least a minute after a secondary limit, then exponentially longer.
const (
	serverErrorBackoff = time.Second
	secondaryBackoff   = time.Minute
	// resetSlack is added to waits for X-RateLimit-Reset: the header has
	// whole seconds and the two clocks may disagree a little.
	resetSlack = time.Second
	// maxErrorBody bounds how much of an error answer is kept in memory.
	maxErrorBody = 1 << 20
	// maxDrain bounds what is read after the JSON of an answer.
	maxDrain = 4 << 20
)

// limit is the last known state of one rate-limit resource.
type limit struct {
	remaining int
	reset     time.Time
}

// retryTransport is the only place where requests are retried or delayed.
// It paces requests against the last known rate-limit state (a search
// quota of 30 a minute runs out within a single collect), waits for
// primary-limit resets and secondary-limit Retry-Afters up to maxWait,
// retries 5xx answers, network errors and timeouts with exponential backoff,
// and bounds every attempt by timeout. Only GET and HEAD are retried.
type retryTransport struct {
	next       http.RoundTripper
	timeout    time.Duration
	maxWait    time.Duration
	maxRetries int
	sleep      func(context.Context, time.Duration) error
	now        func() time.Time
	logf       func(string, ...any)
	stats      *stats

	mu     sync.Mutex
	limits map[string]limit // by resource
}

// verdict is what to do after one attempt.
type verdict struct {
	retry  bool
	wait   time.Duration
	reason string
	fail   *LimitError // give up with this error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	resource := resourceOf(req)
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead
	for attempt := 0; ; attempt++ {
		if err := t.pace(ctx, req, resource); err != nil {
			return nil, err
		}
		resp, err := t.attempt(req)
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		v := t.judge(resp, err, resource, attempt)
		if v.fail != nil {
			httpretry.Discard(resp)
			return nil, v.fail
		}
		if !v.retry || !idempotent || attempt >= t.maxRetries {
			if v.retry && attempt >= t.maxRetries && t.maxRetries > 0 {
				t.logf("github: %s %s: %s; giving up after %d attempts", req.Method, req.URL.Path, v.reason, attempt+1)
			}
			return resp, err
		}
		httpretry.Discard(resp)
		t.logf("github: %s %s: %s; retrying in %s (retry %d of %d)",
			req.Method, req.URL.Path, v.reason, v.wait.Round(time.Second), attempt+1, t.maxRetries)
		t.stats.retries.Add(1)
		t.stats.waited.Add(int64(v.wait))
		if err := t.sleep(ctx, v.wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends req once, bounded by the per-request timeout. Error answers
// are read into memory (so they can be inspected and the connection
// reused); success bodies keep the attempt's context alive until closed.
func (t *retryTransport) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	t.stats.requests.Add(1)
	resp, err := t.next.RoundTrip(req.Clone(ctx))
	if err != nil {
		timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil
		cancel()
		if timedOut {
			return nil, fmt.Errorf("no answer within %s: %w", t.timeout, err)
		}
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified {
		t.stats.notModified.Add(1)
	}
	if resp.Body == http.NoBody {
		// A 304 has no body to wait for.
		cancel()
		return resp, nil
	}
	if resp.StatusCode >= 400 {
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		cancel()
		if rerr != nil {
			return nil, fmt.Errorf("read %d answer: %w", resp.StatusCode, rerr)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp, nil
	}
	resp.Body = httpretry.CancelOnClose(resp.Body, cancel)
	return resp, nil
}

// judge decides, after one attempt, whether and how long to wait before
// the next. The order follows GitHub's advice for rate limits: Retry-After
// first, then X-RateLimit-Reset when the quota is used up, otherwise an
// exponentially growing wait of at least a minute.
func (t *retryTransport) judge(resp *http.Response, err error, resource string, attempt int) verdict {
	if err != nil {
		return verdict{retry: true, wait: httpretry.Backoff(serverErrorBackoff, attempt), reason: err.Error()}
	}
	t.record(resource, resp)
	code := resp.StatusCode
	switch {
	case code == http.StatusForbidden || code == http.StatusTooManyRequests:
		apiErr := gh.CheckResponse(resp) // reads the buffered body and puts it back
		var abuse *gh.AbuseRateLimitError
		primary := resp.Header.Get("X-RateLimit-Remaining") == "0"
		secondary := code == http.StatusTooManyRequests || errors.As(apiErr, &abuse) || resp.Header.Get("Retry-After") != ""
		if !primary && !secondary {
			return verdict{} // a real "forbidden": no access
		}
		kind := "secondary"
		if primary {
			kind = "primary"
		}
		now := t.now()
		var until time.Time // when GitHub takes requests again
		var wait time.Duration
		var reason string
		if ra, ok := httpretry.RetryAfter(resp.Header, now); ok {
			until, wait = now.Add(ra), ra
			reason = fmt.Sprintf("%d %s rate limit, Retry-After %s", code, kind, ra)
		} else if reset, ok := resetTime(resp.Header); ok && resp.Header.Get("X-RateLimit-Remaining") == "0" {
			until, wait = reset, max(reset.Sub(now), 0)+resetSlack
			reason = fmt.Sprintf("%d %s rate limit (%s) exhausted until %s", code, kind, resource, reset.Format(time.RFC3339))
		} else {
			wait = httpretry.Backoff(secondaryBackoff, attempt)
			until, reason = now.Add(wait), fmt.Sprintf("%d %s rate limit", code, kind)
		}
		if wait > t.maxWait {
			return verdict{fail: &LimitError{Kind: kind, Resource: resource, Reset: until, Wait: wait, MaxWait: t.maxWait, Err: apiErr}}
		}
		return verdict{retry: true, wait: wait, reason: reason}
	case code == http.StatusInternalServerError, code == http.StatusBadGateway,
		code == http.StatusServiceUnavailable, code == http.StatusGatewayTimeout:
		return verdict{retry: true, wait: httpretry.Backoff(serverErrorBackoff, attempt), reason: resp.Status}
	}
	return verdict{}
}

// pace delays a request whose resource is known to have no requests left,
// instead of spending one on a 403.
func (t *retryTransport) pace(ctx context.Context, req *http.Request, resource string) error {
	t.mu.Lock()
	l, ok := t.limits[resource]
	t.mu.Unlock()
	if !ok || l.remaining > 0 {
		return nil
	}
	now := t.now()
	if !l.reset.After(now) {
		return nil
	}
	wait := l.reset.Sub(now) + resetSlack
	if wait > t.maxWait {
		return &LimitError{Kind: "primary", Resource: resource, Reset: l.reset, Wait: wait, MaxWait: t.maxWait}
	}
	t.logf("github: %s rate limit used up until %s; waiting %s before %s %s",
		resource, l.reset.Format(time.RFC3339), wait.Round(time.Second), req.Method, req.URL.Path)
	t.stats.waited.Add(int64(wait))
	if err := t.sleep(ctx, wait); err != nil {
		return err
	}
	t.mu.Lock()
	if cur, ok := t.limits[resource]; ok && cur == l {
		delete(t.limits, resource) // the next answer tells the new state
	}
	t.mu.Unlock()
	return nil
}

// record remembers the rate-limit headers of an answer.
func (t *retryTransport) record(resource string, resp *http.Response) {
	rem, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	if err != nil {
		return
	}
	reset, ok := resetTime(resp.Header)
	if !ok {
		return
	}
	t.mu.Lock()
	t.limits[resource] = limit{remaining: rem, reset: reset}
	t.mu.Unlock()
}

// resourceOf names the rate-limit resource a request counts against.
// GitHub names it in X-RateLimit-Resource only after the fact; the path
// tells it before: /search/* is "search", the rest of what this package
// calls is "core".
func resourceOf(req *http.Request) string {
	p := req.URL.Path
	if i := strings.LastIndex(p, "/search/"); i >= 0 && !strings.Contains(p[:i+1], "/repos/") {
		return "search"
	}
	return "core"
}

func resetTime(h http.Header) (time.Time, bool) {
	v, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || v <= 0 {
		return time.Time{}, false
	}
	return time.Unix(v, 0), true
}

// authTransport adds the token, and only on requests to the API host, so
// that a redirect elsewhere never carries it.
type authTransport struct {
	token string
	host  string
	next  http.RoundTripper
}

func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if a.token == "" || !strings.EqualFold(req.URL.Host, a.host) {
		return a.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+a.token)
	return a.next.RoundTrip(r)
}

// drainTransport, the outermost layer, reads each body to its end on
// Close. go-github's JSON decoder stops at the closing brace; without
// reading on, the ETag cache (which stores an answer when its body reaches
// EOF) would store nothing, and the connection could not be reused.
type drainTransport struct {
	next http.RoundTripper
}

func (d *drainTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := d.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &drainBody{ReadCloser: resp.Body, what: req.Method + " " + req.URL.Redacted()}
	return resp, nil
}

// drainBody also names the request when its answer breaks off: a bare
// "unexpected EOF" says neither what was asked nor of whom.
type drainBody struct {
	io.ReadCloser
	what string // method and URL
}

func (b *drainBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: answer cut short: %w", b.what, err)
	}
	return n, err
}

func (b *drainBody) Close() error {
	io.Copy(io.Discard, io.LimitReader(b.ReadCloser, maxDrain))
	return b.ReadCloser.Close()
}
