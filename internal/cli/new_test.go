package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
)

func TestNewReport(t *testing.T) {
	dir := writeSite(t, reportSite)
	r := bulletin(t, dir, testNow, "new", "report", "2026-10x")
	if r.code != 2 {
		t.Fatalf("bad month: exit %d", r.code)
	}

	// November follows October, whose next_goals become goals to review.
	if err := os.Remove(filepath.Join(dir, "content", "reports", "2026-11.md")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "content", "reports", "2026-11.md")
	r = bulletin(t, dir, testNow, "new", "report", "2026-11")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r.stdout != path+"\n" {
		t.Errorf("stdout %q, want the new file's path", r.stdout)
	}
	if want := "carried over 1 goal from 2026-10 with status pending"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q lacks %q", r.stderr, want)
	}
	src := readFile(t, path)
	rep, err := content.ParseReport(path, []byte(src), time.UTC)
	if err != nil {
		t.Fatalf("the scaffold does not parse: %v\n%s", err, src)
	}
	if rep.Month != "2026-11" || rep.Title != "November 2026" || !rep.Draft || rep.Date.Format("2006-01-02") != "2026-12-01" {
		t.Errorf("scaffold: month %q, title %q, draft %v, date %v", rep.Month, rep.Title, rep.Draft, rep.Date)
	}
	if len(rep.Goals) != 1 || rep.Goals[0].Title != "Write the runbook: part 1" || rep.Goals[0].Status != content.GoalPending {
		t.Errorf("goals %+v, want October's next goal, pending", rep.Goals)
	}
	if len(rep.NextGoals) != 0 {
		t.Errorf("next goals %+v, want none", rep.NextGoals)
	}
	// A draft is still checked: the scaffold passes.
	if r := bulletin(t, dir, testNow, "check"); r.code != 0 {
		t.Errorf("check after new report: exit %d\n%s", r.code, r.stderr)
	}

	t.Run("owners and tracker references carried over", func(t *testing.T) {
		path := filepath.Join(dir, "content", "reports", "2026-10.md")
		if err := os.Rename(path, path+".bak"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Rename(path+".bak", path) })
		r := bulletin(t, dir, testNow, "new", "report", "2026-10")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		rep, err := content.ParseReport(path, []byte(readFile(t, path)), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		want := []content.Goal{
			{Title: "Faster releases", Status: content.GoalPending, Owner: "Mei", Issue: "acme/web#42"},
			{Title: "Retire the old DNS provider", Status: content.GoalPending},
		}
		if len(rep.Goals) != len(want) {
			t.Fatalf("goals %+v, want %+v", rep.Goals, want)
		}
		for i := range want {
			if rep.Goals[i] != want[i] {
				t.Errorf("goal %d: %+v, want %+v", i, rep.Goals[i], want[i])
			}
		}
		os.Remove(path)
	})

	t.Run("refuses an existing file", func(t *testing.T) {
		before := readFile(t, path)
		r := bulletin(t, dir, testNow, "new", "report", "2026-11")
		if r.code != 1 || r.stderr != "bulletin new: "+path+" already exists\n" {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if readFile(t, path) != before {
			t.Error("existing report overwritten")
		}
	})

	t.Run("no previous month", func(t *testing.T) {
		r := bulletin(t, dir, testNow, "new", "report", "2025-01")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "note: no report for 2024-12, so no goals to carry over") {
			t.Errorf("stderr %q", r.stderr)
		}
		if src := readFile(t, filepath.Join(dir, "content", "reports", "2025-01.md")); !strings.Contains(src, "goals: []\n") {
			t.Errorf("scaffold without goals:\n%s", src)
		}
	})

	t.Run("bad arguments", func(t *testing.T) {
		before := snapshotDir(t, dir)
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"new", "report", "2026-13"}, `bulletin new: usage: "2026-13" is not a month of the form YYYY-MM`},
			{[]string{"new", "report", "December"}, `bulletin new: usage: "December" is not a month of the form YYYY-MM`},
			{[]string{"new", "report"}, "bulletin new: usage: want: bulletin new report YYYY-MM"},
			{[]string{"new", "page", "2026-12"}, "bulletin new: usage: want: bulletin new report YYYY-MM"},
		} {
			r := bulletin(t, dir, testNow, tt.args...)
			if r.code != 2 || r.stderr != tt.want+"\n" {
				t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, r.code, r.stderr, tt.want)
			}
		}
		if after := snapshotDir(t, dir); len(after) != len(before) {
			t.Errorf("bad arguments wrote files: %d before, %d after", len(before), len(after))
		}
	})
}

// TestNewReportPreviousMonthBroken refuses to guess goals when last
// month's report cannot be read.
func TestNewReportPreviousMonthBroken(t *testing.T) {
	dir := writeSite(t, "-- config.toml --\ntitle = \"T\"\nbase_url = \"https://t.example/\"\n-- content/reports/2026-10.md --\n---\ntitle: October\nnext_goals: [unclosed\n---\n")
	r := bulletin(t, dir, testNow, "new", "report", "2026-11")
	want := filepath.Join(dir, "content", "reports", "2026-10.md") + ":3: did not find expected ',' or ']'\nbulletin new: 1 problem found\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if exists(filepath.Join(dir, "content", "reports", "2026-11.md")) {
		t.Error("report created despite last month's broken report")
	}
}
