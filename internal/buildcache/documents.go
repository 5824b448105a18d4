package buildcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

// DocumentsFileName is the document cache file inside the cache directory.
const DocumentsFileName = "documents.cache"

// documentsMagic starts every document cache file; the trailing byte is
// the format version.
var documentsMagic = []byte("bulletin documents cache\x02")

// Documents keeps parsed content documents between builds: it is the
// content.ParseCache of bulletin build, so that a build parses only the
// content files that changed. Values are opaque bytes by key; what they
// mean, and what the key covers (a file's path and bytes), is the content
// package's business. The fingerprint (see DocumentsForSite) covers the
// binary, so entries written by other code are never read.
//
// Like Cache it lives in one file, read at OpenDocuments and replaced
// atomically by Save; a missing, truncated, corrupt or foreign file is an
// empty cache, never an error. It is safe for concurrent use.
type Documents struct {
	path        string
	fingerprint [32]byte

	mu sync.Mutex
	// old holds the entries read at Open (or written by the last Save),
	// cur those used since; Save writes cur, so entries no build uses any
	// more are dropped.
	old, cur map[digest.Key]string
	// stale is set when the file holds nothing this cache can use: Save
	// always replaces it.
	stale bool

	hits, misses atomic.Int64
}

// OpenDocuments reads the document cache in dir. Entries written under
// another fingerprint are discarded.
func OpenDocuments(dir string, fingerprint [32]byte) *Documents {
	return openDocuments(filepath.Join(dir, DocumentsFileName), fingerprint)
}

// SourcesFileName is the file in the cache directory that keeps the bytes
// of content files for content.Loader.Sources.
const SourcesFileName = "sources.cache"

// OpenSources reads the content sources kept in dir: a Documents whose
// values are the bytes of content files, by path and file identity (see
// content.Loader). They do not depend on the program, so unlike parsed
// documents they survive a new binary.
func OpenSources(dir string) *Documents {
	return openDocuments(filepath.Join(dir, SourcesFileName), sha256.Sum256([]byte("bulletin content sources")))
}

func openDocuments(path string, fingerprint [32]byte) *Documents {
	d := &Documents{
		path:        path,
		fingerprint: fingerprint,
		old:         map[digest.Key]string{},
		cur:         map[digest.Key]string{},
	}
	s, sum, err := readDocuments(d.path)
	if err != nil {
		return d
	}
	old, err := decodeDocuments(s, sum, fingerprint)
	if err != nil {
		// Another binary's file, or one cut short by a crash: start
		// afresh and overwrite it at Save.
		d.stale = true
		return d
	}
	d.old, d.cur = old, make(map[digest.Key]string, len(old))
	return d
}

// readDocuments reads the file at path into a string, which the values
// will share, and checksums it on the way: reading it into bytes first
// would take a second copy of a file of many megabytes, and fresh memory
// costs a page fault per page.
func readDocuments(path string) (s string, sum uint32, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	var b strings.Builder
	b.Grow(int(fi.Size()))
	c := checksummer{skip: len(documentsMagic) + 4}
	if _, err := io.Copy(io.MultiWriter(&b, &c), f); err != nil {
		return "", 0, err
	}
	return b.String(), c.crc, nil
}

// checksummer computes the CRC-32C of what is written to it past the first
// skip bytes.
type checksummer struct {
	skip int
	crc  uint32
}

func (c *checksummer) Write(p []byte) (int, error) {
	n := len(p)
	k := min(c.skip, len(p))
	c.skip -= k
	c.crc = crc32.Update(c.crc, crcTable, p[k:])
	return n, nil
}

// DocumentsForSite opens the document cache of the site in siteDir for the
// running binary.
func DocumentsForSite(siteDir string) (*Documents, error) {
	bin, err := BinaryID()
	if err != nil {
		return nil, err
	}
	return OpenDocuments(Dir(siteDir), sha256.Sum256([]byte("documents\x00"+bin))), nil
}

// Get returns the value stored under key, and false when there is none.
func (d *Documents) Get(key digest.Key) (string, bool) {
	d.mu.Lock()
	v, ok := d.cur[key]
	if !ok {
		if v, ok = d.old[key]; ok {
			d.cur[key] = v
		}
	}
	d.mu.Unlock()
	if ok {
		d.hits.Add(1)
	} else {
		d.misses.Add(1)
	}
	return v, ok
}

