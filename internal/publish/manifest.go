package publish

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// ManifestKey is the object, under the target's prefix, in which a
// successful publish records what it verified about the site's objects, so
// that the next run need not read the attributes of objects the listing
// shows untouched since. Like the lock, it is never uploaded from or deleted
// as part of the site.
const ManifestKey = ".bulletin-publish.manifest"

// listed is what a bucket listing says of an object.
type listed struct {
	size    int64
	modTime time.Time
	// md5 is the digest the store lists (the ETag of a single-part S3
	// upload, the MD5 fileblob and memblob keep), or nil.
	md5 []byte
}

// A manifestEntry binds what a listing showed of an object to what bulletin
// verified the object held in that state, by reading its attributes: the
// MD5 of its bytes and the hash of its headers. Every write of an object
// gives it a new ModTime (and, where the store lists one, a new digest when
// the bytes differ), so while a listing shows the same size, ModTime and
// digest, nothing has written the object since and what was verified still
// holds, whoever wrote what in between.
//
// An entry is only ever made from a listing taken before the attributes
// were read, never from an upload's own idea of what it stored: an object
// uploaded by a run is verified by the next run's listing and attributes.
type manifestEntry struct {
	size    int64
	modTime int64  // as listed, in Unix nanoseconds
	listMD5 string // the listed digest's bytes, "" if none
	md5     [16]byte
	headers string // Headers.hash()
}

// entryFor returns the entry for an object listed as l that holds f's bytes
// and headers. ok is false when the listing has no ModTime to go by, or one
// after racy: stores keep ModTime to the second or the millisecond, so an
// object written again within that time of the write listed can keep its
// ModTime (and, when the bytes are the same, its digest) although its
// headers changed. An object listed as written less than racyWindow before
// the run started (by the local clock) is verified again by the next run
// instead.
func entryFor(l listed, f *Upload, racy time.Time) (e manifestEntry, ok bool) {
	if l.modTime.IsZero() || l.modTime.Year() < 1700 || !l.modTime.Before(racy) || len(f.MD5) != 16 {
		return e, false // no ModTime, one UnixNano cannot hold, or too recent
	}
	e = manifestEntry{size: l.size, modTime: l.modTime.UnixNano(), listMD5: string(l.md5), headers: f.Headers.hash()}
	copy(e.md5[:], f.MD5)
	return e, true
}

// vouchesFor reports whether the object listed as l is in the state e
// was verified in.
func (e manifestEntry) vouchesFor(l listed) bool {
	return !l.modTime.IsZero() && e.size == l.size && e.modTime == l.modTime.UnixNano() && e.listMD5 == string(l.md5)
}

// compare is compare for an object known by its entry.
func (e manifestEntry) compare(f *Upload) Reason {
	if e.size != f.Size || !bytes.Equal(e.md5[:], f.MD5) {
		return ReasonContent
	}
	if e.headers != f.Headers.hash() {
		return ReasonHeaders
	}
	return ""
}

// The manifest is text, one object a line, so that it is quick to read
// for a site of many thousand files and can be looked at with a pager:
//
//	bulletin publish manifest 1
//	headers 5e1f… 9a0c…
//	4521 1793512800123456789 3f2a…9c1b = 0 "incidents/db-outage/index.html"
//
// An object line has the size and ModTime (Unix ns) listed, the MD5 of the
// bytes stored, the digest listed ("=" for the same MD5, "-" for none), the
// index of its header hash on the headers line, and the key, quoted as in
// Go. Keys are sorted, so that an unchanged manifest encodes the same.
//
// The number on the first line changes whenever the format or the meaning
// of an entry does; a manifest of another version is ignored.
const manifestHeader = "bulletin publish manifest 1"

func encodeManifest(entries map[string]manifestEntry) []byte {
	idx := map[string]int{}
	for _, e := range entries {
		idx[e.headers] = 0
	}
	hashes := slices.Sorted(maps.Keys(idx))
	b := make([]byte, 0, 64+len(hashes)*33+len(entries)*120)
	b = append(b, manifestHeader+"\nheaders"...)
	for i, h := range hashes {
		idx[h] = i
		b = append(b, ' ')
		b = append(b, h...)
	}
	b = append(b, '\n')
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		e := entries[k]
		b = strconv.AppendInt(b, e.size, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.modTime, 10)
		b = append(b, ' ')
		b = hex.AppendEncode(b, e.md5[:])
		switch {
		case e.listMD5 == string(e.md5[:]):
			b = append(b, " ="...)
		case e.listMD5 == "":
			b = append(b, " -"...)
		default:
			b = append(b, ' ')
			b = hex.AppendEncode(b, []byte(e.listMD5))
		}
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(idx[e.headers]), 10)
		b = append(b, ' ')
		b = strconv.AppendQuote(b, k)
		b = append(b, '\n')
	}
	return b
}

