package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventTimeout bounds the wait for a reload event. It is generous on
// purpose: it only keeps a broken test from hanging, it measures nothing.
const eventTimeout = 30 * time.Second

// fakeBuild is a BuildFunc whose result the test sets.
type fakeBuild struct {
	mu    sync.Mutex
	files map[string][]byte
	err   error
}

func (f *fakeBuild) set(files map[string][]byte, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files, f.err = files, err
}

func (f *fakeBuild) build() (map[string][]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files, f.err
}

func get(tb testing.TB, url string) (*http.Response, string) {
	tb.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

var site = map[string][]byte{
	"index.html":                 []byte("<h1>home</h1>"),
	"reports/2026/10/index.html": []byte("<h1>october</h1>"),
	"404.html":                   []byte("<h1>not here</h1>"),
	"feed.xml":                   []byte("<rss/>"),
	"feed.json":                  []byte("{}"),
	"css/style.abc.css":          []byte("body{}"),
}

func TestServeFiles(t *testing.T) {
	b := &fakeBuild{}
	b.set(site, nil)
	srv := New(b.build, nil, nil)
	if err := srv.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the event streams, registered later, are closed
	tests := []struct {
		path, status, ctype, body, location string
	}{
		{"/", "200 OK", "text/html; charset=utf-8", "<h1>home</h1>", ""},
		{"/reports/2026/10/", "200 OK", "text/html; charset=utf-8", "<h1>october</h1>", ""},
		{"/reports/2026/10/index.html", "200 OK", "text/html; charset=utf-8", "<h1>october</h1>", ""},
		{"/reports/2026/10", "301 Moved Permanently", "", "", "/reports/2026/10/"},
		{"/feed.xml", "200 OK", "application/xml; charset=utf-8", "<rss/>", ""},
		{"/feed.json", "200 OK", "application/json; charset=utf-8", "{}", ""},
		{"/css/style.abc.css", "200 OK", "text/css; charset=utf-8", "body{}", ""},
		{"/nope/", "404 Not Found", "text/html; charset=utf-8", "<h1>not here</h1>", ""},
		{"/../../etc/passwd", "404 Not Found", "text/html; charset=utf-8", "<h1>not here</h1>", ""},
		{"/_bulletin/livereload.js", "200 OK", "text/javascript; charset=utf-8", `new EventSource("/_bulletin/events")`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts.URL+tt.path)
			if resp.Status != tt.status {
				t.Errorf("status %q, want %q", resp.Status, tt.status)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("content type %q, want %q", resp.Header.Get("Content-Type"), tt.ctype)
			}
			if !strings.Contains(body, tt.body) {
				t.Errorf("body %q lacks %q", body, tt.body)
			}
			if resp.Header.Get("Location") != tt.location {
				t.Errorf("location %q, want %q", resp.Header.Get("Location"), tt.location)
			}
			if resp.Header.Get("Cache-Control") != "no-store" && resp.StatusCode != http.StatusMovedPermanently {
				t.Errorf("Cache-Control %q: a preview must never be cached", resp.Header.Get("Cache-Control"))
			}
		})
	}
	resp, err := http.Post(ts.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %s", resp.Status)
	}
}

// events subscribes to the reload stream and delivers each "data:" line.
func events(tb testing.TB, url string) <-chan string {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+eventsPath, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		tb.Fatalf("event stream content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	// The stream opens with its retry hint: once read, the subscription is
	// registered and no rebuild can be missed.
	if !sc.Scan() || sc.Text() != "retry: 1000" {
		tb.Fatalf("stream opened with %q", sc.Text())
	}
	ch := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				ch <- data
			}
		}
	}()
	return ch
}

// waitEvent waits for the next reload event.
func waitEvent(tb testing.TB, ch <-chan string) {
	tb.Helper()
	select {
	case data, ok := <-ch:
		if !ok {
			tb.Fatal("event stream closed")
		}
		if data != "reload" {
			tb.Fatalf("event %q, want reload", data)
		}
	case <-time.After(eventTimeout):
		tb.Fatal("no reload event")
	}
}

func TestRebuildNotifiesAndServesErrors(t *testing.T) {
	b := &fakeBuild{}
	b.set(site, nil)
	var logMu sync.Mutex
	var logs []string
	srv := New(b.build, func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		logs = append(logs, format)
	}, nil)
	if err := srv.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the event streams, registered later, are closed
	ch := events(t, ts.URL)

	// A broken build: every page shows the problems, escaped, and keeps
	// listening for the fix.
	broken := errors.New(`content/reports/2026-10.md:7: unknown figure "uptime.<web>"`)
	b.set(nil, broken)
	if err := srv.Rebuild(); !errors.Is(err, broken) {
		t.Fatalf("Rebuild = %v", err)
	}
	waitEvent(t, ch)
	for _, path := range []string{"/", "/reports/2026/10/", "/feed.xml"} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: %s while the build is broken", path, resp.Status)
		}
		for _, want := range []string{"<h1>Build failed</h1>", `content/reports/2026-10.md:7: unknown figure &#34;uptime.&lt;web&gt;&#34;`, `<script src="/_bulletin/livereload.js"></script>`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: error page lacks %s", path, want)
			}
		}
	}

	// Fixed: the site is back and the open page reloads.
	fixed := map[string][]byte{"index.html": []byte("<h1>home, fixed</h1>")}
	b.set(fixed, nil)
	if err := srv.Rebuild(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ch)
	if resp, body := get(t, ts.URL+"/"); resp.StatusCode != http.StatusOK || body != "<h1>home, fixed</h1>" {
		t.Errorf("after the fix: %s %q", resp.Status, body)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if len(logs) != 3 || logs[1] != "build failed:\n%v" {
		t.Errorf("log lines %q, want one per rebuild", logs)
	}
}

