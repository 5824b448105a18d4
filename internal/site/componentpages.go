package site

import (
	"time"

	"github.com/bulletin-dev/bulletin/internal/status"
)

// A page per component at <status path>components/<id>/, beside the
// component's feeds: its current status, its daily bars, the uptime over
// them, every day as a row of a table (the text alternative to the bars,
// each with an id="day-YYYY-MM-DD" anchor the bars link to) and the
// incidents that touched it in those days.

// kindComponent is the page kind, and template, of a component's page.
const kindComponent = "status-component"

// componentPath is the site path of component id's page.
func (s *Site) componentPath(id string) string {
	return s.cfg.Status.Path + "components/" + id + "/"
}

// ComponentPageView is a component's own page.
type ComponentPageView struct {
	ComponentView
	// Group is the name of the component's group, "" outside one.
	Group string
	// Days is how many days the bars cover; DayRows are those days,
	// newest first.
	Days    int
	DayRows []ComponentDayView
	// AllIncidents are every incident that touched the component within
	// the shown days, newest first (the status page lists only a few).
	AllIncidents []*EventView
	HistoryURL   string
}

// ComponentDayView is one day of a component's page.
type ComponentDayView struct {
	// ID is the row's anchor, "day-2026-11-22".
	ID, Date string
	Start    time.Time
	// Percent is the day's measured availability, "" without data.
	Percent string
	// Level is the bar's level (its CSS class); LevelLabel says it in words.
	Level, LevelLabel string
	// Summary is the bar's tooltip text.
	Summary string
	// Events are the incidents that touched the day, oldest first, then
	// the maintenance windows that ran on it.
	Events []*EventView
}

// levelLabels say a bar's level in words, for the table that stands in for
// the bars' colours.
var levelLabels = map[string]string{
	status.LevelOperational: "No disruption",
	status.LevelMinor:       "Minor disruption",
	status.LevelMajor:       "Major disruption",
	status.LevelCritical:    "Critical disruption",
	status.LevelMaintenance: "Maintenance",
	status.LevelNoData:      "No data",
}

// renderComponentPages renders every visible component's page through
// pages and returns their sitemap entries.
func (s *Site) renderComponentPages(m *statusModel, pages *pager) []sitemapEntry {
	var urls []sitemapEntry
	for _, sec := range m.page.Sections {
		for _, c := range sec.Components {
			v := s.componentPage(c, sec.Name, m)
			pages.page(kindComponent, s.componentPath(c.ID), &Page{
				Title:       c.Name + " status",
				Description: "Status, daily uptime and incidents of " + c.Name + ", part of " + s.cfg.Title + ".",
				Component:   v,
				Feeds: []FeedLink{
					{Title: c.Name + " incidents (RSS)", Type: "application/rss+xml", URL: s.cfg.AbsURL(s.componentPath(c.ID) + "feed.xml")},
					{Title: c.Name + " incidents (Atom)", Type: "application/atom+xml", URL: s.cfg.AbsURL(s.componentPath(c.ID) + "atom.xml")},
				},
			})
			latest := c.UpdatedAt
			urls = append(urls, sitemapEntry{s.cfg.AbsURL(s.componentPath(c.ID)), sitemapDate(latest)})
		}
	}
	return urls
}

func (s *Site) componentPage(c *status.Component, group string, m *statusModel) *ComponentPageView {
	v := &ComponentPageView{
		ComponentView: s.componentView(c, m),
		Group:         group,
		Days:          len(c.Bars),
		HistoryURL:    s.rel(s.historyPath("")),
	}
	for _, inc := range c.RecentIncidents() {
		v.AllIncidents = append(v.AllIncidents, m.bySlug[inc.Slug].head)
	}
	for i := len(c.Bars) - 1; i >= 0; i-- {
		b := c.Bars[i]
		d := ComponentDayView{
			ID: "day-" + b.Date, Date: b.Date, Start: b.Start,
			Percent: b.Percent, Level: b.Level, LevelLabel: levelLabels[b.Level],
			Summary: b.Tooltip,
		}
		if d.LevelLabel == "" {
			d.LevelLabel = b.Level
		}
		for _, inc := range b.Incidents {
			d.Events = append(d.Events, m.bySlug[inc.Slug].head)
		}
		for _, w := range b.Maintenance {
			if e := m.bySlug[w.Slug]; e != nil {
				d.Events = append(d.Events, e.head)
			}
		}
		v.DayRows = append(v.DayRows, d)
	}
	return v
}
