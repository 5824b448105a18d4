package cli

import (
	"context"
	"fmt"

	"github.com/bulletin-dev/bulletin/internal/desk"
)

const silenceUsage = `bulletin silence <command> [flags]

Commands:
  new <component> (--for 2h | --until TIME) -m reason [--status operational] [--author name] [--slug s]
  lift <slug>
  list [-n 10]

A silence stops a component's automatic status signal from showing until it
expires; the status page shows the reason instead. Times without an offset
are in the site's time zone. Common flags: --source DIR, --config FILE,
--at TIME (default now)`

func runSilence(_ context.Context, env Env, args []string) error {
	return runSubcommand(env, args, silenceUsage, map[string]func(Env, []string) error{
		"new":  silenceNew,
		"lift": silenceLift,
		"list": silenceList,
	})
}

func silenceNew(env Env, args []string) error {
	fs := newFlagSet(env, "silence new", `silence new <component> --for 2h -m "reason" [flags]`)
	sf := statusFlags{ahead: true}
	sf.register(fs)
	var r desk.NewSilence
	dur := fs.Duration("for", 0, "how long the silence lasts, e.g. 2h (or give --until)")
	until := fs.String("until", "", "when the silence expires (RFC 3339, or YYYY-MM-DDTHH:MM in the site's zone)")
	fs.StringVar(&r.Reason, "m", "", "the reason readers see in place of the automatic status (required)")
	fs.StringVar(&r.Status, "status", "", "what on-call says the status is meanwhile: operational (default), degraded_performance, partial_outage, major_outage")
	fs.StringVar(&r.Author, "author", "", "who silences it, shown on the page")
	fs.StringVar(&r.Slug, "slug", "", "file name without .md (default: <date>-<component>)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one component: bulletin silence new api --for 2h -m \"reason\"", errUsage)
	}
	r.Component = fs.Arg(0)
	if (*dur == 0) == (*until == "") {
		return fmt.Errorf("%w: give --for or --until, one of them", errUsage)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	r.At = at
	r.Until = at.Add(*dur)
	if *until != "" {
		if r.Until, err = d.ParseTime(*until); err != nil {
			return fmt.Errorf("%w: --until: %v", errUsage, err)
		}
	}
	path, err := d.Silence(r)
	return printPath(env, path, err)
}

func silenceLift(env Env, args []string) error {
	fs := newFlagSet(env, "silence lift", "silence lift <slug>")
	sf := statusFlags{ahead: true}
	sf.register(fs)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one silence slug: bulletin silence lift <slug> (bulletin silence list shows them)", errUsage)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	path, err := d.LiftSilence(fs.Arg(0), at)
	return printPath(env, path, err)
}

func silenceList(env Env, args []string) error {
	fs := newFlagSet(env, "silence list", "silence list [-n 10]")
	sf := statusFlags{ahead: true}
	sf.register(fs)
	n := fs.Int("n", 10, "number of expired silences to show after the others")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: silence list takes no arguments", errUsage)
	}
	if *n < 0 {
		return fmt.Errorf("%w: -n must not be negative", errUsage)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	l, err := d.ListSilences(at, *n)
	return printListing(env, l, "no silences", err)
}
