package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"

	"github.com/bulletin-dev/bulletin/internal/fileid"
)

// Metadata keys bulletin stores on every object it uploads. Drivers
// lowercase metadata keys, so these are lowercase.
const (
	metaMD5     = "bulletin-md5"
	metaHeaders = "bulletin-headers"
)

// Reason says why a file is uploaded.
type Reason string

// Reasons for an upload.
const (
	ReasonNew     Reason = "new"
	ReasonContent Reason = "changed"
	ReasonHeaders Reason = "headers changed"
)

// Upload is one file a run sends.
type Upload struct {
	// Key is the object key, the file's slash path relative to the site.
	Key   string
	Phase Phase
	// Step orders the uploads: those of one step are sent together, once
	// every upload of the steps before has succeeded (see order).
	Step   int
	Reason Reason
	// Size is the number of bytes sent: the gzipped size when Headers
	// has gzip Content-Encoding.
	Size    int64
	Headers Headers
	// MD5 is the digest of the bytes sent.
	MD5 []byte

	path  string
	local localFile
}

// Plan is what a run would do to make the bucket equal the directory.
type Plan struct {
	// Uploads in the order they run: by step, phase, then key.
	Uploads []Upload
	// Deletes are keys present in the bucket but not locally, sorted.
	Deletes []string
	// Unchanged counts local files already up to date in the bucket.
	Unchanged int

	// manifest is what a successful run records for the next: the
	// objects verified up to date, by the manifest or by their attributes.
	manifest map[string]manifestEntry
	// writeManifest is set when manifest differs from the stored one.
	writeManifest bool
	// cache is the digest cache the scan made.
	cache *digestCache
}

// Bytes is the number of bytes the uploads send.
func (pl *Plan) Bytes() int64 {
	var n int64
	for _, u := range pl.Uploads {
		n += u.Size
	}
	return n
}

