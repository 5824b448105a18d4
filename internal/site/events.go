package site

import (
	"html"
	"html/template"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/markdown"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// EventView is an incident or a maintenance window as templates see it.
// Incidents and windows share /incidents/<slug>/, as on Statuspage.
type EventView struct {
	// Kind is "incident" or "maintenance".
	Kind          string
	IsMaintenance bool
	Slug, Title   string
	// URL is the page's path with the base path; AbsURL its absolute URL.
	URL, AbsURL string
	// Impact is the incident's impact ("minor"), or "maintenance".
	Impact, ImpactLabel string
	// Status is the current status (at Options.Now): an incident status
	// ("monitoring") or a maintenance status ("in_progress").
	Status, StatusLabel string
	// Active is an unresolved incident or a window in progress or
	// verifying; Upcoming a window still scheduled; Done a resolved
	// incident or a completed window.
	Active, Upcoming, Done bool
	// Start is when the incident started or the window opens; End when it
	// was resolved (zero while open) or the window closes.
	Start, End time.Time
	// Duration is how long a resolved incident lasted or a window is
	// scheduled to last; "" for an open incident (it would change with the
	// build time).
	Duration string
	// CountsAgainstAvailability is a window's setting.
	CountsAgainstAvailability bool
	Components                []ComponentRef
	// Updates is the timeline up to Options.Now, newest first; Latest is
	// its first entry (nil when there is none yet).
	Updates []UpdateView
	Latest  *UpdateView
	// UpdatedAt is the time of the latest event up to Options.Now.
	UpdatedAt time.Time
	// Body is the write-up, post-mortem or announcement; BodyTitle heads
	// it ("Post-mortem" once an update announced one, "Write-up",
	// "Details" for a window).
	Body      template.HTML
	BodyTitle string
}

// ComponentRef is a component an event names, with the status the event
// gives it now ("" when it gives none, as for a window not running).
type ComponentRef struct {
	ID, Name            string
	Status, StatusLabel string
}

// UpdateView is one entry of an event's timeline.
type UpdateView struct {
	At                  time.Time
	Status, StatusLabel string
	Body                template.HTML
	// Changes are the component statuses this update set.
	Changes []ComponentRef
	// Automatic marks a window's opening or closing that no written
	// update reported.
	Automatic bool
}

var statusLabels = map[string]string{
	content.Operational:         "Operational",
	content.DegradedPerformance: "Degraded performance",
	content.PartialOutage:       "Partial outage",
	content.MajorOutage:         "Major outage",
	content.UnderMaintenance:    "Under maintenance",

	content.StatusInvestigating: "Investigating",
	content.StatusIdentified:    "Identified",
	content.StatusMonitoring:    "Monitoring",
	content.StatusResolved:      "Resolved",
	content.StatusPostmortem:    "Post-mortem",

	content.MaintenanceScheduled:  "Scheduled",
	content.MaintenanceInProgress: "In progress",
	content.MaintenanceVerifying:  "Verifying",
	content.MaintenanceCompleted:  "Completed",
}

var impactLabels = map[string]string{
	content.ImpactNone:     "No impact",
	content.ImpactMinor:    "Minor",
	content.ImpactMajor:    "Major",
	content.ImpactCritical: "Critical",
	"maintenance":          "Maintenance",
}

func statusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return s
}

func impactLabel(s string) string {
	if l, ok := impactLabels[s]; ok {
		return l
	}
	return s
}

// event is an incident or a maintenance window as the status side shows
// it. head is its summary — everything but the timeline and the write-up —
// which lists (history, components, error pages) show; the full view adds
// those, rendering their markdown, and is made only where it is shown: the
// event's own page, the status page's current events and feed items. With
// years of incidents, most pages of which the previous build can keep, that
// spares rendering and digesting thousands of timelines.
type event struct {
	head *EventView // not changed once made
	inc  *content.Incident
	win  *content.Maintenance
	// settled is true when every time the event names is past: nothing
	// about it changes with the clock any more, so its page depends on
	// its file, the config and the theme alone.
	settled bool
	// published is when the event was first announced: an incident's
	// start, a window's first timeline entry.
	published time.Time

	once sync.Once
	full *EventView
	err  error
}

