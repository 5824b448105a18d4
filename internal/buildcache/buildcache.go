// Package buildcache keeps rendered markdown between builds, so a rebuild
// after a small change renders only the pages whose markdown changed.
//
// An entry is keyed by the digest (xxh3-128) of the renderer settings and
// the markdown source, and records the figures the markdown cited with the text
// each resolved to. An entry is served only when every one of those figures
// still resolves to the same text, so a changed data snapshot shows up
// without any timestamp or dependency bookkeeping. Everything else that can
// change what a build makes of the same markdown — the binary, the config,
// the theme and template overrides — goes into the cache's fingerprint
// (see Fingerprint), and a cache with another fingerprint starts empty.
//
// The cache lives in one file, read at Open and replaced atomically by
// Save; a missing, truncated or corrupt file is an empty cache, never an
// error, since the cache can only make a build faster.
package buildcache

import (
	"bytes"

	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/bulletin-dev/bulletin/internal/binrec"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/markdown"
)

// FileName is the cache file inside the cache directory.
const FileName = "markdown.cache"

// magic starts every cache file; the trailing byte is the format version.
var magic = []byte("bulletin markdown cache\x02")

// Cache is a markdown cache. It is safe for concurrent use.
type Cache struct {
	path        string
	fingerprint [32]byte

	mu sync.Mutex
	// old holds the entries read at Open, cur those used by this build;
	// Save writes cur, so entries no build uses any more are dropped.
	old, cur map[digest.Key]*entry
	// stale is set when the file holds nothing this cache can use (another
	// binary's, or cut short): Save always replaces it.
	stale bool

	hits, misses atomic.Int64
}

type entry struct {
	html    []byte
	figures []figure
}

// figure is a cited figure and the text it resolved to.
type figure struct{ key, text string }

// Stats count what a build took from the cache.
type Stats struct {
	// Hits were served from the cache; Misses were rendered.
	Hits, Misses int64
}

// Open reads the cache in dir. The fingerprint identifies everything besides
// the markdown and its figures that rendered output depends on; entries
// written under another fingerprint are discarded.
func Open(dir string, fingerprint [32]byte) *Cache {
	c := &Cache{
		path:        filepath.Join(dir, FileName),
		fingerprint: fingerprint,
		old:         map[digest.Key]*entry{},
		cur:         map[digest.Key]*entry{},
	}
	b, err := os.ReadFile(c.path)
	if err != nil {
		return c
	}
	old, err := decode(b, fingerprint)
	if err != nil {
		// A file from another binary, config or theme, or one cut short
		// by a crash: start afresh and overwrite it at Save.
		c.stale = true
		return c
	}
	c.old = old
	return c
}

// Render returns the HTML render would make of src with figures, from the
// cache when an entry for the same settings and source exists and every
// figure it cited resolves to the same text. Output with problems is never
// cached, so problems are reported on every build until they are fixed.
// settings must name every renderer option that changes output; render is
// markdown.Renderer.Render or a function that renders as it does.
func (c *Cache) Render(settings string, src []byte, figures markdown.Resolver, render func([]byte, markdown.Resolver) ([]byte, []markdown.Problem)) ([]byte, []markdown.Problem) {
	key := entryKey(settings, src)
	c.mu.Lock()
	e, ok := c.cur[key]
	if !ok {
		e, ok = c.old[key]
	}
	c.mu.Unlock()
	if ok && e.valid(figures) {
		c.hits.Add(1)
		c.mu.Lock()
		c.cur[key] = e
		c.mu.Unlock()
		return bytes.Clone(e.html), nil
	}
	c.misses.Add(1)
	rec := &recorder{resolve: figures}
	var resolver markdown.Resolver
	if figures != nil {
		resolver = rec.lookup
	}
	html, problems := render(src, resolver)
	if len(problems) > 0 {
		return html, problems
	}
	c.mu.Lock()
	c.cur[key] = &entry{html: bytes.Clone(html), figures: rec.seen}
	c.mu.Unlock()
	return html, nil
}

// valid reports whether every figure e cited still resolves to the same text.
func (e *entry) valid(figures markdown.Resolver) bool {
	if len(e.figures) > 0 && figures == nil {
		return false
	}
	for _, f := range e.figures {
		text, err := figures(f.key)
		if err != nil || text != f.text {
			return false
		}
	}
	return true
}

// recorder notes the figures a render resolves. The renderer calls it from
// one goroutine per document.
type recorder struct {
	resolve markdown.Resolver
	seen    []figure
}

