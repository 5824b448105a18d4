//go:build !linux

package outdir

import "errors"

// exchange is not available; swapDir falls back to two renames.
func exchange(a, b string) error { return errors.New("atomic exchange not supported") }
