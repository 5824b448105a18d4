package publish

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// LockKey is the object, under the target's prefix, that marks a publish in
// progress. It is never uploaded from or deleted as part of the site.
const LockKey = ".bulletin-publish.lock"

// LockInfo is the content of the lock object.
type LockInfo struct {
	Owner   string    `json:"owner,omitempty"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// Token is random and unique to one publish: a publish removes or
	// renews the lock only while it still holds its own token.
	Token string `json:"token"`
}

func (l LockInfo) holder() string {
	s := fmt.Sprintf("host %s (pid %d", l.Host, l.PID)
	if l.Owner != "" {
		s += ", " + l.Owner
	}
	return s + ")"
}

// LockedError reports a target locked by another publish.
type LockedError struct {
	Lock LockInfo
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("target locked by %s since %s; expires %s; if no publish is running there, use --force-unlock",
		e.Lock.holder(), e.Lock.Created.UTC().Format(time.RFC3339), e.Lock.Expires.UTC().Format(time.RFC3339))
}

// errLockLost stops a run whose lock was taken by another publish (after it
// expired, for example because this host was suspended).
var errLockLost = errors.New("lost the publish lock")

// lock is a held lock.
type lock struct {
	p    *Publisher
	info LockInfo
	mu   sync.Mutex // guards info.Expires
	// stop and done are set while keepAlive runs.
	stop chan struct{}
	done chan struct{}
}

// acquire takes the target's lock. Creation is a conditional write (S3
// If-None-Match, GCS and Azure preconditions), so of two publishes starting
// together exactly one wins where the store supports it; the object is then
// read back and its token checked, which also catches stores that ignore the
// condition unless both writes land in the same instant. A stale lock is
// deleted, only if it is still the same one, and creation tried again.
func (p *Publisher) acquire(ctx context.Context) (*lock, error) {
	token := make([]byte, 16)
	if _, err := rand.Read(token); err != nil {
		return nil, fmt.Errorf("lock token: %w", err)
	}
	now := p.opts.Now()
	me := LockInfo{
		Owner:   p.opts.Owner,
		Host:    p.opts.Host,
		PID:     p.opts.PID,
		Created: now.UTC(),
		Expires: now.Add(p.opts.LockTTL).UTC(),
		Token:   hex.EncodeToString(token),
	}
	const tries = 4
	for range tries {
		cur, raw, err := p.readLock(ctx)
		switch {
		case gcerrors.Code(err) == gcerrors.NotFound:
			err := p.writeLock(ctx, me, true)
			if isConflict(err) {
				continue // someone else created it first: look at theirs
			}
			if err != nil {
				return nil, fmt.Errorf("create lock: %w", err)
			}
			got, _, err := p.readLock(ctx)
			if err != nil {
				return nil, fmt.Errorf("read back lock: %w", err)
			}
			if got.Token != me.Token {
				return nil, &LockedError{Lock: got}
			}
			return &lock{p: p, info: me}, nil
		case err != nil:
			return nil, fmt.Errorf("read lock: %w", err)
		}
		stale := !p.opts.Now().Before(cur.Expires)
		// A publish of this host that was killed leaves a lock whose
		// process is gone: no need to wait for it to expire.
		dead := !stale && cur.Host == p.opts.Host && cur.PID > 0 && cur.PID != p.opts.PID && !processAlive(cur.PID)
		if !stale && !dead && !p.opts.ForceUnlock {
			return nil, &LockedError{Lock: cur}
		}
		switch {
		case dead:
			p.logf("taking over lock held by %s since %s: no process %d runs on this host",
				cur.holder(), cur.Created.UTC().Format(time.RFC3339), cur.PID)
		case stale:
			p.logf("taking over stale lock held by %s since %s (expired %s)",
				cur.holder(), cur.Created.UTC().Format(time.RFC3339), cur.Expires.UTC().Format(time.RFC3339))
		default:
			p.logf("removing lock held by %s since %s (--force-unlock)", cur.holder(), cur.Created.UTC().Format(time.RFC3339))
		}
		// Delete only the lock we judged: if it changed in between, the
		// other publish renewed or replaced it; look again.
		_, again, err := p.readLock(ctx)
		if err == nil && bytes.Equal(again, raw) {
			if err := p.bucket.Delete(ctx, LockKey); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
				return nil, fmt.Errorf("remove stale lock: %w", err)
			}
		} else if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return nil, fmt.Errorf("read lock: %w", err)
		}
	}
	return nil, fmt.Errorf("could not take the lock after %d attempts: other publishes keep taking it", tries)
}

// isConflict reports a conditional create that found the object present.
func isConflict(err error) bool {
	switch gcerrors.Code(err) {
	case gcerrors.FailedPrecondition, gcerrors.AlreadyExists:
		return true
	}
	return false
}

// readLock returns the current lock and its raw bytes. A lock that is not
// valid JSON (written by hand, or truncated) is reported as held by an
// unknown publish and expires LockTTL after it was written.
func (p *Publisher) readLock(ctx context.Context) (LockInfo, []byte, error) {
	var raw []byte
	err := p.retry(ctx, "read lock", func() error {
		var err error
		raw, err = p.bucket.ReadAll(ctx, LockKey)
		return err
	})
	if err != nil {
		return LockInfo{}, nil, err
	}
	var info LockInfo
	if err := json.Unmarshal(raw, &info); err != nil || info.Token == "" {
		info = LockInfo{Host: "unknown", PID: 0}
		if attrs, err := p.bucket.Attributes(ctx, LockKey); err == nil {
			info.Created = attrs.ModTime
			info.Expires = attrs.ModTime.Add(p.opts.LockTTL)
		}
	}
	return info, raw, nil
}

func (p *Publisher) writeLock(ctx context.Context, info LockInfo, create bool) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return p.retry(ctx, "write lock", func() error {
		return p.bucket.Upload(ctx, LockKey, bytes.NewReader(b), &blob.WriterOptions{
			ContentType:  "application/json",
			CacheControl: "no-store",
			IfNotExist:   create,
		})
	})
}

// check returns errLockLost if the lock is no longer this publish's.
func (l *lock) check(ctx context.Context) error {
	cur, _, err := l.p.readLock(ctx)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("%w: the lock object was removed", errLockLost)
	}
	if err != nil {
		return err
	}
	if cur.Token != l.info.Token {
		return fmt.Errorf("%w to %s", errLockLost, cur.holder())
	}
	return nil
}

// keepAlive renews the lock every third of its TTL until release, and
// cancels the run if the lock is lost or cannot be renewed in time.
func (l *lock) keepAlive(ctx context.Context, cancel context.CancelCauseFunc) {
	ttl := l.p.opts.LockTTL
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := l.renew(ctx); err != nil {
				l.mu.Lock()
				expired := !l.p.opts.Now().Before(l.info.Expires)
				l.mu.Unlock()
				if errors.Is(err, errLockLost) || expired {
					cancel(err)
					return
				}
				l.p.logf("renew lock: %v (will retry)", err)
			}
		}
	}()
}

func (l *lock) renew(ctx context.Context) error {
	if err := l.check(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	info := l.info
	info.Expires = l.p.opts.Now().Add(l.p.opts.LockTTL).UTC()
	l.mu.Unlock()
	if err := l.p.writeLock(ctx, info, false); err != nil {
		return err
	}
	l.mu.Lock()
	l.info.Expires = info.Expires
	l.mu.Unlock()
	return nil
}

// release stops renewal and deletes the lock if it is still this
// publish's. It runs even when ctx was cancelled (an interrupted publish
// must not leave its lock behind), bounded by its own timeout.
func (l *lock) release(ctx context.Context) error {
	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := l.check(ctx); err != nil {
		if errors.Is(err, errLockLost) {
			l.p.logf("not removing the lock: %v", err)
			return nil
		}
		return fmt.Errorf("release lock: %w", err)
	}
	if err := l.p.bucket.Delete(ctx, LockKey); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("release lock: %w", err)
	}
	return nil
}

// processAlive reports whether a process pid runs on this host. Where that
// cannot be told (Windows), it says yes, and the lock waits for its expiry.
// A pid reused since by another process also counts as alive.
func processAlive(pid int) bool {
	if runtime.GOOS == "windows" {
		return true
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = proc.Signal(syscall.Signal(0))
	// EPERM: it runs, as another user.
	return !errors.Is(err, os.ErrProcessDone) && !errors.Is(err, syscall.ESRCH)
}
