package buildcache

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/markdown"
)

// counting renders through a real markdown renderer and counts the renders.
type counting struct {
	md *markdown.Renderer
	n  int
	mu sync.Mutex
}

func (c *counting) render(src []byte, figures markdown.Resolver) ([]byte, []markdown.Problem) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.md.Render(src, figures)
}

func newCounting() *counting { return &counting{md: markdown.New(markdown.Options{})} }

func resolver(values map[string]string) markdown.Resolver {
	return func(key string) (string, error) {
		if v, ok := values[key]; ok {
			return v, nil
		}
		return "", fmt.Errorf("unknown figure %q", key)
	}
}

var fp1 = [32]byte{1}

func TestRenderServesOnlyWhatIsStillTrue(t *testing.T) {
	src := []byte("# Uptime\n\nAPI was at {{< figure \"uptime.api\" >}} this month.\n")
	figs := map[string]string{"uptime.api": "99.95%"}
	tests := []struct {
		name     string
		settings string
		src      []byte
		figures  markdown.Resolver
		hit      bool
	}{
		{"same input", "unsafe=false", src, resolver(figs), true},
		{"other settings", "unsafe=true", src, resolver(figs), false},
		{"edited source", "unsafe=false", append(bytes.Clone(src), "More.\n"...), resolver(figs), false},
		{"figure changed", "unsafe=false", src, resolver(map[string]string{"uptime.api": "99.90%"}), false},
		{"figure gone", "unsafe=false", src, resolver(map[string]string{}), false},
		{"no data any more", "unsafe=false", src, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r := newCounting()
			c := Open(dir, fp1)
			c.Render("unsafe=false", src, resolver(figs), r.render)
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			c = Open(dir, fp1)
			got, gotProbs := c.Render(tt.settings, tt.src, tt.figures, r.render)
			want, wantProbs := r.md.Render(tt.src, tt.figures)
			if !bytes.Equal(got, want) || len(gotProbs) != len(wantProbs) {
				t.Errorf("cached render differs from a fresh one:\n got %q %v\nwant %q %v", got, gotProbs, want, wantProbs)
			}
			if hit := r.n == 1; hit != tt.hit {
				t.Errorf("served from cache = %v, want %v (renders: %d)", hit, tt.hit, r.n)
			}
			if st := c.Stats(); st.Hits+st.Misses != 1 {
				t.Errorf("stats %+v, want one lookup", st)
			}
		})
	}
}

