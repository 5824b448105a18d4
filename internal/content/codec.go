package content

import (
	"bytes"
	"encoding/binary"
	"maps"
	"slices"
	"time"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

// The cache encoding of a decoded file: compact, and cheap to decode,
// since a warm build decodes every content file of the site. Every value
// decodes to one deep-equal to the value encoded (codec_test.go), nil and
// empty slices and maps told apart.
//
// An entry is the Document, then the front matter struct. The Document
// holds the front matter format, FrontLine, BodyLine, where the body
// starts in the normalized file, and the key lines: the keys, sorted and
// concatenated, then each key's length and line; its path
// and body come from the file being loaded, whose path and bytes are in
// the entry's key. Integers are varints, strings a length and bytes;
// slices and maps are a count plus one, 0 for nil; a Timestamp is its raw
// text, a flags byte (1 local, 2 has a time) and the time as Unix seconds
// (8 bytes, little-endian) and nanoseconds.

// encoder appends the encoding of values to b.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)     { e.b = binary.AppendVarint(e.b, int64(v)) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// count writes the length of a slice or map, 0 when it is nil.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *encoder) strings(s []string) {
	e.count(len(s), s == nil)
	for _, v := range s {
		e.string(v)
	}
}

// stringMap writes m sorted by key, so that equal maps encode alike.
func (e *encoder) stringMap(m map[string]string) {
	e.count(len(m), m == nil)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.string(k)
		e.string(m[k])
	}
}

const (
	tsLocal   = 1
	tsHasTime = 2
)

func (e *encoder) timestamp(ts Timestamp) {
	e.string(ts.Raw)
	var flags byte
	if ts.local {
		flags |= tsLocal
	}
	if !ts.t.IsZero() {
		flags |= tsHasTime
	}
	e.b = append(e.b, flags)
	if flags&tsHasTime != 0 {
		e.b = binary.LittleEndian.AppendUint64(e.b, uint64(ts.t.Unix()))
		e.uint(uint64(ts.t.Nanosecond()))
	}
}

// decoder reads values from s, the entry, which the strings decoded
// share, at off. A read past the end or a malformed value sets failed and
// reads zeros from then on. It advances an offset rather than reslicing s:
// the decoder is passed to the front matter types' decode methods, so it
// lives on the heap, and every store of a string there is a pointer write
// the garbage collector must see.
type decoder struct {
	s      string
	off    int
	failed bool
}

func (d *decoder) fail() {
	d.failed = true
	d.off = len(d.s)
}

// left returns the number of bytes not read yet.
func (d *decoder) left() int { return len(d.s) - d.off }

func (d *decoder) uint() uint64 {
	var v uint64
	for i := 0; i < binary.MaxVarintLen64 && d.off+i < len(d.s); i++ {
		c := d.s[d.off+i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.off += i + 1
			return v
		}
	}
	d.fail()
	return 0
}

func (d *decoder) int64() int64 {
	u := d.uint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) int() int { return int(d.int64()) }

// uint64 reads 8 bytes, little-endian: Unix times, which as varints would
// take as many bytes and a loop to read.
func (d *decoder) uint64() uint64 {
	if d.left() < 8 {
		d.fail()
		return 0
	}
	s := d.s[d.off : d.off+8]
	d.off += 8
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func (d *decoder) byte() byte {
	if d.left() <= 0 {
		d.fail()
		return 0
	}
	d.off++
	return d.s[d.off-1]
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *decoder) string() string {
	n := d.uint()
	if n > uint64(d.left()) {
		d.fail()
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

// count reads what encoder.count wrote: the length and whether the slice
// or map is nil. Every element takes at least a byte, so a count beyond
// the bytes left is malformed (and is not allocated for).
func (d *decoder) count() (n int, isNil bool) {
	c := d.uint()
	if c == 0 {
		return 0, true
	}
	if c-1 > uint64(d.left()) {
		d.fail()
		return 0, true
	}
	return int(c - 1), false
}

func (d *decoder) strings() []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	s := make([]string, n)
	for i := range s {
		s[i] = d.string()
	}
	return s
}

func (d *decoder) stringMap() map[string]string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.string()
		m[k] = d.string()
	}
	return m
}

