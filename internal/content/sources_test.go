package content_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/fileid"
)

// identity is the file's identity, as Sources keys it.
func identity(t *testing.T, p string) fileid.ID {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fileid.Of(fi)
}

// TestSourcesSpareReadingSettledFiles: files last changed well before a
// load are not read again at the next one, and come back the same; a file
// changed since is read again, even when the change kept its size and its
// modification time.
func TestSourcesSpareReadingSettledFiles(t *testing.T) {
	dir, _, cfg := cacheSite(t)
	if identity(t, filepath.Join(dir, "config.toml")).CTime == 0 {
		t.Skip("no change times on this platform: Sources keeps nothing")
	}
	later := func() time.Time { return time.Now().Add(time.Hour) }
	fresh := load(dir, cfg, content.Loader{})
	sources := newMapCache()
	ld := content.Loader{Cache: newMapCache(), Sources: sources, Now: later}

	sameLoad(t, "first load", load(dir, cfg, ld), fresh)
	gets, hits, puts := sources.counts()
	if gets == 0 || hits != 0 || puts != gets {
		t.Fatalf("first load: %d lookups, %d hits, %d kept; want every file kept", gets, hits, puts)
	}
	sameLoad(t, "second load", load(dir, cfg, ld), fresh)
	if g, h, p := sources.counts(); g != gets || h != gets || p != 0 {
		t.Fatalf("second load: %d lookups, %d hits, %d kept; want %d hits", g, h, p, gets)
	}

	// An edit that keeps the size, its modification time set back: the
	// change time still tells.
	paths, err := content.MarkdownFiles(filepath.Join(dir, "content", "incidents"))
	if err != nil {
		t.Fatal(err)
	}
	p := paths[len(paths)/2]
	before := identity(t, p)
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(src, []byte("title: ")) + len("title: ")
	edited := bytes.Clone(src)
	edited[i] = 'Q'
	if src[i] == 'Q' {
		edited[i] = 'Z'
	}
	mtime := time.Unix(0, before.MTime)
	for {
		if err := os.WriteFile(p, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		if identity(t, p).CTime != before.CTime {
			break
		}
		time.Sleep(5 * time.Millisecond) // within the clock's tick: again
	}
	if after := identity(t, p); after.Size != before.Size || after.MTime != before.MTime {
		t.Fatalf("the edit changed size or mtime: %+v, was %+v", after, before)
	}
	want := load(dir, cfg, content.Loader{})
	got := load(dir, cfg, ld)
	sameLoad(t, "after an edit that kept size and mtime", got, want)
	var title, freshTitle string
	for i, inc := range want.Status.Incidents {
		if inc.Path == p {
			title, freshTitle = inc.Title, fresh.Status.Incidents[i].Title
		}
	}
	if title == freshTitle {
		t.Fatalf("the edit did not change the title (%q): the test cannot fail", title)
	}
	if _, hits, _ := sources.counts(); hits != gets-1 {
		t.Errorf("after the edit: %d hits, want %d (every file but the edited one)", hits, gets-1)
	}
}

// TestSourcesSkipFilesJustChanged: a file changed less than two seconds
// before it was read may change again without its identity changing, so
// its bytes are not kept.
func TestSourcesSkipFilesJustChanged(t *testing.T) {
	dir, _, cfg := cacheSite(t)
	sources := newMapCache()
	ld := content.Loader{Sources: sources} // the real clock: every file is new
	sameLoad(t, "load", load(dir, cfg, ld), load(dir, cfg, content.Loader{}))
	if gets, _, puts := sources.counts(); gets == 0 || puts != 0 {
		t.Errorf("%d lookups, %d files kept; want none kept", gets, puts)
	}
}
