package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLockRenewAndLoss(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	c := &clock{time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)}
	p, err := New(b, Options{Now: c.now, LockTTL: 10 * time.Minute, Host: "h", PID: 1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := p.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(8 * time.Minute)
	if err := l.renew(ctx); err != nil {
		t.Fatal(err)
	}
	var info LockInfo
	raw, err := b.ReadAll(ctx, LockKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	if want := c.t.Add(10 * time.Minute); !info.Expires.Equal(want) || info.Token != l.info.Token {
		t.Errorf("after renewal: expires %v token %s, want %v and our token", info.Expires, info.Token, want)
	}

	// Another publish takes over: renewal and release must leave its lock.
	other := lockJSON("other-host", 2, c.t, c.t.Add(time.Hour))
	if err := b.WriteAll(ctx, LockKey, []byte(other), nil); err != nil {
		t.Fatal(err)
	}
	if err := l.renew(ctx); !errors.Is(err, errLockLost) {
		t.Errorf("renew after takeover: %v, want errLockLost", err)
	}
	if err := l.release(ctx); err != nil {
		t.Fatal(err)
	}
	if raw, _ := b.ReadAll(ctx, LockKey); string(raw) != other {
		t.Errorf("release removed or changed another publish's lock: %s", raw)
	}
}

func TestLockUnreadableContent(t *testing.T) {
	ctx := context.Background()
	b := memblob.OpenBucket(nil)
	defer b.Close()
	if err := b.WriteAll(ctx, LockKey, []byte("garbage"), nil); err != nil {
		t.Fatal(err)
	}
	attrs, err := b.Attributes(ctx, LockKey)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{attrs.ModTime.Add(time.Minute)}
	p, err := New(b, Options{Now: c.now, LockTTL: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.acquire(ctx)
	var le *LockedError
	if !errors.As(err, &le) || le.Lock.Host != "unknown" {
		t.Fatalf("err = %v, want locked by an unknown holder", err)
	}
	// Past LockTTL after it was written, it counts as stale.
	c.t = attrs.ModTime.Add(11 * time.Minute)
	var log syncBuffer
	p.opts.Log = &log
	l, err := p.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "taking over stale lock held by host unknown") {
		t.Errorf("log %q", log.String())
	}
	if err := l.release(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestInterruptedRunReleasesLock(t *testing.T) {
	b := memBackend()
	e := newEnv(t, b, "")
	ctx, cancel := context.WithCancel(context.Background())
	e.rec.setHook(func(string) error {
		cancel() // SIGINT in the middle of the assets phase
		return nil
	})
	p := e.publisher()
	_, err := p.Run(ctx, e.dir)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if e.exists(LockKey) {
		t.Error("an interrupted run left its lock")
	}
	if e.exists("index.html") {
		t.Error("the home page was uploaded although the run was interrupted before its phase")
	}
}

// TestLockOfDeadProcess: a lock left by a killed publish of this host is
// taken over at once, with a notice; one of a live process, or of another
// host, still holds until it expires.
func TestLockOfDeadProcess(t *testing.T) {
	child := exec.Command(os.Args[0], "-test.run=^$")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	dead := child.ProcessState.Pid() // exited and reaped: no process has it
	now := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		host     string
		pid      int
		takeOver bool
	}{
		{"dead process on this host", "ops-cron-1", dead, true},
		{"live process on this host", "ops-cron-1", os.Getppid(), false},
		{"dead pid on another host", "ops-cron-2", dead, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			b := memblob.OpenBucket(nil)
			defer b.Close()
			if err := b.WriteAll(ctx, LockKey, []byte(lockJSON(tc.host, tc.pid, now, now.Add(15*time.Minute))), nil); err != nil {
				t.Fatal(err)
			}
			var log syncBuffer
			p, err := New(b, Options{Now: func() time.Time { return now.Add(time.Minute) }, Host: "ops-cron-1", Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			l, err := p.acquire(ctx)
			if !tc.takeOver {
				var le *LockedError
				if !errors.As(err, &le) {
					t.Fatalf("err = %v, want a LockedError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("taking over lock held by host ops-cron-1 (pid %d, other) since 2026-11-01T06:00:00Z: no process %d runs on this host", dead, dead)
			if !strings.Contains(log.String(), want) {
				t.Errorf("log %q, want %q", log.String(), want)
			}
			if err := l.release(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
