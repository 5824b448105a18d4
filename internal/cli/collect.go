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
	fs := newFlagSet(env, "collect", "collect [--month 2026-10] [--only github,gitlab,prometheus] [--force] [--dry-run]")
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
	token, glToken := env.Getenv("GITHUB_TOKEN"), env.Getenv("GITLAB_TOKEN")
	tokens := secrets{token, glToken}
	stdout, stderr := tokens.writer(env.Stdout), tokens.writer(env.Stderr)

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
		return tokens.err(runLive(ctx, site, cfg, snapshot.LivePath(filepath.Join(sf.source, "data")), *quiet, stderr))
	}
	// -q keeps what a run prints until it fails: cron mails only failures.
	var held bytes.Buffer
	if *quiet {
		stdout, stderr = io.Discard, tokens.writer(&held)
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
		GitLabToken: glToken,
		Now:         env.Now,
		Progress:    printer.Report,
	})
	res, err := site.Collect(ctx, collect.Request{Month: *month, Only: sources, Force: *force, DryRun: *dryRun})
	var re *collect.RequestError
	if errors.As(err, &re) {
		return fmt.Errorf("%w: %s", errUsage, tokens.redact(re.Msg))
	}
	if res != nil {
		if st, ok := site.GitHubStats(); ok {
			fmt.Fprintf(stderr, "github: %d request%s (%d not modified, answered from the cache; %d retried)\n",
				st.Requests, plural(int(st.Requests)), st.NotModified, st.Retries)
		}
		if st, ok := site.GitLabStats(); ok {
			fmt.Fprintf(stderr, "gitlab: %d request%s (%d retried)\n", st.Requests, plural(int(st.Requests)), st.Retries)
		}
		report(stdout, stderr, res, *dryRun)
	}
	return tokens.err(err)
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

// secrets are the tokens a command holds; every byte it prints goes
// through them.
type secrets []string

// redact returns s with every secret replaced.
func (ss secrets) redact(s string) string {
	for _, secret := range ss {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

// err returns err, or a copy of its message without the secrets when it
// contains one (the exit code of such an error is 1).
func (ss secrets) err(err error) error {
	if err == nil {
		return nil
	}
	if msg := ss.redact(err.Error()); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// writer strips the secrets from everything written to w. Each Write is
// redacted on its own; every print of this command is a single Write.
func (ss secrets) writer(w io.Writer) io.Writer {
	if !slices.ContainsFunc(ss, func(s string) bool { return s != "" }) {
		return w
	}
	return &redactingWriter{w: w, secrets: ss}
}

type redactingWriter struct {
	w       io.Writer
	secrets secrets
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	out := r.secrets.redact(string(p))
	if out == string(p) {
		return r.w.Write(p)
	}
	if _, err := io.WriteString(r.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}
