package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/site"
	"github.com/bulletin-dev/bulletin/themes"
)

// chromiumPath is the Debian package's browser.
const chromiumPath = "/usr/bin/chromium"

// buildNow is the example site's clock in these tests: the builds incident
// is open, the DNS provider maintenance is still to come.
var buildNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// chromium returns the browser, or skips the test without it (fails on CI,
// where it must be installed).
func chromium(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("chromium is required on CI: %v (apt-get install chromium)", err)
		}
		tb.Skipf("no browser: %v (apt-get install chromium to run this test)", err)
	}
	return chromiumPath
}

// exampleSite builds the repository's example site, with its base URL on
// the test server, into a temporary directory.
func exampleSite(tb testing.TB, baseURL string) string {
	tb.Helper()
	return exampleSiteWith(tb, baseURL, func(*config.Config) {})
}

// browseExample starts a browser and serves the example site, built for
// the server's address, to it.
func browseExample(tb testing.TB) (*browser, *fileServer) {
	tb.Helper()
	b := startBrowser(tb, chromium(tb))
	srv, setDir := serveDir(tb)
	setDir(exampleSite(tb, srv.URL+"/"))
	return b, srv
}

// exampleSiteWith builds the example site as exampleSite does, with its
// config changed by edit first.
func exampleSiteWith(tb testing.TB, baseURL string, edit func(*config.Config)) string {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, "config.toml"), "production")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.BaseURL = baseURL
	edit(cfg)
	s, err := site.Load(cfg, site.Options{Dir: root, Now: buildNow, Builtin: themes.FS})
	if err != nil {
		tb.Fatalf("load the example site: %v", err)
	}
	dir := filepath.Join(tb.TempDir(), "public")
	if err := site.WriteDir(dir, s.Render); err != nil {
		tb.Fatalf("build the example site: %v", err)
	}
	return dir
}

// fileServer serves dir and remembers the paths it could not find.
type fileServer struct {
	*httptest.Server
	mu      sync.Mutex
	missing []string
}

func serveDir(tb testing.TB) (*fileServer, func(dir string)) {
	tb.Helper()
	fs := &fileServer{}
	var dir string
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		d := dir
		fs.mu.Unlock()
		rw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		http.FileServer(http.Dir(d)).ServeHTTP(rw, r)
		// Every page names its icon inline, so a browser never asks for
		// /favicon.ico: a request for it is a 404 like any other.
		if rw.code == http.StatusNotFound {
			fs.mu.Lock()
			fs.missing = append(fs.missing, r.URL.Path)
			fs.mu.Unlock()
		}
	}))
	tb.Cleanup(fs.Close)
	return fs, func(d string) {
		fs.mu.Lock()
		dir = d
		fs.mu.Unlock()
	}
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// screenshotDir is where screenshots go: BULLETIN_E2E_SCREENSHOTS to keep
// them for a look, else a temporary directory.
func screenshotDir(tb testing.TB) string {
	if d := os.Getenv("BULLETIN_E2E_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
		return d
	}
	return tb.TempDir()
}

func savePNG(tb testing.TB, path string, png []byte) {
	tb.Helper()
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		tb.Errorf("%s: not a PNG (%d bytes)", path, len(png))
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
}

var (
	barsPattern = regexp.MustCompile(`<div class="bars"`)
	dayPattern  = regexp.MustCompile(`<span class="[a-z-]+" title="[^"]*"></span>`)
)

func TestStatusPageInBrowser(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv, setDir := serveDir(t)
	dir := exampleSite(t, srv.URL+"/")
	setDir(dir)
	origin := srv.URL + "/"
	shots := screenshotDir(t)

	desktop := b.visit(t, origin+"status/", 1280, 2000)
	for _, want := range []string{
		"Documentation sites", "API", "Search", "Documentation builds", "DNS", "Database", // every component
		`class="overall">Partially Degraded Service</p>`,
		"Documentation builds start late", // the open incident
		"Adding a second DNS provider",    // the maintenance to come
	} {
		if !strings.Contains(desktop.DOM, want) {
			t.Errorf("the rendered status page lacks %q", want)
		}
	}
	if n := len(barsPattern.FindAllString(desktop.DOM, -1)); n != 6 {
		t.Errorf("%d components with bars, want 6", n)
	}
	if n := len(dayPattern.FindAllString(desktop.DOM, -1)); n != 6*90 {
		t.Errorf("%d daily bars, want %d", n, 6*90)
	}
	if len(desktop.Requests) == 0 || desktop.Requests[0] != origin+"status/" {
		t.Errorf("requests %v: the page itself was not loaded from the origin", desktop.Requests)
	}
	if away := offOrigin(desktop.Requests, origin); len(away) > 0 {
		t.Errorf("the status page made requests to other hosts: %v", away)
	}
	if len(desktop.Requests) != 1 {
		t.Errorf("the status page needed %d requests, want 1 (everything inline): %v", len(desktop.Requests), desktop.Requests)
	}
	savePNG(t, filepath.Join(shots, "status-desktop.png"), desktop.Screenshot)

	phone := b.visit(t, origin+"status/", 390, 2000)
	savePNG(t, filepath.Join(shots, "status-phone.png"), phone.Screenshot)
	if away := offOrigin(phone.Requests, origin); len(away) > 0 {
		t.Errorf("the status page made requests to other hosts on a phone: %v", away)
	}

	incident := b.visit(t, origin+"incidents/2026-10-14-dns-resolution-failing/", 1280, 2000)
	if !strings.Contains(incident.DOM, "Post-mortem") || !strings.Contains(incident.DOM, "What we are changing") {
		t.Error("the DNS incident page lacks its post-mortem")
	}
	if away := offOrigin(incident.Requests, origin); len(away) > 0 {
		t.Errorf("the incident page made requests to other hosts: %v", away)
	}
	savePNG(t, filepath.Join(shots, "incident.png"), incident.Screenshot)

	// An error page opens from disk, with nothing running.
	file := "file://" + filepath.Join(dir, "errors", "503.html")
	errPage := b.visit(t, file, 390, 900)
	if !strings.Contains(errPage.DOM, "This site is temporarily unavailable") || !strings.Contains(errPage.DOM, "Documentation builds start late") {
		t.Errorf("errors/503.html from disk:\n%s", errPage.DOM)
	}
	if len(errPage.Requests) != 1 || errPage.Requests[0] != file {
		t.Errorf("errors/503.html made requests: %v", errPage.Requests)
	}
	savePNG(t, filepath.Join(shots, "error-503.png"), errPage.Screenshot)

	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.missing) > 0 {
		t.Errorf("the browser asked for files the build did not write: %v", srv.missing)
	}
}

// TestOffOriginDetection proves a request that leaves the origin is seen:
// without it, an empty list would prove nothing.
func TestOffOriginDetection(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<!doctype html><title>leak</title><link rel="stylesheet" href="https://fonts.leak.invalid/css"><p>x<img src="http://leak.invalid/pixel.png" alt=""><script src="/app.js"></script>`)
	}))
	defer srv.Close()
	v := b.visit(t, srv.URL+"/", 800, 600)
	away := strings.Join(offOrigin(v.Requests, srv.URL+"/"), "\n")
	for _, want := range []string{"https://fonts.leak.invalid/css", "http://leak.invalid/pixel.png"} {
		if !strings.Contains(away, want) {
			t.Errorf("the request to %s was not seen; off-origin requests:\n%s", want, away)
		}
	}
}
