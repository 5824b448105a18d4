package buildcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// DocumentsFileName is the document cache file inside the cache directory.
const DocumentsFileName = "documents.cache"

// documentsMagic starts every document cache file; the trailing byte is
// the format version.
var documentsMagic = []byte("bulletin documents cache\x01")

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
	// changed is set when cur holds entries old does not.
	changed bool

	hits, misses atomic.Int64
}

// OpenDocuments reads the document cache in dir. Entries written under
// another fingerprint are discarded.
func OpenDocuments(dir string, fingerprint [32]byte) *Documents {
	d := &Documents{
		path:        filepath.Join(dir, DocumentsFileName),
		fingerprint: fingerprint,
		old:         map[digest.Key]string{},
		cur:         map[digest.Key]string{},
	}
	b, err := os.ReadFile(d.path)
	if err != nil {
		return d
	}
	old, err := decodeDocuments(b, fingerprint)
	if err != nil {
		// Another binary's file, or one cut short by a crash: start
		// afresh and overwrite it at Save.
		d.changed = true
		return d
	}
	d.old, d.cur = old, make(map[digest.Key]string, len(old))
	return d
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
		d.changed = true
	}
	d.mu.Unlock()
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
	if !d.changed && len(d.cur) == len(d.old) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(d.path), 0o755); err != nil {
		return fmt.Errorf("save document cache: %w", err)
	}
	if err := snapshot.WriteFileAtomic(d.path, encodeDocuments(d.fingerprint, d.cur), 0o644); err != nil {
		return fmt.Errorf("save document cache: %w", err)
	}
	d.old, d.cur, d.changed = d.cur, make(map[digest.Key]string, len(d.cur)), false
	return nil
}

// Document cache file format: documentsMagic, fingerprint (32 bytes),
// entry count (uvarint), then per entry, in key order, its key (16 bytes)
// and value (uvarint length and bytes); finally the CRC-32C of everything
// before it.

func encodeDocuments(fp [32]byte, entries map[digest.Key]string) []byte {
	size := len(documentsMagic) + 32 + 16
	for _, v := range entries {
		size += 16 + 8 + len(v)
	}
	b := make([]byte, 0, size)
	b = append(b, documentsMagic...)
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
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// decodeDocuments parses a document cache file. The values share one copy
// of b.
func decodeDocuments(b []byte, fp [32]byte) (map[digest.Key]string, error) {
	if len(b) < len(documentsMagic)+32+4 || !bytes.Equal(b[:len(documentsMagic)], documentsMagic) {
		return nil, errCorrupt
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errCorrupt
	}
	if !bytes.Equal(body[len(documentsMagic):len(documentsMagic)+32], fp[:]) {
		return nil, errors.New("document cache of another binary")
	}
	r := reader{b: body[len(documentsMagic)+32:]}
	n := r.uvarint()
	type entry struct {
		key        digest.Key
		start, end int
	}
	entries := make([]entry, 0, min(n, uint64(len(r.b)/17)))
	for i := uint64(0); i < n && r.err == nil; i++ {
		var e entry
		copy(e.key[:], r.bytes(16))
		v := r.bytes(r.uvarint())
		e.end = len(b) - 4 - len(r.b)
		e.start = e.end - len(v)
		entries = append(entries, e)
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, errCorrupt
	}
	s := string(b)
	out := make(map[digest.Key]string, len(entries))
	for _, e := range entries {
		out[e.key] = s[e.start:e.end]
	}
	return out, nil
}
