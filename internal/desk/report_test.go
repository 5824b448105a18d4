package desk

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/diag"
)

// writeReport writes content/reports/<month>.md of the site in dir.
func writeReport(tb testing.TB, dir, month, src string) string {
	tb.Helper()
	p := filepath.Join(dir, "content", "reports", month+".md")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// October's next goals, with titles that only survive proper quoting.
const octoberReport = `---
title: October 2026
date: 2026-11-03T09:00:00
next_goals:
  - "Write the runbook: part 1"
  - title: "  - #1: \"quoted\" & trimmed  "
    owner: Mei
    issue: acme/web#42
  - title: Retire the old DNS provider
    milestone: acme/infra#3
---
`

func TestScaffoldReport(t *testing.T) {
	d, dir := newDesk(t)
	writeReport(t, dir, "2026-10", octoberReport)
	s, err := d.ScaffoldReport("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "content", "reports", "2026-11.md")
	if s.Path != path || s.Previous != "2026-10" || s.PreviousMissing {
		t.Errorf("scaffold %+v, want %s carrying over 2026-10", s, path)
	}
	want := []content.Goal{
		{Title: "Write the runbook: part 1", Status: content.GoalPending},
		{Title: `  - #1: "quoted" & trimmed  `, Status: content.GoalPending, Owner: "Mei", Issue: "acme/web#42"},
		{Title: "Retire the old DNS provider", Status: content.GoalPending, Milestone: "acme/infra#3"},
	}
	if !slices.Equal(s.Carried, want) {
		t.Errorf("carried %+v, want %+v", s.Carried, want)
	}
	checkGolden(t, path, "report-2026-11")

	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := content.ParseReport(path, src, time.UTC)
	if err != nil {
		t.Fatalf("the scaffold does not parse: %v", err)
	}
	if rep.Month != "2026-11" || rep.Title != "November 2026" || !rep.Draft || len(rep.Goals) != 3 || rep.Goals[1].Title != `- #1: "quoted" & trimmed` {
		t.Errorf("parsed: month %q, title %q, draft %v, goals %+v", rep.Month, rep.Title, rep.Draft, rep.Goals)
	}
}

func TestScaffoldReportWithoutLastMonth(t *testing.T) {
	d, dir := newDesk(t)
	s, err := d.ScaffoldReport("2025-01")
	if err != nil {
		t.Fatal(err)
	}
	if !s.PreviousMissing || s.Previous != "2024-12" || len(s.Carried) != 0 {
		t.Errorf("scaffold %+v, want 2024-12 missing and nothing carried", s)
	}
	src, err := os.ReadFile(filepath.Join(dir, "content", "reports", "2025-01.md"))
	if err != nil || !strings.Contains(string(src), "\ngoals: []\n") {
		t.Errorf("scaffold without goals (%v):\n%s", err, src)
	}
}

func TestScaffoldReportRefused(t *testing.T) {
	t.Run("bad month", func(t *testing.T) {
		d, _ := newDesk(t)
		s, err := d.ScaffoldReport("2026-13")
		var re *RequestError
		if s != nil || !errors.As(err, &re) || re.Msg != `"2026-13" is not a month of the form YYYY-MM` {
			t.Errorf("%+v, %v; want a RequestError", s, err)
		}
	})
	t.Run("existing report", func(t *testing.T) {
		d, dir := newDesk(t)
		const mine = "---\ntitle: Mine\n---\nkeep me\n"
		p := writeReport(t, dir, "2026-11", mine)
		s, err := d.ScaffoldReport("2026-11")
		if s != nil || err == nil || err.Error() != p+" already exists" {
			t.Errorf("%+v, %v; want %q", s, err, p+" already exists")
		}
		if b, _ := os.ReadFile(p); string(b) != mine {
			t.Errorf("existing report overwritten:\n%s", b)
		}
	})
	t.Run("last month broken", func(t *testing.T) {
		d, dir := newDesk(t)
		prev := writeReport(t, dir, "2026-10", "---\ntitle: October\nnext_goals: [unclosed\n---\n")
		s, err := d.ScaffoldReport("2026-11")
		var le *diag.ListError
		if s != nil || !errors.As(err, &le) || !strings.HasPrefix(le.Error(), prev+":3: ") {
			t.Errorf("%+v, %v; want the broken report's error at its line", s, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "content", "reports", "2026-11.md")); !os.IsNotExist(err) {
			t.Errorf("report created despite last month's broken report: %v", err)
		}
	})
}
