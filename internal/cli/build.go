package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/internal/buildcache"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/outdir"
	"github.com/bulletin-dev/bulletin/internal/site"
	"github.com/bulletin-dev/bulletin/themes"
)

// buildFlags are shared by build, check and serve.
type buildFlags struct {
	siteFlags
	drafts, future bool
	// useCache keeps rendered markdown and parsed content in the site's
	// .cache/ between builds; cache, docs and sources are the caches
	// loadSite opened.
	useCache bool
	cache    *buildcache.Cache
	docs     *buildcache.Documents
	sources  *buildcache.Documents
}

func (b *buildFlags) register(fs *flag.FlagSet, defaultEnv string) {
	b.siteFlags.register(fs, defaultEnv)
	fs.BoolVar(&b.drafts, "drafts", false, "include reports marked draft")
	fs.BoolVar(&b.future, "future", false, "include reports dated in the future")
}

// loadSite reads config and content for a build at time now.
func (b *buildFlags) loadSite(env Env, defaultEnv string, now time.Time, live bool) (*config.Config, *site.Site, error) {
	cfg, err := b.load(env, defaultEnv)
	if err != nil {
		return nil, nil, err
	}
	opts := site.Options{
		Dir:        b.source,
		Drafts:     b.drafts,
		Future:     b.future,
		Now:        now,
		Builtin:    builtinThemes(),
		LiveReload: live,
	}
	if b.useCache {
		// A cache that cannot be opened only costs time: build without.
		if c, err := buildcache.ForSite(b.source, cfg); err == nil {
			b.cache, opts.Markdown = c, c
		}
		if d, err := buildcache.DocumentsForSite(b.source); err == nil {
			b.docs, opts.Documents = d, d
		}
		// The first build of a clone keeps no sources: it holds every
		// parsed document and rendered page in memory already, and the
		// next build, which renders little, keeps them instead.
		if src := buildcache.OpenSources(buildcache.Dir(b.source)); src.Len() > 0 || b.docs != nil && b.docs.Len() > 0 {
			b.sources, opts.Sources = src, src
		}
		if id, err := buildcache.BinaryID(); err == nil {
			opts.CodeVersion = id
		}
	}
	s, err := site.Load(cfg, opts)
	return cfg, s, err
}

func runBuild(_ context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "build", "build [--env production] [--drafts] [--future] [-o public]")
	var b buildFlags
	b.register(fs, "production")
	out := fs.String("o", "public", "output directory, relative to --source")
	quiet := fs.Bool("q", false, "print nothing on success")
	noCache := fs.Bool("no-cache", false, "render all markdown afresh, without reading or writing .cache/bulletin")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to `file` (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "write a memory profile (allocations, and what is live once rendered) to `file`")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if env.BatchGC != nil {
		env.BatchGC()
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	b.useCache = !*noCache
	start := time.Now()
	dir := *out
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(b.source, dir)
	}
	if err := checkOutputDir(b.source, dir); err != nil {
		return err
	}
	// Without the cache there is no manifest; public/ is still updated in
	// place, file by file, rather than written afresh and swapped in.
	opts := outdir.Options{InPlace: true}
	if b.useCache {
		opts.Manifest = buildcache.OutputManifest(b.source, dir)
	}
	// Load the site while outdir looks over what the last build left in
	// public/: neither needs the other until rendering starts.
	var s *site.Site
	var loadErr error
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		_, s, loadErr = b.loadSite(env, "production", env.Now(), false)
	}()
	st, err := outdir.Build(dir, opts, func(w *outdir.Writer) error {
		<-loaded
		if loadErr != nil {
			return loadErr
		}
		err := s.Render(w)
		if *memProfile != "" {
			if perr := writeMemProfile(*memProfile); perr != nil {
				return perr
			}
		}
		return err
	})
	<-loaded
	if err != nil {
		// A build stops at the first stage with problems; report every
		// problem check would, so that one run shows them all.
		var de *diag.Error
		var le *diag.ListError
		if errors.As(err, &de) || errors.As(err, &le) {
			if _, cerr := b.check(env, "production"); cerr != nil {
				return cerr
			}
		}
		return err
	}
	// The caches are files of their own: write them at once.
	var saveErrs [3]error
	var wg sync.WaitGroup
	if b.cache != nil {
		wg.Go(func() { saveErrs[0] = b.cache.Save() })
	}
	if b.docs != nil {
		wg.Go(func() { saveErrs[1] = b.docs.Save() })
	}
	if b.sources != nil {
		wg.Go(func() { saveErrs[2] = b.sources.Save() })
	}
	wg.Wait()
	for _, err := range saveErrs {
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulletin build: %v (the site was built)\n", err)
		}
	}
	warnOverdue(env, s)
	if !*quiet {
		what := fmt.Sprintf("%d files", st.Files)
		if st.Incremental {
			what += fmt.Sprintf(" (%d written, %d unchanged, %d removed)", st.Written, st.Kept, st.Removed)
		}
		fmt.Fprintf(env.Stdout, "built %d reports, %s into %s in %s\n", len(s.Reports()), what, dir, time.Since(start).Round(time.Millisecond))
		if cfg := s.Config(); cfg.StatusSite() {
			fmt.Fprintf(env.Stdout, "the status site for %s is in %s: publish it with a target of site = \"status\"\n", cfg.Status.BaseURL, filepath.Join(dir, config.StatusSiteDir))
		}
	}
	return nil
}

