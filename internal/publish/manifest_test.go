package publish

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
)

// manifested publishes the base site twice, aged, and checks the second run
// read every object's attributes and wrote the manifest: afterwards the
// manifest vouches for every object.
func manifested(t *testing.T, e *env) {
	t.Helper()
	e.age = time.Minute
	n := len(baseSite())
	e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
	if e.exists(ManifestKey) {
		t.Error("a run that verified nothing wrote a manifest")
	}
	e.rec.reset()
	e.mustPublish(Summary{Unchanged: n})
	if got := e.rec.counted(); got.Attributes != n || got.ManifestWrites != 1 {
		t.Fatalf("run after the first: %+v, want %d attribute reads and the manifest written", got, n)
	}
	e.rec.reset()
}

// assertRequests checks the requests counted since the last reset, then
// resets the count.
func (e *env) assertRequests(want requests) {
	e.tb.Helper()
	if got := e.rec.counted(); got != want {
		e.tb.Errorf("requests %+v, want %+v", got, want)
	}
	e.rec.reset()
}

// settle waits, on stores that keep ModTime to the second, until an object
// written now gets a ModTime other than that of objects just written.
func (e *env) settle() {
	if e.backend.coarseModTime {
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	}
}

func TestManifest(t *testing.T) {
	ctx := context.Background()
	// A run that finds nothing to do: one listing, one read of the
	// manifest, nothing else.
	quiet := requests{Lists: 1, Reads: 1}
	tests := []struct {
		name string
		run  func(t *testing.T, e *env)
	}{
		{"a run with nothing to do reads no attributes", func(t *testing.T, e *env) {
			manifested(t, e)
			e.mustPublish(Summary{Unchanged: len(baseSite())})
			e.assertRequests(quiet)
		}},
		{"a changed file is uploaded without reading attributes, and verified by the next run", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			k := "reports/2026/10/index.html"
			e.write(k, strings.Replace(baseSite()[k], "99.95", "99.94", 1)) // same size
			e.mustPublish(Summary{Uploaded: 1, Unchanged: n - 1, Bytes: e.size(k)})
			e.assertRequests(requests{Lists: 1, Reads: 1, ManifestWrites: 1})
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: 1, ManifestWrites: 1})
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(quiet)
		}},
		{"a header rule change re-uploads without reading attributes", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			longer := func(o *Options) {
				o.Rules = mustRules(t, append(DefaultRules("/status/"), Rule{Pattern: "reports/**", CacheControl: "public, max-age=86400"}))
			}
			reports := []string{"reports/2026/09/index.html", "reports/2026/10/index.html", "reports/2026/10/uptime.svg"}
			e.mustPublish(Summary{Uploaded: 3, Unchanged: n - 3, Bytes: e.size(reports...)}, longer)
			e.assertRequests(requests{Lists: 1, Reads: 1, ManifestWrites: 1})
		}},
		{"an object deleted behind bulletin's back is uploaded again", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			if err := e.site.Delete(ctx, "css/print.css"); err != nil {
				t.Fatal(err)
			}
			e.mustPublish(Summary{Uploaded: 1, Unchanged: n - 1, Bytes: e.size("css/print.css")})
			e.assertRequests(requests{Lists: 1, Reads: 1, ManifestWrites: 1})
		}},
		{"the manifest deleted: every object's attributes are read", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			if err := e.site.Delete(ctx, ManifestKey); err != nil {
				t.Fatal(err)
			}
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: n, ManifestWrites: 1})
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(quiet)
		}},
		{"an earlier run's manifest is still safe", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			old := e.read(ManifestKey)
			e.settle()
			changed := []string{"css/print.css", "status/index.html"}
			for _, k := range changed {
				e.write(k, strings.ToUpper(baseSite()[k])) // same size
			}
			e.mustPublish(Summary{Uploaded: 2, Unchanged: n - 2, Bytes: e.size(changed...)})
			e.mustPublish(Summary{Unchanged: n})
			// Back to the manifest from before the change, whose
			// entries for the two files name their old ModTimes.
			if err := e.site.WriteAll(ctx, ManifestKey, []byte(old), nil); err != nil {
				t.Fatal(err)
			}
			e.rec.reset()
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: 2, ManifestWrites: 1})
		}},
		{"the manifest deleted, the site changed: as without manifest", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			if err := e.site.Delete(ctx, ManifestKey); err != nil {
				t.Fatal(err)
			}
			e.write("index.html", strings.ToUpper(baseSite()["index.html"]))
			e.remove("404.html")
			e.mustPublish(Summary{Uploaded: 1, Unchanged: n - 2, Deleted: 1, Bytes: e.size("index.html")})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: n - 1, ManifestWrites: 1})
		}},
		{"a run interrupted part-way leaves the manifest, and a re-run converges", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			before := e.read(ManifestKey)
			e.settle()
			changed := []string{"css/print.css", "reports/2026/10/index.html", "index.html", "status/index.html"}
			for _, k := range changed {
				e.write(k, baseSite()[k]+"<!-- v2 -->")
			}
			e.remove("reports/2026/09/index.html")
			e.rec.setHook(func(key string) error {
				if key == "reports/2026/10/index.html" {
					return errInjected
				}
				return nil
			})
			if _, err := e.publish(); !errors.Is(err, errInjected) {
				t.Fatalf("err = %v, want the injected failure", err)
			}
			if e.read(ManifestKey) != before {
				t.Error("a failed run changed the manifest")
			}
			e.rec.setHook(nil)
			e.rec.reset()
			// css/print.css went up in the failed run: its new
			// ModTime sends it to its attributes, which show it up to
			// date. The other three are known changed by the manifest.
			e.mustPublish(Summary{Uploaded: 3, Unchanged: n - 4, Deleted: 1, Bytes: e.size(changed[1:]...)})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: 1, ManifestWrites: 1})
			e.mustPublish(Summary{Unchanged: n - 1})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: 3, ManifestWrites: 1})
			e.mustPublish(Summary{Unchanged: n - 1})
			e.assertRequests(quiet)
		}},
		{"a run cancelled part-way, then run again, converges", func(t *testing.T, e *env) {
			manifested(t, e)
			n := len(baseSite())
			e.settle()
			for _, k := range []string{"css/print.css", "img/logo.svg", "index.html"} {
				e.write(k, baseSite()[k]+"<!-- v2 -->")
			}
			ctx, cancel := context.WithCancel(context.Background())
			e.rec.setHook(func(string) error { cancel(); return nil })
			if _, err := e.publisher().Run(ctx, e.dir); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			e.rec.setHook(nil)
			got, err := e.publish()
			if err != nil {
				t.Fatal(err)
			}
			if got.Uploaded+got.Unchanged != n || got.Uploaded == 0 {
				t.Errorf("re-run: %+v", got)
			}
			e.assertMirror(e.publisher().rules)
			e.mustPublish(Summary{Unchanged: n})
		}},
		{"dry runs write no manifest", func(t *testing.T, e *env) {
			e.age = time.Minute
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			for range 2 {
				before := e.snapshot()
				e.rec.reset()
				plan, err := e.publisher().Plan(ctx, e.dir)
				if err != nil {
					t.Fatal(err)
				}
				if plan.Unchanged != n {
					t.Errorf("plan: %d unchanged", plan.Unchanged)
				}
				e.assertUnchanged(before)
				if e.rec.writes != 0 {
					t.Errorf("plan wrote %d times to the bucket", e.rec.writes)
				}
			}
			if e.exists(ManifestKey) {
				t.Error("a dry run wrote the manifest")
			}
		}},
		{"objects just written are verified again by the next run", func(t *testing.T, e *env) {
			// The real clock: every object was written within
			// racyWindow of the next run.
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			e.rec.reset()
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: n})
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: n})
		}},
		{"a local file named like the manifest is not published", func(t *testing.T, e *env) {
			manifested(t, e)
			e.write(ManifestKey, "not the manifest")
			if got, err := e.publish(); err != nil || got != (Summary{Unchanged: len(baseSite())}) {
				t.Fatalf("publish: %+v, %v", got, err)
			}
			if !strings.Contains(e.log.String(), "skip .bulletin-publish.manifest: the name of the publish manifest") {
				t.Errorf("no notice in:\n%s", e.log.String())
			}
			e.remove(ManifestKey)
			e.assertMirror(e.publisher().rules)
			e.assertRequests(quiet)
			if got := e.read(ManifestKey); !strings.HasPrefix(got, manifestHeader+"\n") {
				t.Errorf("the manifest holds %q", trunc([]byte(got)))
			}
		}},
		{"NoManifest reads and writes no manifest", func(t *testing.T, e *env) {
			manifested(t, e)
			before := e.read(ManifestKey)
			e.write("index.html", strings.ToUpper(baseSite()["index.html"]))
			n := len(baseSite())
			off := func(o *Options) { o.NoManifest = true }
			e.mustPublish(Summary{Uploaded: 1, Unchanged: n - 1, Bytes: e.size("index.html")}, off)
			e.assertRequests(requests{Lists: 1, Attributes: n})
			if e.read(ManifestKey) != before {
				t.Error("the manifest changed")
			}
		}},
	}
	for _, kind := range backendKinds() {
		t.Run(kind.name, func(t *testing.T) {
			b, ok := kind.start(t)
			if !ok {
				t.Skip("backend not available")
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					tt.run(t, newEnv(t, b, ""))
				})
			}
		})
	}
}

