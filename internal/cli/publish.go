//go:build !preview

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/publish"
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
	fs := newFlagSet(env, "publish", "publish [--target NAME[,NAME…] | --to URL] [--dry-run] [--force] [--max-deletes N] [--workers N] [--no-cache] [-v]")
	var sf siteFlags
	sf.register(fs, "production")
	var req publish.Request
	fs.StringVar(&req.Target, "target", "", "publish to this target of [publish.targets] (default: publish.default); several, comma-separated, publish in turn")
	fs.StringVar(&req.To, "to", "", "publish to this bucket URL instead of a configured target (s3://, gs://, azblob://, file://)")
	fs.StringVar(&req.Dir, "dir", "public", "built site to publish, relative to --source")
	fs.BoolVar(&req.DryRun, "dry-run", false, "print what would be uploaded and deleted; change nothing")
	fs.BoolVar(&req.Force, "force", false, "delete more than --max-deletes objects if the site requires it")
	fs.BoolVar(&req.ForceUnlock, "force-unlock", false, "take the target's lock even if another publish holds it")
	maxDeletes := fs.Int("max-deletes", config.DefaultMaxDeletes, "refuse to delete more objects than this without --force (default: publish.max_deletes)")
	workers := fs.Int("workers", config.DefaultWorkers, "uploads in flight at once (default: publish.workers)")
	metricsFile := fs.String("metrics-file", "", "after success, write Prometheus metrics to this file (default: publish.metrics_file)")
	fs.BoolVar(&req.Verbose, "v", false, "log one line per uploaded or deleted file")
	quiet := fs.Bool("q", false, "print nothing on success (for cron, which mails whatever a job prints)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the publish to `file` (for go tool pprof)")
	fs.BoolVar(&req.NoCache, "no-cache", false, "read every file and every object's attributes, without the digest cache in .cache/publish or the target's manifest")
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
	// Flags not given leave the config's values.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "max-deletes":
			req.MaxDeletes = maxDeletes
		case "workers":
			req.Workers = workers
		case "metrics-file":
			req.MetricsFile = metricsFile
		}
	})

	cfg, err := sf.load(env, "production")
	if err != nil {
		return err
	}
	owner := env.Getenv("USER")
	if owner == "" {
		owner = env.Getenv("LOGNAME")
	}
	site := publish.NewSite(publish.SiteOptions{Config: cfg, Dir: sf.source, Owner: owner, Now: env.Now, Log: env.Stderr})
	// --target status,production publishes to each in turn, all of them
	// even when one fails: a status site must not wait for the main one.
	targets := []string{req.Target}
	if strings.Contains(req.Target, ",") {
		targets = strings.Split(req.Target, ",")
	}
	for i, t := range targets {
		targets[i] = strings.TrimSpace(t)
		if _, ok := cfg.Publish.Targets[targets[i]]; len(targets) > 1 && (req.To != "" || !ok) {
			return fmt.Errorf("%w: --target %s: %q is not a target of [publish.targets]", errUsage, req.Target, targets[i])
		}
	}
	var errs []error
	for _, target := range targets {
		r := req
		r.Target = target
		err := publishOne(ctx, env, site, r, *quiet)
		var re *publish.RequestError
		if errors.As(err, &re) {
			return fmt.Errorf("%w: %s", errUsage, re.Msg)
		}
		if err != nil && len(targets) > 1 {
			err = fmt.Errorf("publish %s: %w", r.Target, err)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return publishError(errors.Join(errs...))
}

// publishOne runs one publish and reports it as runPublish does.
func publishOne(ctx context.Context, env Env, site *publish.Site, req publish.Request, quiet bool) error {
	res, err := site.Publish(ctx, req)
	switch {
	case res == nil:
	case res.Plan != nil:
		printPlan(env.Stdout, res.Target, res.Plan)
	case !res.Done:
		if res.Summary.Uploaded > 0 || res.Summary.Deleted > 0 {
			fmt.Fprintf(env.Stderr, "publish %s: stopped after: %s\n", res.Target, res.Summary)
		}
	case !quiet:
		fmt.Fprintf(env.Stdout, "publish %s: %s\n", res.Target, res.Summary)
	}
	return err
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
