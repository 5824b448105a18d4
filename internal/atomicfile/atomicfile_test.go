package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "f")
	for i, d := range []Durability{Durable, Cache} {
		data := []byte{'a' + byte(i)}
		if err := Write(p, data, 0o600, d); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != string(data) {
			t.Fatalf("read %q, %v", got, err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", fi.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	// A failed write leaves the old file and no temporary one.
	if err := os.Chmod(filepath.Dir(p), 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Dir(p), 0o755)
	if os.Geteuid() != 0 {
		if err := Write(p, []byte("x"), 0o644, Durable); err == nil {
			t.Error("writing into a read-only directory succeeded")
		}
		if got, _ := os.ReadFile(p); string(got) != "b" {
			t.Errorf("the old file became %q", got)
		}
	}
}