// checkOutputDir refuses an output directory that a build would destroy
// something in: a build makes the directory hold exactly its own files, so
// "-o ." or "-o content" would delete the site itself.
func checkOutputDir(source, out string) error {
	src, err := filepath.Abs(source)
	if err != nil {
		return err
	}
	dst, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	within := func(dir, root string) bool {
		rel, err := filepath.Rel(root, dir)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	if within(src, dst) {
		return fmt.Errorf("%w: -o %s holds the site itself; the build replaces everything in its output directory: choose a directory of its own, such as public", errUsage, out)
	}
	for _, name := range []string{"content", "data", "templates", "themes", "static", "docs", ".git", ".cache"} {
		if within(dst, filepath.Join(src, name)) {
			return fmt.Errorf("%w: -o %s is inside the site's %s/; the build replaces everything in its output directory: choose a directory of its own, such as public", errUsage, out, name)
		}
	}
	// Anywhere else, a directory that holds a site or a repository is not
	// a build's output.
	for _, marker := range []string{"config.toml", ".git", "go.mod"} {
		if _, err := os.Lstat(filepath.Join(dst, marker)); err == nil {
			return fmt.Errorf("%w: -o %s holds %s, so it is not a build's output; the build replaces everything in its output directory: choose a directory of its own", errUsage, out, marker)
		}
	}
	return nil
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeMemProfile writes the allocations profile to path, after a
// collection so that its in-use figures are what is live.
func writeMemProfile(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memory profile: %w", err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("memory profile: %w", err)
	}
	return f.Close()
}

// builtinThemes returns the themes compiled into the binary.
func builtinThemes() fs.FS { return themes.FS }

func runCheck(_ context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "check", "check [--env production] [--drafts] [--future]")
	var b buildFlags
	b.register(fs, "production")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if env.BatchGC != nil {
		env.BatchGC()
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	s, err := b.check(env, "production")
	if err != nil {
		return err
	}
	warnOverdue(env, s)
	fmt.Fprintf(env.Stdout, "ok: %d reports checked\n", len(s.Reports()))
	return nil
}

// warnOverdue prints a warning for each announcement whose effective date
// has passed while it is still planned or in testing: not an error, since
// the site is right about what it was told, but its readers are misled.
func warnOverdue(env Env, s *site.Site) {
	for _, w := range content.Overdue(s.Announcements(), env.Now()) {
		fmt.Fprintf(env.Stderr, "warning: %v\n", w)
	}
}

// check runs every check of the site and returns the site and every
// problem found in one list. It checks everything, drafts and future
// reports included: a problem in a draft is still a problem to fix before
// it is published. It keeps going past each stage's problems so that one
// run lists them all: a config with an unknown key still tells where the
// content is, and reports that parsed are still rendered to find unknown
// figures.
func (b *buildFlags) check(env Env, defaultEnv string) (*site.Site, error) {
	var problems diag.List
	cfg, err := b.load(env, defaultEnv)
	problems.Add("", err)
	if cfg == nil || cfg.Location == nil {
		return nil, problems.Err()
	}
	s, err := site.Load(cfg, site.Options{
		Dir:        b.source,
		Drafts:     true,
		Future:     true,
		Now:        env.Now(),
		Builtin:    builtinThemes(),
		KeepGoing:  true,
		CheckTimes: true,
	})
	problems.Add("", err)
	if s != nil {
		problems.Add("", s.Render(site.Discard{}))
	}
	return s, problems.Err()
}
