// Package httpretry holds the small pieces the retrying transports of the
// HTTP collectors (GitHub, GitLab) share: reading Retry-After, doubling a
// backoff, waiting on a context, and handing a response body back to the
// connection pool. Each collector keeps its own policy (which answers to
// retry, which rate-limit headers to honour); only these mechanics are
// common.
package httpretry

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxDrain bounds how much of an unwanted body Discard reads, so that a
// huge error page cannot hold up a retry.
const MaxDrain = 1 << 20

// RetryAfter reads the Retry-After header as seconds or as an HTTP date
// (relative to now); false when it is absent or malformed.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if d, err := http.ParseTime(v); err == nil {
		return max(d.Sub(now), 0), true
	}
	return 0, false
}

// Backoff doubles base for every attempt already made (at most 2^10 times).
func Backoff(base time.Duration, attempt int) time.Duration {
	return base << min(attempt, 10)
}

// Discard reads up to MaxDrain bytes of resp's body and closes it, so that
// its connection can be reused; a nil resp or body is fine.
func Discard(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, MaxDrain))
		resp.Body.Close()
	}
}

// CancelOnClose returns body with cancel called after it is closed: the
// way to release a per-attempt timeout only once the caller has read the
// answer.
func CancelOnClose(body io.ReadCloser, cancel context.CancelFunc) io.ReadCloser {
	return &cancelBody{ReadCloser: body, cancel: cancel}
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// Sleep waits for d or until ctx is done, and returns ctx's error then.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