// doc returns the event's content document.
func (e *event) doc() *content.Document {
	if e.inc != nil {
		return e.inc.Document
	}
	return e.win.Document
}

// fullView returns the event's view with its timeline and write-up, made
// once, for the few events shown in several places (the status page's,
// feed items).
func (s *Site) fullView(e *event) (*EventView, error) {
	e.once.Do(func() { e.full, e.err = s.makeFull(e) })
	return e.full, e.err
}

// makeFull makes the event's view with its timeline and write-up. The
// event's own page makes it for itself and lets it go, so that a build
// that renders thousands of pages does not hold all their timelines.
func (s *Site) makeFull(e *event) (*EventView, error) {
	v := *e.head
	var err error
	if e.inc != nil {
		err = s.fillIncident(&v, e.inc, s.opts.Now)
	} else {
		err = s.fillMaintenance(&v, e.win, s.opts.Now)
	}
	return &v, err
}

// heads returns the summaries of events.
func heads(events []*event) []*EventView {
	out := make([]*EventView, len(events))
	for i, e := range events {
		out[i] = e.head
	}
	return out
}

// markdown renders an event's markdown; figures cannot be cited in it (they
// belong to a month), so each citation is a problem at its line.
func (s *Site) markdown(src []byte, path string, line int, problems *diag.List) template.HTML {
	return s.markdownWith(s.md, 0, src, path, line, problems)
}

// markdownWith renders src with md (of heading offset offset), reporting
// its problems at their lines of path, where src starts at line.
func (s *Site) markdownWith(md *markdown.Renderer, offset int, src []byte, path string, line int, problems *diag.List) template.HTML {
	out, probs := s.renderMarkdownWith(md, offset, src, nil)
	for _, p := range probs {
		problems.Addf(path, line-1+p.Line, "%s", p.Msg)
	}
	return template.HTML(out)
}

// markdownNested is markdown for a document under a heading of the page:
// its headings one level down.
func (s *Site) markdownNested(src []byte, path string, line int, problems *diag.List) template.HTML {
	return s.markdownWith(s.mdNested, 1, src, path, line, problems)
}

func (s *Site) componentRef(id, st string) ComponentRef {
	name := id
	if c, ok := s.cfg.Component(id); ok {
		name = c.Name
	}
	ref := ComponentRef{ID: id, Name: name, Status: st}
	if st != "" {
		ref.StatusLabel = statusLabel(st)
	}
	return ref
}

// incidentEvent makes an incident's event: its summary as of now.
func (s *Site) incidentEvent(inc *content.Incident, now time.Time) *event {
	path := incidentPath(inc.Slug)
	st := inc.StatusAt(now)
	ev := &EventView{
		Kind:        "incident",
		Slug:        inc.Slug,
		Title:       inc.Title,
		URL:         s.rel(path),
		AbsURL:      s.cfg.AbsURL(path),
		Impact:      inc.Impact,
		ImpactLabel: impactLabel(inc.Impact),
		Status:      st,
		StatusLabel: statusLabel(st),
		Active:      inc.ActiveAt(now),
		Start:       inc.Started,
		UpdatedAt:   inc.Started,
	}
	if inc.IsResolved() && !inc.Resolved.After(now) {
		ev.Done = true
		ev.End = inc.Resolved
		ev.Duration = snapshot.FormatDuration(inc.Duration())
		ev.UpdatedAt = later(ev.UpdatedAt, inc.Resolved)
	}
	for _, id := range inc.Components {
		cs, ok := inc.ComponentStatusAt(id, now)
		if !ok {
			cs = content.Operational
		}
		ev.Components = append(ev.Components, s.componentRef(id, cs))
	}
	for _, u := range inc.Updates {
		if u.At.After(now) {
			continue
		}
		ev.UpdatedAt = later(ev.UpdatedAt, u.At)
	}
	return &event{head: ev, inc: inc, settled: status.IncidentSettled(inc, now), published: inc.Started}
}

