package publish

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/bulletin-dev/bulletin/internal/publish/s3test"
)

// throughBackend is versitygw seen through mw, as the publish sees it; the
// test's own checks read the bucket directly.
func throughBackend(tb testing.TB, mw func(http.Handler) http.Handler) backend {
	tb.Helper()
	srv := s3test.Start(tb)
	return backend{name: "versitygw", coarseModTime: true, open: func(tb testing.TB, prefix string) (*blob.Bucket, *blob.Bucket) {
		tb.Helper()
		base := srv.NewBucket(tb)
		open := func(u string) *blob.Bucket {
			b, err := blob.OpenBucket(context.Background(), u)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { b.Close() })
			return b
		}
		return open(base), open(srv.Through(tb, base, mw))
	}}
}

// siteRequest reports whether r is a request for an object of the site,
// not for the lock or the manifest.
func siteRequest(r *http.Request) bool {
	return !strings.Contains(r.URL.Path, LockKey) && !strings.Contains(r.URL.Path, ManifestKey)
}

// TestStalledStoreFailsRun stops the S3 server from answering uploads after
// the third one (as a server stopped with SIGSTOP does, but answering the
// lock's requests so that its release can be seen): the run must give up
// within its retry budget, say why, and release its lock.
func TestStalledStoreFailsRun(t *testing.T) {
	var puts, stalled atomic.Int64
	stop := make(chan struct{})
	b := throughBackend(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut && siteRequest(r) && puts.Add(1) > 3 {
				stalled.Add(1)
				// Never answers. The body is read so that the server
				// notices when the client gives up.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-stop:
				}
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { close(stop) }) // before the proxy closes
	e := newEnv(t, b, "")
	const workers, budget = 2, 3
	done := make(chan error, 1)
	go func() {
		_, err := e.publish(func(o *Options) {
			o.Workers = workers
			o.RequestTimeout = 200 * time.Millisecond
			o.Retry = Retry{Attempts: 3, Base: time.Millisecond, Max: 4 * time.Millisecond, Budget: budget}
		})
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute): // a hang guard, not a speed target
		t.Fatal("publish still running against a server that stopped answering")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("err = %v, want the uploads' timeout", err)
	}
	if n := stalled.Load(); n > workers+budget {
		t.Errorf("%d requests went unanswered, want at most %d (the workers' first tries and the run's retries)", n, workers+budget)
	}
	if e.exists(LockKey) {
		t.Error("the failed run left its lock")
	}
	if e.exists("index.html") {
		t.Error("the home page was uploaded although the run failed before its turn")
	}
}

// TestAuthFailureNotRetried publishes with credentials the server refuses:
// one request, no retry, and an error that says so.
func TestAuthFailureNotRetried(t *testing.T) {
	for _, tc := range []struct{ name, env, value, want string }{
		{"wrong secret", "AWS_SECRET_ACCESS_KEY", "not-the-secret", "SignatureDoesNotMatch"},
		{"unknown key id", "AWS_ACCESS_KEY_ID", "no-such-key", "XAdminUserNotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int64
			b := throughBackend(t, func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					requests.Add(1)
					h.ServeHTTP(w, r)
				})
			})
			e := newEnv(t, b, "")
			t.Setenv(tc.env, tc.value) // after the server started, before the bucket is opened
			e.site = nil
			_, e.site = b.open(t, "")
			e.rec.Bucket = e.site
			requests.Store(0)
			_, err := e.publish(func(o *Options) { o.Retry = Retry{Base: time.Millisecond} })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
			if n := requests.Load(); n != 1 {
				t.Errorf("%d requests, want 1: a refused request is not retried", n)
			}
		})
	}
}

// TestDeletePagesBeforeAssets removes a page and the stylesheet and logo
// only it used: the page must be gone before they are, so that a run
// stopped in between leaves no page without its stylesheet.
func TestDeletePagesBeforeAssets(t *testing.T) {
	e := newEnv(t, memBackend(), "")
	e.write("reports/2026/08/index.html", `<!doctype html><link rel="stylesheet" href="/css/old.css"><img src="/img/old.png">`)
	e.write("reports/2026/08/feed.xml", `<?xml version="1.0"?><rss version="2.0"><channel><link>/reports/2026/08/</link></channel></rss>`)
	e.write("css/old.css", "body{color:#333}")
	e.write("img/old.png", "\x89PNG\r\n\x1a\n")
	n := len(baseSite()) + 4
	e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
	for _, k := range []string{"reports/2026/08/index.html", "reports/2026/08/feed.xml", "css/old.css", "img/old.png"} {
		e.remove(k)
	}
	e.rec.reset()
	e.mustPublish(Summary{Unchanged: n - 4, Deleted: 4}, func(o *Options) { o.Workers = 4 })
	assertPhaseOrder(t, e.rec.deletes,
		[]string{"reports/2026/08/feed.xml"},
		[]string{"reports/2026/08/index.html"},
		[]string{"css/old.css", "img/old.png"})
}