func (r *recorder) lookup(key string) (string, error) {
	text, err := r.resolve(key)
	if err == nil {
		r.seen = append(r.seen, figure{key: key, text: text})
	}
	return text, err
}

func entryKey(settings string, src []byte) digest.Key {
	// The settings, then the source's own digest: two hashes over the
	// bytes, no hasher to allocate for each of a build's documents.
	sum := digest.Bytes(src)
	var buf [128]byte
	b := binary.AppendUvarint(buf[:0], uint64(len(settings)))
	b = append(b, settings...)
	b = append(b, sum[:]...)
	return digest.Bytes(b)
}

// Stats returns the hits and misses so far.
func (c *Cache) Stats() Stats { return Stats{Hits: c.hits.Load(), Misses: c.misses.Load()} }

// Save writes the entries this build used, replacing the file atomically,
// unless they differ too little from what the file holds to be worth
// rewriting it (see worthWriting).
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stale && !worthWriting(c.old, c.cur) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return fmt.Errorf("save build cache: %w", err)
	}
	if err := writeCacheFile(c.path, encode(c.fingerprint, c.cur)); err != nil {
		return fmt.Errorf("save build cache: %w", err)
	}
	c.old, c.stale = c.cur, false
	c.cur = make(map[digest.Key]*entry, len(c.old))
	for k, v := range c.old {
		c.cur[k] = v
	}
	return nil
}

// worthWriting reports whether a cache whose file holds old and whose build
// used cur should be rewritten: when at least one entry in a hundred was
// added or dropped. Rewriting tens of megabytes for an on-call's one-line
// update would cost more than it saves: an entry left out is just made
// again by the next build (one document parsed or rendered), and once
// enough such entries pile up the file is rewritten.
func worthWriting[V any](old, cur map[digest.Key]V) bool {
	n := 0
	for k := range cur {
		if _, ok := old[k]; !ok {
			n++
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			n++
		}
	}
	return n > 0 && n*100 >= max(len(cur), len(old))
}

// Clear removes the cache file in dir (bulletin build --no-cache does not
// need it; a user who suspects the cache can delete it).
func Clear(dir string) error {
	err := os.Remove(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// File format: magic, fingerprint (32 bytes), entry count (uvarint), then
// per entry its key (16 bytes), figure count, figures as (key, text) pairs
// and the HTML, every string as uvarint length and bytes; finally the CRC-32C
// of everything before it.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

func encode(fp [32]byte, entries map[digest.Key]*entry) []byte {
	size := len(magic) + 32 + 16
	for _, e := range entries {
		size += 16 + 8 + len(e.html) + 8
		for _, f := range e.figures {
			size += len(f.key) + len(f.text) + 8
		}
	}
	b := make([]byte, 0, size)
	b = append(b, magic...)
	b = append(b, fp[:]...)
	b = binary.AppendUvarint(b, uint64(len(entries)))
	putString := func(s []byte) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for k, e := range entries {
		b = append(b, k[:]...)
		b = binary.AppendUvarint(b, uint64(len(e.figures)))
		for _, f := range e.figures {
			putString([]byte(f.key))
			putString([]byte(f.text))
		}
		putString(e.html)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

var errCorrupt = errors.New("corrupt build cache")

// decode parses a cache file. The HTML of the entries aliases b.
func decode(b []byte, fp [32]byte) (map[digest.Key]*entry, error) {
	if len(b) < len(magic)+32+4 || !bytes.Equal(b[:len(magic)], magic) {
		return nil, errCorrupt
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errCorrupt
	}
	if !bytes.Equal(body[len(magic):len(magic)+32], fp[:]) {
		return nil, errors.New("build cache of another binary, config or theme")
	}
	r := binrec.NewReader(body[len(magic)+32:])
	n := r.Uvarint()
	out := make(map[digest.Key]*entry, min(n, uint64(r.Len()/16)))
	for i := uint64(0); i < n && r.Err() == nil; i++ {
		var k digest.Key
		copy(k[:], r.Bytes(16))
		e := &entry{}
		nf := r.Uvarint()
		for j := uint64(0); j < nf && r.Err() == nil; j++ {
			key := r.String()
			text := r.String()
			e.figures = append(e.figures, figure{key, text})
		}
		e.html = r.Bytes(r.Uvarint())
		out[k] = e
	}
	if r.Err() != nil || r.Len() != 0 {
		return nil, errCorrupt
	}
	return out, nil
}
