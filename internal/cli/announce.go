package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/desk"
)

const announceUsage = `bulletin announce <command> [flags]

Commands:
  new "Title" --kind breaking-change|deprecation|notice --effective 2027-01-12T10:00 [--testing-from TIME] [--staging-url URL] [--components api] [--api "GET /v1/x" ...] [-m message] [--slug s]
  update <slug> -m message [--status planned|in_testing|done|cancelled|postponed] [--effective NEW]
  list [-n 10]

--status postponed needs --effective NEW; -m may then be left out ("Postponed from <old> to <new>.").
Times without an offset are in the site's time zone. Common flags: --source DIR, --config FILE, --at TIME (default now)`

func runAnnounce(_ context.Context, env Env, args []string) error {
	return runSubcommand(env, args, announceUsage, map[string]func(Env, []string) error{
		"new":    announceNew,
		"update": announceUpdate,
		"list":   announceList,
	})
}

// repeated collects a flag given several times, one value each: an
// endpoint may hold commas ("GET /v1/x?a=1,2"), so --api is not split.
type repeated []string

// String returns "": the flag has no default.
func (r *repeated) String() string { return "" }

// Set adds one value.
func (r *repeated) Set(v string) error {
	if v = strings.TrimSpace(v); v == "" {
		return fmt.Errorf("empty value")
	}
	*r = append(*r, v)
	return nil
}

func announceNew(env Env, args []string) error {
	fs := newFlagSet(env, "announce new", `announce new "Title" --kind KIND --effective TIME [flags]`)
	var sf statusFlags
	sf.register(fs)
	var r desk.NewAnnouncement
	fs.StringVar(&r.Kind, "kind", "", "breaking-change, deprecation or notice (required)")
	effective := fs.String("effective", "", "when the change lands (required)")
	testingFrom := fs.String("testing-from", "", "when the change can be tried (e.g. on staging)")
	fs.StringVar(&r.StagingURL, "staging-url", "", "where the change can be tried: an absolute http(s) URL")
	comps := fs.String("components", "", "affected component ids, comma-separated")
	var apis repeated
	fs.Var(&apis, "api", "an affected API or endpoint, free-form, repeatable (\"GET /v1/projects/{id}\")")
	fs.StringVar(&r.Message, "m", "", "the first update's message")
	fs.StringVar(&r.Slug, "slug", "", "file name without .md (default: <effective date>-<title>)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		return fmt.Errorf("%w: want one title: bulletin announce new \"The v1 API is removed\" --kind breaking-change --effective ...", errUsage)
	}
	r.Title = strings.TrimSpace(fs.Arg(0))
	if *effective == "" {
		return fmt.Errorf("%w: --effective is required: when the change lands", errUsage)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	r.At = at
	if r.Effective, err = d.ParseTime(*effective); err != nil {
		return fmt.Errorf("%w: --effective: %v", errUsage, err)
	}
	if *testingFrom != "" {
		if r.TestingFrom, err = d.ParseTime(*testingFrom); err != nil {
			return fmt.Errorf("%w: --testing-from: %v", errUsage, err)
		}
	}
	r.Components = splitList(*comps)
	r.APIs = apis
	path, err := d.Announce(r)
	return printPath(env, path, err)
}

// announceUpdate appends an update to an announcement: testing has begun,
// the change landed, was postponed (to a new date) or cancelled, or a note.
func announceUpdate(env Env, args []string) error {
	fs := newFlagSet(env, "announce update", `announce update <slug> -m "message" [--status STATUS] [--effective NEW]`)
	var sf statusFlags
	sf.register(fs)
	var u desk.AnnouncementUpdate
	fs.StringVar(&u.Status, "status", "", "new status: planned, in_testing, done, cancelled or postponed (default: the status at --at)")
	fs.StringVar(&u.Message, "m", "", "the update's message (required, except for --status postponed --effective NEW)")
	effective := fs.String("effective", "", "the new date the change lands (with --status postponed)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one announcement slug: bulletin announce update <slug> -m \"message\"", errUsage)
	}
	u.Slug = fs.Arg(0)
	if *effective != "" {
		// Any valid time passes Check; the real one is parsed in the
		// site's zone once the config is loaded.
		u.Effective = time.Unix(0, 0)
	}
	if err := u.Check(); err != nil {
		return oncallErr(err)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	u.At = at
	if *effective != "" {
		if u.Effective, err = d.ParseTime(*effective); err != nil {
			return fmt.Errorf("%w: --effective: %v", errUsage, err)
		}
	}
	path, err := d.UpdateAnnouncement(u)
	return printPath(env, path, err)
}

func announceList(env Env, args []string) error {
	return runList(env, args, "announce list", "number of closed announcements (done, postponed, cancelled) to show after the open ones", "no announcements", (*desk.Desk).ListAnnouncements)
}
