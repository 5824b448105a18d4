package publish

import (
	"bytes"
	"context"
	"crypto/md5"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocloud.dev/gcerrors"

	"github.com/bulletin-dev/bulletin/internal/fileid"
)

// scanned scans e's site and returns its files by key.
func (e *env) scanned(mods ...func(*Options)) map[string]Upload {
	e.tb.Helper()
	files, _, err := e.publisher(mods...).scan(context.Background(), e.dir)
	if err != nil {
		e.tb.Fatal(err)
	}
	out := map[string]Upload{}
	for _, f := range files {
		out[f.Key] = f
	}
	return out
}

// assertDigests checks that every scanned file has the size and MD5 of the
// bytes an upload sends, and that the files in read (and only those) were
// read rather than known from the cache.
func (e *env) assertDigests(files map[string]Upload, read ...string) {
	e.tb.Helper()
	wasRead := map[string]bool{}
	for _, k := range read {
		wasRead[k] = true
	}
	for k, f := range files {
		r, err := openEncoded(&f)
		if err != nil {
			e.tb.Fatal(err)
		}
		var sent bytes.Buffer
		if _, err := sent.ReadFrom(r); err != nil {
			e.tb.Fatal(err)
		}
		r.Close()
		sum := md5.Sum(sent.Bytes())
		if f.Size != int64(sent.Len()) || !bytes.Equal(f.MD5, sum[:]) {
			e.tb.Errorf("%s: size %d md5 %x, want %d %x", k, f.Size, f.MD5, sent.Len(), sum)
		}
		if f.local.cached == wasRead[k] {
			e.tb.Errorf("%s: from the cache %v, want %v", k, f.local.cached, !wasRead[k])
		}
	}
}

