// Package atomicfile replaces files so that a reader sees the old content
// or the new, never part of either: the data is written to a temporary
// file in the same directory, which is then renamed over the old one.
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Durability says whether Write waits for the data to reach the disk.
type Durability bool

const (
	// Durable waits (fsync) before the rename, so that after a crash the
	// file holds the old data or the new: for what cannot be had again
	// (a month's figures, an incident's timeline).
	Durable Durability = true
	// Cache does not wait: after a crash the file may be cut short, which
	// a cache that checks its own contents reads as empty. Waiting for
	// tens of megabytes to reach the disk would cost every build.
	Cache Durability = false
)

// Write replaces the file at path with data, with permissions perm,
// creating the directory if needed.
func Write(path string, data []byte, perm fs.FileMode, d Durability) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && d == Durable {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
