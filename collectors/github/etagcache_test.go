package github

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
)

// etagServer is a test server closed when the test ends.
func etagServer(tb testing.TB, h http.HandlerFunc) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

func cacheGet(tb testing.TB, c *etagCache, url, accept string, readAll bool) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if !readAll {
		b := make([]byte, 2)
		io.ReadFull(resp.Body, b)
		return resp, string(b)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

func entries(tb testing.TB, dir string) int {
	tb.Helper()
	e, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return len(e)
}

// TestETagCacheLastModified: an answer with only Last-Modified is
// revalidated with If-Modified-Since, and the stored copy is served with
// the 304's current headers.
func TestETagCacheLastModified(t *testing.T) {
	var calls atomic.Int32
	srv := etagServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(100-int(n)))
		if r.Header.Get("If-None-Match") != "" {
			t.Errorf("If-None-Match %q without an ETag", r.Header.Get("If-None-Match"))
		}
		if r.Header.Get("If-Modified-Since") == "Mon, 02 Nov 2026 10:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
		io.WriteString(w, `{"a":1}`)
	})
	dir := t.TempDir()
	c, err := newETagCache(dir, "tok", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	_, first := cacheGet(t, c, srv.URL+"/doc", "", true)
	resp, second := cacheGet(t, c, srv.URL+"/doc", "", true)
	if first != `{"a":1}` || second != first || resp.StatusCode != http.StatusOK {
		t.Errorf("first %q, then %d %q", first, resp.StatusCode, second)
	}
	if got := resp.Header.Get("X-RateLimit-Remaining"); got != "98" {
		t.Errorf("served with X-RateLimit-Remaining %q, want the 304's 98", got)
	}
	if calls.Load() != 2 {
		t.Errorf("%d requests, want 2: every call asks the server", calls.Load())
	}
}

// TestETagCacheStoresOnlyWholeSuccesses: error answers (whose body can echo
// what was sent), no-store answers, answers without a validator and bodies
// not read to their end are never stored; another Accept is another entry.
func TestETagCacheStoresOnlyWholeSuccesses(t *testing.T) {
	srv := etagServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" {
			t.Errorf("%s: conditional request for an answer that must not be stored", r.URL.Path)
		}
		w.Header().Set("ETag", `"v1"`)
		switch r.URL.Path {
		case "/unauthorized":
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"Bad credentials: ghp_secret"}`)
		case "/gone":
			w.WriteHeader(http.StatusNotFound)
		case "/unavailable":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/no-store":
			w.Header().Set("Cache-Control", "private, no-store")
			io.WriteString(w, "{}")
		case "/no-validator":
			w.Header().Del("ETag")
			io.WriteString(w, "{}")
		default:
			io.WriteString(w, `{"long":"answer"}`)
		}
	})
	dir := t.TempDir()
	c, err := newETagCache(dir, "tok", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/unauthorized", "/gone", "/unavailable", "/no-store", "/no-validator"} {
		for range 2 {
			cacheGet(t, c, srv.URL+p, "", true)
		}
	}
	for range 2 {
		cacheGet(t, c, srv.URL+"/partly-read", "", false)
	}
	if n := entries(t, dir); n != 0 {
		t.Errorf("%d entries stored, want none", n)
	}
	cacheGet(t, c, srv.URL+"/doc", "application/vnd.github+json", true)
	cacheGet(t, c, srv.URL+"/doc", "application/vnd.github.raw", true)
	if n := entries(t, dir); n != 2 {
		t.Errorf("%d entries for one URL with two Accept headers, want 2", n)
	}
}
