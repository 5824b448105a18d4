package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/bulletin-dev/bulletin/internal/diag"
)

// parseDir reads and parses every content file of dir (see MarkdownFiles),
// several at a time: a status page with thousands of incidents is mostly
// frontmatter parsing. Values that parsed without problems come back in
// file order; every problem of every file is added to p, also in file
// order, so messages do not depend on scheduling.
func parseDir[T any](dir string, p *diag.List, read readFunc, parse func(path string, src []byte) (T, error)) ([]T, error) {
	paths, err := markdownFiles(dir)
	if err != nil {
		return nil, err
	}
	// Every kind of content has a directory of its own in content/.
	root := filepath.Dir(dir)
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
				src, err := read(paths[i], root)
				if err != nil {
					results[i].err = err
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

// readFunc reads a content file of the site's content/ (root); see
// readContent.
type readFunc func(path, root string) ([]byte, error)

// readContent reads the content file path, refusing what is not a regular
// file within root (the site's content/): opening a FIFO would block the
// build forever, and a symbolic link could publish any file the build can
// read.
func readContent(path, root string) ([]byte, error) {
	if _, _, err := statContent(path, root); err != nil {
		return nil, err
	}
	return readFile(path)
}

// statContent describes the content file path, following a symbolic link
// (link is then true) only to a file within root, and refuses what is not
// a regular file.
func statContent(path, root string) (fi fs.FileInfo, link bool, err error) {
	fi, err = os.Lstat(path)
	if err != nil {
		return nil, false, diag.Errorf(path, 0, "read: %v", errors.Unwrap(err))
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		link = true
		if err := linkWithin(path, root); err != nil {
			return nil, true, diag.Errorf(path, 0, "%v", err)
		}
		if fi, err = os.Stat(path); err != nil {
			return nil, true, diag.Errorf(path, 0, "read: %v", errors.Unwrap(err))
		}
	}
	if !fi.Mode().IsRegular() {
		return nil, link, diag.Errorf(path, 0, "not a regular file (%v): a content file must be a plain file", fi.Mode().Type())
	}
	return fi, link, nil
}

func readFile(path string) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, diag.Errorf(path, 0, "read: %v", errors.Unwrap(err))
	}
	return src, nil
}

// linkWithin returns an error unless the symbolic link path resolves to a
// file within root.
func linkWithin(path, root string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("broken symbolic link: %v", errors.Unwrap(err))
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("resolve %s: %v", root, errors.Unwrap(err))
	}
	rel, err := filepath.Rel(realRoot, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("symbolic link to %s, outside the site's content/: refusing to publish it", target)
	}
	return nil
}