func TestProblemsAreNeverCached(t *testing.T) {
	dir := t.TempDir()
	r := newCounting()
	src := []byte("Cites {{< figure \"uptime.nope\" >}}.\n")
	for i := 0; i < 2; i++ {
		c := Open(dir, fp1)
		_, probs := c.Render("", src, resolver(nil), r.render)
		if len(probs) != 1 {
			t.Fatalf("round %d: problems %v, want the unknown figure", i, probs)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	if r.n != 2 {
		t.Errorf("rendered %d times, want 2: a document with problems must be rendered (and reported) every time", r.n)
	}
}

func TestFingerprintChangeEmptiesTheCache(t *testing.T) {
	dir := t.TempDir()
	r := newCounting()
	src := []byte("Hello *world*.\n")
	c := Open(dir, fp1)
	c.Render("", src, nil, r.render)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = Open(dir, [32]byte{2})
	c.Render("", src, nil, r.render)
	if r.n != 2 {
		t.Fatalf("a cache of another fingerprint served an entry")
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = Open(dir, [32]byte{2})
	c.Render("", src, nil, r.render)
	if r.n != 2 {
		t.Errorf("the rewritten cache did not serve the entry")
	}
}

func TestCorruptFileIsAnEmptyCache(t *testing.T) {
	dir := t.TempDir()
	r := newCounting()
	src := []byte("Hello.\n")
	c := Open(dir, fp1)
	c.Render("", src, nil, r.render)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0xff
	for name, b := range map[string][]byte{
		"truncated": good[:len(good)-7],
		"bit flip":  flipped,
		"empty":     {},
		"garbage":   []byte("not a cache at all"),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o644); err != nil {
				t.Fatal(err)
			}
			before := r.n
			c := Open(dir, fp1)
			got, _ := c.Render("", src, nil, r.render)
			if r.n != before+1 {
				t.Errorf("served an entry from a damaged file")
			}
			if want, _ := r.md.Render(src, nil); !bytes.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			if _, err := decode(mustRead(t, filepath.Join(dir, FileName)), fp1); err != nil {
				t.Errorf("Save did not replace the damaged file: %v", err)
			}
		})
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestSaveKeepsOnlyWhatTheBuildUsed(t *testing.T) {
	dir := t.TempDir()
	r := newCounting()
	a, b := []byte("A.\n"), []byte("B.\n")
	c := Open(dir, fp1)
	c.Render("", a, nil, r.render)
	c.Render("", b, nil, r.render)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	// The next build no longer has b.
	c = Open(dir, fp1)
	c.Render("", a, nil, r.render)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	entries, err := decode(mustRead(t, filepath.Join(dir, FileName)), fp1)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("cache holds %d entries, want only the one the last build used", len(entries))
	}
	// A build that changed nothing does not rewrite the file.
	info, _ := os.Stat(filepath.Join(dir, FileName))
	c = Open(dir, fp1)
	c.Render("", a, nil, r.render)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if err := c.Save(); err != nil && os.Geteuid() != 0 {
		t.Errorf("Save of an unchanged cache wrote: %v", err)
	}
	if after, _ := os.Stat(filepath.Join(dir, FileName)); !after.ModTime().Equal(info.ModTime()) {
		t.Errorf("unchanged cache was rewritten")
	}
}

func TestConcurrentRenders(t *testing.T) {
	dir := t.TempDir()
	r := newCounting()
	c := Open(dir, fp1)
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Go(func() {
			src := fmt.Appendf(nil, "Doc %d cites {{< figure \"x\" >}}.\n", i%8)
			got, probs := c.Render("", src, resolver(map[string]string{"x": "42"}), r.render)
			if len(probs) > 0 || !bytes.Contains(got, []byte(">42<")) {
				t.Errorf("doc %d: %q %v", i, got, probs)
			}
		})
	}
	wg.Wait()
	if st := c.Stats(); st.Hits+st.Misses != 64 || st.Misses < 8 {
		t.Errorf("stats %+v", st)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	entries, err := decode(mustRead(t, filepath.Join(dir, FileName)), fp1)
	if err != nil || len(entries) != 8 {
		t.Errorf("saved %d entries (%v), want 8", len(entries), err)
	}
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	tpl := filepath.Join(dir, "templates")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(cfg, `title = "x"`)
	in := Inputs{Binary: "bulletin 1", ConfigFile: cfg, Environment: "production", Dirs: []string{tpl, filepath.Join(dir, "themes", "default")}}
	base, err := Fingerprint(in)
	if err != nil {
		t.Fatal(err)
	}
	changes := []struct {
		name   string
		change func(in *Inputs)
		undo   func()
	}{
		{"binary", func(in *Inputs) { in.Binary = "bulletin 2" }, nil},
		{"environment", func(in *Inputs) { in.Environment = "staging" }, nil},
		{"config", func(*Inputs) { write(cfg, `title = "y"`) }, func() { write(cfg, `title = "x"`) }},
		{"template override added", func(*Inputs) { write(filepath.Join(tpl, "partials", "footer.html"), "f") }, func() { os.RemoveAll(tpl) }},
		{"site theme file", func(*Inputs) { write(filepath.Join(dir, "themes", "default", "static", "css", "style.css"), "a{}") }, func() { os.RemoveAll(filepath.Join(dir, "themes")) }},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			changed := in
			c.change(&changed)
			fp, err := Fingerprint(changed)
			if err != nil {
				t.Fatal(err)
			}
			if fp == base {
				t.Errorf("fingerprint unchanged after a change of the %s", c.name)
			}
			if c.undo != nil {
				c.undo()
				if fp, _ := Fingerprint(in); fp != base {
					t.Errorf("fingerprint not restored after undoing the change")
				}
			}
		})
	}
	if _, err := Fingerprint(Inputs{ConfigFile: filepath.Join(dir, "missing.toml")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing config: err = %v", err)
	}
}

func TestBinaryID(t *testing.T) {
	a, err := BinaryID()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BinaryID()
	if a == "" || a != b {
		t.Errorf("BinaryID not stable: %q, %q", a, b)
	}
}

func TestWorthWriting(t *testing.T) {
	keys := func(n, from int) map[digest.Key]int {
		m := map[digest.Key]int{}
		for i := from; i < from+n; i++ {
			m[digest.Bytes([]byte{byte(i), byte(i >> 8)})] = i
		}
		return m
	}
	big := keys(1000, 0)
	tests := []struct {
		name     string
		old, cur map[digest.Key]int
		want     bool
	}{
		{"nothing changed", big, keys(1000, 0), false},
		{"one of a thousand added", big, keys(1001, 0), false},
		{"ten of a thousand replaced", big, keys(1000, 5), true},
		{"first build", map[digest.Key]int{}, keys(3, 0), true},
		{"one of ten replaced", keys(10, 0), keys(10, 1), true},
		{"everything dropped", keys(10, 0), map[digest.Key]int{}, true},
	}
	for _, tt := range tests {
		if got := worthWriting(tt.old, tt.cur); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
