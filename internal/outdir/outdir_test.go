package outdir

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/fileid"
	"github.com/bulletin-dev/bulletin/internal/treetest"
)

// site is a build's files; a name ending in "@key" is written as a page
// with that key and may be reused.
type site map[string]string

// render returns a render function writing s, and records which pages it
// reused rather than wrote.
func (s site) render(reused *[]string) func(*Writer) error {
	return func(w *Writer) error {
		if reused != nil {
			*reused = nil // a second call (after a failed apply) starts afresh
		}
		for _, name := range slices.Sorted(maps.Keys(s)) {
			data := s[name]
			if n, k, ok := strings.Cut(name, "@"); ok {
				key := digest.Bytes([]byte(k))
				if w.Reuse(n, key) {
					if reused != nil {
						*reused = append(*reused, n)
					}
					continue
				}
				if err := w.WritePage(n, key, []byte(data)); err != nil {
					return err
				}
				continue
			}
			if err := w.WriteFile(name, []byte(data)); err != nil {
				return err
			}
		}
		return nil
	}
}

// want is what s puts in a directory.
func (s site) want() map[string]string {
	out := map[string]string{}
	for name, data := range s {
		n, _, _ := strings.Cut(name, "@")
		out[n] = data
	}
	return out
}

type env struct {
	t        *testing.T
	dir, man string
}

func newEnv(t *testing.T) *env {
	root := t.TempDir()
	return &env{t: t, dir: filepath.Join(root, "public"), man: filepath.Join(root, ".cache", "out.manifest")}
}

func (e *env) build(s site) (Stats, []string) {
	e.t.Helper()
	var reused []string
	st, err := Build(e.dir, Options{Manifest: e.man}, s.render(&reused))
	if err != nil {
		e.t.Fatal(err)
	}
	if got, want := treetest.Strings(e.t, e.dir), s.want(); !maps.Equal(got, want) {
		e.t.Fatalf("output %v, want %v", got, want)
	}
	return st, reused
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fileid.Of(fi).Inode
}

var base = site{
	"index.html":                       "home",
	"reports/2026/10/index.html@oct-1": "october",
	"reports/2026/09/index.html@sep-1": "september",
	"feed.xml":                         "feed",
}

