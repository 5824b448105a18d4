package content

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestFileReaderLikeReadFile: fileReader reads what os.ReadFile reads and
// fails as it fails.
func TestFileReaderLikeReadFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"small.md": []byte("---\ntitle: x\n---\n"),
		"empty.md": {},
		"large.md": bytes.Repeat([]byte("0123456789abcdef"), 10000),
		"after.md": []byte("a file read after a larger one"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var r fileReader
	for _, name := range []string{"small.md", "empty.md", "large.md", "after.md", "missing.md", "."} {
		path := filepath.Join(dir, name)
		got, gotErr := r.read(path)
		want, wantErr := os.ReadFile(path)
		if !bytes.Equal(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: read %d bytes, %v; os.ReadFile %d bytes, %v", name, len(got), gotErr, len(want), wantErr)
		}
	}
}
