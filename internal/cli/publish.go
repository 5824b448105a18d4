package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
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
	"github.com/bulletin-dev/bulletin/internal/publish"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Exit codes of bulletin publish beyond the common ones, so that cron
// wrappers can tell "try again later" from "look at this".
const (
	// exitLocked: another publish holds the target's lock.
	exitLocked = 3
	// exitDeleteCap: the run would delete more than --max-deletes objects;
	// nothing was changed.
	exitDeleteCap = 4
)

// codedError carries a specific exit code for cli.Run.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }
func (e *codedError) ExitCode() int { return e.code }

// runPublish syncs the built site to the configured bucket. Exit codes: 0
// published (or nothing to do), 1 failure, 2 bad command line or target, 3
// target locked by another publish, 4 delete cap exceeded.
func runPublish(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "publish", "publish [--target NAME | --to URL] [--dry-run] [--force] [--max-deletes N] [--workers N] [--no-cache] [-v]")
	var sf siteFlags
	sf.register(fs, "production")
	target := fs.String("target", "", "publish to this target of [publish.targets] (default: publish.default)")
	to := fs.String("to", "", "publish to this bucket URL instead of a configured target (s3://, gs://, azblob://, file://)")
	dir := fs.String("dir", "public", "built site to publish, relative to --source")
	dryRun := fs.Bool("dry-run", false, "print what would be uploaded and deleted; change nothing")
	force := fs.Bool("force", false, "delete more than --max-deletes objects if the site requires it")
	forceUnlock := fs.Bool("force-unlock", false, "take the target's lock even if another publish holds it")
	maxDeletes := fs.Int("max-deletes", config.DefaultMaxDeletes, "refuse to delete more objects than this without --force (default: publish.max_deletes)")
	workers := fs.Int("workers", config.DefaultWorkers, "uploads in flight at once (default: publish.workers)")
	metricsFile := fs.String("metrics-file", "", "after success, write Prometheus metrics to this file (default: publish.metrics_file)")
	verbose := fs.Bool("v", false, "log one line per uploaded or deleted file")
	quiet := fs.Bool("q", false, "print nothing on success (for cron, which mails whatever a job prints)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the publish to `file` (for go tool pprof)")
	noCache := fs.Bool("no-cache", false, "read every file and every object's attributes, without the digest cache in .cache/publish or the target's manifest")
	if err := parse(fs, env, args); err != nil {
		return err
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
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg, err := sf.load(env, "production")
	if err != nil {
		return err
	}
	pc := cfg.Publish
	if !set["max-deletes"] {
		*maxDeletes = *pc.MaxDeletes
	}
	if !set["workers"] {
		*workers = pc.Workers
	}
	if *maxDeletes < 0 {
		return fmt.Errorf("%w: --max-deletes must not be negative", errUsage)
	}
	if *workers < 1 {
		return fmt.Errorf("%w: --workers must be at least 1", errUsage)
	}
	site := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(sf.source, p)
	}
	if !set["metrics-file"] {
		*metricsFile = site(pc.MetricsFile)
	}

	name, bucketURL, err := chooseTarget(pc, *target, *to)
	if err != nil {
		return err
	}
	rules, err := headerRules(cfg)
	if err != nil {
		return err
	}
	ttl, err := time.ParseDuration(pc.LockTTL)
	if err != nil {
		return fmt.Errorf("publish.lock_ttl: %w", err)
	}
	bucket, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		if strings.HasPrefix(bucketURL, "file://") && errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("open target %s: %w (create the directory, or add ?create_dir=true to the URL)", name, err)
		}
		return fmt.Errorf("open target %s: %w", name, err)
	}
	defer bucket.Close()

	siteDir := site(*dir)
	digests := ""
	if !*noCache {
		if digests, err = digestCachePath(sf.source, siteDir); err != nil {
			return err
		}
	}

	host, _ := os.Hostname()
	owner := env.Getenv("USER")
	if owner == "" {
		owner = env.Getenv("LOGNAME")
	}
	nested, err := nestedTargets(pc, bucketURL)
	if err != nil {
		return err
	}
	p, err := publish.New(bucket, publish.Options{
		Rules:       rules,
		StatusPath:  cfg.Status.Path,
		Exclude:     pc.Exclude,
		Nested:      nested,
		Workers:     *workers,
		MaxDeletes:  *maxDeletes,
		Force:       *force,
		LockTTL:     ttl,
		ForceUnlock: *forceUnlock,
		Owner:       owner,
		Host:        host,
		PID:         os.Getpid(),
		Now:         env.Now,
		Log:         env.Stderr,
		Verbose:     *verbose,
		DigestCache: digests,
		NoManifest:  *noCache,
	})
	if err != nil {
		return err
	}

	if *dryRun {
		plan, err := p.Plan(ctx, siteDir)
		if err != nil {
			return publishError(err)
		}
		printPlan(env.Stdout, name, plan)
		if len(plan.Deletes) > *maxDeletes && !*force {
			return publishError(&publish.DeleteCapError{Deletes: len(plan.Deletes), Max: *maxDeletes})
		}
		return nil
	}

	sum, err := p.Run(ctx, siteDir)
	if err != nil {
		if sum.Uploaded > 0 || sum.Deleted > 0 {
			fmt.Fprintf(env.Stderr, "publish %s: stopped after: %s\n", name, sum)
		}
		return publishError(err)
	}
	if !*quiet {
		fmt.Fprintf(env.Stdout, "publish %s: %s\n", name, sum)
	}
	if *metricsFile != "" {
		live, err := liveMetrics(site("data"))
		if err != nil {
			return err
		}
		if err := publish.WriteMetrics(*metricsFile, name, sum, env.Now(), live); err != nil {
			return err
		}
	}
	return nil
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