// TestManifestOverwrittenObjects: an object written behind bulletin's back,
// whatever it then holds, is compared by its attributes again.
func TestManifestOverwrittenObjects(t *testing.T) {
	ctx := context.Background()
	const key = "reports/2026/10/index.html"
	site := baseSite()[key]
	html := "text/html; charset=utf-8"
	tests := []struct {
		name    string
		content string
		opts    blob.WriterOptions
		// reupload is set when the object must be replaced.
		reupload bool
	}{
		{"other bytes of the same size", strings.Replace(site, "99.95", "99.00", 1),
			blob.WriterOptions{ContentType: html, CacheControl: CacheReport}, true},
		{"the same bytes with other headers", site,
			blob.WriterOptions{ContentType: html, CacheControl: "no-cache"}, true},
		{"the same bytes with other headers and bulletin's metadata", site,
			blob.WriterOptions{ContentType: html, CacheControl: "no-cache", Metadata: map[string]string{
				metaMD5: "0123456789abcdef0123456789abcdef", metaHeaders: "0123"}}, true},
		{"the same bytes and headers, as another tool uploads them", site,
			blob.WriterOptions{ContentType: html, CacheControl: CacheReport}, false},
	}
	for _, kind := range backendKinds() {
		t.Run(kind.name, func(t *testing.T) {
			b, ok := kind.start(t)
			if !ok {
				t.Skip("backend not available")
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					e := newEnv(t, b, "")
					manifested(t, e)
					n := len(baseSite())
					e.settle()
					if err := e.site.WriteAll(ctx, key, []byte(tt.content), &tt.opts); err != nil {
						t.Fatal(err)
					}
					e.rec.reset()
					want := Summary{Unchanged: n}
					if tt.reupload {
						want = Summary{Uploaded: 1, Unchanged: n - 1, Bytes: e.size(key)}
					}
					e.mustPublish(want)
					if got := e.rec.uploaded(); tt.reupload != (len(got) == 1) {
						t.Errorf("uploaded %v", got)
					}
					e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: 1, ManifestWrites: 1})
					e.mustPublish(Summary{Unchanged: n})
				})
			}
		})
	}
}

