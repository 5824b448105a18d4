package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/github"
	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/internal/collect"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// runCollect fetches a month's figures from GitHub and Prometheus into
// data/YYYY-MM.json. Exit codes: 0 when every source succeeded, 1 when any
// failed (after writing what the others collected) or the month is
// frozen, 2 for a bad command line.
func runCollect(ctx context.Context, env Env, args []string) (err error) {
	fs := newFlagSet(env, "collect", "collect [--month 2026-10] [--only github,prometheus] [--force] [--dry-run]")
	var sf siteFlags
	sf.register(fs, "production")
	month := fs.String("month", "", "month to collect, YYYY-MM (default: the last complete month in the site's time zone)")
	only := fs.String("only", "", "collect only these sources, comma-separated: "+strings.Join(collect.SourceNames, ", ")+"; or live: check the live rules now and write data/live.json")
	force := fs.Bool("force", false, "re-collect a frozen month (its report is published or its file says frozen)")
	dryRun := fs.Bool("dry-run", false, "print the snapshot that would be written to stdout and write nothing")
	quiet := fs.Bool("q", false, "print nothing on success (for cron, which mails whatever a job prints)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q (the month is given with --month)", errUsage, fs.Arg(0))
	}
	var sources []string
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			sources = append(sources, s)
		}
	}

	// The token comes from the environment only, and every byte this
	// command prints goes through redaction, whatever a library puts in an
	// error message.
	token := env.Getenv("GITHUB_TOKEN")
	stdout, stderr := redactWriter(env.Stdout, token), redactWriter(env.Stderr, token)

	cfg, err := sf.load(env, "production")
	if err != nil {
		return err
	}
	if wants(sources, liveSource) && len(sources) > 0 {
		if len(sources) > 1 || *month != "" || *force || *dryRun {
			return fmt.Errorf("%w: --only live checks now: it takes no other source, --month, --force or --dry-run", errUsage)
		}
		return redactErr(runLive(ctx, env, cfg, sf.source, *quiet, stderr), token)
	}
	// -q keeps what a run prints until it fails: cron mails only failures.
	var held bytes.Buffer
	if *quiet {
		stdout, stderr = io.Discard, redactWriter(&held, token)
		defer func() {
			if err != nil {
				env.Stderr.Write(held.Bytes())
			}
		}()
	}
	printer := collect.NewPrinter(stderr, env.IsTerminal && !*quiet)
	logf := func(format string, args ...any) {
		printer.Report(collect.Event{Kind: collect.Note, Msg: fmt.Sprintf(format, args...)})
	}
	site := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(sf.source, p)
	}

	gh := &lazyGitHub{opts: github.Options{
		BaseURL:  cfg.GitHub.APIURL,
		Token:    token,
		CacheDir: site(cfg.GitHub.CacheDir),
		Timeout:  duration(cfg.GitHub.Timeout),
		Lookback: time.Duration(cfg.GitHub.LookbackDays) * 24 * time.Hour,
		Logf:     logf,
	}}
	opts := collect.Options{
		Config:     cfg,
		DataDir:    site("data"),
		ReportsDir: site(filepath.Join("content", "reports")),
		GitHub:     gh,
		Now:        env.Now,
		Progress:   printer.Report,
	}
	if cfg.Prometheus.URL != "" && wants(sources, collect.PrometheusSource) {
		opts.Prometheus, err = newPrometheus(cfg, site, logf)
		if err != nil {
			return redactErr(err, token)
		}
		opts.Exclude, err = exclusions(cfg, site(filepath.Join("content", "maintenance")))
		if err != nil {
			return redactErr(err, token)
		}
	}
	c, err := collect.New(opts)
	if err != nil {
		return err
	}

	res, err := c.Collect(ctx, collect.Request{Month: *month, Only: sources, Force: *force, DryRun: *dryRun})
	var re *collect.RequestError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %s", errUsage, redact(re.Msg, token))
	}
	if res != nil {
		if gh.used() {
			st := gh.client.Stats()
			fmt.Fprintf(stderr, "github: %d request%s (%d not modified, answered from the cache; %d retried)\n",
				st.Requests, plural(int(st.Requests)), st.NotModified, st.Retries)
		}
		report(stdout, stderr, res, *dryRun)
	}
	return redactErr(err, token)
}

// report prints the outcome of a run: for a dry run the snapshot on stdout
// (so it can be piped to jq or diff) and the changes on stderr.
func report(stdout, stderr io.Writer, res *collect.Result, dryRun bool) {
	counts := map[collect.ChangeKind]int{}
	for _, ch := range res.Changes {
		counts[ch.Kind]++
	}
	var parts []string
	for _, k := range []collect.ChangeKind{collect.Added, collect.Updated, collect.Unchanged, collect.Kept, collect.Missing, collect.Removed} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	for _, ch := range res.Changes {
		// A normal run shows what needs attention; a dry run shows every
		// change, since that is what it is for.
		if ch.Kind == collect.Kept || ch.Kind == collect.Missing || ch.Kind == collect.Removed ||
			(dryRun && ch.Kind != collect.Unchanged) {
			fmt.Fprintf(stderr, "  %s\n", ch)
		}
	}
	summary := strings.Join(parts, ", ")
	switch {
	case dryRun:
		stdout.Write(res.Data)
		verb := "would write"
		if !res.Changed {
			verb = "would leave unchanged"
		}
		fmt.Fprintf(stderr, "dry run: %s %s (%s); nothing written\n", verb, res.Path, summary)
	case res.Written:
		fmt.Fprintf(stderr, "wrote %s (%s)\n", res.Path, summary)
	case !res.Changed:
		fmt.Fprintf(stderr, "%s is up to date (%s)\n", res.Path, summary)
	default:
		fmt.Fprintf(stderr, "nothing collected; %s left as it was\n", res.Path)
	}
}

