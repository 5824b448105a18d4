package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
)

// Output receives the rendered files of a site. Names are slash-separated
// paths relative to the output root ("reports/2026/10/index.html").
// Implementations must be safe for concurrent use.
type Output interface {
	WriteFile(name string, data []byte) error
}

// MemOutput keeps rendered files in memory (preview server, check, tests).
type MemOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMemOutput returns an empty MemOutput.
func NewMemOutput() *MemOutput { return &MemOutput{files: map[string][]byte{}} }

// WriteFile implements Output.
func (m *MemOutput) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return fmt.Errorf("%s rendered twice", name)
	}
	m.files[name] = data
	return nil
}

// Files returns the rendered files by name.
func (m *MemOutput) Files() map[string][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string][]byte, len(m.files))
	for k, v := range m.files {
		out[k] = v
	}
	return out
}

// Names returns the sorted file names.
func (m *MemOutput) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.files))
	for k := range m.files {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Discard is an Output that drops everything (bulletin check).
type Discard struct{}

// WriteFile implements Output.
func (Discard) WriteFile(string, []byte) error { return nil }

// dirOutput writes files below a directory.
type dirOutput struct {
	root string
	mu   sync.Mutex
	dirs map[string]bool
}

func (d *dirOutput) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("invalid output path %q", name)
	}
	p := filepath.Join(d.root, filepath.FromSlash(name))
	dir := path.Dir(name)
	d.mu.Lock()
	known := d.dirs[dir]
	d.mu.Unlock()
	if !known {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		d.mu.Lock()
		d.dirs[dir] = true
		d.mu.Unlock()
	}
	return os.WriteFile(p, data, 0o644)
}

// WriteDir renders into a fresh temporary directory next to dir and, only if
// render succeeds, swaps it into place, so a failed build leaves the previous
// output untouched and readers never see a half-written site.
func WriteDir(dir string, render func(Output) error) error {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, base+".tmp-")
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := render(&dirOutput{root: tmp, dirs: map[string]bool{}}); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := swapDir(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	return nil
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
