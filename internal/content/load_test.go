package content

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesOddFiles: a FIFO under content/ must not block the load
// (it would wait for a writer forever), and a symbolic link must not
// publish a file from outside content/; a link within content/ is read.
func TestLoadRefusesOddFiles(t *testing.T) {
	site := t.TempDir()
	dir := filepath.Join(site, "content", "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, src string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(site, "secret.md")
	write(secret, "---\ntitle: Secret\ndate: 2026-10-02\n---\nroot:x:0:0\n")
	write(filepath.Join(site, "content", "shared.md"), "---\ntitle: Shared\ndate: 2026-11-02\n---\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "2026-08.md"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for name, target := range map[string]string{
		"2026-09.md": secret,
		"2026-10.md": filepath.Join(site, "content", "shared.md"),
		"2026-11.md": filepath.Join(site, "missing.md"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	// Before the fix this blocked forever on the FIFO: go test's -timeout
	// fails it.
	reports, err := LoadReports(dir, time.UTC)
	real, _ := filepath.EvalSymlinks(secret)
	want := strings.Join([]string{
		filepath.Join(dir, "2026-08.md") + ": not a regular file (p---------): a content file must be a plain file",
		filepath.Join(dir, "2026-09.md") + ": symbolic link to " + real + ", outside the site's content/: refusing to publish it",
		filepath.Join(dir, "2026-11.md") + ": broken symbolic link: no such file or directory",
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	if len(reports) != 1 || reports[0].Title != "Shared" {
		t.Errorf("want only the link within content/ loaded, got %d reports", len(reports))
	}
}