func with(s site, changes site) site {
	out := maps.Clone(s)
	for k, v := range changes {
		if v == "-" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

func TestIncremental(t *testing.T) {
	tests := []struct {
		name   string
		next   site
		want   Stats
		reused []string
	}{
		{"nothing changed", base,
			Stats{Files: 4, Kept: 4, Reused: 2, Incremental: true}, []string{"reports/2026/09/index.html", "reports/2026/10/index.html"}},
		{"a file changed", with(base, site{"feed.xml": "feed 2"}),
			Stats{Files: 4, Written: 1, Kept: 3, Reused: 2, Incremental: true}, []string{"reports/2026/09/index.html", "reports/2026/10/index.html"}},
		{"a page's key changed", with(base, site{"reports/2026/10/index.html@oct-1": "-", "reports/2026/10/index.html@oct-2": "october, edited"}),
			Stats{Files: 4, Written: 1, Kept: 3, Reused: 1, Incremental: true}, []string{"reports/2026/09/index.html"}},
		{"new key, same bytes", with(base, site{"reports/2026/10/index.html@oct-1": "-", "reports/2026/10/index.html@oct-2": "october"}),
			Stats{Files: 4, Kept: 4, Reused: 1, Incremental: true}, []string{"reports/2026/09/index.html"}},
		{"a file added in new directories", with(base, site{"status/api/v2/summary.json": "{}"}),
			Stats{Files: 5, Written: 1, Kept: 4, Reused: 2, Incremental: true}, []string{"reports/2026/09/index.html", "reports/2026/10/index.html"}},
		{"a page removed", with(base, site{"reports/2026/09/index.html@sep-1": "-"}),
			Stats{Files: 3, Kept: 3, Reused: 1, Removed: 1, Incremental: true}, []string{"reports/2026/10/index.html"}},
		{"a file became a directory", with(base, site{"feed.xml": "-", "feed.xml/index.html": "moved"}),
			// Applying in place fails (feed.xml is still a file when its
			// directory is made): the build falls back to a full one.
			Stats{Files: 4, Written: 4}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if st, _ := e.build(base); st.Incremental || st.Written != 4 {
				t.Fatalf("first build: %+v, want a full build of 4 files", st)
			}
			kept := inode(t, filepath.Join(e.dir, "index.html"))
			st, reused := e.build(tt.next)
			if st != tt.want {
				t.Errorf("stats %+v, want %+v", st, tt.want)
			}
			if !slices.Equal(reused, tt.reused) {
				t.Errorf("reused %v, want %v", reused, tt.reused)
			}
			if st.Incremental && inode(t, filepath.Join(e.dir, "index.html")) != kept {
				t.Error("an unchanged file was replaced")
			}
			// And the build after that starts from what this one left.
			st, _ = e.build(tt.next)
			if !st.Incremental || st.Written != 0 || st.Removed != 0 {
				t.Errorf("build after: %+v, want an incremental build that writes nothing", st)
			}
		})
	}
}

func TestRemovesEmptiedDirectories(t *testing.T) {
	e := newEnv(t)
	e.build(with(base, site{"incidents/a/index.html": "a", "incidents/b/index.html": "b"}))
	e.build(with(base, site{"incidents/a/index.html": "a"}))
	if _, err := os.Stat(filepath.Join(e.dir, "incidents", "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("incidents/b/ left behind: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "incidents", "a")); err != nil {
		t.Error(err)
	}
}

// TestTamperedOutput changes the output behind the builds' back: the next
// build must notice, compare the directory file by file (no page reused)
// and leave exactly its own files.
func TestTamperedOutput(t *testing.T) {
	tamper := []struct {
		name   string
		change func(dir string) error
		want   Stats
	}{
		{"file edited, same size", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "feed.xml"), []byte("FEED"), 0o644)
		}, Stats{Files: 4, Written: 1, Kept: 3, Incremental: true}},
		{"file deleted", func(dir string) error {
			return os.Remove(filepath.Join(dir, "reports", "2026", "10", "index.html"))
		}, Stats{Files: 4, Written: 1, Kept: 3, Incremental: true}},
		{"file added", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "reports", "stray.html"), []byte("x"), 0o644)
		}, Stats{Files: 4, Kept: 4, Removed: 1, Incremental: true}},
		{"directories added", func(dir string) error {
			return os.MkdirAll(filepath.Join(dir, "junk", "deeper"), 0o755)
		}, Stats{Files: 4, Kept: 4, Incremental: true}},
		{"output removed", os.RemoveAll, Stats{Files: 4, Written: 4}},
		{"symlink added", func(dir string) error {
			// Not something a build makes: start from a fresh directory.
			return os.Symlink("index.html", filepath.Join(dir, "link.html"))
		}, Stats{Files: 4, Written: 4}},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.build(base)
			if err := tt.change(e.dir); err != nil {
				t.Fatal(err)
			}
			st, reused := e.build(base)
			if st != tt.want || len(reused) > 0 {
				t.Errorf("stats %+v, reused %v; want %+v, none reused", st, reused, tt.want)
			}
			if _, err := os.Stat(filepath.Join(e.dir, "junk")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("junk/ left behind: %v", err)
			}
			// The build after that has a manifest to trust again.
			if st, reused := e.build(base); st.Written != 0 || len(reused) != 2 {
				t.Errorf("build after: %+v, reused %v", st, reused)
			}
		})
	}
}

func TestManifestProblems(t *testing.T) {
	for name, change := range map[string]func(e *env) error{
		"missing": func(e *env) error { return os.Remove(e.man) },
		"corrupt": func(e *env) error {
			b, err := os.ReadFile(e.man)
			if err != nil {
				return err
			}
			b[len(b)/2] ^= 0xff
			return os.WriteFile(e.man, b, 0o644)
		},
		"truncated": func(e *env) error { return os.Truncate(e.man, 10) },
		"another directory's": func(e *env) error {
			other := newEnv(t)
			other.man = e.man
			_, err := Build(other.dir, Options{Manifest: e.man}, site{"x": "y"}.render(nil))
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.build(base)
			if err := change(e); err != nil {
				t.Fatal(err)
			}
			// Without a manifest nothing is reused, but files are
			// compared, so nothing is rewritten either.
			if st, reused := e.build(base); len(reused) > 0 || st.Written != 0 || !st.Incremental {
				t.Errorf("stats %+v, reused %v: want every file compared and kept", st, reused)
			}
		})
	}
}

