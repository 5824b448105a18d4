package github

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
)

// maxCacheEntry bounds the answer kept for one URL; a larger one is passed
// on and not stored.
const maxCacheEntry = 32 << 20

// etagCache makes every GET conditional on the answer stored for the same
// URL and serves that answer when GitHub replies 304 Not Modified, which
// costs no rate limit. It stores only 200 answers that carry a validator
// (ETag or Last-Modified) and no "no-store": never an error answer, whose
// body may echo what was sent. It asks GitHub every time, whatever the
// answer's max-age says: a monthly figure must reflect GitHub as of the
// run. That is all of RFC 9111 a collect needs.
//
// It sits above the layer that adds the token, so no request it sees has
// an Authorization header, and the answers it stores never held one.
// Entries are files named by a SHA-256 of a fingerprint of the token, the
// Accept header and the URL: another token (another account, other
// visibility) never sees this token's entries, and neither the token nor
// its fingerprint is stored. The directory and the files are private to
// the user, since they hold API answers about possibly private
// repositories.
type etagCache struct {
	dir    string
	prefix string
	next   http.RoundTripper
}

// newETagCache opens the cache in dir for token, creating dir if needed.
func newETagCache(dir, token string, next http.RoundTripper) (*etagCache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("github cache %s: %w", dir, err)
	}
	sum := sha256.Sum256([]byte("bulletin github cache v2\x00" + token))
	return &etagCache{dir: dir, prefix: hex.EncodeToString(sum[:8]), next: next}, nil
}

func (c *etagCache) path(req *http.Request) string {
	sum := sha256.Sum256([]byte(c.prefix + "\x00" + req.Header.Get("Accept") + "\x00" + req.URL.String()))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:]))
}

func (c *etagCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		return c.next.RoundTrip(req)
	}
	path := c.path(req)
	stored := c.load(path, req)
	if stored != nil {
		req = req.Clone(req.Context())
		if v := stored.Header.Get("ETag"); v != "" {
			req.Header.Set("If-None-Match", v)
		}
		if v := stored.Header.Get("Last-Modified"); v != "" {
			req.Header.Set("If-Modified-Since", v)
		}
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && stored != nil:
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		// The 304's headers are the current ones: the rate limit among them.
		for k, v := range resp.Header {
			if k != "Content-Length" {
				stored.Header[k] = v
			}
		}
		return stored, nil
	case resp.StatusCode == http.StatusOK && storable(resp.Header):
		resp.Body = &storingBody{ReadCloser: resp.Body, resp: resp, path: path}
	}
	return resp, nil
}

// storable reports whether an answer with header h may be kept.
func storable(h http.Header) bool {
	return (h.Get("ETag") != "" || h.Get("Last-Modified") != "") &&
		!strings.Contains(strings.ToLower(h.Get("Cache-Control")), "no-store")
}

// load returns the stored answer for req, or nil.
func (c *etagCache) load(path string, req *http.Request) *http.Response {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil // a damaged entry: ask afresh
	}
	return resp
}

// storingBody keeps what is read and stores the answer when the body
// reaches its end: a body closed early is not whole, and not stored.
type storingBody struct {
	io.ReadCloser
	resp *http.Response
	path string
	buf  bytes.Buffer
	done bool
}

func (b *storingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if !b.done {
		b.buf.Write(p[:n])
		if b.buf.Len() > maxCacheEntry {
			b.done, b.buf = true, bytes.Buffer{}
		} else if err == io.EOF {
			b.done = true
			b.store()
		}
	}
	return n, err
}

// store writes the answer in HTTP/1.1 wire format. A failure only costs the
// next run a full answer.
func (b *storingBody) store() {
	r := *b.resp
	r.Header = b.resp.Header.Clone()
	r.Header.Del("Set-Cookie")
	r.Body = io.NopCloser(bytes.NewReader(b.buf.Bytes()))
	r.ContentLength = int64(b.buf.Len())
	r.TransferEncoding = nil
	r.Uncompressed = false
	r.Header.Del("Content-Encoding")
	var wire bytes.Buffer
	if r.Write(&wire) == nil {
		_ = atomicfile.Write(b.path, wire.Bytes(), 0o600, atomicfile.Cache)
	}
}