// TestUnreadableManifest: whatever the manifest object holds, a run that
// cannot make sense of it reads every object's attributes, as without one,
// and replaces it.
func TestUnreadableManifest(t *testing.T) {
	ctx := context.Background()
	valid := manifestHeader + "\nheaders 00\n"
	tests := []struct {
		name, content string
		// notice is set when the run says it ignored the manifest.
		notice bool
	}{
		{"empty", "", true},
		{"garbage", "garbage", true},
		{"JSON", `{"version":1,"objects":{}}`, true},
		{"another version", "bulletin publish manifest 99\nsomething else\n", false},
		{"truncated line", valid + `2541 1796155719306646640 91302ea1b395e64041c8238b892f153d = 0 "errors/5`, true},
		{"bad digest", valid + `2541 1796155719306646640 91302ea1b395e64041c8238b8 = 0 "errors/503.html"` + "\n", true},
		{"header index out of range", valid + `2541 1796155719306646640 91302ea1b395e64041c8238b892f153d = 1 "errors/503.html"` + "\n", true},
		{"blank line", valid + "\n" + `2541 1796155719306646640 91302ea1b395e64041c8238b892f153d = 0 "errors/503.html"` + "\n", true},
		{"entries for other objects only", valid + `12 1796155719306646640 91302ea1b395e64041c8238b892f153d - 0 "gone.html"` + "\n", false},
	}
	b := memBackend()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, b, "")
			manifested(t, e)
			n := len(baseSite())
			if err := e.site.WriteAll(ctx, ManifestKey, []byte(tt.content), nil); err != nil {
				t.Fatal(err)
			}
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1, Attributes: n, ManifestWrites: 1})
			if got := strings.Contains(e.log.String(), "ignoring the publish manifest"); got != tt.notice {
				t.Errorf("notice %v, want %v:\n%s", got, tt.notice, e.log.String())
			}
			e.mustPublish(Summary{Unchanged: n})
			e.assertRequests(requests{Lists: 1, Reads: 1})
		})
	}
}

