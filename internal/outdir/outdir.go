// Package outdir writes a build's files into the output directory (public/)
// so that a failed build changes nothing there and a rebuild touches only
// what changed.
//
// A build renders everything first. Only when rendering succeeded is the
// directory changed, in one of two ways:
//
//   - Full: the files were written into a fresh directory next to the output,
//     which then replaces it in one rename (an atomic exchange where the
//     platform has one). Files of the previous build that were not produced
//     again are gone with the old directory.
//   - Incremental: when the build keeps a manifest and the output directory
//     exists, only new and changed files were written, into a staging
//     directory next to the output; they are renamed into place one by one
//     (each replacement atomic), and files and directories no longer
//     produced are removed. Unchanged files keep their bytes and times,
//     which is what lets publish skip them cheaply. Whether a file changed
//     is told by its digest in the manifest when the directory is still
//     exactly what the previous build left (every file and directory has the
//     size, times and inode recorded), and otherwise by comparing contents.
//
// A page whose renderer can name the inputs it was rendered from with a key
// (see Writer.Reuse) need not even be rendered when its key is the one a
// trusted manifest recorded. Anything unexpected — a corrupt manifest, a
// file edited or deleted by hand, something other than files and
// directories in the output — makes the build compare contents or build
// fully, and a failure while applying falls back to a full build, so the
// manifest can only make a build faster, never different.
package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

// Options configure Build.
type Options struct {
	// Manifest is the file in which a build records what it left in the
	// directory, for the next build to update it in place. "" makes every
	// build full and records nothing.
	Manifest string
	// InPlace, without a Manifest, updates an existing directory in place
	// by comparing each rendered file with the one there, as a build whose
	// manifest was lost does, instead of writing a fresh directory and
	// removing the old one: unchanged files are neither written nor
	// deleted. A build without a cache (--no-cache) over an existing
	// output sets it.
	InPlace bool
}

// Stats say what a build did to the directory.
type Stats struct {
	// Files is the number of files the build produced.
	Files int
	// Written files were new or changed; Kept files were left as they were
	// (Reused of them were not even rendered); Removed files of the
	// previous build were not produced again. A full build writes every file.
	Written, Kept, Reused, Removed int
	// Incremental is true when the directory was updated in place.
	Incremental bool
}

// Build renders into dir through render and, only if render succeeds,
// makes dir hold exactly the files render produced. render may be called a
// second time, in full mode, when an incremental update cannot be applied.
func Build(dir string, opts Options, render func(*Writer) error) (Stats, error) {
	dir = filepath.Clean(dir)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Stats{}, err
	}
	if opts.Manifest != "" || opts.InPlace {
		var prev *manifest
		if opts.Manifest != "" {
			prev = loadManifest(opts.Manifest, abs)
		}
		if prev == nil || !prev.verify(dir) {
			// No record of the directory to trust: take it as it is, and
			// compare file by file. That still spares rewriting (and
			// re-uploading) the files that did not change.
			prev = scan(dir)
		}
		if prev != nil {
			st, err := buildIncremental(dir, opts.Manifest, abs, prev, render)
			if !errors.Is(err, errApply) {
				return st, err
			}
			// The directory is part old, part new: make it whole.
		}
	}
	return buildFull(dir, opts.Manifest, abs, render)
}

// staleAfter is how old a temporary directory next to the output must be
// before a build takes it for one a killed build left: no build runs for
// an hour, and a younger one may be another build's, still running.
const staleAfter = time.Hour

