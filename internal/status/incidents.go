package status

import (
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
)

// IncidentSettled reports whether every time inc names (its start, its
// resolution and each update) is at or before now: nothing about it
// changes with the clock any more. An unresolved incident is never settled.
func IncidentSettled(inc *content.Incident, now time.Time) bool {
	if inc.Started.After(now) || !inc.IsResolved() || inc.Resolved.After(now) {
		return false
	}
	for _, u := range inc.Updates {
		if u.At.After(now) {
			return false
		}
	}
	return true
}

// MaintenanceSettled reports whether every time m names (the end of its
// window and each update) is at or before now: nothing about it changes
// with the clock any more.
func MaintenanceSettled(m *content.Maintenance, now time.Time) bool {
	if m.ScheduledUntil.After(now) {
		return false
	}
	for _, u := range m.Updates {
		if u.At.After(now) {
			return false
		}
	}
	return true
}

// IncidentsByMonth groups the incidents that started at or before now by
// the month ("2026-10") in loc they started in, each month's in the order
// of incidents.
func IncidentsByMonth(loc *time.Location, incidents []*content.Incident, now time.Time) map[string][]*content.Incident {
	out := map[string][]*content.Incident{}
	for _, inc := range incidents {
		if !inc.Started.After(now) {
			k := inc.Started.In(loc).Format("2006-01")
			out[k] = append(out[k], inc)
		}
	}
	return out
}

// RecentIncidents returns the incidents that touched c on the days of its
// bars, each once, newest first: latest day first and, within a day, the
// bar's incidents from last to first.
func (c *Component) RecentIncidents() []*content.Incident {
	var out []*content.Incident
	seen := map[string]bool{}
	for i := len(c.Bars) - 1; i >= 0; i-- {
		incs := c.Bars[i].Incidents
		for k := len(incs) - 1; k >= 0; k-- {
			if slug := incs[k].Slug; !seen[slug] {
				seen[slug] = true
				out = append(out, incs[k])
			}
		}
	}
	return out
}