// Put stores value under key.
func (d *Documents) Put(key digest.Key, value string) {
	d.mu.Lock()
	if old, ok := d.cur[key]; !ok || old != value {
		d.cur[key] = value
	}
	d.mu.Unlock()
}

// Len returns the number of entries the file held at Open or holds since
// the last Save.
func (d *Documents) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.old)
}

// Stats returns the hits and misses of Get so far.
func (d *Documents) Stats() Stats { return Stats{Hits: d.hits.Load(), Misses: d.misses.Load()} }

// Save writes the entries used since Open or the last Save, replacing the
// file atomically, and does nothing when they are the ones the file already
// holds. Entries are then counted as used afresh: a long-running process
// (bulletin serve) that saves after each build keeps only what the last
// build used.
func (d *Documents) Save() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.stale && !worthWriting(d.old, d.cur) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(d.path), 0o755); err != nil {
		return fmt.Errorf("save %s: %w", d.path, err)
	}
	if err := writeCacheFile(d.path, encodeDocuments(d.fingerprint, d.cur)); err != nil {
		return fmt.Errorf("save %s: %w", d.path, err)
	}
	d.old, d.cur, d.stale = d.cur, make(map[digest.Key]string, len(d.cur)), false
	return nil
}

// Document cache file format: documentsMagic, then the CRC-32C of
// everything after it (4 bytes), the fingerprint (32 bytes), the entry
// count (uvarint), and per entry, in key order, its key (16 bytes) and
// value (uvarint length and bytes). The checksum comes first so that a
// reader can check it while reading.

func encodeDocuments(fp [32]byte, entries map[digest.Key]string) []byte {
	size := len(documentsMagic) + 4 + 32 + 16
	for _, v := range entries {
		size += 16 + 8 + len(v)
	}
	b := make([]byte, 0, size)
	b = append(b, documentsMagic...)
	b = append(b, 0, 0, 0, 0) // the checksum, below
	b = append(b, fp[:]...)
	b = binary.AppendUvarint(b, uint64(len(entries)))
	keys := make([]digest.Key, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	// Sorted, so that the same entries make the same file.
	slices.SortFunc(keys, func(a, b digest.Key) int { return bytes.Compare(a[:], b[:]) })
	for _, k := range keys {
		b = append(b, k[:]...)
		b = binary.AppendUvarint(b, uint64(len(entries[k])))
		b = append(b, entries[k]...)
	}
	h := len(documentsMagic)
	binary.LittleEndian.PutUint32(b[h:h+4], crc32.Checksum(b[h+4:], crcTable))
	return b
}

// decodeDocuments parses a document cache file s whose bytes after the
// checksum field checksum to sum. The values share s.
func decodeDocuments(s string, sum uint32, fp [32]byte) (map[digest.Key]string, error) {
	h := len(documentsMagic)
	if len(s) < h+4+32 || s[:h] != string(documentsMagic) {
		return nil, errCorrupt
	}
	if binary.LittleEndian.Uint32([]byte(s[h:h+4])) != sum {
		return nil, errCorrupt
	}
	if s[h+4:h+4+32] != string(fp[:]) {
		return nil, errors.New("document cache of another binary")
	}
	r := stringReader{s: s, off: h + 4 + 32}
	n := r.uvarint()
	out := make(map[digest.Key]string, min(n, uint64(len(s)/17)))
	for i := uint64(0); i < n && !r.failed; i++ {
		var k digest.Key
		copy(k[:], r.take(16))
		out[k] = r.take(r.uvarint())
	}
	if r.failed || r.off != len(s) {
		return nil, errCorrupt
	}
	return out, nil
}

// stringReader reads the document cache format from a string, remembering
// a failure.
type stringReader struct {
	s      string
	off    int
	failed bool
}

func (r *stringReader) uvarint() uint64 {
	var v uint64
	for shift := 0; shift < 64 && r.off < len(r.s); shift += 7 {
		c := r.s[r.off]
		r.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.failed = true
	return 0
}

func (r *stringReader) take(n uint64) string {
	if r.failed || n > uint64(len(r.s)-r.off) {
		r.failed = true
		return ""
	}
	v := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return v
}
