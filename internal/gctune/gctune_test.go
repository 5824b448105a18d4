package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// settings reads GOGC and the memory limit in force.
func settings() (gogc, limit int64) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64()), int64(s[1].Value.Uint64())
}

// restore puts the defaults back for the other tests of the binary.
func restore(t *testing.T) {
	t.Cleanup(func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

// waitFor polls until cond holds, collecting to run cleanups.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: not within 10 s", what)
}

func TestBatchTurnsProportionalCollectionOff(t *testing.T) {
	restore(t)
	Batch(300<<20, func(string) string { return "" })
	if _, limit := settings(); limit != 300<<20 {
		t.Errorf("memory limit %d, want %d", limit, 300<<20)
	}
	if prev := debug.SetGCPercent(-1); prev != -1 {
		t.Errorf("GOGC %d, want off (-1)", prev)
	}
	// A small live heap keeps it so, collection after collection.
	for range 3 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if prev := debug.SetGCPercent(-1); prev != -1 {
		t.Errorf("after collections with a small heap: GOGC %d, want off (-1)", prev)
	}
}

func TestBatchRestoresProportionalCollectionForABigHeap(t *testing.T) {
	restore(t)
	const limit = 64 << 20
	Batch(limit, func(string) string { return "" })
	// More than half the limit live.
	keep := make([][]byte, 0, 48)
	for range 48 {
		keep = append(keep, make([]byte, 1<<20))
	}
	waitFor(t, "GOGC back to 100", func() bool {
		prev := debug.SetGCPercent(-1)
		debug.SetGCPercent(prev)
		return prev == 100
	})
	if _, l := settings(); l != math.MaxInt64 {
		t.Errorf("memory limit %d, want none (%d)", l, int64(math.MaxInt64))
	}
	runtime.KeepAlive(keep)
}

func TestBatchLeavesTheEnvironmentsChoice(t *testing.T) {
	restore(t)
	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		Batch(100<<20, func(k string) string {
			if k == name {
				return "50"
			}
			return ""
		})
		if prev := debug.SetGCPercent(100); prev != 100 {
			t.Errorf("%s set: GOGC changed to %d", name, prev)
		}
		if _, l := settings(); l != math.MaxInt64 {
			t.Errorf("%s set: memory limit changed to %d", name, l)
		}
	}
}
