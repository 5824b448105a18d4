package site

import (
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

// renderIncidentPages renders the page of every incident and window, at
// /incidents/<slug>/, through pages and returns their sitemap entries.
func (s *Site) renderIncidentPages(m *statusModel, pages *pager) []sitemapEntry {
	events := append(append([]*event(nil), m.incidents...), m.maintenance...)
	g := errgroup.Group{}
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, e := range events {
		g.Go(func() error {
			build := func() (*Page, error) {
				ev, err := s.makeFull(e)
				if err != nil {
					return nil, err
				}
				return &Page{Title: ev.Title, Description: eventDescription(ev), Event: ev, Feeds: s.eventFeeds(ev, m)}, nil
			}
			var key digest.Key
			if e.settled {
				// Its page shows its file as the config and theme have it:
				// key it by those, and the page need not be made at all
				// when the previous build has it.
				key = s.sourceKey(kindIncident, incidentPath(e.head.Slug), e.doc().Source)
			}
			pages.lazy(kindIncident, incidentPath(e.head.Slug), key, build)
			return nil
		})
	}
	_ = g.Wait()

	urls := make([]sitemapEntry, 0, len(events))
	for _, e := range events {
		urls = append(urls, sitemapEntry{e.head.AbsURL, sitemapDate(e.head.UpdatedAt)})
	}
	return urls
}

// eventFeeds are the feeds an event's page advertises: all incidents, and
// those of each visible component the event affects.
func (s *Site) eventFeeds(ev *EventView, m *statusModel) []FeedLink {
	feeds := append([]FeedLink(nil), m.feeds...)
	for _, c := range ev.Components {
		if _, visible := m.page.Component(c.ID); !visible {
			continue
		}
		dir := s.cfg.Status.Path + "components/" + c.ID + "/"
		feeds = append(feeds,
			FeedLink{Title: s.cfg.Status.Title + ": " + c.Name + " (RSS)", Type: "application/rss+xml", URL: s.cfg.AbsURL(dir + "feed.xml")},
			FeedLink{Title: s.cfg.Status.Title + ": " + c.Name + " (Atom)", Type: "application/atom+xml", URL: s.cfg.AbsURL(dir + "atom.xml")})
	}
	return feeds
}

// eventDescription is an event page's meta description.
func eventDescription(ev *EventView) string {
	names := make([]string, len(ev.Components))
	for i, c := range ev.Components {
		names[i] = c.Name
	}
	affects := ""
	if len(names) > 0 {
		affects = " affecting " + strings.Join(names, ", ")
	}
	if ev.IsMaintenance {
		return fmt.Sprintf("Scheduled maintenance%s: %s.", affects, strings.ToLower(ev.StatusLabel))
	}
	return fmt.Sprintf("%s-impact incident%s: %s.", ev.ImpactLabel, affects, strings.ToLower(ev.StatusLabel))
}
