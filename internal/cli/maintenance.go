package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/content"
)

const maintenanceUsage = `bulletin maintenance <command> [flags]

Commands:
  new "Title" --start 2026-12-01T22:00 --end 2026-12-02T01:00 --components db [-m message] [--counts-against-availability] [--slug s]
  update <slug> -m message [--status in_progress|verifying|completed]
  list [-n 10]

Times without an offset are in the site's time zone. Common flags: --source DIR, --config FILE, --at TIME (default now)`

func runMaintenance(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want a subcommand\n\n%s", errUsage, maintenanceUsage)
	}
	switch args[0] {
	case "new":
		return maintenanceNew(env, args[1:])
	case "update":
		return maintenanceUpdate(env, args[1:])
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

// maintenanceUpdate appends an update to a window: progress (in_progress,
// verifying), completion, or a note at the current status. Like the clock,
// an update moves a window forward only.
func maintenanceUpdate(env Env, args []string) error {
	fs := newFlagSet(env, "maintenance update", `maintenance update <slug> -m "message" [--status in_progress|verifying|completed]`)
	var sf statusFlags
	sf.register(fs)
	status := fs.String("status", "", "new status: scheduled, in_progress, verifying or completed (default: the window's status at --at)")
	msg := fs.String("m", "", "the update's message (required)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one maintenance slug: bulletin maintenance update <slug> -m \"message\"", errUsage)
	}
	if strings.TrimSpace(*msg) == "" {
		return fmt.Errorf("%w: -m \"message\" is required: say what changed", errUsage)
	}
	if *status != "" && maintenanceRank(*status) < 0 {
		return fmt.Errorf("%w: --status %q: want one of %s", errUsage, *status, strings.Join(content.MaintenanceStatuses, ", "))
	}
	st, err := sf.load(env)
	if err != nil {
		return err
	}
	path, src, m, err := st.openMaintenance(fs.Arg(0))
	if err != nil {
		return err
	}
	if n := len(m.Updates); n > 0 && st.at.Before(m.Updates[n-1].At) {
		return fmt.Errorf("%w: --at %s is before the window's last update (%s)", errUsage, stamp(st.at), stamp(m.Updates[n-1].At))
	}
	current := m.StatusAt(st.at)
	if *status == "" {
		*status = current
	}
	if n := len(m.Updates); n > 0 && m.Updates[n-1].Status == content.MaintenanceCompleted {
		return fmt.Errorf("%w: maintenance %s was already completed at %s", errUsage, m.Slug, stamp(m.Updates[n-1].At))
	}
	if maintenanceRank(*status) < maintenanceRank(current) {
		// The clock has moved the window on (it opened or closed at its
		// scheduled time); a written update cannot take it back.
		return fmt.Errorf("%w: maintenance %s is %s at %s; its status cannot go back to %s (change scheduled_for or scheduled_until in %s to reschedule it)", errUsage, m.Slug, current, stamp(st.at), *status, path)
	}
	f, err := parseFrontMatter(path, src)
	if err != nil {
		return err
	}
	u := mapNode(keyed("at", timeNode(stamp(st.at)), "status", strNode(*status), "body", strNode(strings.TrimSpace(*msg)))...)
	if err := f.appendItem("updates", u); err != nil {
		return err
	}
	out := f.bytes()
	return writeChecked(env, path, out, func() error {
		_, err := content.ParseMaintenance(path, out, st.cfg)
		return err
	})
}

// openMaintenance reads a window for editing; like an incident, it must
// parse cleanly and have YAML front matter.
func (st *oncallSite) openMaintenance(slug string) (string, []byte, *content.Maintenance, error) {
	if !content.ValidSlug(slug) {
		return "", nil, nil, fmt.Errorf("%w: %q is not a maintenance slug (run bulletin maintenance list)", errUsage, slug)
	}
	path := filepath.Join(st.maintenanceDir, slug+".md")
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, nil, fmt.Errorf("%w: unknown maintenance window %q: no %s (run bulletin maintenance list)", errUsage, slug, path)
	}
	if err != nil {
		return "", nil, nil, fmt.Errorf("read maintenance: %w", err)
	}
	m, err := content.ParseMaintenance(path, src, st.cfg)
	if err != nil {
		return "", nil, nil, fmt.Errorf("fix %s before editing it:\n%w", path, err)
	}
	if m.Format != content.YAML {
		_, err := parseFrontMatter(path, src)
		return "", nil, nil, err
	}
	return path, src, m, nil
}

// maintenanceRank orders maintenance statuses; -1 for an unknown one.
func maintenanceRank(s string) int {
	for i, v := range content.MaintenanceStatuses {
		if v == s {
			return i
		}
	}
	return -1
}
