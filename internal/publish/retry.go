package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Retry bounds the retries of transient storage errors: a failed call is
// tried again after Base, then twice as long each time (with jitter), at
// most Max apart, Attempts times in all; and a run retries at most Budget
// calls in all, so that a store that stopped answering fails the run in
// bounded time instead of every call using up its own attempts. The cloud
// SDKs retry throttling on their own as well; this covers what they give
// up on, like a connection reset in the middle of an upload.
type Retry struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
	// Budget is the number of retries a whole run may make.
	Budget int
}

// Defaults of Retry and Options.RequestTimeout.
const (
	DefaultAttempts       = 4
	DefaultRetryBudget    = 64
	DefaultRequestTimeout = time.Minute
)

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = DefaultAttempts
	}
	if r.Base <= 0 {
		r.Base = 250 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 8 * time.Second
	}
	if r.Budget <= 0 {
		r.Budget = DefaultRetryBudget
	}
	return r
}

// transient reports whether err may go away if the call is repeated. Errors
// gocloud can classify as permanent (missing object, denied access, failed
// precondition, a bad argument) are not retried, nor is a cancellation,
// nor any other answer of 4xx but 408 and 429: a request the store refused
// (a bad signature, an unknown access key) is refused again.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var le *localError
	if errors.As(err, &le) {
		return false
	}
	// The AWS SDK's errors, and others that know their HTTP status.
	var st interface{ HTTPStatusCode() int }
	if errors.As(err, &st) {
		c := st.HTTPStatusCode()
		if c >= 400 && c < 500 && c != http.StatusRequestTimeout && c != http.StatusTooManyRequests {
			return false
		}
	}
	switch gcerrors.Code(err) {
	case gcerrors.Unknown, gcerrors.Internal, gcerrors.ResourceExhausted, gcerrors.DeadlineExceeded:
		return true
	}
	return false
}

// retry calls fn until it succeeds, fails permanently, the attempts are
// used up or the run's retry budget is. what names the operation in the
// error.
func (p *Publisher) retry(ctx context.Context, what string, fn func() error) error {
	r := p.opts.Retry
	delay := r.Base
	var err error
	for attempt := 1; ; attempt++ {
		if err = fn(); err == nil {
			return nil
		}
		if attempt >= r.Attempts || !transient(ctx, err) {
			break
		}
		if p.retries.Add(1) > int64(r.Budget) {
			return fmt.Errorf("%s: %w (not retried: the run used up its %d retries)", what, err, r.Budget)
		}
		wait := delay/2 + rand.N(delay/2+1)
		p.verbosef("retry %s in %s (attempt %d of %d): %v", what, wait.Round(time.Millisecond), attempt+1, r.Attempts, err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", what, err)
		case <-t.C:
		}
		delay = min(delay*2, r.Max)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// localError is a failure reading the site directory, which retrying the
// upload will not fix.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// timeoutBucket gives every request to a Bucket a time limit, so that a
// store that stops answering (a hung server, a dropped connection that is
// never reset) fails the request instead of holding the run forever. The
// failure is a DeadlineExceeded, which retry treats as transient.
type timeoutBucket struct {
	b Bucket
	d time.Duration
}

func (t timeoutBucket) call(ctx context.Context, fn func(context.Context) error) error {
	rctx, cancel := context.WithTimeout(ctx, t.d)
	defer cancel()
	err := fn(rctx)
	if err != nil && ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s: %w", t.d, context.DeadlineExceeded)
	}
	return err
}

func (t timeoutBucket) ListPage(ctx context.Context, token []byte, size int, opts *blob.ListOptions) (objs []*blob.ListObject, next []byte, err error) {
	err = t.call(ctx, func(ctx context.Context) error {
		objs, next, err = t.b.ListPage(ctx, token, size, opts)
		return err
	})
	return objs, next, err
}

func (t timeoutBucket) Attributes(ctx context.Context, key string) (a *blob.Attributes, err error) {
	err = t.call(ctx, func(ctx context.Context) error {
		a, err = t.b.Attributes(ctx, key)
		return err
	})
	return a, err
}

func (t timeoutBucket) ReadAll(ctx context.Context, key string) (b []byte, err error) {
	err = t.call(ctx, func(ctx context.Context) error {
		b, err = t.b.ReadAll(ctx, key)
		return err
	})
	return b, err
}

func (t timeoutBucket) Upload(ctx context.Context, key string, r io.Reader, opts *blob.WriterOptions) error {
	return t.call(ctx, func(ctx context.Context) error { return t.b.Upload(ctx, key, r, opts) })
}

func (t timeoutBucket) Delete(ctx context.Context, key string) error {
	return t.call(ctx, func(ctx context.Context) error { return t.b.Delete(ctx, key) })
}
