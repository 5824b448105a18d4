package outdir

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
	"github.com/bulletin-dev/bulletin/internal/binrec"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/fileid"
)

// manifest is what a build left in the output directory: every file with
// its digest, its page key and how the file system saw it afterwards, and
// every directory with how the file system saw it (a directory's times
// change when an entry is added, removed or renamed in it).
type manifest struct {
	// dir is the absolute path of the output directory.
	dir   string
	files map[string]fileState
	dirs  map[string]statID // "." is the output directory itself
	// scanned marks a description read off the directory itself (no
	// manifest): digests and keys unknown.
	scanned bool
}

type fileState struct {
	size     int64
	sum, key digest.Key
	stat     statID
}

// statID is what tells a file or directory left alone from one replaced or
// edited (see fileid); a directory's size says nothing portable and is
// left out.
type statID struct {
	fileid.ID
	dir bool
}

func statOf(fi fs.FileInfo) statID {
	id := statID{ID: fileid.Of(fi), dir: fi.IsDir()}
	if id.dir {
		id.Size = 0
	}
	return id
}

func lstat(p string) (statID, bool) {
	fi, err := os.Lstat(p)
	if err != nil || !(fi.Mode().IsRegular() || fi.IsDir()) {
		return statID{}, false
	}
	return statOf(fi), true
}

// verify reports whether dir is exactly as the manifest describes it. It
// looks at every file and directory, several at a time.
func (m *manifest) verify(dir string) bool {
	type item struct {
		name string
		want statID
	}
	items := make([]item, 0, len(m.files)+len(m.dirs))
	for name, f := range m.files {
		items = append(items, item{name, f.stat})
	}
	for name, st := range m.dirs {
		items = append(items, item{name, st})
	}
	var bad atomic.Bool
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for !bad.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				got, ok := lstat(filepath.Join(dir, filepath.FromSlash(items[i].name)))
				if !ok || got != items[i].want {
					bad.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return !bad.Load()
}

// record fills in the file system's view of the files and directories
// after a build. With prev nil it looks at everything; otherwise it looks
// at the changed files and at the directories above changed or removed
// files, and takes the rest from prev.
func (m *manifest) record(dir string, prev *manifest, changed map[string]bool) error {
	m.dirs = map[string]statID{}
	for name := range m.files {
		for d := path.Dir(name); ; d = path.Dir(d) {
			if _, ok := m.dirs[d]; ok {
				break
			}
			m.dirs[d] = statID{}
			if d == "." {
				break
			}
		}
	}
	stale := map[string]bool{}
	for name := range changed {
		for d := path.Dir(name); ; d = path.Dir(d) {
			stale[d] = true
			if d == "." {
				break
			}
		}
	}
	var problem error
	look := func(name string) statID {
		st, ok := lstat(filepath.Join(dir, filepath.FromSlash(name)))
		if !ok {
			problem = errors.New("output changed while recording it")
		}
		return st
	}
	for name, f := range m.files {
		if prev == nil || changed[name] {
			f.stat = look(name)
			m.files[name] = f
		}
	}
	for d := range m.dirs {
		old, ok := statID{}, false
		if prev != nil && !stale[d] {
			old, ok = prev.dirs[d]
		}
		if !ok {
			old = look(d)
		}
		m.dirs[d] = old
	}
	return problem
}

// File format: magic, the directory, the number of files, each file as
// name, size, digest, key and stat; the number of directories, each as
// name and stat; then the CRC-32C of everything before it. Strings are a
// uvarint length and bytes, numbers uvarints.
var (
	magic    = []byte("bulletin output manifest\x01")
	crcTable = crc32.MakeTable(crc32.Castagnoli)
)

func (m *manifest) encode() []byte {
	b := make([]byte, 0, 64+len(m.files)*120+len(m.dirs)*60)
	b = append(b, magic...)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	stat := func(st statID) {
		b = binary.AppendVarint(b, st.MTime)
		b = binary.AppendVarint(b, st.CTime)
		b = binary.AppendUvarint(b, st.Inode)
		b = binary.AppendVarint(b, st.Size)
		if st.dir {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	str(m.dir)
	b = binary.AppendUvarint(b, uint64(len(m.files)))
	for name, f := range m.files {
		str(name)
		b = binary.AppendVarint(b, f.size)
		b = append(b, f.sum[:]...)
		b = append(b, f.key[:]...)
		stat(f.stat)
	}
	b = binary.AppendUvarint(b, uint64(len(m.dirs)))
	for name, st := range m.dirs {
		str(name)
		stat(st)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

var errCorrupt = errors.New("corrupt manifest")

func decodeManifest(b []byte) (*manifest, error) {
	if len(b) < len(magic)+4 || !bytes.Equal(b[:len(magic)], magic) {
		return nil, errCorrupt
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errCorrupt
	}
	r := binrec.NewReader(body[len(magic):])
	m := &manifest{dir: r.String()}
	stat := func() statID {
		st := statID{ID: fileid.ID{MTime: r.Varint(), CTime: r.Varint(), Inode: r.Uvarint(), Size: r.Varint()}}
		st.dir = r.Byte() == 1
		return st
	}
	n := r.Uvarint()
	m.files = make(map[string]fileState, min(n, uint64(r.Len())/40))
	for i := uint64(0); i < n && r.Err() == nil; i++ {
		name := r.String()
		f := fileState{size: r.Varint()}
		copy(f.sum[:], r.Bytes(16))
		copy(f.key[:], r.Bytes(16))
		f.stat = stat()
		m.files[name] = f
	}
	n = r.Uvarint()
	m.dirs = make(map[string]statID, min(n, uint64(r.Len())/8))
	for i := uint64(0); i < n && r.Err() == nil; i++ {
		name := r.String()
		m.dirs[name] = stat()
	}
	if r.Err() != nil || r.Len() != 0 {
		return nil, errCorrupt
	}
	return m, nil
}

// loadManifest reads the manifest at p recorded for the directory abs; nil
// when there is none, it is unreadable or it belongs to another directory.
func loadManifest(p, abs string) *manifest {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	m, err := decodeManifest(b)
	if err != nil || m.dir != abs {
		return nil
	}
	return m
}

// save writes the manifest atomically. It is a cache: one cut short by a
// crash fails its checksum, and the next build compares contents.
func (m *manifest) save(p string) error {
	return atomicfile.Write(p, m.encode(), 0o600, atomicfile.Cache)
}

func removeManifest(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