func (d *decoder) timestamp() Timestamp {
	ts := Timestamp{Raw: d.string()}
	flags := d.byte()
	if flags&^(tsLocal|tsHasTime) != 0 {
		d.fail()
		return Timestamp{}
	}
	ts.local = flags&tsLocal != 0
	if flags&tsHasTime != 0 {
		sec := int64(d.uint64())
		nsec := d.uint()
		if nsec >= 1e9 {
			d.fail()
			return Timestamp{}
		}
		ts.t = time.Unix(sec, int64(nsec)).UTC()
	}
	return ts
}

// Front matter formats in the encoding.
const (
	formatYAML = 0
	formatTOML = 1
)

// encodeEntry encodes doc, decoded from src, and its front matter m. It
// returns false for a document it cannot encode (a body that is not the end
// of the file, which Decode does not make).
func encodeEntry(doc *Document, src []byte, m interface{ encode(*encoder) }) ([]byte, bool) {
	norm := normalize(src)
	if !bytes.HasSuffix(norm, doc.Body) {
		return nil, false
	}
	e := encoder{b: make([]byte, 0, 64+len(src)-len(doc.Body))}
	switch doc.Format {
	case YAML:
		e.b = append(e.b, formatYAML)
	case TOML:
		e.b = append(e.b, formatTOML)
	default:
		return nil, false
	}
	e.int(doc.FrontLine)
	e.int(doc.BodyLine)
	e.uint(uint64(len(norm) - len(doc.Body)))
	t := &doc.lines
	e.count(len(t.refs), t.refs == nil)
	if t.refs != nil {
		e.string(t.keys)
		start := uint32(0)
		for _, r := range t.refs {
			e.uint(uint64(r.end - start))
			e.int(int(r.line))
			start = r.end
		}
	}
	m.encode(&e)
	return e.b, true
}

// decodeEntry decodes an entry of the file path with bytes src into a
// Document and m, and returns false when b is malformed. The strings
// decoded share b.
func decodeEntry(b string, path string, src []byte, m interface{ decode(*decoder) }) (*Document, bool) {
	d := decoder{s: b}
	doc := &Document{Path: path, Source: digest.Bytes(src)}
	switch d.byte() {
	case formatYAML:
		doc.Format = YAML
	case formatTOML:
		doc.Format = TOML
	default:
		return nil, false
	}
	doc.FrontLine = d.int()
	doc.BodyLine = d.int()
	start := d.uint()
	if n, isNil := d.count(); !isNil {
		// Sorted by key, as Document.line needs: encodeEntry wrote them
		// from a Document, and the store checksums what it keeps.
		t := keyLines{keys: d.string(), refs: make([]keyRef, n)}
		end := uint64(0)
		for i := range t.refs {
			end += d.uint()
			t.refs[i] = keyRef{end: uint32(end), line: int32(d.int())}
		}
		if end != uint64(len(t.keys)) {
			d.fail()
		}
		doc.lines = t
	}
	m.decode(&d)
	norm := normalize(src)
	if d.failed || d.left() != 0 || start > uint64(len(norm)) {
		return nil, false
	}
	// Decode gives the body a buffer of its own; so does the cache.
	doc.Body = bytes.Clone(norm[start:])
	return doc, true
}

func (g *Goal) encode(e *encoder) {
	for _, s := range []string{g.Title, g.Status, g.Note, g.Owner, g.Milestone, g.Issue} {
		e.string(s)
	}
}

func (g *Goal) decode(d *decoder) {
	for _, s := range []*string{&g.Title, &g.Status, &g.Note, &g.Owner, &g.Milestone, &g.Issue} {
		*s = d.string()
	}
}

func encodeGoals(e *encoder, goals []Goal) {
	e.count(len(goals), goals == nil)
	for i := range goals {
		goals[i].encode(e)
	}
}

