package desk

import (
	"bytes"
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

// ReportScaffold is what ScaffoldReport did.
type ReportScaffold struct {
	// Path is the report file written.
	Path string
	// Previous is last month (YYYY-MM), whose next_goals were carried
	// over; PreviousMissing reports that it has no report, so that there
	// were none.
	Previous        string
	PreviousMissing bool
	// Carried are last month's next goals, now this month's goals to
	// review, each with status pending.
	Carried []content.Goal
}

// ScaffoldReport writes content/reports/<month>.md, a draft report for a
// writer to fill in whose goals to review are last month's next_goals,
// each pending. It never overwrites a file: an existing report is an
// error. A month not of the form YYYY-MM is a *RequestError. Last month's
// report that cannot be read stops it, since its goals would be lost; its
// errors are content's, with their lines. Once last month has been read,
// a failure returns the ReportScaffold so far with the error, and nothing
// is written.
func (d *Desk) ScaffoldReport(month string) (*ReportScaffold, error) {
	if !snapshot.ValidMonth(month) {
		return nil, requestErrorf("%q is not a month of the form YYYY-MM", month)
	}
	loc := d.cfg.Location
	path := filepath.Join(d.reportsDir, month+".md")
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s already exists", path)
	}
	s := &ReportScaffold{Path: path, Previous: snapshot.PrevMonth(month)}
	prevPath := filepath.Join(d.reportsDir, s.Previous+".md")
	src, err := os.ReadFile(prevPath)
	switch {
	case err == nil:
		prev, err := content.ParseReport(prevPath, src, loc)
		if prev == nil {
			return nil, fmt.Errorf("read last month's goals: %w", err)
		}
		for _, g := range prev.NextGoals {
			g.Status = content.GoalPending
			s.Carried = append(s.Carried, g)
		}
	case errors.Is(err, fs.ErrNotExist):
		s.PreviousMissing = true
	default:
		return nil, fmt.Errorf("read last month's goals: %w", err)
	}
	start, err := snapshot.MonthStart(month, loc)
	if err != nil {
		return s, err
	}
	b, err := reportScaffold(month, start.Format("January 2006"), start.AddDate(0, 1, 0).Format("2006-01-02"), s.Carried)
	if err != nil {
		return s, err
	}
	// Refuse to produce a file the build would reject.
	if _, err := content.ParseReport(path, b, loc); err != nil {
		return s, fmt.Errorf("scaffold is invalid (please report this bug): %w", err)
	}
	return s, writeNew(path, b)
}

// writeNew writes a file that must not exist yet, removing what it wrote
// when the write fails.
func writeNew(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
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
	return f.Close()
}

// reportScaffold is the report skeleton. Goals are encoded with yaml.v3 so
// that any title survives quoting.
func reportScaffold(month, name, date string, goals []content.Goal) ([]byte, error) {
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

// goalYAML is a goal as the scaffold writes it: the fields in the order a
// writer reads them, empty ones left out.
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
