package site

import (
	"fmt"
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
	// Disruptions are what the automatic checks detected in the month (its
	// snapshot); nil when they detected nothing, and the section reads as
	// it did before live checks.
	Disruptions *DisruptionsView
}

// DisruptionsView is a report month's detected disruptions beside its
// incidents (status.MonthlyDisruptions).
type DisruptionsView struct {
	Detected, Declared int
	// Sentence says it in words: "3 disruptions detected automatically, 2
	// declared as incidents."
	Sentence string
	// MTTR counts each undeclared disruption that ended as one more
	// restore beside the resolved incidents; "—" when there is nothing to
	// measure.
	MTTR string
	// Undeclared are the disruptions no incident declared, oldest first.
	Undeclared []DisruptionLink
}

// DisruptionLink is a detected disruption in a report.
type DisruptionLink struct {
	ID                  string
	Start               time.Time
	Status, StatusLabel string // the worst any component reached
	Components          []DisruptionPart
	// Ongoing is true while the disruption goes on; otherwise Duration is
	// its time to restore.
	Ongoing  bool
	Duration string
}

// DisruptionPart is one component's part of a detected disruption.
type DisruptionPart struct {
	Component, Name     string
	Status, StatusLabel string
	// Signal says what the checks saw ("API probes failing").
	Signal string
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

// incidents returns every incident of the site.
func (s *Site) incidents() []*content.Incident {
	if s.status == nil {
		return nil
	}
	return s.status.Incidents
}

// keepsIncidents reports whether the site keeps incidents or maintenance
// at all.
func (s *Site) keepsIncidents() bool {
	return s.status != nil && (len(s.status.Incidents) > 0 || len(s.status.Maintenance) > 0)
}

// monthDisruptions returns what the checks detected in month, kept in its
// snapshot; nil when nothing was.
func (s *Site) monthDisruptions(month string) *snapshot.Snapshot {
	if snap := s.snapshots[month]; snap != nil && len(snap.Disruptions) > 0 {
		return snap
	}
	return nil
}

// incidentsSection computes a report month's incident figures; nil when the
// site keeps no incidents or maintenance at all (it does not use the status
// page, so "no incidents" would claim too much) and the checks detected
// nothing in the month.
func (s *Site) incidentsSection(month string) (*IncidentsSection, error) {
	detected := s.monthDisruptions(month)
	if !s.keepsIncidents() && detected == nil {
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
	if detected != nil {
		ds := status.MonthlyDisruptions(ms, detected, s.incidents(), now)
		sec.Disruptions = s.disruptionsView(ds)
	}
	return sec, nil
}

func (s *Site) disruptionsView(ds status.DisruptionStats) *DisruptionsView {
	v := &DisruptionsView{Detected: ds.Detected, Declared: ds.Declared, MTTR: "—"}
	if ds.Restores > 0 {
		v.MTTR = snapshot.FormatDuration(ds.MTTR)
	}
	declared := "none declared as an incident"
	switch ds.Declared {
	case 0:
	case 1:
		declared = "1 declared as an incident"
	default:
		declared = fmt.Sprintf("%d declared as incidents", ds.Declared)
	}
	v.Sentence = fmt.Sprintf("%d disruption%s detected automatically, %s.", ds.Detected, plural(ds.Detected), declared)
	for _, d := range ds.UndeclaredDisruptions() {
		l := DisruptionLink{ID: d.ID, Start: d.Start, Status: d.Status, StatusLabel: statusLabel(d.Status), Ongoing: d.Ongoing()}
		if !l.Ongoing {
			l.Duration = snapshot.FormatDuration(d.ToRestore)
		}
		for _, c := range d.Components {
			p := DisruptionPart{Component: c.Component, Name: c.Component, Status: c.Status, StatusLabel: statusLabel(c.Status), Signal: c.Signal}
			if cc, ok := s.cfg.Component(c.Component); ok {
				p.Name = cc.Name
			}
			l.Components = append(l.Components, p)
		}
		v.Undeclared = append(v.Undeclared, l)
	}
	return v
}
