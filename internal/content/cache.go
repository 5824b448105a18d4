package content

import (
	"encoding/binary"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/fileid"
)

// ParseCache keeps what parsing a content file's front matter produced, so
// that a build need not parse again a file it parsed before: on a site of
// thousands of incidents, parsing YAML is most of what loading costs.
// internal/buildcache keeps one between builds.
//
// Values are opaque to the cache. They are strings, which the values
// decoded from them share: a warm load decodes every content file of the
// site, and copying each value out of the cache's storage would cost as
// much as decoding it. Implementations must be safe for concurrent use,
// and must only ever return a value Put under the same key by a program
// of the same build; a cache that lost or never had an entry just makes
// the file parse again.
type ParseCache interface {
	// Get returns the value stored under key, and false when there is
	// none.
	Get(key digest.Key) (string, bool)
	// Put stores value under key.
	Put(key digest.Key, value string)
}

// Loader loads content files. The zero Loader parses every file, as the
// package's Load functions do.
//
// With a Cache, a file whose path and bytes the cache has seen before is
// not parsed again: the cache holds the document and its decoded front
// matter, exactly as parsing the file made them, and the validation that
// turns them into a report, incident or maintenance window — against the
// site's zone and components — runs on every load, so a changed config
// shows in its results as it does without cache. Only files that loaded
// without problems are cached: a file with problems is parsed on every
// load and reports them in the same words.
//
// With Sources, a file whose identity (size, times, inode: see fileid) is
// the one it had at an earlier load is not even read: Sources holds the
// bytes it had then. A file changed since has a new identity, whatever
// its new bytes; one changed less than racyWindow before it was read is
// not kept, since a second change within the file system's time
// granularity could leave its identity as it was.
type Loader struct {
	// Cache, when set, holds decoded files between loads.
	Cache ParseCache
	// Sources, when set, holds the bytes of files left alone between
	// loads, by path and identity.
	Sources ParseCache
	// Now is the wall clock, for telling files changed just before they
	// were read (time.Now when nil).
	Now func() time.Time
}

// racyWindow is how long before it is read a file must have been last
// changed for Sources to keep its bytes: file systems keep times at a
// granularity between a nanosecond and two seconds, and the kernel's clock
// for them ticks in milliseconds.
const racyWindow = 2 * time.Second

// sourceVersion goes into every Sources key: change it if what the key
// covers or what the value holds changes.
const sourceVersion = "bulletin content source 1"

// read reads the content file path as readContent does, through Sources
// when it is set.
func (l Loader) read(path, root string) ([]byte, error) {
	if l.Sources == nil {
		return readContent(path, root)
	}
	fi, link, err := statContent(path, root)
	if err != nil {
		return nil, err
	}
	if link {
		// The link's target can change without the link changing.
		return readFile(path)
	}
	id := fileid.Of(fi)
	key := sourceKey(path, id)
	if v, ok := l.Sources.Get(key); ok {
		return []byte(v), nil
	}
	src, err := readFile(path)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	// Without a change time (a platform that has none), a file restored
	// with its old modification time would look unchanged: keep nothing.
	settled := now().Add(-racyWindow).UnixNano()
	if id.CTime != 0 && id.CTime < settled && id.MTime < settled && int64(len(src)) == id.Size {
		l.Sources.Put(key, string(src))
	}
	return src, nil
}

// sourceKey is the Sources key of the file at path with identity id.
func sourceKey(path string, id fileid.ID) digest.Key {
	b := make([]byte, 0, 64+len(sourceVersion)+len(path))
	for _, s := range []string{sourceVersion, path} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, id.Size)
	b = binary.AppendVarint(b, id.MTime)
	b = binary.AppendVarint(b, id.CTime)
	b = binary.AppendUvarint(b, id.Inode)
	return digest.Bytes(b)
}

// cacheVersion goes into every cache key: change it whenever the encoding
// (codec.go), the front matter types or what Decode makes of a file
// change, so that entries written by older code are never read. The store
// adds the identity of the binary on top.
const cacheVersion = "bulletin content documents 3"

// Kinds of content file, in cache keys: the same bytes decode into a
// different front matter type in each.
const (
	kindReport       = "report"
	kindIncident     = "incident"
	kindMaintenance  = "maintenance"
	kindAnnouncement = "announcement"
)

// cacheKey digests everything decoding a file of kind depends on: the
// code (cacheVersion), the path (it is in the Document and every message)
// and the bytes.
func cacheKey(kind, path string, src []byte) digest.Key {
	var buf [256]byte
	b := buf[:0]
	for _, s := range []string{cacheVersion, kind, path} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	sum := digest.Bytes(src)
	b = append(b, sum[:]...)
	return digest.Bytes(b)
}

// cacheable is the pointer type of a front matter struct the cache can
// hold (see codec.go).
type cacheable[M any] interface {
	*M
	encode(e *encoder)
	decode(d *decoder)
}

// parse decodes the front matter of src into a new M and makes a value of
// it with build, which validates. Through the cache, the document and the
// front matter of an unchanged file come from the cache instead of
// Decode; build always runs. What Decode made is stored only when build
// found no problem.
func parse[R any, M any, P cacheable[M]](l Loader, kind, path string, src []byte, build func(*Document, *M) (R, error)) (R, error) {
	var zero R
	if l.Cache == nil {
		var m M
		doc, err := Decode(path, src, P(&m))
		if err != nil {
			return zero, err
		}
		return build(doc, &m)
	}
	key := cacheKey(kind, path, src)
	if b, ok := l.Cache.Get(key); ok {
		var m M
		if doc, ok := decodeEntry(b, path, src, P(&m)); ok {
			return build(doc, &m)
		}
		// An entry that does not decode (it cannot happen short of a
		// bug) only costs the parse.
	}
	var m M
	doc, err := Decode(path, src, P(&m))
	if err != nil {
		return zero, err
	}
	v, err := build(doc, &m)
	if err != nil {
		return v, err
	}
	if b, ok := encodeEntry(doc, src, P(&m)); ok {
		l.Cache.Put(key, string(b))
	}
	return v, nil
}

func (l Loader) parseReport(path string, src []byte, loc *time.Location) (*Report, error) {
	return parse(l, kindReport, path, src, func(doc *Document, m *reportMeta) (*Report, error) {
		return newReport(doc, m, loc)
	})
}

func (l Loader) parseIncident(path string, src []byte, cfg *config.Config) (*Incident, error) {
	return parse(l, kindIncident, path, src, func(doc *Document, m *incidentMeta) (*Incident, error) {
		return newIncident(doc, m, cfg)
	})
}

func (l Loader) parseMaintenance(path string, src []byte, cfg *config.Config) (*Maintenance, error) {
	return parse(l, kindMaintenance, path, src, func(doc *Document, m *maintenanceMeta) (*Maintenance, error) {
		return newMaintenance(doc, m, cfg)
	})
}

func (l Loader) parseAnnouncement(path string, src []byte, cfg *config.Config) (*Announcement, error) {
	return parse(l, kindAnnouncement, path, src, func(doc *Document, m *announcementMeta) (*Announcement, error) {
		return newAnnouncement(doc, m, cfg)
	})
}
