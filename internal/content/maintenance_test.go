package content

import (
	"strings"
	"testing"
	"time"
)

const goodMaintenance = `---
title: Database upgrade
scheduled_for: 2026-12-01T22:00:00Z
scheduled_until: 2026-12-02T01:00:00Z
components: [db]
# Upgrades are excluded from availability unless this says true.
counts_against_availability: false
updates:
  - at: 2026-11-20T10:00:00Z
    status: scheduled
    body: We will upgrade the database to Postgres 17.
  - at: 2026-12-02T00:30:00Z
    status: verifying
    body: The upgrade is done; we are verifying.
---
Details.
`

func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestParseMaintenance(t *testing.T) {
	m, err := ParseMaintenance("content/maintenance/db-upgrade.md", []byte(goodMaintenance), statusCfg(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.Slug != "db-upgrade" || m.Title != "Database upgrade" || m.CountsAgainstAvailability || len(m.Updates) != 2 {
		t.Errorf("meta: %+v", m)
	}
	if m.Updates[1].Line != 12 {
		t.Errorf("update line %d", m.Updates[1].Line)
	}
	tests := []struct {
		at, status string
		active     bool
		timeline   string
	}{
		{"2026-11-01T00:00:00Z", MaintenanceScheduled, false, ""},
		{"2026-11-21T00:00:00Z", MaintenanceScheduled, false, "scheduled"},
		{"2026-12-01T22:00:00Z", MaintenanceInProgress, true, "scheduled,in_progress*"},
		{"2026-12-02T00:30:00Z", MaintenanceVerifying, true, "scheduled,in_progress*,verifying"},
		{"2026-12-02T01:00:00Z", MaintenanceCompleted, false, "scheduled,in_progress*,verifying,completed*"},
	}
	for _, tt := range tests {
		at := mustTime(t, tt.at)
		if got := m.StatusAt(at); got != tt.status {
			t.Errorf("StatusAt(%s) = %s, want %s", tt.at, got, tt.status)
		}
		if got := m.ActiveAt(at); got != tt.active {
			t.Errorf("ActiveAt(%s) = %v", tt.at, got)
		}
		var parts []string
		for _, u := range m.Timeline(at) {
			s := u.Status
			if u.Automatic {
				s += "*"
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, ","); got != tt.timeline {
			t.Errorf("Timeline(%s) = %s, want %s", tt.at, got, tt.timeline)
		}
	}
	if got := m.CompletedAt(mustTime(t, "2026-12-03T00:00:00Z")); !got.Equal(mustTime(t, "2026-12-02T01:00:00Z")) {
		t.Errorf("completed at %v", got)
	}
}

func TestMaintenanceCompletedEarly(t *testing.T) {
	src := strings.Replace(goodMaintenance, "status: verifying", "status: completed", 1)
	m, err := ParseMaintenance("content/maintenance/db-upgrade.md", []byte(src), statusCfg(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.StatusAt(mustTime(t, "2026-12-02T00:40:00Z")); got != MaintenanceCompleted {
		t.Errorf("a written completed update ends the window early, got %s", got)
	}
	ex := Exclusions([]*Maintenance{m})
	if len(ex) != 1 || !ex[0].End.Equal(mustTime(t, "2026-12-02T00:30:00Z")) || ex[0].Components[0] != "db" || ex[0].Reason != "maintenance: Database upgrade" {
		t.Errorf("exclusion ends at the early completion: %+v", ex)
	}
	m.CountsAgainstAvailability = true
	if ex := Exclusions([]*Maintenance{m}); len(ex) != 0 {
		t.Errorf("counted windows are not excluded: %+v", ex)
	}
}

func TestParseMaintenanceErrors(t *testing.T) {
	head := "---\ntitle: W\nscheduled_for: 2026-12-01T22:00:00Z\n"
	tests := []struct{ name, src, want string }{
		{"ends before it starts", head + "scheduled_until: 2026-12-01T21:00:00Z\n---\n",
			`content/maintenance/w.md:4: maintenance ends before it starts: scheduled_until 2026-12-01T21:00:00Z is not after scheduled_for 2026-12-01T22:00:00Z`},
		{"unknown component", head + "scheduled_until: 2026-12-02T01:00:00Z\ncomponents:\n  - db\n  - dns2\n---\n",
			`content/maintenance/w.md:7: unknown component "dns2"`},
		{"unknown status", head + "scheduled_until: 2026-12-02T01:00:00Z\nupdates:\n  - at: 2026-12-01T22:00:00Z\n    status: started\n---\n",
			`content/maintenance/w.md:7: unknown maintenance status "started" (one of scheduled, in_progress, verifying, completed)`},
		{"status goes back", head + "scheduled_until: 2026-12-02T01:00:00Z\nupdates:\n  - {at: 2026-12-01T22:00:00Z, status: completed}\n  - {at: 2026-12-01T23:00:00Z, status: in_progress}\n---\n",
			`content/maintenance/w.md:7: maintenance status goes back from completed to in_progress`},
		{"out of order", head + "scheduled_until: 2026-12-02T01:00:00Z\nupdates:\n  - {at: 2026-12-01T22:00:00Z, status: scheduled}\n  - {at: 2026-12-01T21:00:00Z, status: scheduled}\n---\n",
			`content/maintenance/w.md:7: updates are out of order: 2026-12-01T21:00:00Z is before the previous update (2026-12-01T22:00:00Z)`},
		{"missing times", "---\ntitle: W\n---\n",
			"content/maintenance/w.md:1: scheduled_for is required (when the window opens, e.g. 2026-12-01T22:00:00Z)\n" +
				"content/maintenance/w.md:1: scheduled_until is required (when the window closes)"},
		{"unknown key", head + "scheduled_until: 2026-12-02T01:00:00Z\nexcluded: true\n---\n",
			`content/maintenance/w.md:5: unknown key "excluded"`},
		{"unknown key in an update", head + "scheduled_until: 2026-12-02T01:00:00Z\nupdates:\n  - at: 2026-12-01T22:00:00Z\n    status: in_progress\n    by: ops\n---\n",
			`content/maintenance/w.md:8: unknown key "by"`},
	}
	cfg := statusCfg(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMaintenance("content/maintenance/w.md", []byte(tt.src), cfg)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("got\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}
