package site

import (
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// IncidentsSection is a report month's incident figures.
type IncidentsSection struct {
	Count      int
	ByImpact   []ImpactCount
	Resolved   int
	Unresolved int
	// TotalToResolve, LongestToResolve, MTTR and MTBF are formatted
	// durations, "—" when there is nothing to measure.
	TotalToResolve, LongestToResolve, MTTR, MTBF string
	Longest                                      *IncidentLink
	// Incidents started in the month, oldest first.
	Incidents []IncidentLink
}

// ImpactCount is the number of a month's incidents of one impact.
type ImpactCount struct {
	Impact, Label string
	Count         int
}

// IncidentLink names an incident in a report. URL is absolute, since the
// report's body is also the feed's content.
type IncidentLink struct {
	Slug, Title, URL    string
	Impact, ImpactLabel string
	Status, StatusLabel string
	Started             time.Time
	// Done is true once resolved; Duration is then the time to resolve.
	Done     bool
	Duration string
}

// monthIncidents returns the incidents that started by Now in month (site
// zone), in the order of the site's incidents.
func (s *Site) monthIncidents(month string) []*content.Incident {
	s.byMonthOnce.Do(func() {
		// Each report needs its month's incidents only: group them once
		// rather than scan years of incidents for every report.
		if s.status != nil {
			s.byMonth = status.IncidentsByMonth(s.cfg.Location, s.status.Incidents, s.opts.Now)
		}
	})
	return s.byMonth[month]
}

// incidentsSection computes a report month's incident figures; nil when the
// site keeps no incidents or maintenance at all (it does not use the status
// page, so "no incidents" would claim too much).
func (s *Site) incidentsSection(month string) (*IncidentsSection, error) {
	if s.status == nil || len(s.status.Incidents) == 0 && len(s.status.Maintenance) == 0 {
		return nil, nil
	}
	now := s.opts.Now
	ms, err := status.Monthly(month, s.cfg.Location, s.monthIncidents(month))
	if err != nil {
		return nil, err
	}
	dur := func(d time.Duration, ok bool) string {
		if !ok {
			return "—"
		}
		return snapshot.FormatDuration(d)
	}
	sec := &IncidentsSection{
		Count:            len(ms.Incidents),
		Resolved:         ms.Resolved,
		Unresolved:       ms.Unresolved,
		TotalToResolve:   dur(ms.TotalToResolve, ms.Resolved > 0),
		LongestToResolve: dur(ms.LongestToResolve, ms.Longest != nil),
		MTTR:             dur(ms.MTTR, ms.Resolved > 0),
		MTBF:             dur(ms.MTBF, len(ms.Incidents) > 0),
	}
	for _, c := range ms.ByImpact {
		sec.ByImpact = append(sec.ByImpact, ImpactCount{Impact: c.Impact, Label: impactLabel(c.Impact), Count: c.Count})
	}
	link := func(inc *content.Incident) IncidentLink {
		st := inc.StatusAt(now)
		l := IncidentLink{
			Slug: inc.Slug, Title: inc.Title, URL: s.cfg.AbsURL(incidentPath(inc.Slug)),
			Impact: inc.Impact, ImpactLabel: impactLabel(inc.Impact),
			Status: st, StatusLabel: statusLabel(st), Started: inc.Started,
		}
		if inc.IsResolved() && !inc.Resolved.After(now) {
			l.Done = true
			l.Duration = snapshot.FormatDuration(inc.Duration())
		}
		return l
	}
	for _, inc := range ms.Incidents {
		sec.Incidents = append(sec.Incidents, link(inc))
	}
	if ms.Longest != nil {
		l := link(ms.Longest)
		sec.Longest = &l
	}
	return sec, nil
}