func decodeGoals(d *decoder) []Goal {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	goals := make([]Goal, n)
	for i := range goals {
		goals[i].decode(d)
	}
	return goals
}

func (m *reportMeta) encode(e *encoder) {
	e.string(m.Title)
	e.string(m.Month)
	e.timestamp(m.Date)
	e.bool(m.Draft)
	e.strings(m.Authors)
	e.strings(m.Summary)
	encodeGoals(e, m.Goals)
	encodeGoals(e, m.NextGoals)
	e.string(m.Description)
}

func (m *reportMeta) decode(d *decoder) {
	m.Title = d.string()
	m.Month = d.string()
	m.Date = d.timestamp()
	m.Draft = d.bool()
	m.Authors = d.strings()
	m.Summary = d.strings()
	m.Goals = decodeGoals(d)
	m.NextGoals = decodeGoals(d)
	m.Description = d.string()
}

func (m *incidentMeta) encode(e *encoder) {
	e.string(m.Title)
	e.string(m.Impact)
	e.timestamp(m.Started)
	e.timestamp(m.Resolved)
	e.strings(m.Components)
	e.string(m.CausedBy)
	e.count(len(m.Updates), m.Updates == nil)
	for _, u := range m.Updates {
		e.timestamp(u.At)
		e.string(u.Status)
		e.string(u.Body)
		e.stringMap(u.Components)
	}
}

func (m *incidentMeta) decode(d *decoder) {
	m.Title = d.string()
	m.Impact = d.string()
	m.Started = d.timestamp()
	m.Resolved = d.timestamp()
	m.Components = d.strings()
	m.CausedBy = d.string()
	n, isNil := d.count()
	if isNil {
		return
	}
	m.Updates = make([]updateMeta, n)
	for i := range m.Updates {
		u := &m.Updates[i]
		u.At = d.timestamp()
		u.Status = d.string()
		u.Body = d.string()
		u.Components = d.stringMap()
	}
}

func (m *maintenanceMeta) encode(e *encoder) {
	e.string(m.Title)
	e.timestamp(m.ScheduledFor)
	e.timestamp(m.ScheduledUntil)
	e.strings(m.Components)
	e.bool(m.CountsAgainstAvailability)
	e.count(len(m.Updates), m.Updates == nil)
	for _, u := range m.Updates {
		e.timestamp(u.At)
		e.string(u.Status)
		e.string(u.Body)
	}
}

func (m *maintenanceMeta) decode(d *decoder) {
	m.Title = d.string()
	m.ScheduledFor = d.timestamp()
	m.ScheduledUntil = d.timestamp()
	m.Components = d.strings()
	m.CountsAgainstAvailability = d.bool()
	n, isNil := d.count()
	if isNil {
		return
	}
	m.Updates = make([]maintenanceUpdateMeta, n)
	for i := range m.Updates {
		u := &m.Updates[i]
		u.At = d.timestamp()
		u.Status = d.string()
		u.Body = d.string()
	}
}

func (m *announcementMeta) encode(e *encoder) {
	e.string(m.Title)
	e.string(m.Kind)
	e.timestamp(m.Effective)
	e.timestamp(m.TestingFrom)
	e.string(m.StagingURL)
	e.strings(m.Components)
	e.strings(m.APIs)
	e.count(len(m.Updates), m.Updates == nil)
	for _, u := range m.Updates {
		e.timestamp(u.At)
		e.string(u.Status)
		e.string(u.Body)
	}
}

func (m *announcementMeta) decode(d *decoder) {
	m.Title = d.string()
	m.Kind = d.string()
	m.Effective = d.timestamp()
	m.TestingFrom = d.timestamp()
	m.StagingURL = d.string()
	m.Components = d.strings()
	m.APIs = d.strings()
	n, isNil := d.count()
	if isNil {
		return
	}
	m.Updates = make([]announcementUpdateMeta, n)
	for i := range m.Updates {
		u := &m.Updates[i]
		u.At = d.timestamp()
		u.Status = d.string()
		u.Body = d.string()
	}
}