func TestDigestCache(t *testing.T) {
	const key = "reports/2026/10/index.html"
	// Every other file of the site, read by a first run.
	var all []string
	for k := range baseSite() {
		all = append(all, k)
	}
	gzipped := func(o *Options) {
		o.Rules = mustRules(t, append(DefaultRules("/status/"), Rule{Pattern: "*.{html,xml}", Gzip: &yes}))
	}
	tests := []struct {
		name string
		// change changes the site or the cache after a first scan.
		change func(t *testing.T, e *env)
		// read are the files the second scan must read.
		read []string
		mods []func(*Options)
	}{
		{name: "nothing changed: nothing read", change: func(*testing.T, *env) {}},
		{name: "nothing changed, gzipped: nothing read", change: func(*testing.T, *env) {}, mods: []func(*Options){gzipped}},
		{name: "same size, other content", change: func(t *testing.T, e *env) {
			e.write(key, strings.Replace(baseSite()[key], "99.95", "99.94", 1))
		}, read: []string{key}},
		{name: "same size, other content, gzipped", change: func(t *testing.T, e *env) {
			e.write(key, strings.Replace(baseSite()[key], "99.95", "99.94", 1))
		}, read: []string{key}, mods: []func(*Options){gzipped}},
		{name: "same size, other content, modification time put back", change: func(t *testing.T, e *env) {
			p := filepath.Join(e.dir, filepath.FromSlash(key))
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fileid.Of(fi).CTime == 0 {
				t.Skip("no change time on this system")
			}
			e.write(key, strings.Replace(baseSite()[key], "99.95", "99.94", 1))
			if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}, read: []string{key}},
		{name: "replaced by a copy with the same times", change: func(t *testing.T, e *env) {
			p := filepath.Join(e.dir, filepath.FromSlash(key))
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			tmp := p + ".tmp"
			if err := os.WriteFile(tmp, []byte(baseSite()[key]), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(tmp, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, p); err != nil {
				t.Fatal(err)
			}
		}, read: []string{key}},
		{name: "the whole site rebuilt", change: func(t *testing.T, e *env) {
			if err := os.RemoveAll(e.dir); err != nil {
				t.Fatal(err)
			}
			for k, v := range baseSite() {
				e.write(k, v)
			}
		}, read: all, mods: []func(*Options){gzipped}},
		{name: "cache file corrupt", change: func(t *testing.T, e *env) {
			if err := os.WriteFile(e.digests, []byte("bulletin publish digests 1 \"x\"\nf 1 2 3\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, read: all},
		{name: "cache file garbage", change: func(t *testing.T, e *env) {
			if err := os.WriteFile(e.digests, []byte("\x00\x01garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, read: all},
		{name: "cache file of another version", change: func(t *testing.T, e *env) {
			if err := os.WriteFile(e.digests, []byte("bulletin publish digests 2 whatever\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, read: all},
		{name: "cache file gone", change: func(t *testing.T, e *env) {
			if err := os.Remove(e.digests); err != nil {
				t.Fatal(err)
			}
		}, read: all},
		{name: "gzip digests of another compressor", change: func(t *testing.T, e *env) {
			b, err := os.ReadFile(e.digests)
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.Replace(b, []byte(gzipID()), []byte("go1.0 compress/gzip level 9"), 1)
			if err := os.WriteFile(e.digests, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, read: []string{"index.html", "404.html", "reports/2026/09/index.html", key, "status/index.html",
			"status/history/index.html", "incidents/db-outage/index.html", "errors/503.html",
			"index.xml", "atom.xml", "sitemap.xml"}, mods: []func(*Options){gzipped}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, memBackend(), "")
			e.age = time.Minute
			e.assertDigests(e.scanned(tt.mods...), all...)
			tt.change(t, e)
			e.log = &syncBuffer{}
			e.assertDigests(e.scanned(tt.mods...), tt.read...)
			notice := strings.Contains(e.log.String(), "ignoring the digest cache")
			if want := strings.HasPrefix(tt.name, "cache file corrupt") || strings.HasPrefix(tt.name, "cache file garbage"); notice != want {
				t.Errorf("notice %v, want %v; log:\n%s", notice, want, e.log.String())
			}
			// And the cache it wrote serves the next scan.
			e.assertDigests(e.scanned(tt.mods...))
		})
	}
}

// TestDigestCacheGzipByContent: a tree built again holds new files of the
// same content, which are read again but not compressed again.
func TestDigestCacheGzipByContent(t *testing.T) {
	e := newEnv(t, memBackend(), "")
	e.age = time.Minute
	gzipped := func(o *Options) {
		o.Rules = mustRules(t, append(DefaultRules("/status/"), Rule{Pattern: "*.{html,xml}", Gzip: &yes}))
	}
	compressed := func(files map[string]Upload) (n int) {
		for _, f := range files {
			if f.local.gzipped {
				n++
			}
		}
		return n
	}
	if n := compressed(e.scanned(gzipped)); n != 11 {
		t.Errorf("first scan compressed %d files, want the 11 HTML and XML files", n)
	}
	if err := os.RemoveAll(e.dir); err != nil {
		t.Fatal(err)
	}
	for k, v := range baseSite() {
		e.write(k, v)
	}
	e.write("index.html", "<!doctype html><title>Ops, v2</title>")
	files := e.scanned(gzipped)
	if n := compressed(files); n != 1 || !files["index.html"].local.gzipped {
		t.Errorf("scan of the rebuilt tree compressed %d files, want index.html alone", n)
	}
	var all []string
	for k := range files {
		all = append(all, k)
	}
	e.assertDigests(files, all...)
}

// TestDigestCacheRacy: a file changed within racyWindow of a scan may change
// again without its times changing, so it is not cached.
func TestDigestCacheRacy(t *testing.T) {
	e := newEnv(t, memBackend(), "")
	var all []string
	for k := range baseSite() {
		all = append(all, k)
	}
	e.assertDigests(e.scanned(), all...)
	e.assertDigests(e.scanned(), all...)
	e.age = time.Minute
	e.assertDigests(e.scanned(), all...)
	e.assertDigests(e.scanned())
}

// TestDigestCacheWrongDigest: a cached digest that does not match the file
// fails the upload that relies on it, once: the next run reads the file.
func TestDigestCacheWrongDigest(t *testing.T) {
	e := newEnv(t, memBackend(), "")
	e.age = time.Minute
	n := len(baseSite())
	e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
	b, err := os.ReadFile(e.digests)
	if err != nil {
		t.Fatal(err)
	}
	files := e.scanned()
	f := files["css/print.css"]
	wrong := md5.Sum([]byte("something else"))
	b = bytes.Replace(b, []byte(hexString(f.MD5)), []byte(hexString(wrong[:])), 1)
	if err := os.WriteFile(e.digests, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = e.publish()
	if gcerrors.Code(err) != gcerrors.FailedPrecondition || !strings.Contains(err.Error(), "upload css/print.css") {
		t.Fatalf("err = %v, want the upload of css/print.css to fail its MD5 check", err)
	}
	e.mustPublish(Summary{Unchanged: n})
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		s = append(s, digits[c>>4], digits[c&15])
	}
	return string(s)
}

func TestDigestCacheRoundTrip(t *testing.T) {
	c := newDigestCache()
	c.files["index.html"] = cachedFile{id: fileid.ID{Size: 10, MTime: 1, CTime: 2, Inode: 3}, md5: [16]byte{1}}
	c.files["a \"quoted\"\nkey ü"] = cachedFile{id: fileid.ID{Size: 0, MTime: -5}, md5: [16]byte{2}}
	c.gzip[[16]byte{1}] = digest{size: 7, md5: [16]byte{9}}
	got, err := decodeDigestCache(c.encode())
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, c.encode())
	}
	if !got.equal(c) {
		t.Errorf("decoded %+v, want %+v", got, c)
	}
}
