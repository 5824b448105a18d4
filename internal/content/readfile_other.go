//go:build !linux

package content

import "os"

// fileReader reads whole content files; on Linux with fewer system calls
// than os.ReadFile (readfile_linux.go).
type fileReader struct{}

func (fileReader) read(path string) ([]byte, error) { return os.ReadFile(path) }
