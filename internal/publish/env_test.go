package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
)

// baseSite is a small built site with one file of every kind a bulletin
// build writes.
func baseSite() map[string]string {
	return map[string]string{
		"index.html":                     `<!doctype html><title>Ops</title><link rel="stylesheet" href="/css/style.3f2a9c1b.css"><a href="/reports/2026/10/">October</a>`,
		"404.html":                       `<!doctype html><title>Not found</title>`,
		"robots.txt":                     "User-agent: *\nAllow: /\n",
		"css/style.3f2a9c1b.css":         "body{font:16px/1.5 system-ui;color:#222}",
		"css/print.css":                  "@media print{nav{display:none}}",
		"img/logo.svg":                   `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`,
		"reports/2026/09/index.html":     `<!doctype html><title>September 2026</title><p>Uptime 99.99%.</p>`,
		"reports/2026/10/index.html":     `<!doctype html><title>October 2026</title><p>Uptime 99.95%.</p><img src="uptime.svg">`,
		"reports/2026/10/uptime.svg":     `<svg xmlns="http://www.w3.org/2000/svg"><title>uptime</title></svg>`,
		"index.xml":                      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Ops</title></channel></rss>`,
		"atom.xml":                       `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ops</title></feed>`,
		"feed.json":                      `{"version":"https://jsonfeed.org/version/1.1","title":"Ops","items":[]}`,
		"sitemap.xml":                    `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>`,
		"api/v2/summary.json":            `{"page":{"id":"ops"},"components":[],"incidents":[]}`,
		"status/index.html":              `<!doctype html><title>Status</title><p>All systems operational</p>`,
		"status/history/index.html":      `<!doctype html><title>History</title>`,
		"incidents/db-outage/index.html": `<!doctype html><title>Database outage</title>`,
		"errors/503.html":                `<!doctype html><title>Unavailable</title><a href="/status/">status</a>`,
	}
}

// env is one scenario's world: a site directory and a bucket.
type env struct {
	tb         testing.TB
	backend    backend
	dir        string
	root, site *blob.Bucket
	rec        *recorder
	log        *syncBuffer
	// age, when set, runs the publishes that much later than the clock,
	// as if the site's files and objects had been written that long
	// before: long enough for the digest cache and the manifest to take
	// them in, which they do not for anything written within racyWindow.
	age time.Duration
	// digests is the digest cache file.
	digests string
}

func newEnv(tb testing.TB, b backend, prefix string) *env {
	tb.Helper()
	root, site := b.open(tb, prefix)
	tmp := tb.TempDir()
	e := &env{tb: tb, backend: b, dir: filepath.Join(tmp, "public"), root: root, site: site, log: &syncBuffer{},
		digests: filepath.Join(tmp, "cache", "digests")}
	e.rec = &recorder{Bucket: site}
	for k, v := range baseSite() {
		e.write(k, v)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("publish log:\n%s", e.log.String())
		}
	})
	return e
}

func (e *env) write(key, content string) {
	e.tb.Helper()
	p := filepath.Join(e.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.tb.Fatal(err)
	}
}

func (e *env) remove(key string) {
	e.tb.Helper()
	if err := os.Remove(filepath.Join(e.dir, filepath.FromSlash(key))); err != nil {
		e.tb.Fatal(err)
	}
}

// files returns the site's files by key.
func (e *env) files() map[string][]byte {
	e.tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(e.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(e.dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	return out
}

// size is the total size of the named local files, or of all files.
func (e *env) size(keys ...string) int64 {
	e.tb.Helper()
	files := e.files()
	if len(keys) == 0 {
		keys = slices.Collect(maps.Keys(files))
	}
	var n int64
	for _, k := range keys {
		b, ok := files[k]
		if !ok {
			e.tb.Fatalf("no local file %s", k)
		}
		n += int64(len(b))
	}
	return n
}

func (e *env) options(mods ...func(*Options)) Options {
	o := Options{
		MaxDeletes: DefaultMaxDeletes,
		Workers:    4,
		Retry:      Retry{Attempts: 3, Base: time.Millisecond, Max: 4 * time.Millisecond},
		Owner:      "test",
		Log:        e.log,
		Verbose:    true,

		DigestCache: e.digests,
	}
	if e.age != 0 {
		o.Now = func() time.Time { return time.Now().Add(e.age) }
	}
	for _, m := range mods {
		m(&o)
	}
	return o
}

func (e *env) publisher(mods ...func(*Options)) *Publisher {
	e.tb.Helper()
	p, err := New(e.rec, e.options(mods...))
	if err != nil {
		e.tb.Fatal(err)
	}
	return p
}

// publish runs a publish; the summary's Duration is zeroed for comparison.
func (e *env) publish(mods ...func(*Options)) (Summary, error) {
	e.tb.Helper()
	s, err := e.publisher(mods...).Run(context.Background(), e.dir)
	s.Duration = 0
	return s, err
}

// mustPublish runs a publish that must succeed with the summary want and
// leave the bucket equal to the site.
func (e *env) mustPublish(want Summary, mods ...func(*Options)) {
	e.tb.Helper()
	got, err := e.publish(mods...)
	if err != nil {
		e.tb.Fatalf("publish: %v", err)
	}
	if got != want {
		e.tb.Fatalf("summary = %+v, want %+v", got, want)
	}
	p := e.publisher(mods...)
	e.assertMirror(p.rules)
}

// assertMirror checks that the bucket holds exactly the site, byte for
// byte, with the headers rules give, and no lock; the manifest aside.
func (e *env) assertMirror(rules *Rules) {
	e.tb.Helper()
	ctx := context.Background()
	local := e.files()
	keys := slices.DeleteFunc(e.keys(), func(k string) bool { return k == ManifestKey })
	want := slices.Sorted(maps.Keys(local))
	if !slices.Equal(keys, want) {
		e.tb.Fatalf("bucket keys:\n%v\nwant the site's files:\n%v", keys, want)
	}
	for _, k := range keys {
		attrs, err := e.site.Attributes(ctx, k)
		if err != nil {
			e.tb.Fatal(err)
		}
		data, err := e.site.ReadAll(ctx, k)
		if err != nil {
			e.tb.Fatal(err)
		}
		head := local[k][:min(len(local[k]), sniffLen)]
		h := rules.Headers(k, head)
		got := Headers{ContentType: attrs.ContentType, CacheControl: attrs.CacheControl, ContentEncoding: attrs.ContentEncoding}
		if got != h {
			e.tb.Errorf("%s: headers %+v, want %+v", k, got, h)
		}
		if attrs.ContentEncoding == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				e.tb.Fatalf("%s: stored with gzip encoding but not gzip: %v", k, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				e.tb.Fatalf("%s: %v", k, err)
			}
		}
		if !bytes.Equal(data, local[k]) {
			e.tb.Errorf("%s: bucket holds %q, want %q", k, trunc(data), trunc(local[k]))
		}
	}
}

// keys lists the keys of the site's bucket, in order.
func (e *env) keys() []string {
	e.tb.Helper()
	var keys []string
	it := e.site.List(nil)
	for {
		obj, err := it.Next(context.Background())
		if err == io.EOF {
			return keys
		}
		if err != nil {
			e.tb.Fatal(err)
		}
		keys = append(keys, obj.Key)
	}
}

func trunc(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

// object is an object's state in the bucket, for before/after comparisons.
type object struct {
	Data                                  string
	ContentType, CacheControl, ContentEnc string
	Metadata                              string
}

// snapshot returns every object of the whole bucket (not only the site's
// prefix).
func (e *env) snapshot() map[string]object {
	e.tb.Helper()
	ctx := context.Background()
	out := map[string]object{}
	it := e.root.List(nil)
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return out
		}
		if err != nil {
			e.tb.Fatal(err)
		}
		attrs, err := e.root.Attributes(ctx, obj.Key)
		if err != nil {
			e.tb.Fatal(err)
		}
		data, err := e.root.ReadAll(ctx, obj.Key)
		if err != nil {
			e.tb.Fatal(err)
		}
		md := slices.Sorted(maps.Keys(attrs.Metadata))
		for i, k := range md {
			md[i] = k + "=" + attrs.Metadata[k]
		}
		out[obj.Key] = object{string(data), attrs.ContentType, attrs.CacheControl, attrs.ContentEncoding, strings.Join(md, ",")}
	}
}

func (e *env) assertUnchanged(before map[string]object) {
	e.tb.Helper()
	after := e.snapshot()
	if !maps.Equal(before, after) {
		e.tb.Errorf("bucket changed:\nbefore %v\nafter  %v", keysOf(before), keysOf(after))
		for k, v := range after {
			if before[k] != v {
				e.tb.Errorf("%s differs", k)
			}
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	k := slices.Collect(maps.Keys(m))
	sort.Strings(k)
	return k
}

// read returns the content of key in the site's bucket.
func (e *env) read(key string) string {
	e.tb.Helper()
	b, err := e.site.ReadAll(context.Background(), key)
	if err != nil {
		e.tb.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}

func (e *env) exists(key string) bool {
	e.tb.Helper()
	ok, err := e.site.Exists(context.Background(), key)
	if err != nil {
		e.tb.Fatal(err)
	}
	return ok
}

// recorder is a Bucket that records uploads and deletes, counts requests,
// and lets a test fail or hold an upload.
type recorder struct {
	Bucket
	mu     sync.Mutex
	events []event
	// deletes are the deletes' events, as events are the uploads'.
	deletes []event
	writes  int
	calls   requests
	// hook, when set, runs before each upload; an error fails it.
	hook func(key string) error
}

// requests counts the requests to a bucket, other than the lock's: lists,
// attribute reads, whole-object reads and writes of the manifest.
type requests struct {
	Lists, Attributes, Reads, ManifestWrites int
}

func (r *recorder) count(key string, n *int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if key != LockKey {
		*n++
	}
}

func (r *recorder) ListPage(ctx context.Context, token []byte, size int, opts *blob.ListOptions) ([]*blob.ListObject, []byte, error) {
	r.count("", &r.calls.Lists)
	return r.Bucket.ListPage(ctx, token, size, opts)
}

func (r *recorder) Attributes(ctx context.Context, key string) (*blob.Attributes, error) {
	r.count(key, &r.calls.Attributes)
	return r.Bucket.Attributes(ctx, key)
}

func (r *recorder) ReadAll(ctx context.Context, key string) ([]byte, error) {
	r.count(key, &r.calls.Reads)
	return r.Bucket.ReadAll(ctx, key)
}

// counted returns the requests counted since the last reset.
func (r *recorder) counted() requests {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

type event struct {
	key   string
	start bool // start or end of an upload
}

func (r *recorder) setHook(h func(string) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hook = h
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events, r.deletes, r.writes, r.calls = nil, nil, 0, requests{}
}

// Upload records the uploads of the site's files (not the lock's or the
// manifest's) and runs the hook before them.
func (r *recorder) Upload(ctx context.Context, key string, rd io.Reader, opts *blob.WriterOptions) error {
	site := key != LockKey && key != ManifestKey
	r.mu.Lock()
	r.writes++
	if key == ManifestKey {
		r.calls.ManifestWrites++
	}
	hook := r.hook
	if site {
		r.events = append(r.events, event{key, true})
	}
	r.mu.Unlock()
	if hook != nil && site {
		if err := hook(key); err != nil {
			return err
		}
	}
	if err := r.Bucket.Upload(ctx, key, rd, opts); err != nil {
		return err
	}
	if site {
		r.mu.Lock()
		r.events = append(r.events, event{key, false})
		r.mu.Unlock()
	}
	return nil
}

// Delete records the start and end of each delete of the site's objects.
func (r *recorder) Delete(ctx context.Context, key string) error {
	r.mu.Lock()
	r.writes++
	if key != LockKey {
		r.deletes = append(r.deletes, event{key, true})
	}
	r.mu.Unlock()
	err := r.Bucket.Delete(ctx, key)
	if err == nil && key != LockKey {
		r.mu.Lock()
		r.deletes = append(r.deletes, event{key, false})
		r.mu.Unlock()
	}
	return err
}

// uploaded returns the keys whose upload completed, in order.
func (r *recorder) uploaded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var keys []string
	for _, ev := range r.events {
		if !ev.start {
			keys = append(keys, ev.key)
		}
	}
	return keys
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lockJSON is a lock object as another publish would have written it.
func lockJSON(host string, pid int, created, expires time.Time) string {
	return fmt.Sprintf(`{"owner":"other","host":%q,"pid":%d,"created":%q,"expires":%q,"token":"0123456789abcdef"}`,
		host, pid, created.UTC().Format(time.RFC3339), expires.UTC().Format(time.RFC3339))
}
