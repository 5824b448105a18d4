package fileid

import (
	"io/fs"
	"syscall"
)

// sysStat returns the change time (ns) and inode of fi, or zeros.
func sysStat(fi fs.FileInfo) (ctime int64, inode uint64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ctim.Nano(), st.Ino
}
