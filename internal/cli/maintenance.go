package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/content"
)

const maintenanceUsage = `bulletin maintenance <command> [flags]

Commands:
  new "Title" --start 2026-12-01T22:00 --end 2026-12-02T01:00 --components db [-m message] [--counts-against-availability] [--slug s]
  list [-n 10]

Times without an offset are in the site's time zone. Common flags: --source DIR, --config FILE, --at TIME (default now)`

func runMaintenance(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want a subcommand\n\n%s", errUsage, maintenanceUsage)
	}
	switch args[0] {
	case "new":
		return maintenanceNew(env, args[1:])
	case "list", "ls":
		return maintenanceList(env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stdout, "Usage: "+maintenanceUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("%w: unknown subcommand %q\n\n%s", errUsage, args[0], maintenanceUsage)
}

func maintenanceNew(env Env, args []string) error {
	fs := newFlagSet(env, "maintenance new", `maintenance new "Title" --start TIME --end TIME --components db [flags]`)
	var sf statusFlags
	sf.register(fs)
	start := fs.String("start", "", "when the window opens (required)")
	end := fs.String("end", "", "when the window closes (required)")
	comps := fs.String("components", "", "affected component ids, comma-separated")
	msg := fs.String("m", "", "the announcement (the scheduled update's message)")
	counts := fs.Bool("counts-against-availability", false, "keep the window in the availability figures (default: excluded)")
	slugFlag := fs.String("slug", "", "file name without .md (default: <start date>-<title>)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		return fmt.Errorf("%w: want one title: bulletin maintenance new \"Database upgrade\" --start ... --end ...", errUsage)
	}
	title := strings.TrimSpace(fs.Arg(0))
	if *start == "" || *end == "" {
		return fmt.Errorf("%w: --start and --end are required", errUsage)
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	from, err := parseTime(*start, st.cfg)
	if err != nil {
		return fmt.Errorf("%w: --start: %v", errUsage, err)
	}
	until, err := parseTime(*end, st.cfg)
	if err != nil {
		return fmt.Errorf("%w: --end: %v", errUsage, err)
	}
	if !until.After(from) {
		return fmt.Errorf("%w: the window ends (%s) before it starts (%s)", errUsage, stamp(until), stamp(from))
	}
	ids := splitList(*comps)
	if err := st.checkComponents(ids); err != nil {
		return err
	}
	body := strings.TrimSpace(*msg)
	if body == "" {
		body = "We will be performing scheduled maintenance during this window."
	}
	slug, err := st.newSlug(*slugFlag, title, from)
	if err != nil {
		return err
	}
	doc := mapNode(keyed(
		"title", strNode(title),
		"scheduled_for", timeNode(stamp(from)),
		"scheduled_until", timeNode(stamp(until)),
		"components", flowList(ids),
		"counts_against_availability", boolNode(*counts),
		"updates", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{
			mapNode(keyed("at", timeNode(stamp(st.at)), "status", strNode(content.MaintenanceScheduled), "body", strNode(body))...),
		}},
	)...)
	lines, err := encodeBlock(doc)
	if err != nil {
		return err
	}
	src := []byte("---\n" + strings.Join(lines, "\n") + "\n---\n")
	path := filepath.Join(st.maintenanceDir, slug+".md")
	return writeChecked(env, path, src, func() error {
		m, err := content.ParseMaintenance(path, src, st.cfg)
		if err != nil {
			return err
		}
		// The new window must agree with the existing ones it overlaps.
		existing, err := content.LoadMaintenance(st.maintenanceDir, st.cfg)
		if err != nil {
			return fmt.Errorf("fix the existing maintenance files first:\n%w", err)
		}
		return content.CheckOverlaps(append(existing, m))
	})
}

func maintenanceList(env Env, args []string) error {
	fs := newFlagSet(env, "maintenance list", "maintenance list [-n 10]")
	var sf statusFlags
	sf.register(fs)
	n := fs.Int("n", 10, "number of completed windows to show after the open ones")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: maintenance list takes no arguments", errUsage)
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	ms, loadErr := content.LoadMaintenance(st.maintenanceDir, st.cfg)
	var open, done []*content.Maintenance
	for _, m := range ms {
		if m.StatusAt(st.at) == content.MaintenanceCompleted {
			done = append(done, m)
		} else {
			open = append(open, m)
		}
	}
	// Open windows soonest first; completed ones newest first.
	for i, j := 0, len(open)-1; i < j; i, j = i+1, j-1 {
		open[i], open[j] = open[j], open[i]
	}
	if len(done) > *n {
		done = done[:*n]
	}
	loc := st.cfg.Location
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tSTATUS\tFROM\tUNTIL\tCOMPONENTS\tTITLE")
	for _, m := range append(open, done...) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Slug, m.StatusAt(st.at),
			m.ScheduledFor.In(loc).Format("2006-01-02 15:04 MST"), m.ScheduledUntil.In(loc).Format("2006-01-02 15:04 MST"),
			strings.Join(m.Components, ","), m.Title)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(ms) == 0 && loadErr == nil {
		fmt.Fprintln(env.Stdout, "no maintenance windows")
	}
	return loadErr
}
