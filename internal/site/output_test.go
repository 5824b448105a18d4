package site

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/treetest"
	"github.com/bulletin-dev/bulletin/themes"
)

// entries lists the names in dir.
func entries(tb testing.TB, dir string) []string {
	tb.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	write := func(files map[string]string) func(Output) error {
		return func(o Output) error {
			for name, data := range files {
				if err := o.WriteFile(name, []byte(data)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if err := WriteDir(dir, write(map[string]string{"index.html": "one", "reports/2026/10/index.html": "oct", "old.txt": "gone soon"})); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, write(map[string]string{"index.html": "two", "reports/2026/10/index.html": "oct"})); err != nil {
		t.Fatal(err)
	}
	got := treetest.Read(t, dir)
	want := map[string][]byte{"index.html": []byte("two"), "reports/2026/10/index.html": []byte("oct")}
	if len(got) != len(want) {
		t.Errorf("files %v, want %v: files of the previous build must not survive", sortedKeys(got), sortedKeys(want))
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s = %q, want %q", name, got[name], b)
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("output directory mode %v, want 0755 (a web server must read it)", fi.Mode().Perm())
	}
	if names := entries(t, parent); !slices.Equal(names, []string{"public"}) {
		t.Errorf("left behind next to the output: %v", names)
	}

	t.Run("failed render", func(t *testing.T) {
		boom := errors.New("boom")
		err := WriteDir(dir, func(o Output) error {
			if err := o.WriteFile("index.html", []byte("half")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the render's error", err)
		}
		if got := treetest.Read(t, dir); !bytes.Equal(got["index.html"], []byte("two")) || len(got) != 2 {
			t.Errorf("failed render changed the output: %v", got)
		}
		if names := entries(t, parent); !slices.Equal(names, []string{"public"}) {
			t.Errorf("left behind next to the output: %v", names)
		}
	})

	t.Run("invalid path", func(t *testing.T) {
		err := WriteDir(dir, write(map[string]string{"../escape.html": "x"}))
		if err == nil || !strings.Contains(err.Error(), `invalid output path "../escape.html"`) {
			t.Errorf("err = %v", err)
		}
		if _, err := os.Stat(filepath.Join(parent, "escape.html")); !errors.Is(err, fs.ErrNotExist) {
			t.Error("a file was written outside the output directory")
		}
	})

	t.Run("relative directory", func(t *testing.T) {
		t.Chdir(parent)
		if err := WriteDir("rel", write(map[string]string{"a.txt": "a"})); err != nil {
			t.Fatal(err)
		}
		if got := treetest.Read(t, filepath.Join(parent, "rel")); string(got["a.txt"]) != "a" {
			t.Errorf("got %v", got)
		}
	})
}

// TestFailedBuildKeepsOutput builds the fixture into a directory, breaks a
// report and builds again into the same directory: the error comes back and
// the previous output is byte-identical, with no temporary directory left.
func TestFailedBuildKeepsOutput(t *testing.T) {
	site := t.TempDir()
	for name, b := range treetest.Read(t, fixture) {
		p := filepath.Join(site, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	build := func() error {
		s, err := loadSite(t, site, "", Options{})
		if err != nil {
			return err
		}
		return WriteDir(out, s.Render)
	}
	if err := build(); err != nil {
		t.Fatal(err)
	}
	before := treetest.Read(t, out)

	// A figure the month's data does not have fails at render time, after
	// files have already been written to the temporary directory.
	report := filepath.Join(site, "content", "reports", "2026-10.md")
	src, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(report, append(src, "\nAnd {{< figure \"uptime.nope\" >}}.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	err = build()
	if err == nil || !strings.Contains(err.Error(), `2026-10.md:`) || !strings.Contains(err.Error(), `unknown figure "uptime.nope"`) {
		t.Fatalf("err = %v, want the unknown figure", err)
	}
	after := treetest.Read(t, out)
	if !slices.Equal(sortedKeys(before), sortedKeys(after)) {
		t.Errorf("file list changed:\n%v\n%v", sortedKeys(before), sortedKeys(after))
	}
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s changed by a failed build", name)
		}
	}
	if names := entries(t, filepath.Dir(out)); !slices.Equal(names, []string{"public"}) {
		t.Errorf("left behind next to the output: %v", names)
	}
}

func TestMemOutputRefusesDuplicates(t *testing.T) {
	m := NewMemOutput()
	if err := m.WriteFile("index.html", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteFile("index.html", []byte("b")); err == nil || err.Error() != "index.html rendered twice" {
		t.Errorf("err = %v: two outputs claiming one path must fail the build", err)
	}
	if got := m.Files()["index.html"]; string(got) != "a" {
		t.Errorf("first write replaced: %q", got)
	}
	if !slices.Equal(m.Names(), []string{"index.html"}) {
		t.Errorf("names %v", m.Names())
	}
}

// TestMemOutputReuse renders a site twice in memory, the second time after
// the first as the preview server does: the pages come out the same, the
// second build reuses every memoized page, and an edit shows.
func TestMemOutputReuse(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	render := func(prev *MemOutput) (*MemOutput, int) {
		cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
		if err != nil {
			t.Fatal(err)
		}
		s, err := Load(cfg, Options{Dir: dir, Now: statusNow, Builtin: themes.FS, CodeVersion: "test"})
		if err != nil {
			t.Fatal(err)
		}
		out := NewMemOutputAfter(prev)
		var reused atomic.Int64
		if err := s.Render(countReuse{out, &reused}); err != nil {
			t.Fatal(err)
		}
		out.Forget()
		return out, int(reused.Load())
	}
	first, reused := render(nil)
	if reused != 0 {
		t.Errorf("first build reused %d pages", reused)
	}
	second, reused := render(first)
	if !maps.EqualFunc(second.Files(), first.Files(), bytes.Equal) {
		t.Error("the second build differs")
	}
	pages := 0
	for name := range first.Files() {
		feed := strings.HasSuffix(name, "feed.xml") || strings.HasSuffix(name, "atom.xml") || name == "feed.json"
		if strings.HasPrefix(name, "incidents/") || strings.HasPrefix(name, "announcements/") || strings.HasPrefix(name, "status/history/") || strings.HasPrefix(name, "reports/") || name == "index.html" || feed {
			pages++
		}
	}
	if reused != pages {
		t.Errorf("second build reused %d pages, want %d", reused, pages)
	}
	path := filepath.Join(dir, "content", "incidents", "2026-09-20-slow-website.md")
	src := string(mustRead(t, path))
	edited := strings.Replace(src, `title = "`, `title = "Edited: `, 1)
	if edited == src {
		t.Fatal("the edit changes nothing")
	}
	writeFile(t, path, edited)
	third, reused := render(second)
	if reused >= pages {
		t.Errorf("after an edit, %d of %d pages reused", reused, pages)
	}
	want := renderDir(t, dir, statusNow)
	if !maps.EqualFunc(third.Files(), want, bytes.Equal) {
		t.Error("the build after an edit differs from a fresh one")
	}
}

// countReuse counts the pages its MemOutput reused.
type countReuse struct {
	*MemOutput
	n *atomic.Int64
}

func (c countReuse) Reuse(name string, key digest.Key) bool {
	ok := c.MemOutput.Reuse(name, key)
	if ok {
		c.n.Add(1)
	}
	return ok
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
