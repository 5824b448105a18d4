// Package server is bulletin's preview server: it serves a site rendered in
// memory, rebuilds it when a watched file changes, and tells open pages to
// reload through Server-Sent Events. While a build is broken it serves the
// problems instead of the site, and reloads once they are fixed.
package server

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// BuildFunc renders the whole site and returns its files by slash path.
type BuildFunc func() (map[string][]byte, error)

// Server serves the latest successful build and reload notifications.
type Server struct {
	build BuildFunc
	logf  func(format string, args ...any)
	// origins may read the files from a browser (CORS), as the published
	// bucket lets them (config.Publish.CORSOrigins).
	origins []string

	mu      sync.RWMutex
	files   map[string][]byte
	lastErr error
	version int

	subMu sync.Mutex
	subs  map[chan struct{}]struct{}
}

// New returns a Server that renders with build; logf receives one line per
// rebuild. Browsers on corsOrigins ("*" for any) may read the files from
// other pages, as they may from the published bucket.
func New(build BuildFunc, logf func(string, ...any), corsOrigins []string) *Server {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Server{build: build, logf: logf, origins: corsOrigins, subs: map[chan struct{}]struct{}{}}
}

// allowOrigin answers a browser's cross-origin read as the published
// bucket's CORS rule does: GET and HEAD from the configured origins. It
// reports whether r was a preflight, now answered.
func (s *Server) allowOrigin(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || len(s.origins) == 0 {
		return false
	}
	allowed := ""
	for _, o := range s.origins {
		if o == "*" || o == origin {
			allowed = o
			break
		}
	}
	if allowed == "" {
		return false
	}
	if allowed != "*" {
		w.Header().Add("Vary", "Origin")
	}
	w.Header().Set("Access-Control-Allow-Origin", allowed)
	w.Header().Set("Access-Control-Expose-Headers", "ETag, Last-Modified")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD")
	if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
		w.Header().Set("Access-Control-Allow-Headers", h)
	}
	w.Header().Set("Access-Control-Max-Age", "3600")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// Rebuild renders the site now and notifies open pages.
func (s *Server) Rebuild() error {
	start := time.Now()
	files, err := s.build()
	s.mu.Lock()
	if err == nil {
		s.files = files
	}
	s.lastErr = err
	s.version++
	s.mu.Unlock()
	if err != nil {
		s.logf("build failed:\n%v", err)
	} else {
		s.logf("rebuilt %d files in %s", len(files), time.Since(start).Round(time.Millisecond))
	}
	s.notify()
	return err
}

func (s *Server) notify() {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

const (
	eventsPath = "/_bulletin/events"
	scriptPath = "/_bulletin/livereload.js"
)

// reloadScript subscribes to rebuilds and reloads the page. EventSource
// reconnects by itself after the server restarts.
const reloadScript = `(function () {
  var es = new EventSource("` + eventsPath + `");
  es.onmessage = function (e) { if (e.data === "reload") { location.reload(); } };
})();
`

// ServeHTTP serves the site, the reload script and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case eventsPath:
		s.serveEvents(w, r)
		return
	case scriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, reloadScript)
		return
	}
	if s.allowOrigin(w, r) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.RLock()
	files, lastErr := s.files, s.lastErr
	s.mu.RUnlock()
	w.Header().Set("Cache-Control", "no-store")
	if lastErr != nil {
		s.serveError(w, lastErr)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") || name == "" {
		name = path.Join(name, "index.html")
	}
	body, ok := files[name]
	if !ok {
		if _, isDir := files[path.Join(name, "index.html")]; isDir {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		if nf, ok := files["404.html"]; ok {
			_, _ = w.Write(nf)
		} else {
			fmt.Fprint(w, "404 page not found")
		}
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// contentType picks the type for a built file by extension.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".css":
		return "text/css; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (s *Server) serveError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;background:#fff0f0;color:#600;padding:1rem;border-radius:4px}</style></head>
<body><h1>Build failed</h1><p>Fix the problems below; this page reloads when the site builds again.</p><pre>%s</pre><script src="%s"></script></body></html>`,
		html.EscapeString(err.Error()), scriptPath)
}

func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	ch := make(chan struct{}, 1)
	s.subMu.Lock()
	s.subs[ch] = struct{}{}
	s.subMu.Unlock()
	defer func() {
		s.subMu.Lock()
		delete(s.subs, ch)
		s.subMu.Unlock()
	}()
	fmt.Fprint(w, "retry: 1000\n\n")
	flusher.Flush()
	keepAlive := time.NewTicker(30 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ch:
			fmt.Fprint(w, "data: reload\n\n")
			flusher.Flush()
		case <-keepAlive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			flusher.Flush()
		}
	}
}

// Watch rebuilds whenever a file under roots (files or directories, watched
// recursively; missing ones are skipped) changes, until ctx ends. Bursts of
// events (an editor's save) are coalesced into one rebuild.
func (s *Server) Watch(ctx context.Context, roots []string, debounce time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	for _, root := range roots {
		if err := addTree(w, root); err != nil {
			return err
		}
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ignored(ev.Name) || !under(ev.Name, roots) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = addTree(w, ev.Name)
				}
			}
			if timer == nil {
				timer = time.AfterFunc(debounce, func() {
					select {
					case fire <- struct{}{}:
					default:
					}
				})
			} else {
				timer.Reset(debounce)
			}
		case <-fire:
			_ = s.Rebuild()
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			s.logf("watch: %v", err)
		}
	}
}

// under reports whether name is one of roots or inside one of them.
func under(name string, roots []string) bool {
	name = filepath.Clean(name)
	for _, r := range roots {
		r = filepath.Clean(r)
		if name == r || strings.HasPrefix(name, r+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// ignored skips editor swap and backup files.
func ignored(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasPrefix(base, "#")
}

func addTree(w *fsnotify.Watcher, root string) error {
	fi, err := os.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		// Watch the parent: editors replace files by rename, which drops a
		// watch on the file itself.
		return w.Add(filepath.Dir(root))
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return w.Add(p)
		}
		return nil
	})
}