func wants(only []string, source string) bool {
	if len(only) == 0 {
		return true
	}
	for _, s := range only {
		if s == source {
			return true
		}
	}
	return false
}

// duration parses a duration config.Validate has already checked; "" is 0,
// the collector's default.
func duration(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}

func newPrometheus(cfg *config.Config, site func(string) string, logf func(string, ...any)) (collect.Prometheus, error) {
	p, err := prometheus.New(prometheus.Options{
		URL:            cfg.Prometheus.URL,
		HTTPConfigFile: site(cfg.Prometheus.HTTPConfigFile),
		Timeout:        duration(cfg.Prometheus.Timeout),
		// The collector's lines name it already ("prometheus: query ...").
		Logf: logf,
	})
	if err != nil {
		return nil, fmt.Errorf("prometheus: %w", err)
	}
	return promSource{p}, nil
}

// exclusions returns the intervals left out of availability: the
// configured ones and, unless prometheus.exclude_maintenance is false, the
// maintenance windows that do not count against availability. A broken
// maintenance file stops the run: without it the figures would be wrong.
func exclusions(cfg *config.Config, maintenanceDir string) ([]collect.Window, error) {
	intervals := append([]config.Interval{}, cfg.Prometheus.Exclude...)
	for i := range intervals {
		if intervals[i].Reason == "" {
			intervals[i].Reason = "excluded in config.toml"
		}
	}
	if cfg.Prometheus.ExcludeMaintenance == nil || *cfg.Prometheus.ExcludeMaintenance {
		ms, err := content.LoadMaintenance(maintenanceDir, cfg)
		if err != nil {
			return nil, err
		}
		intervals = append(intervals, content.Exclusions(ms)...)
	}
	out := make([]collect.Window, len(intervals))
	for i, iv := range intervals {
		out[i] = collect.Window{Start: iv.Start, End: iv.End, Components: iv.Components, Reason: iv.Reason}
	}
	return out, nil
}

// promSource adapts the Prometheus collector to collect.Prometheus.
type promSource struct{ c *prometheus.Collector }

func (p promSource) Availability(ctx context.Context, comp config.Component, month string, loc *time.Location, exclude []collect.Window) (snapshot.Availability, error) {
	ws := make([]prometheus.Window, len(exclude))
	for i, w := range exclude {
		ws[i] = prometheus.Window{Start: w.Start, End: w.End, Components: w.Components, Reason: w.Reason}
	}
	return p.c.Availability(ctx, comp, month, loc, ws)
}

// lazyGitHub creates the GitHub client on first use, so that a site that
// does not use GitHub gets no cache directory and no "no token" warning.
// A client that cannot be created fails each item, and the other source
// still runs.
type lazyGitHub struct {
	opts   github.Options
	once   sync.Once
	client *github.Client
	err    error
}

func (l *lazyGitHub) get() (*github.Client, error) {
	l.once.Do(func() {
		l.client, l.err = github.New(l.opts)
		if l.err != nil {
			l.err = fmt.Errorf("github: %w", l.err)
		}
	})
	return l.client, l.err
}

func (l *lazyGitHub) used() bool { return l.client != nil }

func (l *lazyGitHub) Issues(ctx context.Context, repo config.Repository, start, end time.Time) (snapshot.RepoIssues, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.RepoIssues{}, err
	}
	return c.Issues(ctx, repo, start, end)
}

func (l *lazyGitHub) Releases(ctx context.Context, track config.Track, start, end time.Time) (snapshot.Track, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Track{}, err
	}
	return c.Releases(ctx, track, start, end)
}

func (l *lazyGitHub) Goal(ctx context.Context, ref string) (snapshot.Goal, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Goal{}, err
	}
	return c.Goal(ctx, ref)
}

// redacted replaces a secret wherever it would be printed.
const redacted = "[REDACTED]"

func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, redacted)
}

// redactErr returns err, or a copy of its message without the secret when
// it contains it (the exit code of such an error is 1).
func redactErr(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(redact(err.Error(), secret))
}

// redactWriter strips secret from everything written to w. Each Write is
// redacted on its own; every print of this command is a single Write.
func redactWriter(w io.Writer, secret string) io.Writer {
	if secret == "" {
		return w
	}
	return &redactingWriter{w: w, secret: secret}
}

type redactingWriter struct {
	w      io.Writer
	secret string
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	if !strings.Contains(string(p), r.secret) {
		return r.w.Write(p)
	}
	if _, err := io.WriteString(r.w, redact(string(p), r.secret)); err != nil {
		return 0, err
	}
	return len(p), nil
}
