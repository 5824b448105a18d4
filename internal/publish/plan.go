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
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
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
	Key    string
	Phase  Phase
	Reason Reason
	// Size is the number of bytes sent: the gzipped size when Headers
	// has gzip Content-Encoding.
	Size    int64
	Headers Headers
	// MD5 is the digest of the bytes sent.
	MD5 []byte

	path string
}

// Plan is what a run would do to make the bucket equal the directory.
type Plan struct {
	// Uploads in the order they run: by phase, then by key.
	Uploads []Upload
	// Deletes are keys present in the bucket but not locally, sorted.
	Deletes []string
	// Unchanged counts local files already up to date in the bucket.
	Unchanged int
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
// It only reads the bucket.
func (p *Publisher) Plan(ctx context.Context, dir string) (*Plan, error) {
	local, err := p.scan(ctx, dir)
	if err != nil {
		return nil, err
	}
	if len(local) == 0 {
		return nil, fmt.Errorf("%s: %w: refusing to publish an empty site (run bulletin build first)", dir, ErrEmptySite)
	}
	remote, err := p.listRemote(ctx)
	if err != nil {
		return nil, err
	}

	plan := &Plan{}
	reasons := make([]Reason, len(local))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Workers)
	for i := range local {
		f := &local[i]
		size, ok := remote[f.Key]
		switch {
		case !ok:
			reasons[i] = ReasonNew
			continue
		case size != f.Size:
			reasons[i] = ReasonContent
			continue
		}
		g.Go(func() error {
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
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, f := range local {
		delete(remote, f.Key)
		if reasons[i] == "" {
			plan.Unchanged++
			continue
		}
		f.Reason = reasons[i]
		plan.Uploads = append(plan.Uploads, f)
	}
	sort.SliceStable(plan.Uploads, func(i, j int) bool {
		a, b := plan.Uploads[i], plan.Uploads[j]
		if a.Phase != b.Phase {
			return a.Phase < b.Phase
		}
		return a.Key < b.Key
	})
	for k := range remote {
		plan.Deletes = append(plan.Deletes, k)
	}
	sort.Strings(plan.Deletes)
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

// listRemote returns the size of every object under the target's prefix
// that the publish manages (not the lock, not excluded paths).
func (p *Publisher) listRemote(ctx context.Context) (map[string]int64, error) {
	remote := map[string]int64{}
	err := p.retry(ctx, "list bucket", func() error {
		clear(remote)
		it := p.bucket.List(nil)
		for {
			obj, err := it.Next(ctx)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if obj.IsDir || p.excluded(obj.Key) {
				continue
			}
			remote[obj.Key] = obj.Size
		}
	})
	if err != nil {
		return nil, err
	}
	return remote, nil
}

// scan walks dir and describes every file as it would be uploaded.
func (p *Publisher) scan(ctx context.Context, dir string) ([]Upload, error) {
	var files []Upload
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
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
			if key == LockKey {
				p.logf("skip %s: the name of the publish lock", key)
			}
			return nil
		}
		files = append(files, Upload{Key: key, path: path})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read site: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.opts.Workers)
	for i := range files {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return p.describe(&files[i])
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return files, nil
}

// sniffLen is how much of a file content type detection looks at.
const sniffLen = 512

// describe fills in the headers, phase, size and MD5 of f as uploaded.
func (p *Publisher) describe(f *Upload) error {
	file, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer file.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(file, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("read %s: %w", f.path, err)
	}
	head = head[:n]
	f.Headers = p.rules.Headers(f.Key, head)
	f.Phase = classify(f.Key, strings.Trim(p.opts.StatusPath, "/"), f.Headers.ContentType)
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read %s: %w", f.path, err)
	}
	h := md5.New()
	cw := &countingWriter{w: h}
	if err := encode(cw, file, f.Headers); err != nil {
		return fmt.Errorf("read %s: %w", f.path, err)
	}
	f.Size = cw.n
	f.MD5 = h.Sum(nil)
	return nil
}

// encode copies r to w, gzipped when the headers say so. The gzip stream is
// deterministic (no name, no modification time), so unchanged files keep
// their MD5 from one run to the next.
func encode(w io.Writer, r io.Reader, h Headers) error {
	if h.ContentEncoding != "gzip" {
		_, err := io.Copy(w, r)
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
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
