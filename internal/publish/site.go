package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gocloud.dev/blob"
	// The bucket kinds a target URL may name.
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// SiteOptions describe a site to publish to the targets of its config.
type SiteOptions struct {
	// Config is the site's loaded configuration.
	Config *config.Config
	// Dir is the site directory: .cache/publish and data/ are in it, and
	// the relative paths of Config are resolved against it.
	Dir string
	// Owner names who publishes, in the lock object ($USER).
	Owner string
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Log receives notices and, with Request.Verbose, a line per uploaded
	// or deleted file; nil discards them.
	Log io.Writer
}

// Request is one publish of a site. Nil pointers take the value of the
// site's [publish] section.
type Request struct {
	// Target names a target of [publish.targets]; To is a bucket URL to
	// publish to instead. Without either: publish.default, else the only
	// target.
	Target, To string
	// Dir is the built site to publish, relative to the site directory
	// unless absolute (the command line's default is "public").
	Dir string
	// DryRun plans the publish and changes nothing.
	DryRun bool
	// MaxDeletes caps the objects deleted unless Force is set.
	MaxDeletes *int
	Force      bool
	// ForceUnlock takes the target's lock even if another publish holds
	// it.
	ForceUnlock bool
	// Workers bounds the uploads in flight.
	Workers *int
	// MetricsFile, when not "", receives the metrics of a successful
	// publish (see WriteMetrics). A value given here is used as is; the
	// config's is relative to the site directory.
	MetricsFile *string
	// Verbose logs one line per uploaded or deleted file.
	Verbose bool
	// NoCache reads every file and every object's attributes, without the
	// digest cache in .cache/publish or the target's manifest.
	NoCache bool
}

// SiteResult is what a publish of a site did, or for a dry run would do.
type SiteResult struct {
	// Target names the target published to: its name in the config, or
	// for Request.To the bucket URL without query parameters. It is the
	// metrics' target label.
	Target string
	// Plan is the dry run's plan; nil for a real run.
	Plan *Plan
	// Summary counts what a real run did, up to where it stopped.
	Summary Summary
	// Done reports that the run finished: every change was made. The
	// metrics file is written after that, and may still fail.
	Done bool
}

// RequestError reports a request that cannot be carried out as asked: an
// unknown target, a bad URL, a negative cap. Nothing is read or written.
// Msg says what is wrong; the command line reports it as a usage error.
type RequestError struct {
	Msg string
}

// Error returns Msg.
func (e *RequestError) Error() string { return e.Msg }

func requestErrorf(format string, args ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, args...)}
}

// Site publishes the built directory of one site to the targets its
// config names. It is the part of the package that knows the config and
// opens buckets by URL.
type Site struct {
	opts SiteOptions
}

// NewSite returns a Site.
func NewSite(opts SiteOptions) *Site {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Site{opts: opts}
}

// Publish runs req: it opens the target's bucket and syncs the built site
// to it as Publisher.Run does, or plans it as Publisher.Plan does for a
// dry run. A dry run that would delete more than the cap returns its plan
// with a *DeleteCapError. A bad request is a *RequestError with a nil
// result; a run that failed returns what it did until then. After a
// successful run the metrics file is written, with the state of the live
// checks when the site has data/live.json.
func (s *Site) Publish(ctx context.Context, req Request) (*SiteResult, error) {
	cfg := s.opts.Config
	pc := cfg.Publish
	maxDeletes := *pc.MaxDeletes
	if req.MaxDeletes != nil {
		maxDeletes = *req.MaxDeletes
	}
	workers := pc.Workers
	if req.Workers != nil {
		workers = *req.Workers
	}
	if maxDeletes < 0 {
		return nil, requestErrorf("--max-deletes must not be negative")
	}
	if workers < 1 {
		return nil, requestErrorf("--workers must be at least 1")
	}
	metricsFile := s.path(pc.MetricsFile)
	if req.MetricsFile != nil {
		metricsFile = *req.MetricsFile
	}

	name, bucketURL, err := chooseTarget(pc, req.Target, req.To)
	if err != nil {
		return nil, err
	}
	// A target of the status site (status.base_url) publishes its
	// directory of the build at its root; the main site's targets leave
	// that directory out.
	statusSite := pc.Targets[name].Publishes(config.SiteStatus) && req.To == ""
	baseURL, statusPath, exclude := cfg.BaseURL, cfg.Status.Path, pc.Exclude
	siteDir := s.path(req.Dir)
	if statusSite {
		baseURL, statusPath = cfg.Status.BaseURL, "/"
		siteDir = filepath.Join(siteDir, config.StatusSiteDir)
	} else if cfg.StatusSite() {
		exclude = append(slices.Clip(exclude), config.StatusSiteDir+"/**")
	}
	if fi, err := os.Stat(siteDir); statusSite && (err != nil || !fi.IsDir()) {
		return nil, fmt.Errorf("target %s publishes the status site, but %s is not a directory: run bulletin build first", name, siteDir)
	}
	rules, err := headerRules(cfg, statusSite)
	if err != nil {
		return nil, err
	}
	ttl, err := time.ParseDuration(pc.LockTTL)
	if err != nil {
		return nil, fmt.Errorf("publish.lock_ttl: %w", err)
	}
	bucket, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		if strings.HasPrefix(bucketURL, "file://") && errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open target %s: %w (create the directory, or add ?create_dir=true to the URL)", name, err)
		}
		return nil, fmt.Errorf("open target %s: %w", name, err)
	}
	defer bucket.Close()

	digests := ""
	if !req.NoCache {
		if digests, err = digestCachePath(s.opts.Dir, siteDir); err != nil {
			return nil, err
		}
	}
	nested, err := nestedTargets(pc, bucketURL)
	if err != nil {
		return nil, err
	}
	if !req.DryRun {
		changed, err := ApplyCORS(ctx, bucket, bucketURL, pc.CORSOrigins)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", name, err)
		}
		if changed && s.opts.Log != nil {
			fmt.Fprintf(s.opts.Log, "target %s: CORS set: GET and HEAD from %s\n", name, strings.Join(pc.CORSOrigins, ", "))
		}
	}
	p, err := New(bucket, Options{
		Rules:       rules,
		BaseURL:     baseURL,
		StatusPath:  statusPath,
		Exclude:     exclude,
		Nested:      nested,
		Workers:     workers,
		MaxDeletes:  maxDeletes,
		Force:       req.Force,
		LockTTL:     ttl,
		ForceUnlock: req.ForceUnlock,
		Owner:       s.opts.Owner,
		Now:         s.opts.Now,
		Log:         s.opts.Log,
		Verbose:     req.Verbose,
		DigestCache: digests,
		NoManifest:  req.NoCache,
	})
	if err != nil {
		return nil, err
	}

	if req.DryRun {
		plan, err := p.Plan(ctx, siteDir)
		if err != nil {
			return nil, err
		}
		res := &SiteResult{Target: name, Plan: plan}
		if len(plan.Deletes) > maxDeletes && !req.Force {
			return res, &DeleteCapError{Deletes: len(plan.Deletes), Max: maxDeletes}
		}
		return res, nil
	}

	sum, err := p.Run(ctx, siteDir)
	res := &SiteResult{Target: name, Summary: sum, Done: err == nil}
	if err != nil || metricsFile == "" {
		return res, err
	}
	live, err := liveMetrics(s.path("data"))
	if err != nil {
		return res, err
	}
	return res, WriteMetrics(metricsFile, name, sum, s.opts.Now(), live)
}