func decodeManifest(b []byte) (map[string]manifestEntry, error) {
	lines := newLineReader(b)
	if first := lines.next(); first != manifestHeader {
		if strings.HasPrefix(first, "bulletin publish manifest ") {
			return nil, errOtherVersion
		}
		return nil, errors.New("not a publish manifest")
	}
	hashes, ok := strings.CutPrefix(lines.next(), "headers")
	if !ok {
		return nil, fmt.Errorf("line 2: no headers")
	}
	headers := strings.Fields(hashes)
	entries := map[string]manifestEntry{}
	for line := lines.next(); line != ""; line = lines.next() {
		f, key, ok := cutFields(line, 5)
		if !ok {
			return nil, lines.malformed()
		}
		var p fieldParser
		e := manifestEntry{size: p.size(f[0]), modTime: p.int(f[1]), md5: p.md5(f[2])}
		switch f[3] {
		case "=":
			e.listMD5 = string(e.md5[:])
		case "-":
		default:
			e.listMD5 = p.hex(f[3])
		}
		h := p.int(f[4])
		k := p.quoted(key)
		if p.failed || h < 0 || h >= int64(len(headers)) {
			return nil, lines.malformed()
		}
		e.headers = headers[h]
		entries[k] = e
	}
	if !lines.done() {
		return nil, lines.malformed()
	}
	return entries, nil
}

// errOtherVersion is a manifest or cache of another format version, which
// is ignored quietly: it was written by another release of bulletin.
var errOtherVersion = errors.New("written by another version")

// lineReader returns the lines of a text one by one.
type lineReader struct {
	s string
	n int // number of the line last returned
}

func newLineReader(b []byte) *lineReader { return &lineReader{s: string(b)} }

// next returns the next line without its newline, "" at the end.
func (r *lineReader) next() string {
	r.n++
	line, rest, _ := strings.Cut(r.s, "\n")
	r.s = rest
	return line
}

// done reports whether every line has been read.
func (r *lineReader) done() bool { return r.s == "" }

// malformed is the error for the line last returned.
func (r *lineReader) malformed() error { return fmt.Errorf("line %d: malformed", r.n) }

// cutFields returns the first n space-separated fields of line and the
// rest of it after the space that follows them.
func cutFields(line string, n int) (fields []string, rest string, ok bool) {
	fields = make([]string, 0, n)
	for range n {
		var f string
		f, line, ok = strings.Cut(line, " ")
		if !ok || f == "" {
			return nil, "", false
		}
		fields = append(fields, f)
	}
	return fields, line, line != ""
}

// readManifest returns the target's manifest, and whether there is one.
// A manifest that cannot be read (or is not one) is none, with a notice:
// without it every object's attributes are read, as if no run had written
// one, and the run replaces it.
func (p *Publisher) readManifest(ctx context.Context) (entries map[string]manifestEntry, found, valid bool) {
	var raw []byte
	err := p.retry(ctx, "read manifest", func() error {
		var err error
		raw, err = p.bucket.ReadAll(ctx, ManifestKey)
		return err
	})
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, false, false
	}
	if err == nil {
		entries, err = decodeManifest(raw)
	}
	if err != nil {
		// Another bulletin's manifest, or one this run was stopped
		// reading, is no news.
		if ctx.Err() == nil && !errors.Is(err, errOtherVersion) {
			p.logf("ignoring the publish manifest %s (reading every object's attributes instead): %v", ManifestKey, err)
		}
		return nil, true, false
	}
	return entries, true, true
}

// writeManifest replaces the target's manifest.
func (p *Publisher) writeManifest(ctx context.Context, entries map[string]manifestEntry) error {
	b := encodeManifest(entries)
	return p.retry(ctx, "write manifest", func() error {
		return p.bucket.Upload(ctx, ManifestKey, bytes.NewReader(b), &blob.WriterOptions{
			ContentType:  "text/plain; charset=utf-8",
			CacheControl: "no-store",
		})
	})
}

// fieldParser parses the fields of a line, remembering whether one failed.
type fieldParser struct{ failed bool }

func (p *fieldParser) check(err error) {
	if err != nil {
		p.failed = true
	}
}

func (p *fieldParser) int(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	p.check(err)
	return n
}

// size is a non-negative int.
func (p *fieldParser) size(s string) int64 {
	n := p.int(s)
	if n < 0 {
		p.failed = true
	}
	return n
}

func (p *fieldParser) uint(s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	p.check(err)
	return n
}

func (p *fieldParser) hex(s string) string {
	b, err := hex.DecodeString(s)
	p.check(err)
	return string(b)
}

func (p *fieldParser) md5(s string) [16]byte {
	var sum [16]byte
	if len(s) != 2*len(sum) {
		p.failed = true
		return sum
	}
	_, err := hex.Decode(sum[:], []byte(s))
	p.check(err)
	return sum
}

func (p *fieldParser) quoted(s string) string {
	q, err := strconv.Unquote(s)
	p.check(err)
	return q
}
