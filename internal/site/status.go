package site

import (
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// The status side of the site: the status page at cfg.Status.Path, the
// history by month below it, one page per incident and maintenance window
// at /incidents/<slug>/, incident feeds, the Statuspage-compatible API, the
// badges, and the self-contained error pages a CDN shows when the origin
// fails. Everything is computed by status.Compute at Options.Now; no page
// shows the build clock, only the times of the events themselves, so the
// same inputs and Now give the same bytes.
//
// renderStatus, here, computes the model once and hands it to one file per
// output: statuspage.go, history.go, incidentpages.go, statusfeeds.go,
// statusapi.go, announcements.go (planned changes: pages, feeds, API) (JSON API and badges) and errorpages.go. events.go holds the
// views of incidents and windows that all of them share.

// Page kinds of the status templates.
const (
	kindStatus   = "status"
	kindHistory  = "status-history"
	kindIncident = "incident"
	kindError    = "error"
)

// statusDir returns the output directory of the status page ("status/").
func (s *Site) statusDir() string { return strings.TrimPrefix(s.cfg.Status.Path, "/") }

// incidentPath is the site path of an incident's or window's page.
func incidentPath(slug string) string { return "/incidents/" + slug + "/" }

// statusModel is what every status output is built from.
type statusModel struct {
	page *status.Page
	// incidents and maintenance are the events in the page's order
	// (newest first); bySlug finds either.
	incidents   []*event
	maintenance []*event
	bySlug      map[string]*event
	feeds       []FeedLink
	// announcements are the planned changes at Now, soonest effective
	// first (announcements.go).
	announcements []*AnnouncementView
}

// renderStatus writes every status output and returns the sitemap entries
// of its pages, which it renders through pages.
func (s *Site) renderStatus(out Output, pages *pager) ([]sitemapEntry, error) {
	if s.statusDir() == "" {
		return nil, diag.Errorf(s.cfg.Path, s.cfg.Lines.Line("status.path"), "status.path %q is the home page's: put the status page in a directory of its own, e.g. \"/status/\"", s.cfg.Status.Path)
	}
	m, err := s.statusModel()
	if err != nil {
		return nil, err
	}
	p := m.page
	var problems diag.List
	var mu sync.Mutex
	add := func(err error) {
		mu.Lock()
		problems.Add("", err)
		mu.Unlock()
	}

	// The status site's pages (statussite.go) link its own stylesheet.
	sp := s.statusPager(pages)
	urls, err := s.renderStatusPage(out, m, sp, add)
	if err != nil {
		return nil, err
	}
	urls = append(urls, s.renderHistory(m, sp)...)
	urls = append(urls, s.renderComponentPages(m, sp)...)
	urls = append(urls, s.renderIncidentPages(m, sp)...)
	urls = append(urls, s.renderAnnouncements(out, m, pages, add)...)

	add(s.renderStatusFeeds(out, m))
	s.renderStatusAPI(out, p, add)
	s.renderErrorPages(out, m, add)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return urls, nil
}

// statusFeeds are the status page's incident feeds.
func (s *Site) statusFeeds() []FeedLink {
	return []FeedLink{
		{Title: s.cfg.Status.Title + " (RSS)", Type: "application/rss+xml", URL: s.cfg.AbsURL(s.cfg.Status.Path + "feed.xml")},
		{Title: s.cfg.Status.Title + " (Atom)", Type: "application/atom+xml", URL: s.cfg.AbsURL(s.cfg.Status.Path + "atom.xml")},
	}
}

// statusModel computes the status page at Options.Now and the views of
// every incident and window that has started or been announced.
func (s *Site) statusModel() (*statusModel, error) {
	now := s.opts.Now
	p := status.Compute(s.cfg, s.status.Incidents, s.status.Maintenance, s.snapshots, now)
	status.ApplyLive(p, s.cfg, s.live, s.silences, s.snapshots)
	m := &statusModel{
		page:        p,
		incidents:   make([]*event, len(p.Incidents)),
		maintenance: make([]*event, len(p.Maintenance)),
		bySlug:      make(map[string]*event, len(p.Incidents)+len(p.Maintenance)),
		feeds:       s.statusFeeds(),
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	const chunk = 256
	for lo := 0; lo < len(p.Incidents); lo += chunk {
		g.Go(func() error {
			for i := lo; i < min(lo+chunk, len(p.Incidents)); i++ {
				m.incidents[i] = s.incidentEvent(p.Incidents[i], now)
			}
			return nil
		})
	}
	for i, w := range p.Maintenance {
		m.maintenance[i] = s.maintenanceEvent(w, now)
	}
	_ = g.Wait()
	for _, e := range m.incidents {
		m.bySlug[e.head.Slug] = e
	}
	for _, e := range m.maintenance {
		m.bySlug[e.head.Slug] = e
	}
	as, err := s.announcementViews()
	if err != nil {
		return nil, err
	}
	m.announcements = as
	return m, nil
}
