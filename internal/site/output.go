package site

import (
	"fmt"
	"sort"
	"sync"

	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/outdir"
)

// Output receives the rendered files of a site. Names are slash-separated
// paths relative to the output root ("reports/2026/10/index.html").
// Implementations must be safe for concurrent use.
type Output interface {
	WriteFile(name string, data []byte) error
}

// MemOutput keeps rendered files in memory (preview server, check, tests).
// It is a PageMemo: a MemOutput made with NewMemOutputAfter reuses the
// pages of the previous one that were rendered from the same data, which
// keeps the preview's rebuilds quick on a big site.
type MemOutput struct {
	mu    sync.Mutex
	files map[string][]byte
	keys  map[string]digest.Key
	prev  *MemOutput
}

// NewMemOutput returns an empty MemOutput.
func NewMemOutput() *MemOutput { return NewMemOutputAfter(nil) }

// NewMemOutputAfter returns an empty MemOutput for the build after the one
// that rendered into prev (nil: none). prev must not be written to any more.
func NewMemOutputAfter(prev *MemOutput) *MemOutput {
	return &MemOutput{files: map[string][]byte{}, keys: map[string]digest.Key{}, prev: prev}
}

// WriteFile implements Output.
func (m *MemOutput) WriteFile(name string, data []byte) error {
	return m.WritePage(name, digest.Key{}, data)
}

// WritePage implements PageMemo.
func (m *MemOutput) WritePage(name string, key digest.Key, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return fmt.Errorf("%s rendered twice", name)
	}
	m.files[name] = data
	if !key.IsZero() {
		m.keys[name] = key
	}
	return nil
}

// Reuse implements PageMemo.
func (m *MemOutput) Reuse(name string, key digest.Key) bool {
	if m.prev == nil || key.IsZero() {
		return false
	}
	m.prev.mu.Lock()
	old, ok := m.prev.keys[name]
	data := m.prev.files[name]
	m.prev.mu.Unlock()
	if !ok || old != key {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return false
	}
	m.files[name], m.keys[name] = data, key
	return true
}

// Forget drops the link to the previous build's output, so it can be freed.
func (m *MemOutput) Forget() {
	m.mu.Lock()
	m.prev = nil
	m.mu.Unlock()
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

// PageMemo is an Output that can keep a page its previous build rendered
// from the same inputs (outdir.Writer): Render then skips executing the
// page's template. key digests everything the template sees.
type PageMemo interface {
	Output
	// Reuse reports whether the output already holds name rendered from
	// inputs with key, and keeps it if so.
	Reuse(name string, key digest.Key) bool
	// WritePage writes name rendered from inputs with key.
	WritePage(name string, key digest.Key, data []byte) error
}

// Discard is an Output that drops everything (bulletin check).
type Discard struct{}

// WriteFile implements Output.
func (Discard) WriteFile(string, []byte) error { return nil }

// WriteDir renders into a fresh temporary directory next to dir and, only if
// render succeeds, swaps it into place, so a failed build leaves the previous
// output untouched and readers never see a half-written site. bulletin
// build uses outdir.Build directly, which can also update dir in place.
func WriteDir(dir string, render func(Output) error) error {
	_, err := outdir.Build(dir, outdir.Options{}, func(w *outdir.Writer) error { return render(w) })
	return err
}
