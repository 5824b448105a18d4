//go:build !linux

package outdir

import "io/fs"

// sysStat returns nothing where the change time and inode are not read:
// modification time and size still tell most edits.
func sysStat(fs.FileInfo) (ctime int64, ino uint64) { return 0, 0 }
