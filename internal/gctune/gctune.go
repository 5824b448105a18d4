// Package gctune sets the garbage collector for a short-lived batch
// process, such as a build, whose heap is discarded at exit.
//
// Go's default (GOGC=100) collects every time the heap doubles. A build of
// a few thousand pages allocates ten times what it keeps, so it collects
// twenty times and more, each time for memory the process is about to give
// back by exiting. Batch turns proportional collection off and sets a
// memory limit instead: a build collects only when its memory reaches the
// limit. Should a collection find more than half the limit still live, a
// site too big for that to pay, collection becomes proportional again, as
// without Batch, so that the collector never runs back to back near the
// limit.
package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// DefaultLimit is the memory limit Batch is given by bulletin build.
const DefaultLimit = 200 << 20

// Batch sets the collector of this process as the package describes, with
// limit as the memory limit (see debug.SetMemoryLimit). It does nothing
// when getenv finds GOGC or GOMEMLIMIT set: whoever set them chose.
func Batch(limit int64, getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" || limit <= 0 {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(limit)
	watch(limit)
}

// watch arranges for check to run after the next collection: a cleanup
// runs once the object it is attached to has been found unreachable.
func watch(limit int64) {
	runtime.AddCleanup(new(sentinel), check, limit)
}

// sentinel is big enough and holds a pointer, so that it is allocated on
// its own and not combined with other small objects, which would delay
// its cleanup.
type sentinel struct {
	_ *int
	_ [16]byte
}

// check runs after a collection; it restores proportional collection when
// the live heap is past half the limit, and watches the next one otherwise.
func check(limit int64) {
	if liveHeap() > limit/2 {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		return
	}
	watch(limit)
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
