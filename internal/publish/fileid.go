package publish

import "io/fs"

// fileID is what the digest cache knows a file's content by without
// reading it. Any write to a file changes its modification or change time;
// the inode tells a file replaced by another of the same size and times
// (a rename over it, or a tree rebuilt and swapped in).
type fileID struct {
	Size         int64
	MTime, CTime int64 // Unix ns
	Inode        uint64
}

func idOf(fi fs.FileInfo) fileID {
	id := fileID{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	id.CTime, id.Inode = statID(fi)
	return id
}
