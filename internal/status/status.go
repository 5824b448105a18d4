// Package status computes the status page from a site's incidents,
// maintenance windows and month snapshots: each component's current status,
// the overall indicator, 90 daily uptime bars, the history by month and the
// incident figures of a report month. ApplyLive (live.go) adds the
// automatic status of data/live.json and on-call's silences; incidents.go
// and disruptions.go answer what incidents and detected disruptions a
// month had. It also draws the SVG badges (badge.go); subpackage api
// encodes the Statuspage-compatible JSON API.
//
// Everything here is pure: no I/O, no clock. The build passes the time in,
// and a value depends on it only through state (which incidents are active,
// which maintenance is upcoming, which days are shown); any "last updated"
// time is that of the latest input event, so the same inputs give
// byte-identical output.
package status

import (
	"sort"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Overall indicators (Statuspage's status.indicator values).
const (
	IndicatorNone        = "none"
	IndicatorMinor       = "minor"
	IndicatorMajor       = "major"
	IndicatorCritical    = "critical"
	IndicatorMaintenance = "maintenance"
)

// Overall descriptions (Statuspage's status.description values).
const (
	DescOperational = "All Systems Operational"
	DescDegraded    = "Partially Degraded Service"
	DescMinor       = "Minor Service Outage"
	DescPartial     = "Partial System Outage"
	DescMajor       = "Major System Outage"
	DescMaintenance = "Service Under Maintenance"
)

// Overall is the page's one-line state.
type Overall struct {
	Indicator   string
	Description string
}

// Page is the computed status page.
type Page struct {
	// At is the time the state was computed for. Never render it: output
	// must not change with the build time. Use UpdatedAt.
	At time.Time
	// Location is the site's zone; every time below is in it.
	Location *time.Location
	Overall  Overall
	// UpdatedAt is the time of the latest event at or before At (an
	// incident update, start or resolution, a maintenance update or
	// transition); zero when there is none. Since is the earliest such event.
	UpdatedAt time.Time
	Since     time.Time
	// Sections are the components in display order: a group section per
	// config group, and sections without ID for runs of ungrouped components.
	Sections []*Section
	// Components are the visible components in display order.
	Components []*Component
	// Active are the incidents unresolved at At, newest first.
	Active []*content.Incident
	// Incidents are all incidents started at or before At, newest first.
	Incidents []*content.Incident
	// InProgress are the windows in progress or verifying at At, by start;
	// Upcoming those still scheduled, soonest first.
	InProgress []*content.Maintenance
	Upcoming   []*content.Maintenance
	// Maintenance are all windows, newest first.
	Maintenance []*content.Maintenance
	// Days is the number of daily bars per component.
	Days int
	// Live is the state of the automatic checks, nil without
	// data/live.json (see ApplyLive); Detected are the visible components
	// whose unsilenced live signal finds a problem, in display order;
	// Disruptions are every detected disruption up to At, newest first.
	Live        *Live
	Detected    []*Component
	Disruptions []snapshot.Disruption
}

// Section is a group of components on the page, or (ID "") a run of
// components outside any group.
type Section struct {
	ID          string
	Name        string
	Description string
	// Status is the worst status of its components.
	Status     string
	Components []*Component
}

// Component is one visible component's state.
type Component struct {
	ID          string
	Name        string
	Description string
	GroupID     string
	// SLO is the availability target in percent, 0 when none is set.
	SLO float64
	// Status is the current status (content.Operational, ...).
	Status string
	// UpdatedAt is the time of the latest event at or before At of an
	// incident or window naming the component; zero when none.
	UpdatedAt time.Time
	// Incidents are the active incidents affecting it, newest first;
	// Maintenance the windows in progress on it.
	Incidents   []*content.Incident
	Maintenance []*content.Maintenance
	// Bars are the daily bars, oldest first, the last being At's day.
	Bars []Bar
	// Uptime is the availability over the bars' days with data (see
	// Compute); nil without any. UptimeText is it floored to the site's
	// precision ("99.95%"), or "No data".
	Uptime     *float64
	UptimeText string
	// Live is the component's automatic status, nil when it has no live
	// rules or the site no data/live.json.
	Live *LiveSignal
}

// Compute builds the status page at now. incidents and maintenance are as
// loaded by content; snapshots are keyed by month ("2026-10").
//
// Component status at now is the worst (content.ComponentStatusRank) of
// operational, the statuses the component has through each active incident
// (content.Incident.ComponentStatusAt) and under_maintenance while a window
// naming it is in progress or verifying.
//
// The overall indicator follows Statuspage: among visible components, any
// major_outage gives major ("Partial System Outage"), or critical ("Major
// System Outage") when every visible component is in major_outage; else any
// partial_outage gives minor ("Minor Service Outage"); else any
// degraded_performance gives minor ("Partially Degraded Service"). An active
// incident raises the indicator to its impact when that is higher (minor
// "Minor Service Outage", major "Partial System Outage", critical "Major
// System Outage"). If the indicator is still none and any visible component
// is under maintenance (or a window without components is in progress) it is
// maintenance ("Service Under Maintenance"); otherwise none ("All Systems
// Operational").
//
// Bars cover cfg.Status.Days calendar days in the site's zone, ending with
// now's day. A bar's level is the worst of: its availability against the
// SLO s (DefaultSLO when unset) — operational at or above s, minor down to
// 1-10·(1-s) (ten times the day's error budget), major below; and the
// impact of the incidents that touched it — minor for minor, major for major
// and critical. A day at no worse than operational on which a maintenance
// window ran is maintenance; a day without data or incidents is no-data.
//
// Uptime is duration-weighted over the days with data: Σ rᵢ·wᵢ / Σ wᵢ where
// rᵢ is the day's ratio and wᵢ the length of the calendar day times its
// coverage (the fraction of it with data; taken as 1 when a snapshot gives a
// ratio without coverage), so a 25-hour day weighs more than a 23-hour one
// and today's partial day weighs by what has been measured.
func Compute(cfg *config.Config, incidents []*content.Incident, maintenance []*content.Maintenance, snapshots map[string]*snapshot.Snapshot, now time.Time) *Page {
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	days := cfg.Status.Days
	if days <= 0 {
		days = config.DefaultStatusDays
	}
	p := &Page{At: now, Location: loc, Days: days}

	// Each incident's latest change, and the incidents of each component:
	// with years of incidents, scanning all of them for every component
	// was most of the page's cost.
	latest := make(map[*content.Incident]time.Time, len(incidents))
	byComponent := map[string][]*content.Incident{}
	for _, inc := range incidents {
		if inc.Started.After(now) {
			continue
		}
		p.Incidents = append(p.Incidents, inc)
		if inc.ActiveAt(now) {
			p.Active = append(p.Active, inc)
		}
		last := inc.Started
		for _, t := range incidentEvents(inc, now) {
			p.note(t)
			last = later(last, t)
		}
		latest[inc] = last
	}
	content.SortIncidents(p.Incidents)
	content.SortIncidents(p.Active)
	for _, inc := range p.Incidents {
		for _, id := range inc.Components {
			if l := byComponent[id]; len(l) == 0 || l[len(l)-1] != inc {
				byComponent[id] = append(l, inc)
			}
		}
	}

	p.Maintenance = append([]*content.Maintenance{}, maintenance...)
	content.SortMaintenance(p.Maintenance)
	for _, m := range maintenance {
		switch m.StatusAt(now) {
		case content.MaintenanceScheduled:
			p.Upcoming = append(p.Upcoming, m)
		case content.MaintenanceInProgress, content.MaintenanceVerifying:
			p.InProgress = append(p.InProgress, m)
		}
		for _, u := range m.Timeline(now) {
			p.note(u.At)
		}
	}
	byStart := func(ms []*content.Maintenance) {
		sort.SliceStable(ms, func(a, b int) bool {
			if !ms[a].ScheduledFor.Equal(ms[b].ScheduledFor) {
				return ms[a].ScheduledFor.Before(ms[b].ScheduledFor)
			}
			return ms[a].Slug < ms[b].Slug
		})
	}
	byStart(p.Upcoming)
	byStart(p.InProgress)

	window := dayWindow(now, days)
	daily := dailyIndex(snapshots)
	for _, c := range cfg.Components {
		if c.Hidden {
			continue
		}
		comp := &Component{ID: c.ID, Name: c.Name, Description: c.Description, GroupID: c.Group, SLO: c.SLO, Status: content.Operational}
		var touching []*content.Incident
		for _, inc := range byComponent[c.ID] { // in p.Incidents' order
			if st, ok := inc.ComponentStatusAt(c.ID, now); ok {
				comp.Incidents = append(comp.Incidents, inc)
				comp.Status = worse(comp.Status, st)
			}
			comp.UpdatedAt = later(comp.UpdatedAt, latest[inc])
			if overlaps(inc.Started, incidentEnd(inc, now), window[0].start, window[len(window)-1].end) {
				touching = append(touching, inc)
			}
		}
		var ran []*content.Maintenance
		for _, m := range p.Maintenance {
			if !m.Affects(c.ID) {
				continue
			}
			if m.ActiveAt(now) {
				comp.Maintenance = append(comp.Maintenance, m)
				comp.Status = worse(comp.Status, content.UnderMaintenance)
			}
			for _, u := range m.Timeline(now) {
				comp.UpdatedAt = later(comp.UpdatedAt, u.At)
			}
			if !m.ScheduledFor.After(now) && m.ScheduledUntil.After(window[0].start) {
				ran = append(ran, m)
			}
		}
		comp.Bars, comp.Uptime = bars(cfg, c, window, daily[c.ID], touching, ran, now)
		comp.UptimeText = "No data"
		if comp.Uptime != nil {
			comp.UptimeText = snapshot.FormatPercent(*comp.Uptime, cfg.PercentPrecision)
		}
		p.Components = append(p.Components, comp)
	}
	p.Sections = sections(cfg, p.Components)
	p.Overall = overall(p.Components, p.Active, p.InProgress)
	return p
}

// note records an event time at or before At.
func (p *Page) note(t time.Time) {
	if t.IsZero() || t.After(p.At) {
		return
	}
	p.UpdatedAt = later(p.UpdatedAt, t)
	if p.Since.IsZero() || t.Before(p.Since) {
		p.Since = t
	}
}

// Component returns the visible component with id.
func (p *Page) Component(id string) (*Component, bool) {
	for _, c := range p.Components {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// incidentEvents lists the times at or before now at which inc changed.
func incidentEvents(inc *content.Incident, now time.Time) []time.Time {
	out := []time.Time{inc.Started}
	for _, u := range inc.Updates {
		if !u.At.After(now) {
			out = append(out, u.At)
		}
	}
	if inc.IsResolved() && !inc.Resolved.After(now) {
		out = append(out, inc.Resolved)
	}
	return out
}

// incidentEnd is when inc stopped as seen at now: its resolution, or now.
func incidentEnd(inc *content.Incident, now time.Time) time.Time {
	if inc.IsResolved() && inc.Resolved.Before(now) {
		return inc.Resolved
	}
	return now
}

func worse(a, b string) string {
	if content.ComponentStatusRank(b) > content.ComponentStatusRank(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sections groups the components for display: a group appears where its
// first component appears in config.toml, with all its components.
func sections(cfg *config.Config, comps []*Component) []*Section {
	var out []*Section
	groups := map[string]*Section{}
	for _, c := range comps {
		if c.GroupID == "" {
			if n := len(out); n > 0 && out[n-1].ID == "" {
				out[n-1].Components = append(out[n-1].Components, c)
				continue
			}
			out = append(out, &Section{Components: []*Component{c}})
			continue
		}
		s, ok := groups[c.GroupID]
		if !ok {
			g, _ := cfg.Group(c.GroupID)
			s = &Section{ID: g.ID, Name: g.Name, Description: g.Description}
			if s.ID == "" {
				s.ID, s.Name = c.GroupID, c.GroupID
			}
			if s.Name == "" {
				s.Name = s.ID
			}
			groups[c.GroupID] = s
			out = append(out, s)
		}
		s.Components = append(s.Components, c)
	}
	for _, s := range out {
		s.Status = content.Operational
		for _, c := range s.Components {
			s.Status = worse(s.Status, c.Status)
		}
	}
	return out
}

func overall(comps []*Component, active []*content.Incident, inProgress []*content.Maintenance) Overall {
	worst, majors, maint := content.Operational, 0, false
	for _, c := range comps {
		worst = worse(worst, c.Status)
		if c.Status == content.MajorOutage {
			majors++
		}
		if c.Status == content.UnderMaintenance {
			maint = true
		}
	}
	o := Overall{IndicatorNone, DescOperational}
	switch {
	case majors > 0 && majors == len(comps):
		o = Overall{IndicatorCritical, DescMajor}
	case majors > 0:
		o = Overall{IndicatorMajor, DescPartial}
	case worst == content.PartialOutage:
		o = Overall{IndicatorMinor, DescMinor}
	case worst == content.DegradedPerformance:
		o = Overall{IndicatorMinor, DescDegraded}
	}
	rank := content.ImpactRank(o.Indicator)
	for _, inc := range active {
		if r := content.ImpactRank(inc.Impact); r > rank {
			rank = r
			o.Indicator = inc.Impact
			o.Description = map[string]string{
				content.ImpactMinor:    DescMinor,
				content.ImpactMajor:    DescPartial,
				content.ImpactCritical: DescMajor,
			}[inc.Impact]
		}
	}
	if o.Indicator == IndicatorNone {
		for _, m := range inProgress {
			if len(m.Components) == 0 {
				maint = true
			}
		}
		if maint {
			o = Overall{IndicatorMaintenance, DescMaintenance}
		}
	}
	return o
}
