package site

import (
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/feed"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// The automatic status (status.ApplyLive) as the status surfaces show it:
// when status was last checked, which components the checks find at
// fault, and on-call's silences.

// LiveView is the state of the automatic checks on a status surface.
type LiveView struct {
	// CheckedAt is the check the page reports ("Checked 3 Dec 2026, 03:12 CET").
	CheckedAt time.Time
	// Stale is set when CheckedAt is older than StaleAfter at build time:
	// the page then says the checks are stale instead of implying all is
	// well.
	Stale      bool
	StaleAfter string
}

// DetectedView is a component whose automatic check finds a problem that
// no silence covers.
type DetectedView struct {
	ID, Name            string
	Status, StatusLabel string
	Since               time.Time
	Signal              string
	// Incidents are the open incidents naming the component: they lead
	// (shown above), and this note stays beside them.
	Incidents []*EventView
}

// AutoView is a component's automatic status under its name, shown while
// the check finds a problem or a silence holds.
type AutoView struct {
	Status, StatusLabel string
	Since               time.Time
	Signal              string
	// Silenced is set while on-call's silence holds: the page shows its
	// word (SilenceStatusLabel, Reason, until SilenceUntil) instead.
	Silenced                   bool
	SilenceStatusLabel, Reason string
	SilenceAuthor              string
	SilenceUntil               time.Time
}

// liveView returns the checks' state, nil without data/live.json.
func liveView(p *status.Page) *LiveView {
	if p.Live == nil {
		return nil
	}
	return &LiveView{CheckedAt: p.Live.CheckedAt, Stale: p.Live.Stale, StaleAfter: humanDuration(p.Live.StaleAfter)}
}

// detectedViews lists the components the checks find at fault, with the
// open incidents that name each.
func detectedViews(p *status.Page, m *statusModel) []DetectedView {
	var out []DetectedView
	for _, c := range p.Detected {
		d := DetectedView{ID: c.ID, Name: c.Name, Status: c.Live.Status, StatusLabel: statusLabel(c.Live.Status), Since: c.Live.Since, Signal: c.Live.Signal}
		for _, inc := range c.Incidents {
			if e, ok := m.bySlug[inc.Slug]; ok {
				d.Incidents = append(d.Incidents, e.head)
			}
		}
		out = append(out, d)
	}
	return out
}

// autoView is a component's note, nil while its check finds nothing.
func autoView(c *status.Component) *AutoView {
	l := c.Live
	if l == nil || l.Status == content.Operational && l.Silence == nil {
		return nil
	}
	a := &AutoView{Status: l.Status, StatusLabel: statusLabel(l.Status), Since: l.Since, Signal: l.Signal}
	if s := l.Silence; s != nil {
		a.Silenced = true
		a.SilenceStatusLabel = statusLabel(s.Status)
		a.Reason = s.Reason
		a.SilenceAuthor = s.Author
		a.SilenceUntil = s.Until
	}
	return a
}

// humanDuration says a configured duration in words: "15 minutes",
// "1 hour", "90 seconds".
func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%time.Hour == 0:
		return plural2n(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural2n(int(d/time.Minute), "minute")
	default:
		return plural2n(int(d/time.Second), "second")
	}
}

func plural2n(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// disruptionItem is a feed item of a detected disruption and the
// components it touched.
type disruptionItem struct {
	item  feed.Item
	comps []string
}

// disruptionItems are the feed items of the disruptions the live checks
// detected: one per disruption, published when it started and updated when
// it ended, so that subscribers hear of it before anyone declares it. A
// component that is not visible is left out of them.
func (s *Site) disruptionItems(m *statusModel, host string) []disruptionItem {
	p := m.page
	var out []disruptionItem
	for _, d := range p.Disruptions {
		var names, comps, lines []string
		for _, dc := range d.Components {
			c, ok := p.Component(dc.Component)
			if !ok {
				continue
			}
			if !slices.Contains(comps, c.ID) {
				comps = append(comps, c.ID)
				names = append(names, c.Name)
			}
			line := "<li>" + html.EscapeString(c.Name) + ": " + html.EscapeString(statusLabel(dc.Status)) +
				" from " + s.datetime(dc.Start)
			if !dc.End.IsZero() {
				line += " to " + s.datetime(dc.End)
			} else {
				line += ", ongoing"
			}
			if dc.Signal != "" {
				line += " (" + html.EscapeString(dc.Signal) + ")"
			}
			lines = append(lines, line+"</li>")
		}
		if len(comps) == 0 {
			continue
		}
		state := "Ongoing"
		updated := d.Start
		for _, dc := range d.Components {
			updated = later(updated, dc.Start)
		}
		if !d.End.IsZero() {
			state = "Ended after " + snapshot.FormatDuration(d.End.Sub(d.Start))
			updated = d.End
		}
		summary := state + ": " + statusLabel(d.Status) + " of " + strings.Join(names, ", ") + ", detected automatically"
		body := "<p>Our monitoring detected this automatically; it is not an incident report.</p>\n<ul>" + strings.Join(lines, "") + "</ul>\n"
		out = append(out, disruptionItem{comps: comps, item: feed.Item{
			Title:       "Detected automatically: " + statusLabel(d.Status) + " of " + strings.Join(names, ", "),
			Link:        s.cfg.AbsURL(s.cfg.Status.Path),
			ID:          feed.TagURI(host, d.Start, "disruptions/"+d.ID),
			Published:   d.Start,
			Updated:     updated,
			Summary:     summary,
			ContentHTML: body,
		}})
	}
	return out
}

// datetime formats t for people in the site's zone, as the templates'
// datetime does, inside a <time> element.
func (s *Site) datetime(t time.Time) string {
	t = t.In(s.cfg.Location)
	return `<time datetime="` + t.Format(time.RFC3339) + `">` + t.Format("2 Jan 2006, 15:04 MST") + `</time>`
}
