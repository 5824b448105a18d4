package status

import (
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
)

func TestIncidentSettled(t *testing.T) {
	now := "2026-11-02T12:00:00Z"
	tests := []struct {
		name string
		inc  *content.Incident
		want bool
	}{
		{"resolved in the past", incident(t, "a", "minor", "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", nil, "2026-10-01T10:30:00Z identified"), true},
		{"resolved at now", incident(t, "a", "minor", "2026-10-01T10:00:00Z", now, nil), true},
		{"open", incident(t, "a", "minor", "2026-10-01T10:00:00Z", "", nil), false},
		{"resolved later", incident(t, "a", "minor", "2026-10-01T10:00:00Z", "2026-11-03T10:00:00Z", nil), false},
		{"starts later", incident(t, "a", "minor", "2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", nil), false},
		{"update to come", incident(t, "a", "minor", "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", nil, "2026-11-05T10:00:00Z postmortem"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IncidentSettled(tt.inc, ts(t, now)); got != tt.want {
				t.Errorf("IncidentSettled = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMaintenanceSettled(t *testing.T) {
	now := "2026-11-02T12:00:00Z"
	tests := []struct {
		name string
		m    *content.Maintenance
		want bool
	}{
		{"over", window(t, "w", "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", nil, "2026-09-20T10:00:00Z scheduled"), true},
		{"ends at now", window(t, "w", "2026-11-02T11:00:00Z", now, nil), true},
		{"running", window(t, "w", "2026-11-02T11:00:00Z", "2026-11-02T13:00:00Z", nil), false},
		{"to come", window(t, "w", "2026-11-20T11:00:00Z", "2026-11-20T13:00:00Z", nil), false},
		{"update to come", window(t, "w", "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", nil, "2026-11-05T10:00:00Z completed"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaintenanceSettled(tt.m, ts(t, now)); got != tt.want {
				t.Errorf("MaintenanceSettled = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIncidentsByMonth(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	incs := []*content.Incident{
		incident(t, "oct-b", "minor", "2026-10-20T10:00:00Z", "", nil),
		incident(t, "nov-berlin", "minor", "2026-10-31T23:30:00Z", "", nil), // 1 November in Berlin
		incident(t, "oct-a", "minor", "2026-10-05T10:00:00Z", "", nil),
		incident(t, "future", "minor", "2026-11-05T10:00:00Z", "", nil),
	}
	by := IncidentsByMonth(loc, incs, ts(t, "2026-11-02T12:00:00Z"))
	var got []string
	for _, month := range []string{"2026-10", "2026-11", "2026-12"} {
		var slugs []string
		for _, inc := range by[month] {
			slugs = append(slugs, inc.Slug)
		}
		got = append(got, month+"["+strings.Join(slugs, ",")+"]")
	}
	if want := "2026-10[oct-b,oct-a] 2026-11[nov-berlin] 2026-12[]"; strings.Join(got, " ") != want {
		t.Errorf("by month %s, want %s", strings.Join(got, " "), want)
	}
	if len(by) != 2 {
		t.Errorf("%d months, want 2", len(by))
	}
}

func TestRecentIncidents(t *testing.T) {
	a := incident(t, "a", "minor", "2026-10-01T10:00:00Z", "", nil)
	b := incident(t, "b", "minor", "2026-10-02T10:00:00Z", "", nil)
	c := incident(t, "c", "major", "2026-10-02T12:00:00Z", "", nil)
	comp := &Component{Bars: []Bar{
		{Incidents: []*content.Incident{a}},
		{Incidents: []*content.Incident{a, b, c}},
		{},
		{Incidents: []*content.Incident{a}},
	}}
	var got []string
	for _, inc := range comp.RecentIncidents() {
		got = append(got, inc.Slug)
	}
	if want := "a c b"; strings.Join(got, " ") != want {
		t.Errorf("recent incidents %s, want %s", strings.Join(got, " "), want)
	}
	if got := (&Component{Bars: []Bar{{}}}).RecentIncidents(); got != nil {
		t.Errorf("quiet component: %v, want none", got)
	}
}