// path resolves a path of the site: relative ones against its directory.
func (s *Site) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.opts.Dir, p)
}

// digestCachePath is the digest cache of the directory published, in the
// site's .cache/publish. It is named after the directory, not the target:
// the digests are of local files, so publishing to a second target reads
// nothing again.
func digestCachePath(source, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("digest cache: %w", err)
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(source, ".cache", "publish", "digests-"+hex.EncodeToString(sum[:8])), nil
}

// chooseTarget returns the target's name (the metrics label) and bucket
// URL: to, else target, else publish.default, else the only target.
func chooseTarget(pc config.Publish, target, to string) (name, bucketURL string, err error) {
	names := slices.Sorted(maps.Keys(pc.Targets))
	configured := "none configured"
	if len(names) > 0 {
		configured = "configured: " + strings.Join(names, ", ")
	}
	switch {
	case to != "" && target != "":
		return "", "", requestErrorf("give --target or --to, not both")
	case to != "":
		u, err := url.Parse(to)
		if err != nil {
			return "", "", requestErrorf("--to: %v", err)
		}
		if u.User != nil {
			return "", "", requestErrorf("--to: the URL must not hold credentials; they come from the environment")
		}
		// Label the metrics by the bucket, without query parameters.
		u.RawQuery = ""
		return u.String(), to, nil
	case target != "":
		t, ok := pc.Targets[target]
		if !ok {
			return "", "", requestErrorf("unknown target %q (%s)", target, configured)
		}
		return target, t.URL, nil
	case pc.Default != "":
		return pc.Default, pc.Targets[pc.Default].URL, nil
	case len(names) == 1:
		return names[0], pc.Targets[names[0]].URL, nil
	}
	return "", "", requestErrorf("no target: give --target NAME (%s) or --to URL, or set publish.default", configured)
}

// nestedTargets returns the key prefixes, relative to the target at
// bucketURL, of the configured targets that live inside it (staging at
// ?prefix=staging/ of production's bucket), so that publishing the outer
// target neither overwrites nor deletes them.
func nestedTargets(pc config.Publish, bucketURL string) ([]string, error) {
	place := func(raw string) (bucket, prefix string, err error) {
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", err
		}
		prefix = u.Query().Get("prefix")
		return u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, "/"), prefix, nil
	}
	bucket, prefix, err := place(bucketURL)
	if err != nil {
		return nil, requestErrorf("target URL: %v", err)
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(pc.Targets)) {
		ob, op, err := place(pc.Targets[name].URL)
		if err != nil || ob != bucket || op == prefix || !strings.HasPrefix(op, prefix) {
			continue
		}
		out = append(out, strings.TrimPrefix(op, prefix))
	}
	return out, nil
}

// headerRules are the built-in rules, of the main site or of the status
// site, followed by the site's own.
func headerRules(cfg *config.Config, statusSite bool) (*Rules, error) {
	rules := DefaultRules(cfg.Status.Path)
	if statusSite {
		rules = StatusSiteRules()
	}
	for _, h := range cfg.Publish.Headers {
		rules = append(rules, Rule{
			Pattern:       h.Pattern,
			Fingerprinted: h.Fingerprinted,
			ContentType:   h.ContentType,
			CacheControl:  h.CacheControl,
			Gzip:          h.Gzip,
		})
	}
	r, err := NewRules(rules)
	if err != nil {
		return nil, fmt.Errorf("%s: [publish.headers]: %w", cfg.Path, err)
	}
	return r, nil
}

// liveMetrics reads the live checks' state for the metrics file; nil on a
// site without data/live.json.
func liveMetrics(dataDir string) (*LiveMetrics, error) {
	l, err := snapshot.ReadLive(dataDir)
	if err != nil || l == nil {
		return nil, err
	}
	m := &LiveMetrics{LastCheck: l.LastCheck, CheckedAt: l.CheckedAt}
	for _, c := range l.Components {
		if c.Status != "operational" {
			m.Detected++
		}
	}
	return m, nil
}
