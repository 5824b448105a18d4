package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/bulletin-dev/bulletin/internal/desk"
)

const maintenanceUsage = `bulletin maintenance <command> [flags]

Commands:
  new "Title" --start 2026-12-01T22:00 --end 2026-12-02T01:00 --components db [-m message] [--counts-against-availability] [--slug s]
  update <slug> -m message [--status in_progress|verifying|completed]
  list [-n 10]

Times without an offset are in the site's time zone. Common flags: --source DIR, --config FILE, --at TIME (default now)`

func runMaintenance(_ context.Context, env Env, args []string) error {
	return runSubcommand(env, args, maintenanceUsage, map[string]func(Env, []string) error{
		"new":    maintenanceNew,
		"update": maintenanceUpdate,
		"list":   maintenanceList,
	})
}

func maintenanceNew(env Env, args []string) error {
	fs := newFlagSet(env, "maintenance new", `maintenance new "Title" --start TIME --end TIME --components db [flags]`)
	var sf statusFlags
	sf.register(fs)
	var r desk.NewMaintenance
	start := fs.String("start", "", "when the window opens (required)")
	end := fs.String("end", "", "when the window closes (required)")
	comps := fs.String("components", "", "affected component ids, comma-separated")
	fs.StringVar(&r.Message, "m", "", "the announcement (the scheduled update's message)")
	fs.BoolVar(&r.CountsAgainstAvailability, "counts-against-availability", false, "keep the window in the availability figures (default: excluded)")
	fs.StringVar(&r.Slug, "slug", "", "file name without .md (default: <start date>-<title>)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		return fmt.Errorf("%w: want one title: bulletin maintenance new \"Database upgrade\" --start ... --end ...", errUsage)
	}
	r.Title = strings.TrimSpace(fs.Arg(0))
	if *start == "" || *end == "" {
		return fmt.Errorf("%w: --start and --end are required", errUsage)
	}
	d, at, err := sf.load(env)
	if err != nil {
		return err
	}
	r.At = at
	if r.From, err = d.ParseTime(*start); err != nil {
		return fmt.Errorf("%w: --start: %v", errUsage, err)
	}
	if r.Until, err = d.ParseTime(*end); err != nil {
		return fmt.Errorf("%w: --end: %v", errUsage, err)
	}
	r.Components = splitList(*comps)
	path, err := d.ScheduleMaintenance(r)
	return printPath(env, path, err)
}

// maintenanceUpdate appends an update to a window: progress (in_progress,
// verifying), completion, or a note at the current status.
func maintenanceUpdate(env Env, args []string) error {
	fs := newFlagSet(env, "maintenance update", `maintenance update <slug> -m "message" [--status in_progress|verifying|completed]`)
	var sf statusFlags
	sf.register(fs)
	var u desk.MaintenanceUpdate
	fs.StringVar(&u.Status, "status", "", "new status: scheduled, in_progress, verifying or completed (default: the window's status at --at)")
	fs.StringVar(&u.Message, "m", "", "the update's message (required)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one maintenance slug: bulletin maintenance update <slug> -m \"message\"", errUsage)
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
	path, err := d.UpdateMaintenance(u)
	return printPath(env, path, err)
}

func maintenanceList(env Env, args []string) error {
	return runList(env, args, "maintenance list", "number of completed windows to show after the open ones", "no maintenance windows", (*desk.Desk).ListMaintenance)
}
