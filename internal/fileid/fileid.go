// Package fileid tells, from a file's metadata alone, whether it is still
// the file seen before: the build's output manifest and publish's digest
// cache both trust a file they recorded only while its ID is unchanged.
package fileid

import "io/fs"

// ID is what identifies a file's content without reading it. Any write to
// a file changes its modification or change time; the inode tells a file
// replaced by another of the same size and times (a rename over it, or a
// tree rebuilt and swapped in). Where the platform gives no change time or
// inode, those are zero and size and modification time must do.
type ID struct {
	Size         int64
	MTime, CTime int64 // Unix ns
	Inode        uint64
}

// Of returns the ID of the file fi describes.
func Of(fi fs.FileInfo) ID {
	id := ID{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	id.CTime, id.Inode = sysStat(fi)
	return id
}
