package content

import (
	"errors"
	"os"
	"runtime"
	"sync"

	"github.com/bulletin-dev/bulletin/internal/diag"
)

// parseDir reads and parses every content file of dir (see MarkdownFiles),
// several at a time: a status page with thousands of incidents is mostly
// frontmatter parsing. Values that parsed without problems come back in
// file order; every problem of every file is added to p, also in file
// order, so messages do not depend on scheduling.
func parseDir[T any](dir string, p *diag.List, parse func(path string, src []byte) (T, error)) ([]T, error) {
	paths, err := markdownFiles(dir)
	if err != nil {
		return nil, err
	}
	type result struct {
		v   T
		err error
		ok  bool
	}
	results := make([]result, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := range next {
				src, err := os.ReadFile(paths[i])
				if err != nil {
					results[i].err = diag.Errorf(paths[i], 0, "read: %v", errors.Unwrap(err))
					continue
				}
				v, err := parse(paths[i], src)
				results[i] = result{v: v, err: err, ok: err == nil}
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	out := make([]T, 0, len(paths))
	for i, r := range results {
		p.Add(paths[i], r.err)
		if r.ok {
			out = append(out, r.v)
		}
	}
	return out, nil
}
