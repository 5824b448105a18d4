package site

import (
	"runtime"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bulletin-dev/bulletin/internal/status"
)

// HistoryMonth is one month of the incident history.
type HistoryMonth struct {
	Month       string
	Name        string // "October 2026"
	Start       time.Time
	Incidents   []*EventView
	Maintenance []*EventView
	// URL is the month's own history page.
	URL string
}

// HistoryView is a page of the incident history: the index (the latest
// historyRecent months in full and every month by year) or one month with
// links to its neighbours.
type HistoryView struct {
	// Months are shown in full, newest first.
	Months []HistoryMonth
	// Years list every month (index only), newest first.
	Years []HistoryYear
	// Prev and Next are the neighbouring months (month pages only; nil at
	// the ends).
	Prev, Next *HistoryLink
	// IndexURL is the history's index page.
	IndexURL string
}

// HistoryYear is a year of the history index.
type HistoryYear struct {
	Year   int
	Months []HistoryLink
}

// HistoryLink names a month of the history.
type HistoryLink struct {
	Month, Name, URL       string
	Incidents, Maintenance int
}

// historyRecent is how many months the history index shows in full, as
// Statuspage shows a quarter.
const historyRecent = 3

// historyPath is the site path of the history index (month "") or of a
// month's page ("2026-10": /status/history/2026/10/).
func (s *Site) historyPath(month string) string {
	p := s.cfg.Status.Path + "history/"
	if month != "" {
		p += strings.Replace(month, "-", "/", 1) + "/"
	}
	return p
}

func (hm HistoryMonth) link() HistoryLink {
	return HistoryLink{Month: hm.Month, Name: hm.Name, URL: hm.URL, Incidents: len(hm.Incidents), Maintenance: len(hm.Maintenance)}
}

func (s *Site) history(m *statusModel) []HistoryMonth {
	p := m.page
	var out []HistoryMonth
	for _, h := range status.History(p.Location, p.Incidents, p.Maintenance, p.At) {
		hm := HistoryMonth{Month: h.Month, Name: h.Start.Format("January 2006"), Start: h.Start, URL: s.rel(s.historyPath(h.Month))}
		for _, inc := range h.Incidents {
			hm.Incidents = append(hm.Incidents, m.bySlug[inc.Slug].head)
		}
		for _, w := range h.Maintenance {
			hm.Maintenance = append(hm.Maintenance, m.bySlug[w.Slug].head)
		}
		out = append(out, hm)
	}
	return out
}

// renderHistory renders the history's index and month pages through pages
// and returns their sitemap entries.
func (s *Site) renderHistory(m *statusModel, pages *pager) []sitemapEntry {
	page := pages.page
	months := s.history(m)
	index := &HistoryView{IndexURL: s.rel(s.historyPath(""))}
	index.Months = months[:min(historyRecent, len(months))]
	for _, hm := range months {
		link := hm.link()
		if y := hm.Start.Year(); len(index.Years) == 0 || index.Years[len(index.Years)-1].Year != y {
			index.Years = append(index.Years, HistoryYear{Year: y})
		}
		ys := &index.Years[len(index.Years)-1]
		ys.Months = append(ys.Months, link)
	}
	page(kindHistory, s.historyPath(""), &Page{
		Title:       "Incident history",
		Description: "Every incident and maintenance window of " + s.cfg.Title + ", by month.",
		History:     index,
		Feeds:       m.feeds,
	})
	g := errgroup.Group{}
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, hm := range months {
		g.Go(func() error {
			v := &HistoryView{Months: []HistoryMonth{hm}, IndexURL: index.IndexURL}
			if i > 0 {
				l := months[i-1].link()
				v.Next = &l
			}
			if i+1 < len(months) {
				l := months[i+1].link()
				v.Prev = &l
			}
			page(kindHistory, s.historyPath(hm.Month), &Page{
				Title:       "Incident history: " + hm.Name,
				Description: "Incidents and maintenance windows of " + s.cfg.Title + " in " + hm.Name + ".",
				History:     v,
				Feeds:       m.feeds,
			})
			return nil
		})
	}
	_ = g.Wait()

	urls := []sitemapEntry{{s.cfg.AbsURL(s.historyPath("")), sitemapDate(m.page.UpdatedAt)}}
	for _, hm := range months {
		latest := time.Time{}
		for _, ev := range append(append([]*EventView(nil), hm.Incidents...), hm.Maintenance...) {
			latest = later(latest, ev.UpdatedAt)
		}
		urls = append(urls, sitemapEntry{s.cfg.AbsURL(s.historyPath(hm.Month)), sitemapDate(latest)})
	}
	return urls
}