// TestFailedBuildChangesNothing: whichever way the build runs, a render
// error leaves the directory and the manifest as they were.
func TestFailedBuildChangesNothing(t *testing.T) {
	boom := errors.New("boom")
	for _, incremental := range []bool{false, true} {
		e := newEnv(t)
		if incremental {
			e.build(base)
		} else {
			// A directory from elsewhere: the build would be full.
			if err := os.MkdirAll(e.dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(e.dir, "old.html"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		before := treetest.Strings(t, e.dir)
		man, _ := os.ReadFile(e.man)
		_, err := Build(e.dir, Options{Manifest: e.man}, func(w *Writer) error {
			if err := w.WriteFile("index.html", []byte("half")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the render's", err)
		}
		if got := treetest.Strings(t, e.dir); !maps.Equal(got, before) {
			t.Errorf("incremental=%v: output %v, want %v", incremental, got, before)
		}
		if after, _ := os.ReadFile(e.man); string(after) != string(man) {
			t.Errorf("incremental=%v: manifest changed", incremental)
		}
		if leftovers, _ := filepath.Glob(e.dir + ".tmp-*"); len(leftovers) > 0 {
			t.Errorf("left %v", leftovers)
		}
		// The next good build reuses pages where it could before.
		if _, reused := e.build(base); (len(reused) > 0) != incremental {
			t.Errorf("incremental=%v: next build reused %v", incremental, reused)
		}
	}
}

func TestBadWrites(t *testing.T) {
	for _, incremental := range []bool{false, true} {
		e := newEnv(t)
		if incremental {
			e.build(base)
		}
		for name, fn := range map[string]func(w *Writer) error{
			"twice": func(w *Writer) error {
				_ = w.WriteFile("a.html", nil)
				return w.WriteFile("a.html", nil)
			},
			"escapes":  func(w *Writer) error { return w.WriteFile("../x.html", nil) },
			"absolute": func(w *Writer) error { return w.WriteFile("/x.html", nil) },
			"root":     func(w *Writer) error { return w.WriteFile(".", nil) },
		} {
			if _, err := Build(e.dir, Options{Manifest: e.man}, fn); err == nil {
				t.Errorf("incremental=%v, %s: no error", incremental, name)
			}
		}
	}
	e := newEnv(t)
	e.build(base)
	_, err := Build(e.dir, Options{Manifest: e.man}, func(w *Writer) error {
		if !w.Reuse("reports/2026/10/index.html", digest.Bytes([]byte("oct-1"))) {
			t.Error("not reused")
		}
		return w.WriteFile("reports/2026/10/index.html", nil)
	})
	if err == nil || !strings.Contains(err.Error(), "rendered twice") {
		t.Errorf("reused, then written: err = %v", err)
	}
}

func TestWithoutManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	for range 2 {
		st, err := Build(dir, Options{}, base.render(nil))
		if err != nil {
			t.Fatal(err)
		}
		if st.Incremental || st.Written != 4 {
			t.Errorf("stats %+v, want a full build", st)
		}
	}
	if got := treetest.Strings(t, dir); !maps.Equal(got, base.want()) {
		t.Errorf("output %v", got)
	}
}

// TestRemovesStaleTempDirs: a killed build leaves its temporary directory
// next to the output; the next build, full or incremental, removes it, but
// not one young enough to be another build's, still running.
func TestRemovesStaleTempDirs(t *testing.T) {
	for _, incremental := range []bool{false, true} {
		e := newEnv(t)
		if incremental {
			e.build(base)
		}
		stale, young := e.dir+".tmp-111", e.dir+".tmp-222"
		for _, d := range []string{stale, young} {
			if err := os.MkdirAll(filepath.Join(d, "reports"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, "reports", "index.html"), []byte("half"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-3 * staleAfter)
		if err := os.Chtimes(stale, old, old); err != nil {
			t.Fatal(err)
		}
		e.build(base)
		if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("incremental=%v: stale %s not removed (%v)", incremental, stale, err)
		}
		if _, err := os.Stat(young); err != nil {
			t.Errorf("incremental=%v: young %s removed: %v", incremental, young, err)
		}
	}
}

// TestInPlace is a build without a manifest (--no-cache) over an existing
// directory: it compares files instead of writing a fresh directory, so
// unchanged files keep their inodes, changed ones are replaced and files
// no longer produced go, leaving exactly what a full build would.
func TestInPlace(t *testing.T) {
	tests := []struct {
		name string
		next site
		want Stats
	}{
		{"nothing changed", base, Stats{Files: 4, Kept: 4, Incremental: true}},
		{"a file changed", with(base, site{"feed.xml": "feed 2"}), Stats{Files: 4, Written: 1, Kept: 3, Incremental: true}},
		{"a page removed, a file added", with(base, site{"reports/2026/09/index.html@sep-1": "-", "status/index.html": "up"}),
			Stats{Files: 4, Written: 1, Kept: 3, Removed: 1, Incremental: true}},
		{"no directory yet", nil, Stats{Files: 4, Written: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			next := tt.next
			if next == nil {
				next = base
			} else if _, err := Build(dir, Options{}, base.render(nil)); err != nil {
				t.Fatal(err)
			}
			var kept uint64
			if tt.want.Incremental {
				kept = inode(t, filepath.Join(dir, "index.html"))
			}
			st, err := Build(dir, Options{InPlace: true}, next.render(nil))
			if err != nil {
				t.Fatal(err)
			}
			if st != tt.want {
				t.Errorf("stats %+v, want %+v", st, tt.want)
			}
			if got := treetest.Strings(t, dir); !maps.Equal(got, next.want()) {
				t.Errorf("output %v, want %v", got, next.want())
			}
			if tt.want.Incremental && inode(t, filepath.Join(dir, "index.html")) != kept {
				t.Error("an unchanged file was replaced")
			}
			if _, err := os.Stat(filepath.Join(dir, "reports", "2026", "09")); tt.name == "a page removed, a file added" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("emptied directory left behind: %v", err)
			}
		})
	}
}
