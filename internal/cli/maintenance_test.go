package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
)

const handWrittenWindow = `---
# Announced by Drew; keep this comment.
title: "Database upgrade"   # the public title
scheduled_for: 2026-12-01T21:00:00Z
scheduled_until: 2026-12-02T00:00:00Z
components: [db]
updates:
  - at: 2026-11-20T09:00:00Z
    status: scheduled
    body: |
      The database will be read-only.

      # A markdown heading, not a comment.
# Trailing comment.
---

Runbook link and details. Keep me.
`

func writeWindow(tb testing.TB, dir, slug, src string) string {
	tb.Helper()
	path := filepath.Join(dir, "content/maintenance", slug+".md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestMaintenanceUpdateRoundTrip(t *testing.T) {
	dir := oncallSiteDir(t)
	path := writeWindow(t, dir, "db-upgrade", handWrittenWindow)

	// Without --status an update keeps the window's status at the time,
	// which the clock has moved to in_progress.
	printed := mustRun(t, dir, "2026-12-01T21:05:00Z", "maintenance", "update", "db-upgrade", "-m", "The database is read-only now.")
	if printed != path {
		t.Errorf("printed %q, want %q", printed, path)
	}
	mustRun(t, dir, "2026-12-01T22:10:00Z", "maintenance", "update", "db-upgrade", "--status", "verifying", "-m", "Upgrade done.\n\nWe are checking replication.")
	mustRun(t, dir, "2026-12-01T22:30:00Z", "maintenance", "update", "db-upgrade", "--status", "completed", "-m", "All done, ahead of schedule.")

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Only lines were added: every original line survives in order.
	orig := strings.SplitAfter(handWrittenWindow, "\n")
	j := 0
	var added []string
	for _, l := range strings.SplitAfter(string(got), "\n") {
		if j < len(orig) && l == orig[j] {
			j++
			continue
		}
		added = append(added, strings.TrimRight(l, "\n"))
	}
	if j != len(orig) {
		t.Fatalf("original line %d (%q) was changed or lost:\n%s", j+1, orig[j], got)
	}
	wantAdded := []string{
		"  - at: 2026-12-01T21:05:00Z",
		"    status: in_progress",
		"    body: The database is read-only now.",
		"  - at: 2026-12-01T22:10:00Z",
		"    status: verifying",
		"    body: |-",
		"      Upgrade done.",
		"",
		"      We are checking replication.",
		"  - at: 2026-12-01T22:30:00Z",
		"    status: completed",
		"    body: All done, ahead of schedule.",
	}
	if strings.Join(added, "\n") != strings.Join(wantAdded, "\n") {
		t.Errorf("added lines:\n%s\nwant\n%s\nfile:\n%s", strings.Join(added, "\n"), strings.Join(wantAdded, "\n"), got)
	}

	m, err := content.ParseMaintenance(path, got, loadCfg(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, u := range m.Updates {
		statuses = append(statuses, u.Status)
	}
	if strings.Join(statuses, " ") != "scheduled in_progress verifying completed" {
		t.Errorf("statuses %v", statuses)
	}
	at := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	if st := m.StatusAt(at); st != content.MaintenanceCompleted {
		t.Errorf("status at %s = %s, want completed: the window was completed early", at, st)
	}
	if m.Updates[2].Body != "Upgrade done.\n\nWe are checking replication." {
		t.Errorf("multi-line body %q", m.Updates[2].Body)
	}
	if !strings.HasSuffix(string(got), "---\n\nRunbook link and details. Keep me.\n") {
		t.Errorf("body changed:\n%s", got)
	}
}

func TestMaintenanceUpdateNoteAfterClockEnd(t *testing.T) {
	dir := oncallSiteDir(t)
	mustRun(t, dir, "2026-11-20T09:00:00Z", "maintenance", "new", "Switch swap", "--start", "2026-12-01T22:00", "--end", "2026-12-01T23:00", "--components", "web")
	// The clock closed the window at 23:00; a closing note is still welcome,
	// once.
	mustRun(t, dir, "2026-12-01T23:30:00Z", "maintenance", "update", "2026-12-01-switch-swap", "-m", "Both switches are in.")
	m, err := content.LoadMaintenance(filepath.Join(dir, "content/maintenance"), loadCfg(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m[0].Updates); n != 2 || m[0].Updates[1].Status != content.MaintenanceCompleted {
		t.Fatalf("updates %+v", m[0].Updates)
	}
	r := bulletin(t, dir, "2026-12-01T23:40:00Z", "maintenance", "update", "2026-12-01-switch-swap", "-m", "again")
	if r.code != exitFailure || !strings.Contains(r.stderr, "was already completed at 2026-12-01T23:30:00Z") {
		t.Errorf("completing twice: exit %d, %s", r.code, r.stderr)
	}
}

func TestMaintenanceUpdateBadArgumentsChangeNothing(t *testing.T) {
	dir := oncallSiteDir(t)
	writeWindow(t, dir, "db-upgrade", handWrittenWindow)
	writeWindow(t, dir, "verifying", "---\ntitle: V\nscheduled_for: 2026-12-01T21:00:00Z\nscheduled_until: 2026-12-02T00:00:00Z\nupdates:\n  - at: 2026-12-01T21:30:00Z\n    status: verifying\n    body: x\n---\n")
	writeWindow(t, dir, "toml", "+++\ntitle = \"T\"\nscheduled_for = 2026-12-01T21:00:00Z\nscheduled_until = 2026-12-02T00:00:00Z\n+++\n")
	writeWindow(t, dir, "broken", "---\ntitle: B\nscheduled_for: 2026-12-01T21:00:00Z\nscheduled_until: 2026-12-01T20:00:00Z\n---\n")
	const now = "2026-12-01T21:45:00Z"

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown slug", []string{"maintenance", "update", "nope", "-m", "x"}, `unknown maintenance window "nope"`},
		{"bad slug", []string{"maintenance", "update", "Not A Slug", "-m", "x"}, `"Not A Slug" is not a maintenance slug`},
		{"no slug", []string{"maintenance", "update", "-m", "x"}, "want one maintenance slug"},
		{"missing -m", []string{"maintenance", "update", "db-upgrade"}, `-m "message" is required`},
		{"unknown status", []string{"maintenance", "update", "db-upgrade", "-m", "x", "--status", "done"}, `--status "done": want one of scheduled, in_progress, verifying, completed`},
		{"back to scheduled after the clock opened it", []string{"maintenance", "update", "db-upgrade", "-m", "x", "--status", "scheduled"}, "maintenance db-upgrade is in_progress at 2026-12-01T21:45:00Z; its status cannot go back to scheduled"},
		{"back from verifying", []string{"maintenance", "update", "verifying", "-m", "x", "--status", "in_progress"}, "maintenance verifying is verifying at 2026-12-01T21:45:00Z; its status cannot go back to in_progress"},
		{"before the last update", []string{"maintenance", "update", "verifying", "-m", "x", "--at", "2026-12-01T21:10:00Z"}, "--at 2026-12-01T21:10:00Z is before the window's last update (2026-12-01T21:30:00Z)"},
		{"toml refused", []string{"maintenance", "update", "toml", "-m", "x"}, "has TOML front matter: bulletin edits YAML front matter only"},
		{"invalid file refused", []string{"maintenance", "update", "broken", "-m", "x"}, "broken.md:4: maintenance ends before it starts"},
		{"unknown subcommand", []string{"maintenance", "cancel", "db-upgrade"}, `unknown subcommand "cancel"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshotDir(t, dir)
			r := bulletin(t, dir, now, tt.args...)
			if r.code == 0 {
				t.Fatalf("exit 0, stdout %q", r.stdout)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tt.want)
			}
			after := snapshotDir(t, dir)
			if len(after) != len(before) {
				t.Errorf("files changed: %d before, %d after", len(before), len(after))
			}
			for p, b := range before {
				if after[p] != b {
					t.Errorf("%s changed", p)
				}
			}
		})
	}
}