// TestWatch edits files on disk and waits for the rebuild, the reload
// event and the new page; then breaks the build and fixes it again.
func TestWatch(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(content, "page.md")
	write := func(path, s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(page, "one")
	// build renders every content/x.md as x.html.
	build := func() (map[string][]byte, error) {
		files := map[string][]byte{}
		err := filepath.WalkDir(content, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.HasPrefix(string(b), "BROKEN") {
				return errors.New(d.Name() + ":1: broken")
			}
			rel, _ := filepath.Rel(content, p)
			files[strings.TrimSuffix(filepath.ToSlash(rel), ".md")+".html"] = b
			return nil
		})
		return files, err
	}
	srv := New(build, nil, nil)
	if err := srv.Rebuild(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the event streams, registered later, are closed
	ctx, cancel := context.WithCancel(context.Background())
	watchDone := make(chan error, 1)
	go func() {
		watchDone <- srv.Watch(ctx, []string{content, filepath.Join(dir, "missing")}, 10*time.Millisecond)
	}()
	defer func() {
		cancel()
		if err := <-watchDone; err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	ch := events(t, ts.URL)

	// editUntilReload writes s until a reload event arrives: the watcher
	// starts asynchronously, so the first writes may come before it
	// watches the directory.
	editUntilReload := func(path, s string) {
		t.Helper()
		deadline := time.After(eventTimeout)
		for {
			write(path, s)
			select {
			case data := <-ch:
				if data != "reload" {
					t.Fatalf("event %q", data)
				}
				// Drain the reloads of earlier writes of the same content.
				for {
					select {
					case <-ch:
						continue
					case <-time.After(100 * time.Millisecond):
					}
					break
				}
				return
			case <-deadline:
				t.Fatalf("no reload after writing %q", s)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}

	editUntilReload(page, "two")
	if _, body := get(t, ts.URL+"/page.html"); body != "two" {
		t.Errorf("after the edit: %q", body)
	}
	editUntilReload(page, "BROKEN")
	if resp, body := get(t, ts.URL+"/page.html"); resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "page.md:1: broken") {
		t.Errorf("broken build: %s %q", resp.Status, body)
	}
	editUntilReload(page, "three")
	if resp, body := get(t, ts.URL+"/page.html"); resp.StatusCode != http.StatusOK || body != "three" {
		t.Errorf("after the fix: %s %q", resp.Status, body)
	}

	// A directory created after the watch started is watched too.
	sub := filepath.Join(content, "reports")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	editUntilReload(filepath.Join(sub, "new.md"), "four")
	editUntilReload(filepath.Join(sub, "new.md"), "five")
	if _, body := get(t, ts.URL+"/reports/new.html"); body != "five" {
		t.Errorf("after editing a file in a new directory: %q", body)
	}
}

func TestIgnoredAndUnder(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"content/.2026-10.md.swp", true},
		{"content/2026-10.md.swp", true},
		{"content/2026-10.md~", true},
		{"content/#2026-10.md#", true},
		{"content/.#2026-10.md", true},
		{"content/2026-10.md", false},
	} {
		if got := ignored(tt.name); got != tt.want {
			t.Errorf("ignored(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	roots := []string{"/site/content", "/site/config.toml"}
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"/site/content", true},
		{"/site/content/reports/2026-10.md", true},
		{"/site/config.toml", true},
		{"/site/contentious.md", false},
		{"/site/public/index.html", false},
	} {
		if got := under(tt.name, roots); got != tt.want {
			t.Errorf("under(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCORS: with CORS origins, the preview answers a browser's
// cross-origin read as the published bucket's rule does; without, or for
// another origin, it sends no CORS header.
func TestCORS(t *testing.T) {
	site := map[string][]byte{"status/api/v2/summary.json": []byte(`{}`)}
	for _, tt := range []struct {
		name         string
		origins      []string
		origin       string
		method       string
		wantCode     int
		wantAllow    string
		wantMethods  string
		wantVaryOrig bool
	}{
		{"no origins configured", nil, "https://w.example.com", http.MethodGet, 200, "", "", false},
		{"any origin, GET", []string{"*"}, "https://w.example.com", http.MethodGet, 200, "*", "", false},
		{"any origin, preflight", []string{"*"}, "https://w.example.com", http.MethodOptions, 204, "*", "GET, HEAD", false},
		{"listed origin", []string{"https://a.example.com", "https://w.example.com"}, "https://w.example.com", http.MethodGet, 200, "https://w.example.com", "", true},
		{"other origin", []string{"https://a.example.com"}, "https://w.example.com", http.MethodGet, 200, "", "", false},
		{"other origin, preflight", []string{"https://a.example.com"}, "https://w.example.com", http.MethodOptions, 405, "", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBuild{}
			b.set(site, nil)
			srv := New(b.build, nil, tt.origins)
			if err := srv.Rebuild(); err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(tt.method, "/status/api/v2/summary.json", nil)
			req.Header.Set("Origin", tt.origin)
			if tt.method == http.MethodOptions {
				req.Header.Set("Access-Control-Request-Method", "GET")
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			h := rec.Result().Header
			if rec.Code != tt.wantCode || h.Get("Access-Control-Allow-Origin") != tt.wantAllow || h.Get("Access-Control-Allow-Methods") != tt.wantMethods {
				t.Errorf("%d, Allow-Origin %q, Allow-Methods %q; want %d, %q, %q", rec.Code, h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Methods"), tt.wantCode, tt.wantAllow, tt.wantMethods)
			}
			if got := h.Get("Vary") == "Origin"; got != tt.wantVaryOrig {
				t.Errorf("Vary %q", h.Get("Vary"))
			}
		})
	}
}
