package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func runNew(_ context.Context, env Env, args []string) error {
	flags := newFlagSet(env, "new", "new report YYYY-MM")
	var sf siteFlags
	sf.register(flags, "production")
	if err := parse(flags, env, args); err != nil {
		return err
	}
	if flags.NArg() != 2 || flags.Arg(0) != "report" {
		return fmt.Errorf("%w: want: bulletin new report YYYY-MM", errUsage)
	}
	month := flags.Arg(1)
	if !snapshot.ValidMonth(month) {
		return fmt.Errorf("%w: %q is not a month of the form YYYY-MM", errUsage, month)
	}
	cfg, err := sf.load(env, "production")
	if err != nil {
		return err
	}
	dir := filepath.Join(sf.source, "content", "reports")
	path := filepath.Join(dir, month+".md")
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	// Last month's "goals for next month" become this month's goals to review.
	var carried []content.Goal
	prevPath := filepath.Join(dir, snapshot.PrevMonth(month)+".md")
	src, err := os.ReadFile(prevPath)
	switch {
	case err == nil:
		prev, err := content.ParseReport(prevPath, src, cfg.Location)
		if prev == nil {
			return fmt.Errorf("read last month's goals: %w", err)
		}
		for _, g := range prev.NextGoals {
			g.Status = content.GoalPending
			carried = append(carried, g)
		}
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(env.Stderr, "note: no report for %s, so no goals to carry over\n", snapshot.PrevMonth(month))
	default:
		return fmt.Errorf("read last month's goals: %w", err)
	}
	start, err := snapshot.MonthStart(month, cfg.Location)
	if err != nil {
		return err
	}
	b, err := scaffold(month, start.Format("January 2006"), start.AddDate(0, 1, 0).Format("2006-01-02"), carried)
	if err != nil {
		return err
	}
	// Refuse to produce a file the build would reject.
	if _, err := content.ParseReport(path, b, cfg.Location); err != nil {
		return fmt.Errorf("scaffold is invalid (please report this bug): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s\n", path)
	if len(carried) > 0 {
		fmt.Fprintf(env.Stderr, "carried over %d goal%s from %s with status pending: set each to done, in-progress, pushed, on-hold or dropped\n", len(carried), plural(len(carried)), snapshot.PrevMonth(month))
	}
	return nil
}

// scaffold writes the report skeleton. Goals are encoded with yaml.v3 so
// that any title survives quoting.
func scaffold(month, name, date string, goals []content.Goal) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %q\n", name)
	fmt.Fprintf(&b, "month: %s\n", month)
	b.WriteString("# The publish date. The report stays hidden until then, and while draft is true.\n")
	fmt.Fprintf(&b, "date: %s\n", date)
	b.WriteString("draft: true\n")
	b.WriteString("authors: []\n")
	b.WriteString("# TL;DR: three to five bullets a busy reader should take away.\n")
	b.WriteString("summary: []\n")
	b.WriteString("# Last month's goals. Status: done, in-progress, pushed, on-hold or dropped.\n")
	if len(goals) == 0 {
		b.WriteString("goals: []\n")
	} else {
		out, err := yaml.Marshal(map[string][]goalYAML{"goals": toGoalYAML(goals)})
		if err != nil {
			return nil, fmt.Errorf("encode goals: %w", err)
		}
		b.Write(out)
	}
	b.WriteString("# Goals for next month, e.g. \"- title: Retire the old DNS provider\" (optional: owner, milestone: owner/repo#3).\n")
	b.WriteString("next_goals: []\n")
	b.WriteString("---\n\n")
	b.WriteString("## Highlights\n\n")
	b.WriteString("Cite the month's figures with {{</* figure \"uptime.<component>\" */>}}, {{</* figure \"issues.<owner/repo>.opened\" */>}} or {{</* figure \"releases.<track>.median\" */>}}; see the README for every key.\n\n")
	b.WriteString("## Ops\n\n")
	b.WriteString("## Dev\n")
	return b.Bytes(), nil
}

type goalYAML struct {
	Title     string `yaml:"title"`
	Status    string `yaml:"status"`
	Owner     string `yaml:"owner,omitempty"`
	Milestone string `yaml:"milestone,omitempty"`
	Issue     string `yaml:"issue,omitempty"`
}

func toGoalYAML(goals []content.Goal) []goalYAML {
	out := make([]goalYAML, len(goals))
	for i, g := range goals {
		out[i] = goalYAML{Title: strings.TrimSpace(g.Title), Status: g.Status, Owner: g.Owner, Milestone: g.Milestone, Issue: g.Issue}
	}
	return out
}
