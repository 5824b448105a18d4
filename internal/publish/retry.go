package publish

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gocloud.dev/gcerrors"
)

// Retry bounds the retries of transient storage errors: a failed call is
// tried again after Base, then twice as long each time (with jitter), at
// most Max apart, Attempts times in all. The cloud SDKs retry throttling on
// their own as well; this covers what they give up on, like a connection
// reset in the middle of an upload.
type Retry struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 4
	}
	if r.Base <= 0 {
		r.Base = 250 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 8 * time.Second
	}
	return r
}

// transient reports whether err may go away if the call is repeated. Errors
// gocloud can classify as permanent (missing object, denied access, failed
// precondition, a bad argument) are not retried, nor is a cancellation.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var le *localError
	if errors.As(err, &le) {
		return false
	}
	switch gcerrors.Code(err) {
	case gcerrors.Unknown, gcerrors.Internal, gcerrors.ResourceExhausted, gcerrors.DeadlineExceeded:
		return true
	}
	return false
}

// retry calls fn until it succeeds, fails permanently or the attempts are
// used up. what names the operation in the error.
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