// publishError gives the errors cron should tell apart their exit codes.
func publishError(err error) error {
	var le *publish.LockedError
	var ce *publish.DeleteCapError
	switch {
	case errors.As(err, &le):
		return &codedError{exitLocked, err}
	case errors.As(err, &ce):
		return &codedError{exitDeleteCap, err}
	}
	return err
}

// chooseTarget returns the target's name (the metrics label) and bucket
// URL: --to, else --target, else publish.default, else the only target.
func chooseTarget(pc config.Publish, target, to string) (name, bucketURL string, err error) {
	names := slices.Sorted(maps.Keys(pc.Targets))
	configured := "none configured"
	if len(names) > 0 {
		configured = "configured: " + strings.Join(names, ", ")
	}
	switch {
	case to != "" && target != "":
		return "", "", fmt.Errorf("%w: give --target or --to, not both", errUsage)
	case to != "":
		u, err := url.Parse(to)
		if err != nil {
			return "", "", fmt.Errorf("%w: --to: %v", errUsage, err)
		}
		if u.User != nil {
			return "", "", fmt.Errorf("%w: --to: the URL must not hold credentials; they come from the environment", errUsage)
		}
		// Label the metrics by the bucket, without query parameters.
		u.RawQuery = ""
		return u.String(), to, nil
	case target != "":
		t, ok := pc.Targets[target]
		if !ok {
			return "", "", fmt.Errorf("%w: unknown target %q (%s)", errUsage, target, configured)
		}
		return target, t.URL, nil
	case pc.Default != "":
		return pc.Default, pc.Targets[pc.Default].URL, nil
	case len(names) == 1:
		return names[0], pc.Targets[names[0]].URL, nil
	}
	return "", "", fmt.Errorf("%w: no target: give --target NAME (%s) or --to URL, or set publish.default", errUsage, configured)
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
		return nil, fmt.Errorf("%w: target URL: %v", errUsage, err)
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

// headerRules are the built-in rules followed by the site's own.
func headerRules(cfg *config.Config) (*publish.Rules, error) {
	rules := publish.DefaultRules(cfg.Status.Path)
	for _, h := range cfg.Publish.Headers {
		rules = append(rules, publish.Rule{
			Pattern:       h.Pattern,
			Fingerprinted: h.Fingerprinted,
			ContentType:   h.ContentType,
			CacheControl:  h.CacheControl,
			Gzip:          h.Gzip,
		})
	}
	r, err := publish.NewRules(rules)
	if err != nil {
		return nil, fmt.Errorf("%s: [publish.headers]: %w", cfg.Path, err)
	}
	return r, nil
}

// printPlan shows a dry run: one line per change, in the order a run makes
// them, then the totals.
func printPlan(w io.Writer, name string, plan *publish.Plan) {
	for _, u := range plan.Uploads {
		enc := ""
		if u.Headers.ContentEncoding != "" {
			enc = ", " + u.Headers.ContentEncoding
		}
		fmt.Fprintf(w, "upload  %-6s %s (%s, %s; %s; %s%s)\n", u.Phase, u.Key, publish.FormatBytes(u.Size), u.Reason,
			u.Headers.ContentType, u.Headers.CacheControl, enc)
	}
	for _, k := range plan.Deletes {
		fmt.Fprintf(w, "delete  %s\n", k)
	}
	fmt.Fprintf(w, "publish %s (dry run): would upload %d (%s), unchanged %d, would delete %d\n",
		name, len(plan.Uploads), publish.FormatBytes(plan.Bytes()), plan.Unchanged, len(plan.Deletes))
}

// liveMetrics reads the live checks' state for the metrics file; nil on a
// site without data/live.json.
func liveMetrics(dataDir string) (*publish.LiveMetrics, error) {
	l, err := snapshot.ReadLive(dataDir)
	if err != nil || l == nil {
		return nil, err
	}
	m := &publish.LiveMetrics{LastCheck: l.LastCheck, CheckedAt: l.CheckedAt}
	for _, c := range l.Components {
		if c.Status != "operational" {
			m.Detected++
		}
	}
	return m, nil
}