// removeStale removes the temporary directories (base.tmp-*) in parent
// that a killed build left behind; a build that ends in any other way
// removes its own.
func removeStale(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), base+".tmp-") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleAfter {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// scan describes the directory as it is, for an incremental build without
// a manifest: file digests unknown (files are compared by content), no page
// keys. nil when there is no directory or it holds anything but regular
// files and directories.
func scan(dir string) *manifest {
	m := &manifest{files: map[string]fileState{}, dirs: map[string]statID{}, scanned: true}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			m.dirs[rel] = statOf(fi)
		case fi.Mode().IsRegular():
			m.files[rel] = fileState{size: fi.Size(), stat: statOf(fi)}
		default:
			return fmt.Errorf("%s: not a regular file", p)
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return m
}

// errApply marks a failure while changing the directory in place.
var errApply = errors.New("apply incremental build")

// Writer receives the files of a build. It is safe for concurrent use.
type Writer struct {
	// root is where files are written: the fresh directory of a full
	// build, the staging directory of an incremental one.
	root string
	// prev is the previous build's manifest (incremental builds only);
	// dir the output directory it describes.
	prev *manifest
	dir  string

	mu    sync.Mutex
	files map[string]*file
	dirs  map[string]bool // directories made below root (full builds)
	seq   int
}

// file is one produced file.
type file struct {
	size int64
	sum  digest.Key
	key  digest.Key
	// staged is the file's path in the staging directory when it must be
	// written; "" when the previous build's file is kept.
	staged string
	reused bool
}

// WriteFile writes one file; name is a slash path relative to the output
// ("reports/2026/10/index.html").
func (w *Writer) WriteFile(name string, data []byte) error {
	return w.WritePage(name, digest.Key{}, data)
}

// WritePage writes a page rendered from inputs with the given key, recorded
// for Reuse by the next build (the zero key records none).
func (w *Writer) WritePage(name string, key digest.Key, data []byte) error {
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("invalid output path %q", name)
	}
	f := &file{size: int64(len(data)), sum: digest.Bytes(data), key: key}
	w.mu.Lock()
	if _, dup := w.files[name]; dup {
		w.mu.Unlock()
		return fmt.Errorf("%s rendered twice", name)
	}
	w.files[name] = f
	if w.prev != nil {
		if old, ok := w.prev.files[name]; ok && old.size == f.size {
			if !w.prev.scanned && old.sum == f.sum {
				w.mu.Unlock()
				return nil // same bytes as in place
			}
			if w.prev.scanned {
				w.mu.Unlock()
				if same(filepath.Join(w.dir, filepath.FromSlash(name)), data) {
					return nil
				}
				w.mu.Lock()
			}
		}
		w.seq++
		f.staged = filepath.Join(w.root, strconv.Itoa(w.seq))
		w.mu.Unlock()
		return os.WriteFile(f.staged, data, 0o644)
	}
	dir := path.Dir(name)
	known := w.dirs[dir]
	w.mu.Unlock()
	p := filepath.Join(w.root, filepath.FromSlash(name))
	if !known {
		if err := mkdirs(filepath.Dir(p)); err != nil {
			return err
		}
		w.mu.Lock()
		w.dirs[dir] = true
		w.mu.Unlock()
	}
	return os.WriteFile(p, data, 0o644)
}

// mkdirs makes the directory p and whichever of its parents are missing.
// Usually only p is: trying it alone first takes one system call where
// os.MkdirAll takes three (a stat of p, of its parent, then the mkdir).
func mkdirs(p string) error {
	err := os.Mkdir(p, 0o755)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(p, 0o755)
	case errors.Is(err, fs.ErrExist):
		// Another writer made it; or it is a file, and writing into it
		// fails with the error that says so.
		return nil
	}
	return err
}

// dirsOf returns the directories that hold names, "." included.
func dirsOf(files map[string]*file) map[string]bool {
	dirs := map[string]bool{".": true}
	for name := range files {
		for d := path.Dir(name); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	return dirs
}

// same reports whether the file at p holds exactly data.
func same(p string, data []byte) bool {
	b, err := os.ReadFile(p)
	return err == nil && bytes.Equal(b, data)
}

// Reuse reports whether the file name, rendered by the previous build from
// inputs with this key, is still in place; if so it becomes this build's
// file as it is, and the caller need not render it. key must change
// whenever anything that changes the file's bytes changes.
func (w *Writer) Reuse(name string, key digest.Key) bool {
	if w.prev == nil || key.IsZero() {
		return false
	}
	old, ok := w.prev.files[name]
	if !ok || old.key != key {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, dup := w.files[name]; dup {
		return false // WritePage reports the duplicate
	}
	w.files[name] = &file{size: old.size, sum: old.sum, key: key, reused: true}
	return true
}

func (w *Writer) stats() Stats {
	st := Stats{Files: len(w.files), Incremental: w.prev != nil}
	for _, f := range w.files {
		switch {
		case w.prev == nil || f.staged != "":
			st.Written++
		case f.reused:
			st.Kept++
			st.Reused++
		default:
			st.Kept++
		}
	}
	return st
}

func buildFull(dir, manifestPath, abs string, render func(*Writer) error) (Stats, error) {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	removeStale(parent, base)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Stats{}, err
	}
	tmp, err := os.MkdirTemp(parent, base+".tmp-")
	if err != nil {
		return Stats{}, err
	}
	defer os.RemoveAll(tmp) // a no-op once swapped in
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Stats{}, err
	}
	w := &Writer{root: tmp, files: map[string]*file{}, dirs: map[string]bool{}}
	if err := render(w); err != nil {
		return Stats{}, err
	}
	if manifestPath != "" {
		// The manifest describes the directory being replaced: drop it
		// first, so that no crash can leave it describing the new one.
		if err := removeManifest(manifestPath); err != nil {
			return Stats{}, err
		}
	}
	if err := swapDir(tmp, dir); err != nil {
		return Stats{}, fmt.Errorf("replace %s: %w", dir, err)
	}
	if manifestPath != "" {
		m := &manifest{dir: abs, files: make(map[string]fileState, len(w.files))}
		for name, f := range w.files {
			m.files[name] = fileState{size: f.size, sum: f.sum, key: f.key}
		}
		// Without a manifest the next build compares the directory file
		// by file: slower, but the site is built, so no reason to fail.
		if m.record(dir, nil, nil) == nil {
			_ = m.save(manifestPath)
		}
	}
	return w.stats(), nil
}

