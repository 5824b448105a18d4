package publish

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
	"github.com/bulletin-dev/bulletin/internal/fileid"
)

// The digest cache keeps, between runs, the MD5 of every local file by the
// file's identity (size, modification and change time, inode), so that a
// publish of a tree it has seen before reads no file that did not change;
// and the digest of each content gzipped, by the MD5 of the content, so that
// a rebuilt tree (new files, same bytes) is not compressed again.
//
// A cache file that is missing, unreadable or of another version is an empty
// cache. The cache is only ever trusted for what a file's identity cannot
// hide: a file written again gets a new modification time, unless it is
// written within the file system's time granularity of the previous write,
// which is why files modified shortly before a run are not cached (see
// racyWindow).

// racyWindow is how long after its last change a file must have been left
// alone for its digest to be cached. File systems keep times at a
// granularity between a nanosecond and two seconds (and the kernel's clock
// for them ticks in milliseconds), so a file changed again within that time
// of a write can keep its size and times: caching it then could hide the
// second change. A file built just before a publish is hashed again next
// time, which is only slower.
const racyWindow = 2 * time.Second

// gzipLevel is the compression of gzipped objects.
const gzipLevel = gzip.BestCompression

// gzipID names the compressor the cached gzip digests were made with: the
// bytes compress/gzip writes may change with the Go release.
func gzipID() string {
	return fmt.Sprintf("%s compress/gzip level %d", runtime.Version(), gzipLevel)
}

// digest is the size and MD5 of some bytes.
type digest struct {
	size int64
	md5  [16]byte
}

// cachedFile is a local file's identity when it was read, and the MD5 of
// its content then.
type cachedFile struct {
	id  fileid.ID
	md5 [16]byte
}

// digestCache is the content of a cache file. It is not changed while a
// scan reads it; the scan's results make the next one.
type digestCache struct {
	// files by key.
	files map[string]cachedFile
	// gzip digests by the MD5 of the uncompressed content.
	gzip map[[16]byte]digest
}

func newDigestCache() *digestCache {
	return &digestCache{files: map[string]cachedFile{}, gzip: map[[16]byte]digest{}}
}

func (c *digestCache) equal(o *digestCache) bool {
	return maps.Equal(c.files, o.files) && maps.Equal(c.gzip, o.gzip)
}

// The cache file is text, like the manifest:
//
//	bulletin publish digests 1 "go1.26.8 compress/gzip level 9"
//	f 4521 1793512800123456789 1793512800123456789 1234567 3f2a…9c1b "incidents/db-outage/index.html"
//	z 3f2a…9c1b 1630 77c0…01de
//
// "f" lines are files: size, modification and change time (Unix ns),
// inode, MD5 and key; "z" lines gzip digests: the MD5 of the content, the
// size and MD5 of it gzipped. The number on the first line changes whenever
// the format or meaning of the cache does; the gzip digests are kept only
// for the compressor named there.
const digestCacheHeader = "bulletin publish digests 1"

// loadDigestCache reads the cache at path. A missing file, or one of
// another version, is an empty cache; so is a malformed one, with an error
// saying why for a notice.
func loadDigestCache(path string) (*digestCache, error) {
	if path == "" {
		return newDigestCache(), nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newDigestCache(), nil
	}
	if err != nil {
		return newDigestCache(), err
	}
	c, err := decodeDigestCache(b)
	if errors.Is(err, errOtherVersion) {
		return newDigestCache(), nil
	}
	if err != nil {
		return newDigestCache(), fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func decodeDigestCache(b []byte) (*digestCache, error) {
	c := newDigestCache()
	lines := newLineReader(b)
	first := lines.next()
	gz, ok := strings.CutPrefix(first, digestCacheHeader+" ")
	if !ok {
		if strings.HasPrefix(first, "bulletin publish digests ") {
			return nil, errOtherVersion
		}
		return nil, errors.New("not a digest cache")
	}
	id, err := strconv.Unquote(gz)
	if err != nil {
		return nil, lines.malformed()
	}
	keepGzip := id == gzipID()
	for line := lines.next(); line != ""; line = lines.next() {
		kind, rest, _ := strings.Cut(line, " ")
		var p fieldParser
		switch kind {
		case "f":
			f, key, ok := cutFields(rest, 5)
			if !ok {
				return nil, lines.malformed()
			}
			cf := cachedFile{
				id:  fileid.ID{Size: p.size(f[0]), MTime: p.int(f[1]), CTime: p.int(f[2]), Inode: p.uint(f[3])},
				md5: p.md5(f[4]),
			}
			k := p.quoted(key)
			if p.failed {
				return nil, lines.malformed()
			}
			c.files[k] = cf
		case "z":
			f, last, ok := cutFields(rest, 2)
			if !ok {
				return nil, lines.malformed()
			}
			raw, d := p.md5(f[0]), digest{size: p.size(f[1]), md5: p.md5(last)}
			if p.failed {
				return nil, lines.malformed()
			}
			if keepGzip {
				c.gzip[raw] = d
			}
		default:
			return nil, lines.malformed()
		}
	}
	if !lines.done() {
		return nil, lines.malformed()
	}
	return c, nil
}

func (c *digestCache) encode() []byte {
	b := make([]byte, 0, 64+len(c.files)*140+len(c.gzip)*90)
	b = append(b, digestCacheHeader+" "...)
	b = strconv.AppendQuote(b, gzipID())
	b = append(b, '\n')
	for _, k := range slices.Sorted(maps.Keys(c.files)) {
		cf := c.files[k]
		b = append(b, "f "...)
		for _, n := range []int64{cf.id.Size, cf.id.MTime, cf.id.CTime} {
			b = strconv.AppendInt(b, n, 10)
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, cf.id.Inode, 10)
		b = append(b, ' ')
		b = hex.AppendEncode(b, cf.md5[:])
		b = append(b, ' ')
		b = strconv.AppendQuote(b, k)
		b = append(b, '\n')
	}
	for _, raw := range slices.SortedFunc(maps.Keys(c.gzip), func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) }) {
		d := c.gzip[raw]
		b = append(b, "z "...)
		b = hex.AppendEncode(b, raw[:])
		b = append(b, ' ')
		b = strconv.AppendInt(b, d.size, 10)
		b = append(b, ' ')
		b = hex.AppendEncode(b, d.md5[:])
		b = append(b, '\n')
	}
	return b
}

// save writes c to path atomically.
func (c *digestCache) save(path string) error {
	if err := atomicfile.Write(path, c.encode(), 0o644, atomicfile.Cache); err != nil {
		return fmt.Errorf("write digest cache: %w", err)
	}
	return nil
}
