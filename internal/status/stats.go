package status

import (
	"fmt"
	"sort"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// ImpactCount is the number of incidents of one impact.
type ImpactCount struct {
	Impact string
	Count  int
}

// MonthStats are the incident figures of a report month.
type MonthStats struct {
	// Month is "YYYY-MM"; Start and End bound it in the site's zone.
	Month      string
	Start, End time.Time
	// Incidents are those that started in the month, oldest first; link
	// each to /incidents/<Slug>/.
	Incidents []*content.Incident
	// ByImpact counts them per impact, in content.Impacts order, zero
	// counts included.
	ByImpact []ImpactCount
	// Resolved and Unresolved split them by whether they have ended.
	Resolved   int
	Unresolved int
	// TotalToResolve sums the durations (resolved − started) of the
	// resolved ones; Longest is the one that took longest (nil when none is
	// resolved) and LongestToResolve its duration.
	TotalToResolve   time.Duration
	Longest          *content.Incident
	LongestToResolve time.Duration
	// MTTR is TotalToResolve / Resolved (0 when none is resolved).
	MTTR time.Duration
	// MTBF is the month's length divided by the number of incidents that
	// started in it: the mean time between failures, with the month as the
	// observation period (0 when there were none; show it as "—").
	MTBF time.Duration
}

// Monthly computes the incident figures of month ("2026-10") from the
// incidents that started in it in the site's zone loc. Incidents that span
// the month's end count in the month they started, with their full
// duration.
func Monthly(month string, loc *time.Location, incidents []*content.Incident) (MonthStats, error) {
	start, end, err := snapshot.MonthRange(month, loc)
	if err != nil {
		return MonthStats{}, fmt.Errorf("incident stats: %w", err)
	}
	s := MonthStats{Month: month, Start: start, End: end, Incidents: []*content.Incident{}}
	counts := make([]int, len(content.Impacts))
	for _, inc := range incidents {
		if inc.Started.Before(start) || !inc.Started.Before(end) {
			continue
		}
		s.Incidents = append(s.Incidents, inc)
		if r := content.ImpactRank(inc.Impact); r >= 0 {
			counts[r]++
		}
		if !inc.IsResolved() {
			s.Unresolved++
			continue
		}
		s.Resolved++
		d := inc.Duration()
		s.TotalToResolve += d
		if s.Longest == nil || d > s.LongestToResolve {
			s.Longest, s.LongestToResolve = inc, d
		}
	}
	sort.SliceStable(s.Incidents, func(a, b int) bool {
		if !s.Incidents[a].Started.Equal(s.Incidents[b].Started) {
			return s.Incidents[a].Started.Before(s.Incidents[b].Started)
		}
		return s.Incidents[a].Slug < s.Incidents[b].Slug
	})
	for i, impact := range content.Impacts {
		s.ByImpact = append(s.ByImpact, ImpactCount{Impact: impact, Count: counts[i]})
	}
	if s.Resolved > 0 {
		s.MTTR = s.TotalToResolve / time.Duration(s.Resolved)
	}
	if n := len(s.Incidents); n > 0 {
		s.MTBF = end.Sub(start) / time.Duration(n)
	}
	return s, nil
}

// HistoryMonth is one month of the status history.
type HistoryMonth struct {
	// Month is "YYYY-MM"; Start is its first instant in the site's zone.
	Month string
	Start time.Time
	// Incidents started in the month, newest first; Maintenance windows
	// that opened in it, newest first. Both are empty (never nil) for a
	// quiet month.
	Incidents   []*content.Incident
	Maintenance []*content.Maintenance
}

// History groups the incidents and maintenance windows that started at or
// before now by month in loc, newest month first, from now's month back to
// the month of the earliest one; quiet months in between are included
// (empty) so the page can say "No incidents reported". Without any incident
// or window it returns now's month alone.
func History(loc *time.Location, incidents []*content.Incident, maintenance []*content.Maintenance, now time.Time) []HistoryMonth {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	key := func(t time.Time) string { return t.In(loc).Format("2006-01") }
	first := key(now)
	incs := map[string][]*content.Incident{}
	for _, inc := range incidents {
		if inc.Started.After(now) {
			continue
		}
		k := key(inc.Started)
		incs[k] = append(incs[k], inc)
		first = min(first, k)
	}
	ms := map[string][]*content.Maintenance{}
	for _, m := range maintenance {
		if m.ScheduledFor.After(now) {
			continue
		}
		k := key(m.ScheduledFor)
		ms[k] = append(ms[k], m)
		first = min(first, k)
	}
	var out []HistoryMonth
	for month := key(now); month >= first; month = snapshot.PrevMonth(month) {
		start, _ := snapshot.MonthStart(month, loc)
		h := HistoryMonth{Month: month, Start: start, Incidents: []*content.Incident{}, Maintenance: []*content.Maintenance{}}
		h.Incidents = append(h.Incidents, incs[month]...)
		h.Maintenance = append(h.Maintenance, ms[month]...)
		content.SortIncidents(h.Incidents)
		content.SortMaintenance(h.Maintenance)
		out = append(out, h)
	}
	return out
}

// PastDay is one calendar day of the status page's "Past incidents".
type PastDay struct {
	// Date is "YYYY-MM-DD" in the site's zone; Start is the day's start.
	Date  string
	Start time.Time
	// Incidents started on the day, newest first; Maintenance windows that
	// opened on it, newest first. Both are empty for a quiet day.
	Incidents   []*content.Incident
	Maintenance []*content.Maintenance
}

// PastDays groups the incidents and maintenance windows that started at or
// before now by calendar day in loc, for the n days ending with now's day,
// newest day first, quiet days included (as Statuspage's "Past incidents"
// lists each of its last days, saying "No incidents reported" on a quiet
// one). Days are built from the calendar, so a DST day is 23 or 25 hours.
func PastDays(loc *time.Location, incidents []*content.Incident, maintenance []*content.Maintenance, now time.Time, n int) []PastDay {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	window := dayWindow(now, n)
	out := make([]PastDay, len(window))
	index := make(map[string]int, len(window))
	for i, d := range window {
		k := len(window) - 1 - i // newest first
		out[k] = PastDay{Date: d.date, Start: d.start, Incidents: []*content.Incident{}, Maintenance: []*content.Maintenance{}}
		index[d.date] = k
	}
	for _, inc := range incidents {
		if inc.Started.After(now) {
			continue
		}
		if k, ok := index[inc.Started.In(loc).Format(time.DateOnly)]; ok {
			out[k].Incidents = append(out[k].Incidents, inc)
		}
	}
	for _, m := range maintenance {
		if m.ScheduledFor.After(now) {
			continue
		}
		if k, ok := index[m.ScheduledFor.In(loc).Format(time.DateOnly)]; ok {
			out[k].Maintenance = append(out[k].Maintenance, m)
		}
	}
	for i := range out {
		content.SortIncidents(out[i].Incidents)
		content.SortMaintenance(out[i].Maintenance)
	}
	return out
}
