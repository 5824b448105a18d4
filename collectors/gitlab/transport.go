package gitlab

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

	"github.com/bulletin-dev/bulletin/internal/httpretry"
)

// LimitError reports a GitLab rate limit that lifts later than
// Options.MaxWait allows waiting for.
type LimitError struct {
	// Reset is when GitLab accepts requests again.
	Reset time.Time
	// Wait is how long that was from the moment of the decision.
	Wait time.Duration
	// MaxWait is the longest wait the client was allowed.
	MaxWait time.Duration
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("gitlab rate limit exhausted until %s: %s away, longer than the %s max wait",
		e.Reset.Format(time.RFC3339), e.Wait.Round(time.Second), e.MaxWait)
}

// Waits chosen where GitLab gives no Retry-After or reset time.
const (
	serverErrorBackoff = time.Second
	limitBackoff       = time.Minute
	// resetSlack is added to waits for RateLimit-Reset: the header has
	// whole seconds and the two clocks may disagree a little.
	resetSlack = time.Second
	// maxErrorBody bounds how much of an error answer is kept in memory.
	maxErrorBody = 1 << 20
)

// retryTransport is the only place where requests are retried or delayed.
// After an answer with RateLimit-Remaining 0 it holds the next request
// until RateLimit-Reset; it waits out 429s (Retry-After, else the reset,
// else a minute doubling) and retries 5xx answers, network errors and
// timeouts with exponential backoff, each wait bounded by maxWait; and it
// bounds every attempt by timeout. Only GET and HEAD are retried.
type retryTransport struct {
	next       http.RoundTripper
	timeout    time.Duration
	maxWait    time.Duration
	maxRetries int
	sleep      func(context.Context, time.Duration) error
	now        func() time.Time
	logf       func(string, ...any)
	stats      *stats

	mu    sync.Mutex
	reset time.Time // when the used-up quota is back; zero while requests remain
}

// verdict is what to do after one attempt.
type verdict struct {
	retry  bool
	wait   time.Duration
	reason string
	fail   *LimitError
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead
	for attempt := 0; ; attempt++ {
		if err := t.pace(ctx, req); err != nil {
			return nil, err
		}
		resp, err := t.attempt(req)
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		v := t.judge(resp, err, attempt)
		if v.fail != nil {
			httpretry.Discard(resp)
			return nil, v.fail
		}
		if !v.retry || !idempotent || attempt >= t.maxRetries {
			if v.retry && attempt >= t.maxRetries && t.maxRetries > 0 {
				t.logf("gitlab: %s %s: %s; giving up after %d attempts", req.Method, req.URL.Path, v.reason, attempt+1)
			}
			return resp, err
		}
		httpretry.Discard(resp)
		t.logf("gitlab: %s %s: %s; retrying in %s (retry %d of %d)",
			req.Method, req.URL.Path, v.reason, v.wait.Round(time.Second), attempt+1, t.maxRetries)
		t.stats.retries.Add(1)
		t.stats.waited.Add(int64(v.wait))
		if err := t.sleep(ctx, v.wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends req once, bounded by the per-request timeout. Error answers
// are read into memory, so that they can be inspected and the connection
// reused; success bodies keep the attempt's context alive until closed.
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
	t.record(resp)
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
// the next.
func (t *retryTransport) judge(resp *http.Response, err error, attempt int) verdict {
	if err != nil {
		return verdict{retry: true, wait: httpretry.Backoff(serverErrorBackoff, attempt), reason: err.Error()}
	}
	switch code := resp.StatusCode; code {
	case http.StatusTooManyRequests:
		now := t.now()
		var wait time.Duration
		var reason string
		if ra, ok := httpretry.RetryAfter(resp.Header, now); ok {
			wait, reason = ra, fmt.Sprintf("429 rate limit, Retry-After %s", ra)
		} else if reset, ok := resetTime(resp.Header); ok {
			wait = max(reset.Sub(now), 0) + resetSlack
			reason = "429 rate limit until " + reset.Format(time.RFC3339)
		} else {
			wait, reason = httpretry.Backoff(limitBackoff, attempt), "429 rate limit"
		}
		if wait > t.maxWait {
			return verdict{fail: &LimitError{Reset: now.Add(wait), Wait: wait, MaxWait: t.maxWait}}
		}
		// The wait is the retry's own: the quota GitLab named is back after it.
		t.mu.Lock()
		t.reset = time.Time{}
		t.mu.Unlock()
		return verdict{retry: true, wait: wait, reason: reason}
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return verdict{retry: true, wait: httpretry.Backoff(serverErrorBackoff, attempt), reason: resp.Status}
	}
	return verdict{}
}

// pace holds a request while the quota is known to be used up, instead of
// spending it on a 429.
func (t *retryTransport) pace(ctx context.Context, req *http.Request) error {
	t.mu.Lock()
	reset := t.reset
	t.mu.Unlock()
	now := t.now()
	if reset.IsZero() || !reset.After(now) {
		return nil
	}
	wait := reset.Sub(now) + resetSlack
	if wait > t.maxWait {
		return &LimitError{Reset: reset, Wait: wait, MaxWait: t.maxWait}
	}
	t.logf("gitlab: rate limit used up until %s; waiting %s before %s %s",
		reset.Format(time.RFC3339), wait.Round(time.Second), req.Method, req.URL.Path)
	t.stats.waited.Add(int64(wait))
	if err := t.sleep(ctx, wait); err != nil {
		return err
	}
	t.mu.Lock()
	if t.reset.Equal(reset) {
		t.reset = time.Time{} // the next answer tells the new state
	}
	t.mu.Unlock()
	return nil
}

// record remembers when the quota comes back once an answer says none is
// left (RateLimit-Remaining 0, RateLimit-Reset in epoch seconds).
func (t *retryTransport) record(resp *http.Response) {
	rem, err := strconv.Atoi(resp.Header.Get("RateLimit-Remaining"))
	if err != nil {
		return
	}
	reset, ok := resetTime(resp.Header)
	t.mu.Lock()
	defer t.mu.Unlock()
	if rem > 0 || !ok {
		t.reset = time.Time{}
		return
	}
	t.reset = reset
}

func resetTime(h http.Header) (time.Time, bool) {
	v, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64)
	if err != nil || v <= 0 {
		return time.Time{}, false
	}
	return time.Unix(v, 0), true
}

// authTransport sets the token as PRIVATE-TOKEN on requests to the API
// host, and removes any token header from requests elsewhere, so that a
// redirect or a link to another host never carries it.
type authTransport struct {
	token string
	host  string
	next  http.RoundTripper
}

func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Del("PRIVATE-TOKEN")
	if a.token != "" && strings.EqualFold(req.URL.Host, a.host) {
		r.Header.Set("PRIVATE-TOKEN", a.token)
	}
	return a.next.RoundTrip(r)
}
