//go:build !preview

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulletin-dev/bulletin/internal/collect"
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
	if slices.Contains(sources, liveSource) {
		if len(sources) > 1 || *month != "" || *force || *dryRun {
			return fmt.Errorf("%w: --only live checks now: it takes no other source, --month, --force or --dry-run", errUsage)
		}
		site := collect.NewSite(collect.SiteOptions{Config: cfg, Dir: sf.source, Now: env.Now, Progress: func(e collect.Event) {
			if e.Kind == collect.Note {
				fmt.Fprintln(stderr, e.Msg)
			}
		}})
		return redactErr(runLive(ctx, site, cfg, snapshot.LivePath(filepath.Join(sf.source, "data")), *quiet, stderr), token)
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
	site := collect.NewSite(collect.SiteOptions{
		Config:      cfg,
		Dir:         sf.source,
		GitHubToken: token,
		Now:         env.Now,
		Progress:    printer.Report,
	})
	res, err := site.Collect(ctx, collect.Request{Month: *month, Only: sources, Force: *force, DryRun: *dryRun})
	var re *collect.RequestError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %s", errUsage, redact(re.Msg, token))
	}
	if res != nil {
		if st, ok := site.GitHubStats(); ok {
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
