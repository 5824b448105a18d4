package buildcache

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

var docsFP = [32]byte{2}

func key(s string) digest.Key { return digest.Bytes([]byte(s)) }

// TestDocumentsKeepWhatABuildUsed: entries survive Save and Open, those a
// build did not use are dropped, and a Save that would write the same
// entries does not touch the file.
func TestDocumentsKeepWhatABuildUsed(t *testing.T) {
	dir := t.TempDir()
	d := OpenDocuments(dir, docsFP)
	if _, ok := d.Get(key("a")); ok {
		t.Fatal("a new cache has an entry")
	}
	d.Put(key("a"), "value a")
	d.Put(key("b"), "value b")
	d.Put(key("empty"), "")
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}

	d = OpenDocuments(dir, docsFP)
	for k, want := range map[string]string{"a": "value a", "b": "value b", "empty": ""} {
		if v, ok := d.Get(key(k)); !ok || string(v) != want {
			t.Errorf("%s: %q %v after reopening, want %q", k, v, ok, want)
		}
	}
	if st := d.Stats(); st.Hits != 3 || st.Misses != 0 {
		t.Errorf("stats %+v", st)
	}
	path := filepath.Join(dir, DocumentsFileName)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("a build that used every entry and added none rewrote the file")
	}

	// A build that uses only a: b and empty are dropped.
	d = OpenDocuments(dir, docsFP)
	d.Get(key("a"))
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	d = OpenDocuments(dir, docsFP)
	if _, ok := d.Get(key("b")); ok {
		t.Error("an entry the last build did not use survived")
	}
	if v, ok := d.Get(key("a")); !ok || string(v) != "value a" {
		t.Errorf("a: %q %v", v, ok)
	}

	// In one process, each Save keeps what was used since the last.
	d.Put(key("c"), "value c")
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	d.Get(key("c"))
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	d = OpenDocuments(dir, docsFP)
	if _, ok := d.Get(key("a")); ok {
		t.Error("a survived a build that did not use it")
	}
	if _, ok := d.Get(key("c")); !ok {
		t.Error("c was dropped")
	}
}

// TestDocumentsUnreadableFileIsEmpty: a truncated, corrupt or foreign file,
// or one of another binary, is an empty cache and no error, and Save
// replaces it.
func TestDocumentsUnreadableFileIsEmpty(t *testing.T) {
	dir := t.TempDir()
	d := OpenDocuments(dir, docsFP)
	d.Put(key("a"), strings.Repeat("x", 100))
	d.Put(key("b"), "value b")
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DocumentsFileName)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 1
	cases := map[string][]byte{
		"empty":     {},
		"truncated": good[:len(good)-10],
		"flipped":   flipped,
		"foreign":   []byte("this is not a cache file at all, but it is long enough to have a header\n"),
		"markdown cache": func() []byte {
			c := Open(dir, docsFP)
			return encode(docsFP, c.cur)
		}(),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			d := OpenDocuments(dir, docsFP)
			if _, ok := d.Get(key("a")); ok {
				t.Error("entry served from an unreadable file")
			}
			d.Put(key("c"), "value c")
			if err := d.Save(); err != nil {
				t.Fatal(err)
			}
			d = OpenDocuments(dir, docsFP)
			if v, ok := d.Get(key("c")); !ok || string(v) != "value c" {
				t.Errorf("after Save over the unreadable file: %q %v", v, ok)
			}
		})
	}
	t.Run("another binary", func(t *testing.T) {
		if err := os.WriteFile(path, good, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := OpenDocuments(dir, [32]byte{3}).Get(key("b")); ok {
			t.Error("entry of another fingerprint served")
		}
		if _, ok := OpenDocuments(dir, docsFP).Get(key("b")); !ok {
			t.Error("entry of the same fingerprint not served")
		}
	})
}

// TestDocumentsFileIsDeterministic: the same entries make the same bytes,
// whatever order they were put in.
func TestDocumentsFileIsDeterministic(t *testing.T) {
	var files [][]byte
	for _, order := range [][]string{{"a", "b", "c", "d"}, {"d", "c", "b", "a"}} {
		dir := t.TempDir()
		d := OpenDocuments(dir, docsFP)
		for _, k := range order {
			d.Put(key(k), "value "+k)
		}
		if err := d.Save(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, DocumentsFileName))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("the same entries saved in another order make another file")
	}
}
