package publish

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// Run makes the bucket equal dir: it takes the target's lock, plans, uploads
// phase by phase, deletes what is gone, writes the manifest, and releases
// the lock. A failure stops the run before the next phase, so the bucket
// keeps the previous home and status pages, nothing is deleted and the
// manifest is the previous run's; running again converges.
//
// Errors: *LockedError when another publish holds the lock,
// *DeleteCapError when the run would delete more than MaxDeletes objects
// (nothing is changed then), an error wrapping ErrEmptySite when dir holds
// no file. The Summary counts what was done, also on failure.
func (p *Publisher) Run(ctx context.Context, dir string) (sum Summary, err error) {
	start := p.opts.Now()
	defer func() { sum.Duration = p.opts.Now().Sub(start) }()
	p.retries.Store(0)

	l, err := p.acquire(ctx)
	if err != nil {
		return sum, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	l.keepAlive(ctx, cancel)
	defer func() {
		if rerr := l.release(ctx); rerr != nil && err == nil {
			err = rerr
		}
	}()
	// A run stopped by the lock keeper reports why, not "context canceled".
	defer func() {
		if err != nil && errors.Is(context.Cause(ctx), errLockLost) {
			err = fmt.Errorf("%w: stopped before finishing; run again", context.Cause(ctx))
		}
	}()

	plan, err := p.Plan(ctx, dir)
	if err != nil {
		return sum, err
	}
	sum.Unchanged = plan.Unchanged
	if len(plan.Deletes) > p.opts.MaxDeletes && !p.opts.Force {
		return sum, &DeleteCapError{Deletes: len(plan.Deletes), Max: p.opts.MaxDeletes}
	}

	var mu sync.Mutex
	var failed []*Upload // uploads that failed, for the digest cache
	defer func() { p.forgetDigests(plan, failed) }()
	for start := 0; start < len(plan.Uploads); {
		end := start + 1
		for end < len(plan.Uploads) && plan.Uploads[end].Step == plan.Uploads[start].Step {
			end++
		}
		batch := plan.Uploads[start:end]
		start = end
		err := p.parallel(ctx, len(batch), func(ctx context.Context, i int) error {
			u := &batch[i]
			if err := p.upload(ctx, u); err != nil {
				mu.Lock()
				failed = append(failed, u)
				mu.Unlock()
				return err
			}
			mu.Lock()
			sum.Uploaded++
			sum.Bytes += u.Size
			mu.Unlock()
			p.verbosef("upload %s (%s, %s, %s)", u.Key, FormatBytes(u.Size), u.Reason, u.Phase)
			return nil
		})
		if err != nil {
			return sum, fmt.Errorf("%s phase: %w", batch[0].Phase, err)
		}
	}

	if err := p.deleteGone(ctx, l, plan, &sum); err != nil {
		return sum, err
	}
	if plan.writeManifest {
		// Written last, so that a run that fails leaves the previous
		// run's. Its entries hold whoever wrote the manifest and
		// whenever (see manifestEntry), so a failure here only costs the
		// next run time.
		if err := p.writeManifest(ctx, plan.manifest); err != nil {
			if ctx.Err() != nil {
				return sum, err
			}
			p.logf("%v (the next publish reads every object's attributes)", err)
		}
	}
	return sum, nil
}

// deleteGone deletes the objects whose files are gone, after checking that
// the lock is still this publish's.
func (p *Publisher) deleteGone(ctx context.Context, l *lock, plan *Plan, sum *Summary) error {
	if len(plan.Deletes) == 0 {
		return nil
	}
	// Deleting is the one step that cannot be undone by running again:
	// make sure no other publish has taken over in the meantime.
	if err := l.check(ctx); err != nil {
		return err
	}
	// Stale pages go before what they use: a run stopped part-way
	// leaves no page whose stylesheet, chart or linked page is gone.
	statusDir := strings.Trim(p.opts.StatusPath, "/")
	batches := make([][]string, PhaseDelete)
	for _, key := range plan.Deletes {
		ph := classify(key, statusDir, "")
		batches[ph] = append(batches[ph], key)
	}
	var mu sync.Mutex
	for ph := PhaseDelete - 1; ph >= PhaseAssets; ph-- {
		keys := batches[ph]
		err := p.parallel(ctx, len(keys), func(ctx context.Context, i int) error {
			key := keys[i]
			err := p.retry(ctx, "delete "+key, func() error { return p.bucket.Delete(ctx, key) })
			if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
				return err
			}
			mu.Lock()
			sum.Deleted++
			mu.Unlock()
			p.verbosef("delete %s", key)
			return nil
		})
		if err != nil {
			return fmt.Errorf("delete phase: %w", err)
		}
	}
	return nil
}

// forgetDigests drops from the digest cache the files of failed uploads
// whose digests came from it. An upload whose bytes do not match its MD5
// fails, and the cache is trusted no further than that: the next run reads
// such a file again rather than failing the same way.
func (p *Publisher) forgetDigests(plan *Plan, failed []*Upload) {
	forgot := false
	for _, u := range failed {
		if u.local.cached {
			delete(plan.cache.files, u.Key)
			forgot = true
		}
	}
	if forgot && p.opts.DigestCache != "" {
		if err := plan.cache.save(p.opts.DigestCache); err != nil {
			p.logf("%v", err)
		}
	}
}

// parallel calls fn for 0..n-1 with at most Workers calls at once, and
// stops starting new calls after the first error.
func (p *Publisher) parallel(ctx context.Context, n int, fn func(context.Context, int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Workers)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// upload sends one file with its headers and bulletin's metadata. The
// content MD5 is checked by gocloud as the bytes go out, so a file changed
// between planning and upload fails the run instead of being stored with a
// wrong digest.
func (p *Publisher) upload(ctx context.Context, u *Upload) error {
	opts := &blob.WriterOptions{
		ContentType:     u.Headers.ContentType,
		CacheControl:    u.Headers.CacheControl,
		ContentEncoding: u.Headers.ContentEncoding,
		ContentMD5:      u.MD5,
		Metadata: map[string]string{
			metaMD5:     hex.EncodeToString(u.MD5),
			metaHeaders: u.Headers.hash(),
		},
	}
	return p.retry(ctx, "upload "+u.Key, func() error {
		r, err := openEncoded(u)
		if err != nil {
			return &localError{err}
		}
		defer r.Close()
		return p.bucket.Upload(ctx, u.Key, r, opts)
	})
}