// Plan compares dir with the bucket and returns what a run would change.
// It only reads the bucket: one listing, the manifest, and the attributes
// of the objects the manifest does not vouch for. It reads the local files
// the digest cache does not know, and updates the cache.
func (p *Publisher) Plan(ctx context.Context, dir string) (*Plan, error) {
	var (
		local    []Upload
		cache    *digestCache
		remote   map[string]listed
		manifest map[string]manifestEntry
		// found: there is a manifest; valid: it could be read.
		found, valid bool
	)
	// Objects listed as written after racy are not entered in the
	// manifest yet (see entryFor).
	racy := p.opts.Now().Add(-racyWindow)
	// Local files are read while the bucket is listed and the manifest
	// read: the manifest's entries hold whenever it is read (see
	// manifestEntry).
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		local, cache, err = p.scan(gctx, dir)
		return err
	})
	g.Go(func() error {
		var err error
		remote, err = p.listRemote(gctx)
		return err
	})
	if !p.opts.NoManifest {
		g.Go(func() error {
			manifest, found, valid = p.readManifest(gctx)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(local) == 0 {
		return nil, fmt.Errorf("%s: %w: refusing to publish an empty site (run bulletin build first)", dir, ErrEmptySite)
	}

	plan := &Plan{cache: cache}
	reasons := make([]Reason, len(local))
	entries := make([]manifestEntry, len(local))
	verified := make([]bool, len(local))
	var vouched int
	var attrReads atomic.Int64
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Workers)
	for i := range local {
		f := &local[i]
		l, ok := remote[f.Key]
		switch {
		case !ok:
			reasons[i] = ReasonNew
			continue
		case l.size != f.Size:
			reasons[i] = ReasonContent
			continue
		}
		if e, ok := manifest[f.Key]; ok && e.vouchesFor(l) {
			reasons[i] = e.compare(f)
			entries[i], verified[i] = e, reasons[i] == ""
			vouched++
			continue
		}
		g.Go(func() error {
			attrReads.Add(1)
			var attrs *blob.Attributes
			err := p.retry(gctx, "read attributes of "+f.Key, func() error {
				var err error
				attrs, err = p.bucket.Attributes(gctx, f.Key)
				return err
			})
			if gcerrors.Code(err) == gcerrors.NotFound {
				// Deleted by someone else since the listing.
				reasons[i] = ReasonNew
				return nil
			}
			if err != nil {
				return err
			}
			reasons[i] = compare(f, attrs)
			if reasons[i] == "" {
				// The listing was taken before the attributes were
				// read: if the object was written in between, the
				// next listing shows a ModTime this entry does not.
				entries[i], verified[i] = entryFor(l, f, racy)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if !p.opts.NoManifest {
		plan.manifest = map[string]manifestEntry{}
	}
	for i, f := range local {
		delete(remote, f.Key)
		if verified[i] && plan.manifest != nil {
			plan.manifest[f.Key] = entries[i]
		}
		if reasons[i] == "" {
			plan.Unchanged++
			continue
		}
		f.Reason = reasons[i]
		plan.Uploads = append(plan.Uploads, f)
	}
	// An unreadable manifest is replaced, a stale one updated; none is not
	// worth writing empty.
	if plan.manifest != nil {
		changed := !maps.Equal(plan.manifest, manifest) && (valid || len(plan.manifest) > 0)
		plan.writeManifest = changed || found && !valid
	}
	if err := p.order(plan.Uploads); err != nil {
		return nil, err
	}
	sort.SliceStable(plan.Uploads, func(i, j int) bool {
		a, b := plan.Uploads[i], plan.Uploads[j]
		if a.Step != b.Step {
			return a.Step < b.Step
		}
		if a.Phase != b.Phase {
			return a.Phase < b.Phase
		}
		return a.Key < b.Key
	})
	for k := range remote {
		plan.Deletes = append(plan.Deletes, k)
	}
	sort.Strings(plan.Deletes)
	p.verbosef("plan: %d files; %d objects vouched for by the manifest, %d objects' attributes read",
		len(local), vouched, attrReads.Load())
	return plan, nil
}

// compare returns why f must be uploaded over the object with attrs, or ""
// when it is up to date. Objects uploaded by other tools carry no bulletin
// metadata: their MD5 (when the store gives one) and actual headers stand
// in, so a site first published by `hugo deploy` is not re-uploaded whole.
func compare(f *Upload, attrs *blob.Attributes) Reason {
	remoteMD5 := attrs.MD5
	if s, ok := attrs.Metadata[metaMD5]; ok {
		if b, err := hex.DecodeString(s); err == nil {
			remoteMD5 = b
		}
	}
	if attrs.Size != f.Size || !bytes.Equal(remoteMD5, f.MD5) {
		return ReasonContent
	}
	remoteHeaders, ok := attrs.Metadata[metaHeaders]
	if !ok {
		remoteHeaders = Headers{
			ContentType:     attrs.ContentType,
			CacheControl:    attrs.CacheControl,
			ContentEncoding: attrs.ContentEncoding,
		}.hash()
	}
	if remoteHeaders != f.Headers.hash() {
		return ReasonHeaders
	}
	return ""
}

// listPageSize asks for pages as large as a store gives: S3 and GCS return
// at most 1000 objects a page and Azure 5000 whatever is asked, while
// fileblob, which walks its whole directory tree (reading every object's
// attributes file) for each page, lists in one walk instead of one per
// thousand objects.
const listPageSize = 100_000

// listRemote lists the objects under the target's prefix that the publish
// manages: not the lock, not the manifest, not excluded paths.
func (p *Publisher) listRemote(ctx context.Context) (map[string]listed, error) {
	remote := map[string]listed{}
	err := p.retry(ctx, "list bucket", func() error {
		clear(remote)
		for token := blob.FirstPageToken; len(token) > 0; {
			page, next, err := p.bucket.ListPage(ctx, token, listPageSize, nil)
			if err != nil {
				return err
			}
			for _, obj := range page {
				if !obj.IsDir && !p.excluded(obj.Key) {
					remote[obj.Key] = listed{size: obj.Size, modTime: obj.ModTime, md5: obj.MD5}
				}
			}
			token = next
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return remote, nil
}

// scan walks dir and describes every file as it would be uploaded. It
// returns the digest cache to keep for the next run, which it has saved if
// it changed.
func (p *Publisher) scan(ctx context.Context, dir string) ([]Upload, *digestCache, error) {
	// Files changed since this instant less racyWindow are not cached.
	start := p.opts.Now()
	cache, err := loadDigestCache(p.opts.DigestCache)
	if err != nil {
		p.logf("ignoring the digest cache (reading every file instead): %v", err)
	}
	var files []Upload
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			if !fi.Mode().IsRegular() {
				p.logf("skip %s: not a regular file", key)
				return nil
			}
		}
		if !utf8.ValidString(key) {
			return fmt.Errorf("%s: file name is not valid UTF-8", path)
		}
		if p.excluded(key) {
			switch key {
			case LockKey:
				p.logf("skip %s: the name of the publish lock", key)
			case ManifestKey:
				p.logf("skip %s: the name of the publish manifest", key)
			}
			return nil
		}
		files = append(files, Upload{Key: key, path: path})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read site: %w", err)
	}
	racy := start.Add(-racyWindow).UnixNano()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Workers)
	for i := range files {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return p.describe(&files[i], cache, racy)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}

	next := newDigestCache()
	for _, f := range files {
		if f.local.cacheable {
			next.files[f.Key] = cachedFile{id: f.local.id, md5: f.local.md5}
		}
		if f.local.gzip != nil {
			next.gzip[f.local.md5] = *f.local.gzip
		} else if d, ok := cache.gzip[f.local.md5]; ok {
			next.gzip[f.local.md5] = d
		}
	}
	if p.opts.DigestCache != "" && !next.equal(cache) {
		// A cache that cannot be written only costs time.
		if err := next.save(p.opts.DigestCache); err != nil {
			p.logf("%v", err)
		}
	}
	return files, next, nil
}

// localFile is what a scan learnt of a file on disk.
type localFile struct {
	// id is the file's identity when read; cacheable is set when the file
	// had been left alone for racyWindow by then and did not change while
	// it was read.
	id        fileid.ID
	cacheable bool
	// md5 is the digest of the file as it is on disk, gzip that of its
	// gzipped content when it was gzipped.
	md5  [16]byte
	gzip *digest
	// cached is set when the digests came from the cache, not from
	// reading the file; gzipped when the file was compressed to learn
	// its gzip digest.
	cached, gzipped bool
}

// sniffLen is how much of a file content type detection looks at.
const sniffLen = 512

// describe fills in the headers, phase, size and MD5 of f as uploaded. It
// reads the file unless cache knows it (and, when it is gzipped, the gzip
// digest of its content), and then only its first bytes, when its name
// does not decide its type. Files changed after racy (Unix ns) are not
// cached.
func (p *Publisher) describe(f *Upload, cache *digestCache, racy int64) error {
	fi, err := os.Stat(f.path)
	if err != nil {
		return err
	}
	if c, ok := cache.files[f.Key]; ok && c.id == fileid.Of(fi) {
		var head []byte
		if _, ok := typeByName(f.Key); !ok {
			if head, err = readHead(f.path); err != nil {
				return err
			}
		}
		p.setHeaders(f, head)
		f.local = localFile{id: c.id, cacheable: true, md5: c.md5, cached: true}
		if f.Headers.ContentEncoding != "gzip" {
			f.Size, f.MD5 = c.id.Size, f.local.md5[:]
			return nil
		}
		if d, ok := cache.gzip[c.md5]; ok {
			f.local.gzip = &d
			f.Size, f.MD5 = d.size, d.md5[:]
			return nil
		}
		// Gzipped for the first time: read it after all.
	}
	return p.read(f, cache, racy)
}

// read describes f by reading it: the MD5 of its content and, when it is
// gzipped and cache has no gzip digest of that content, the digest of it
// gzipped.
func (p *Publisher) read(f *Upload, cache *digestCache, racy int64) error {
	file, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer file.Close()
	before, err := file.Stat()
	if err != nil {
		return err
	}
	bufp := p.bufs.Get().(*[]byte)
	defer p.bufs.Put(bufp)
	buf := *bufp
	head := buf[:sniffLen]
	n, err := io.ReadFull(file, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("read %s: %w", f.path, err)
	}
	head = head[:n]
	p.setHeaders(f, head)
	raw := md5.New()
	raw.Write(head)
	// Through buf: a file's WriteTo would allocate a buffer of its own
	// for each file.
	rest, err := io.CopyBuffer(raw, struct{ io.Reader }{file}, buf[sniffLen:])
	if err != nil {
		return fmt.Errorf("read %s: %w", f.path, err)
	}
	size := int64(n) + rest
	after, err := file.Stat()
	if err != nil {
		return err
	}
	id := fileid.Of(before)
	f.local = localFile{id: id, cacheable: id == fileid.Of(after) && id.Size == size && max(id.MTime, id.CTime) < racy}
	raw.Sum(f.local.md5[:0])
	f.Size, f.MD5 = size, f.local.md5[:]
	if f.Headers.ContentEncoding != "gzip" {
		return nil
	}
	d, ok := cache.gzip[f.local.md5]
	if !ok {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("read %s: %w", f.path, err)
		}
		// The digest is of what this second reading compresses, and
		// is cached for that content.
		var sum [16]byte
		if sum, d, err = gzipDigest(file, f.Headers); err != nil {
			return fmt.Errorf("read %s: %w", f.path, err)
		}
		if sum != f.local.md5 {
			f.local.md5, f.local.cacheable = sum, false
		}
		f.local.gzipped = true
	}
	f.local.gzip = &d
	f.Size, f.MD5 = d.size, d.md5[:]
	return nil
}

// gzipDigest returns the MD5 of what r holds and the size and MD5 of it
// encoded with h, exactly as an upload encodes it.
func gzipDigest(r io.Reader, h Headers) (raw [16]byte, gz digest, err error) {
	rh, gh := md5.New(), md5.New()
	cw := &countingWriter{w: gh}
	if err := encode(cw, io.TeeReader(r, rh), h); err != nil {
		return raw, gz, err
	}
	rh.Sum(raw[:0])
	gh.Sum(gz.md5[:0])
	gz.size = cw.n
	return raw, gz, nil
}

func (p *Publisher) setHeaders(f *Upload, head []byte) {
	f.Headers = p.rules.Headers(f.Key, head)
	f.Phase = classify(f.Key, strings.Trim(p.opts.StatusPath, "/"), f.Headers.ContentType)
}

// readHead returns the first sniffLen bytes of the file at path.
func readHead(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(file, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return head[:n], nil
}

// encode copies r to w, gzipped when the headers say so. The gzip stream is
// deterministic (no name, no modification time), so unchanged files keep
// their MD5 from one run to the next.
func encode(w io.Writer, r io.Reader, h Headers) error {
	if h.ContentEncoding != "gzip" {
		_, err := io.Copy(w, r)
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzipLevel)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	return zw.Close()
}

// openEncoded returns the bytes to upload for f.
func openEncoded(f *Upload) (io.ReadCloser, error) {
	file, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	if f.Headers.ContentEncoding != "gzip" {
		return file, nil
	}
	pr, pw := io.Pipe()
	var once sync.Once
	go func() {
		err := encode(pw, file, f.Headers)
		file.Close()
		pw.CloseWithError(err)
	}()
	return &pipeCloser{PipeReader: pr, once: &once}, nil
}

type pipeCloser struct {
	*io.PipeReader
	once *sync.Once
}

// Close stops the compressing goroutine if the upload gave up early.
func (p *pipeCloser) Close() error {
	p.once.Do(func() { p.PipeReader.CloseWithError(errors.New("upload ended")) })
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
