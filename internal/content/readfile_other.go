//go:build !linux

package content

import "os"

// fileReader reads whole content files; on Linux with fewer system calls
// than os.ReadFile and into a buffer it reuses (readfile_linux.go), so
// the bytes read are valid until the next read.
type fileReader struct{}

func (fileReader) read(path string) ([]byte, error) { return os.ReadFile(path) }
