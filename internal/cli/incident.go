package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/desk"
)

// The on-call commands edit content/incidents/*.md and
// content/maintenance/*.md through package desk, which keeps the writer's
// comments and checks every edit as the build would; these parse the flags
// and print what the desk did.

const incidentUsage = `bulletin incident <command> [flags]

Commands:
  new "Title" --impact major --components dns,web [--status investigating] [-m message] [--component id=status] [--slug s]
  update <slug> -m message [--status identified] [--component id=status]
  resolve <slug> -m message
  list [-n 10]

Common flags: --source DIR, --config FILE, --at TIME (default now)`

func runIncident(_ context.Context, env Env, args []string) error {
	return runSubcommand(env, args, incidentUsage, map[string]func(Env, []string) error{
		"new":     incidentNew,
		"update":  incidentUpdate,
		"resolve": incidentResolve,
		"list":    incidentList,
	})
}

// runSubcommand runs the subcommand args[0] of a command with usage text
// usage: one of subs, "ls" for "list", or help.
func runSubcommand(env Env, args []string, usage string, subs map[string]func(Env, []string) error) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want a subcommand\n\n%s", errUsage, usage)
	}
	name := args[0]
	if name == "ls" {
		name = "list"
	}
	if run, ok := subs[name]; ok {
		return run(env, args[1:])
	}
	switch name {
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stdout, "Usage: "+usage)
		return flag.ErrHelp
	}
	return fmt.Errorf("%w: unknown subcommand %q\n\n%s", errUsage, args[0], usage)
}

// statusFlags are the flags shared by the on-call commands.
type statusFlags struct {
	siteFlags
	at string
	// ahead lets --at be later than now: a silence may be planned, but
	// an incident or an announcement is recorded when it happens.
	ahead bool
}

func (s *statusFlags) register(fs *flag.FlagSet) {
	s.siteFlags.register(fs, "production")
	fs.StringVar(&s.at, "at", "", "time of the event (RFC 3339, or YYYY-MM-DDTHH:MM in the site's zone); default now")
}

// load returns the site's desk and the time of the event.
func (s *statusFlags) load(env Env) (*desk.Desk, time.Time, error) {
	cfg, err := s.siteFlags.load(env, "production")
	if err != nil {
		return nil, time.Time{}, err
	}
	d := desk.New(cfg, s.source)
	at := env.Now()
	if s.at != "" {
		if at, err = d.ParseTime(s.at); err != nil {
			return nil, time.Time{}, fmt.Errorf("%w: --at: %v", errUsage, err)
		}
		// An update dated ahead would be shown nowhere until then, and
		// every update written before it refused as out of order.
		if now := env.Now(); !s.ahead && at.After(now.Add(content.FutureSlack)) {
			return nil, time.Time{}, fmt.Errorf("%w: --at %s is in the future (now is %s): give the time the event happened", errUsage, at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	return d, at, nil
}

// oncallErr turns the desk's refusal of a malformed request into a usage
// error (exit 2); a refusal by the site's files (an unknown slug, an
// incident already resolved) is a plain failure (exit 1).
func oncallErr(err error) error {
	var re *desk.RequestError
	if errors.As(err, &re) && re.Usage {
		return fmt.Errorf("%w: %s", errUsage, re.Msg)
	}
	return err
}

// printPath prints the path of the file an edit wrote, unless the edit
// failed with err.
func printPath(env Env, path string, err error) error {
	if err != nil {
		return oncallErr(err)
	}
	fmt.Fprintln(env.Stdout, path)
	return nil
}

// runList runs "<cmd> [-n 10]": the open items of a kind, then the n most
// recent closed ones (nHelp says which), as list makes them at --at.
func runList(env Env, args []string, cmd, nHelp, none string, list func(*desk.Desk, time.Time, int) (*desk.Listing, error)) error {
	fs := newFlagSet(env, cmd, cmd+" [-n 10]")
	var sf statusFlags
	sf.register(fs)
	n := fs.Int("n", 10, nHelp)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: %s takes no arguments", errUsage, cmd)
	}
	if *n < 0 {
		return fmt.Errorf("%w: -n must not be negative", errUsage)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	l, err := list(d, at, *n)
	return printListing(env, l, none, err)
}

// printListing prints l as a table, or none when there were no files at
// all; loadErr, the files that could not be read, is returned after it.
func printListing(env Env, l *desk.Listing, none string, loadErr error) error {
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(l.Header, "\t"))
	for _, r := range l.Rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if l.Total == 0 && loadErr == nil {
		fmt.Fprintln(env.Stdout, none)
	}
	return loadErr
}

// splitList splits a comma-separated flag, dropping empty and repeated
// items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func incidentNew(env Env, args []string) error {
	fs := newFlagSet(env, "incident new", `incident new "Title" --impact major --components dns,web [flags]`)
	var sf statusFlags
	sf.register(fs)
	var r desk.NewIncident
	fs.StringVar(&r.Impact, "impact", "", "impact: none, minor, major or critical (required)")
	comps := fs.String("components", "", "affected component ids, comma-separated")
	fs.StringVar(&r.Status, "status", content.StatusInvestigating, "status of the first update: investigating, identified or monitoring")
	fs.StringVar(&r.Message, "m", "", "message of the first update (default: a generic investigating note)")
	fs.StringVar(&r.Slug, "slug", "", "file name without .md (default: <date>-<title>)")
	fs.Var(&r.Changes, "component", "a component's status as id=status, repeatable (default: derived from --impact)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		return fmt.Errorf("%w: want one title: bulletin incident new \"DNS resolution failing\" --impact major --components dns", errUsage)
	}
	r.Title = strings.TrimSpace(fs.Arg(0))
	r.Components = splitList(*comps)
	if err := r.Check(); err != nil {
		return oncallErr(err)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	r.At = at
	path, err := d.OpenIncident(r)
	return printPath(env, path, err)
}

func incidentUpdate(env Env, args []string) error {
	fs := newFlagSet(env, "incident update", `incident update <slug> -m "message" [--status identified] [--component dns=partial_outage]`)
	var sf statusFlags
	sf.register(fs)
	var u desk.IncidentUpdate
	fs.StringVar(&u.Status, "status", "", "new status: investigating, identified, monitoring or postmortem (default: unchanged)")
	fs.StringVar(&u.Message, "m", "", "the update's message (required)")
	fs.Var(&u.Changes, "component", "a component's new status as id=status, repeatable")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one incident slug: bulletin incident update <slug> -m \"message\"", errUsage)
	}
	u.Slug = fs.Arg(0)
	if err := u.Check(); err != nil {
		return oncallErr(err)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	u.At = at
	path, err := d.UpdateIncident(u)
	return printPath(env, path, err)
}

func incidentResolve(env Env, args []string) error {
	fs := newFlagSet(env, "incident resolve", `incident resolve <slug> -m "message"`)
	var sf statusFlags
	sf.register(fs)
	var r desk.IncidentResolution
	fs.StringVar(&r.Message, "m", "", "the resolving update's message (required)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one incident slug: bulletin incident resolve <slug> -m \"message\"", errUsage)
	}
	r.Slug = fs.Arg(0)
	if err := r.Check(); err != nil {
		return oncallErr(err)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	r.At = at
	path, err := d.ResolveIncident(r)
	return printPath(env, path, err)
}

func incidentList(env Env, args []string) error {
	return runList(env, args, "incident list", "number of resolved incidents to show after the open ones", "no incidents", (*desk.Desk).ListIncidents)
}
