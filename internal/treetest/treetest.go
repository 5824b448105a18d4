// Package treetest reads directory trees for tests that compare what a
// build, a generator or a command left on disk.
package treetest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Read returns every regular file below dir by its slash path relative
// to dir, failing the test if the tree cannot be read.
func Read(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Strings is Read with the contents as strings, for comparing with maps of
// expected text.
func Strings(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for name, b := range Read(tb, dir) {
		out[name] = string(b)
	}
	return out
}