func buildIncremental(dir, manifestPath, abs string, prev *manifest, render func(*Writer) error) (Stats, error) {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	removeStale(parent, base)
	staging, err := os.MkdirTemp(parent, base+".tmp-")
	if err != nil {
		return Stats{}, err
	}
	defer os.RemoveAll(staging)
	w := &Writer{root: staging, prev: prev, dir: dir, files: map[string]*file{}}
	if err := render(w); err != nil {
		return Stats{}, err
	}
	st := w.stats()
	var removed []string
	for name := range prev.files {
		if _, ok := w.files[name]; !ok {
			removed = append(removed, name)
		}
	}
	st.Removed = len(removed)
	if st.Written == 0 && st.Removed == 0 && len(prev.dirs) == len(dirsOf(w.files)) {
		// The directory stays as it is; the manifest too, unless pages
		// were rendered from inputs with new keys (a new binary, say)
		// to the same bytes: record those keys for the next build.
		next, rekeyed := &manifest{dir: abs, files: make(map[string]fileState, len(w.files)), dirs: prev.dirs}, prev.scanned
		for name, f := range w.files {
			old := prev.files[name]
			rekeyed = rekeyed || old.key != f.key
			old.key, old.sum = f.key, f.sum
			next.files[name] = old
		}
		if rekeyed && manifestPath != "" {
			_ = next.save(manifestPath)
		}
		return st, nil
	}
	// From here on the directory changes: without a manifest until the
	// new one is saved, so that a crash part-way makes the next build full.
	if manifestPath != "" {
		if err := removeManifest(manifestPath); err != nil {
			return Stats{}, err
		}
	}
	next := &manifest{dir: abs, files: make(map[string]fileState, len(w.files))}
	touched := map[string]bool{}
	names := make([]string, 0, len(w.files))
	for name := range w.files {
		names = append(names, name)
	}
	sort.Strings(names)
	made := map[string]bool{}
	for _, name := range names {
		f := w.files[name]
		if f.staged == "" {
			next.files[name] = fileState{size: f.size, sum: f.sum, key: f.key, stat: prev.files[name].stat}
			continue
		}
		next.files[name] = fileState{size: f.size, sum: f.sum, key: f.key}
		d := path.Dir(name)
		if _, ok := prev.dirs[d]; !ok && !made[d] {
			if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
				return Stats{}, fmt.Errorf("%w: %v", errApply, err)
			}
			for p := d; p != "." && !made[p]; p = path.Dir(p) {
				made[p] = true
			}
		}
		if err := os.Rename(f.staged, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return Stats{}, fmt.Errorf("%w: %v", errApply, err)
		}
		touched[name] = true
	}
	for _, name := range removed {
		touched[name] = true
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Stats{}, fmt.Errorf("%w: %v", errApply, err)
		}
	}
	// Remove the directories that hold no file of this build any more,
	// deepest first.
	keep := dirsOf(w.files)
	var gone []string
	for d := range prev.dirs {
		if !keep[d] {
			gone = append(gone, d)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(gone))) // children sort after parents
	for _, d := range gone {
		touched[d] = true // its parent's entries change
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(d))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Stats{}, fmt.Errorf("%w: %v", errApply, err)
		}
	}
	if manifestPath == "" {
		return st, nil
	}
	if err := next.record(dir, prev, touched); err != nil {
		return st, nil // built; the next build will be full
	}
	_ = next.save(manifestPath)
	return st, nil
}

// swapDir moves the directory src to dst, replacing dst. Where the platform
// can exchange two paths atomically it does; otherwise dst is moved aside
// first and removed after.
func swapDir(src, dst string) error {
	if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(src, dst)
	}
	if err := exchange(src, dst); err == nil {
		return os.RemoveAll(src) // src now holds the old output
	}
	old := src + ".old"
	if err := os.Rename(dst, old); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		_ = os.Rename(old, dst)
		return err
	}
	return os.RemoveAll(old)
}