// fillIncident adds an incident's timeline up to now and its write-up.
func (s *Site) fillIncident(ev *EventView, inc *content.Incident, now time.Time) error {
	var problems diag.List
	for k := len(inc.Updates) - 1; k >= 0; k-- {
		u := inc.Updates[k]
		if u.At.After(now) {
			continue
		}
		uv := UpdateView{At: u.At, Status: u.Status, StatusLabel: statusLabel(u.Status), Body: s.markdown([]byte(u.Body), inc.Path, u.Line, &problems)}
		for _, c := range u.Components {
			uv.Changes = append(uv.Changes, s.componentRef(c.Component, c.Status))
		}
		ev.Updates = append(ev.Updates, uv)
	}
	if len(ev.Updates) > 0 {
		ev.Latest = &ev.Updates[0]
	}
	// The write-up sits under the page's "Post-mortem" (or "Write-up")
	// heading: its own headings nest under it.
	ev.Body = s.markdownNested(inc.Body, inc.Path, inc.BodyLine, &problems)
	ev.BodyTitle = "Write-up"
	for _, u := range ev.Updates {
		if u.Status == content.StatusPostmortem {
			ev.BodyTitle = "Post-mortem"
		}
	}
	return problems.Err()
}

// maintenanceEvent makes a window's event: its summary as of now.
func (s *Site) maintenanceEvent(m *content.Maintenance, now time.Time) *event {
	path := incidentPath(m.Slug)
	st := m.StatusAt(now)
	ev := &EventView{
		Kind:                      "maintenance",
		IsMaintenance:             true,
		Slug:                      m.Slug,
		Title:                     m.Title,
		URL:                       s.rel(path),
		AbsURL:                    s.cfg.AbsURL(path),
		Impact:                    "maintenance",
		ImpactLabel:               impactLabel("maintenance"),
		Status:                    st,
		StatusLabel:               statusLabel(st),
		Active:                    m.ActiveAt(now),
		Upcoming:                  st == content.MaintenanceScheduled,
		Done:                      st == content.MaintenanceCompleted,
		Start:                     m.ScheduledFor,
		End:                       m.ScheduledUntil,
		Duration:                  snapshot.FormatDuration(m.ScheduledUntil.Sub(m.ScheduledFor)),
		CountsAgainstAvailability: m.CountsAgainstAvailability,
	}
	for _, id := range m.Components {
		cs := ""
		if ev.Active {
			cs = content.UnderMaintenance
		}
		ev.Components = append(ev.Components, s.componentRef(id, cs))
	}
	e := &event{head: ev, win: m, settled: status.MaintenanceSettled(m, now)}
	if tl := m.Timeline(now); len(tl) > 0 {
		e.published = tl[0].At
		ev.UpdatedAt = tl[len(tl)-1].At
	} else {
		e.published = m.ScheduledFor
	}
	return e
}

// fillMaintenance adds a window's timeline up to now and its details.
func (s *Site) fillMaintenance(ev *EventView, m *content.Maintenance, now time.Time) error {
	var problems diag.List
	tl := m.Timeline(now)
	for k := len(tl) - 1; k >= 0; k-- {
		u := tl[k]
		uv := UpdateView{At: u.At, Status: u.Status, StatusLabel: statusLabel(u.Status), Automatic: u.Automatic}
		if u.Automatic {
			uv.Body = template.HTML("<p>" + html.EscapeString(u.Body) + "</p>")
		} else {
			uv.Body = s.markdown([]byte(u.Body), m.Path, u.Line, &problems)
		}
		ev.Updates = append(ev.Updates, uv)
	}
	if len(ev.Updates) > 0 {
		ev.Latest = &ev.Updates[0]
	}
	ev.Body = s.markdown(m.Body, m.Path, m.BodyLine, &problems)
	ev.BodyTitle = "Details"
	return problems.Err()
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
