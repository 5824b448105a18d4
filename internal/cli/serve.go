package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/internal/buildcache"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/server"
	"github.com/bulletin-dev/bulletin/internal/site"
)

func runServe(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "serve", "serve [--port 1313] [--bind 127.0.0.1] [--env development]")
	var b buildFlags
	b.register(fs, "development")
	port := fs.Int("port", 1313, "port to listen on (0 picks a free one)")
	bind := fs.String("bind", "127.0.0.1", "address to listen on")
	noDrafts := fs.Bool("no-drafts", false, "hide drafts (shown by default in preview)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	b.drafts = !*noDrafts
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("listen: %w (is another bulletin serve running? try --port)", err)
	}
	addr := "http://" + ln.Addr().String() + "/"
	// Each rebuild parses only the content files that changed, as bulletin
	// build does; a cache that cannot be opened only costs time.
	docs, docsErr := buildcache.DocumentsForSite(b.source)
	sources := buildcache.OpenSources(buildcache.Dir(b.source))
	// Rendered markdown and pages are kept in memory from one rebuild to
	// the next, so an edit re-renders what it changed.
	var md *buildcache.Cache
	var origins []string // CORS, as publish sets it on the bucket
	statusSite := false
	if cfg, err := b.load(env, "development"); err == nil {
		md, _ = buildcache.ForSite(b.source, cfg)
		origins = cfg.Publish.CORSOrigins
		statusSite = cfg.StatusSite()
	}
	code, _ := buildcache.BinaryID()
	var prev *site.MemOutput
	var mu sync.Mutex // one rebuild at a time: each starts from the last
	build := func() (map[string][]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		cfg, err := b.load(env, "development")
		if err != nil {
			return nil, err
		}
		// Links in the preview must point at the preview; a status site
		// is previewed below it, where the build puts it.
		cfg.BaseURL = addr
		if cfg.StatusSite() {
			cfg.Status.BaseURL = addr + config.StatusSiteDir + "/"
		}
		opts := site.Options{Dir: b.source, Drafts: b.drafts, Future: true, Now: env.Now(), Builtin: builtinThemes(), LiveReload: true, CodeVersion: code}
		if docsErr == nil {
			opts.Documents = docs
		}
		opts.Sources = sources
		if md != nil {
			opts.Markdown = md
		}
		s, err := site.Load(cfg, opts)
		if err != nil {
			return nil, err
		}
		out := site.NewMemOutputAfter(prev)
		if err := s.Render(out); err != nil {
			return nil, err
		}
		out.Forget()
		prev = out
		if docsErr == nil {
			if err := docs.Save(); err != nil {
				fmt.Fprintf(env.Stderr, "bulletin serve: %v (the site was built)\n", err)
			}
		}
		if err := sources.Save(); err != nil {
			fmt.Fprintf(env.Stderr, "bulletin serve: %v (the site was built)\n", err)
		}
		return out.Files(), nil
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(env.Stderr, time.Now().Format("15:04:05")+" "+format+"\n", args...)
	}
	srv := server.New(build, logf, origins)
	_ = srv.Rebuild() // a broken site is served as its error page until fixed
	roots := []string{"content", "data", "templates", "themes", "static", b.config}
	for i, r := range roots {
		if !filepath.IsAbs(r) {
			roots[i] = filepath.Join(b.source, r)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchErr := make(chan error, 1)
	go func() { watchErr <- srv.Watch(ctx, roots, 150*time.Millisecond) }()

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	fmt.Fprintf(env.Stdout, "Serving the site at %s (drafts %s). Edits reload the page. Press Ctrl+C to stop.\n", addr, map[bool]string{true: "shown", false: "hidden"}[b.drafts])
	if statusSite {
		fmt.Fprintf(env.Stdout, "The status site (status.base_url) is at %s%s/.\n", addr, config.StatusSiteDir)
	}
	select {
	case <-ctx.Done():
	case err := <-watchErr:
		if err != nil {
			cancel()
			_ = hs.Close()
			return err
		}
		<-ctx.Done()
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdownCtx, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	_ = hs.Shutdown(shutdownCtx)
	return nil
}