// failingManifest is a bucket on which the manifest cannot be written.
type failingManifest struct{ Bucket }

func (f failingManifest) Upload(ctx context.Context, key string, r io.Reader, opts *blob.WriterOptions) error {
	if key == ManifestKey {
		return errors.New("access denied")
	}
	return f.Bucket.Upload(ctx, key, r, opts)
}

func TestManifestWriteFailure(t *testing.T) {
	e := newEnv(t, memBackend(), "")
	manifested(t, e)
	e.write("index.html", strings.ToUpper(baseSite()["index.html"]))
	p, err := New(failingManifest{e.rec}, e.options())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.Run(context.Background(), e.dir)
	if err != nil || sum.Uploaded != 1 {
		t.Fatalf("run: %+v, %v; want one upload and success", sum, err)
	}
	if !strings.Contains(e.log.String(), "write manifest: access denied (the next publish reads every object's attributes)") {
		t.Errorf("no notice in:\n%s", e.log.String())
	}
	e.assertMirror(p.rules)
}

func TestManifestRoundTrip(t *testing.T) {
	entries := map[string]manifestEntry{
		"index.html":              {size: 10, modTime: 1796155719306646640, listMD5: "0123456789abcdef", md5: [16]byte{1}, headers: "h1"},
		"same digest listed.html": {size: 0, modTime: -1, listMD5: string([]byte{2, 15: 0}), md5: [16]byte{2}, headers: "h2"},
		"multipart.pdf":           {size: 6 << 20, modTime: 1, md5: [16]byte{3}, headers: "h1"},
		"etag of other length":    {size: 1, modTime: 2, listMD5: "abc", md5: [16]byte{4}, headers: "h1"},
		"quote \" and \\ and\nnl": {size: 1, modTime: 2, md5: [16]byte{5}, headers: "h1"},
		"ünïcødé/日本語/index.html":  {size: 1, modTime: 2, md5: [16]byte{6}, headers: "h2"},
	}
	b := encodeManifest(entries)
	got, err := decodeManifest(b)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	if len(got) != len(entries) {
		t.Fatalf("decoded %d entries, want %d", len(got), len(entries))
	}
	for k, e := range entries {
		if got[k] != e {
			t.Errorf("%q: decoded %+v, want %+v", k, got[k], e)
		}
	}
	if again := encodeManifest(got); string(again) != string(b) {
		t.Errorf("encoding is not stable:\n%s\n%s", b, again)
	}
	if empty, err := decodeManifest(encodeManifest(nil)); err != nil || len(empty) != 0 {
		t.Errorf("empty manifest: %v, %v", empty, err)
	}
}
