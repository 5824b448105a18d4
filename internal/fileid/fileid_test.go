package fileid

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestOf(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a")
	stat := func() ID {
		t.Helper()
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		return Of(fi)
	}
	if err := os.WriteFile(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	first := stat()
	if first.Size != 3 || first.MTime == 0 {
		t.Fatalf("ID %+v", first)
	}
	if stat() != first {
		t.Error("the same file gives another ID")
	}
	// Rewritten with the same size and its modification time put back:
	// the change time (where there is one) still tells.
	mtime := time.Unix(0, first.MTime)
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && stat() == first {
		t.Error("a rewrite with the old modification time gives the old ID")
	}
	// Replaced by a copy with the same size and times: the inode tells.
	q := filepath.Join(dir, "b")
	if err := os.WriteFile(q, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := stat()
	if err := os.Rename(q, p); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && stat().Inode == before.Inode {
		t.Error("a replaced file keeps its inode")
	}
}
