package site

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/status"
	"github.com/bulletin-dev/bulletin/internal/status/api"
)

// renderStatusPage renders the status page through pages, and at
// /status/ a page leading to it when it is elsewhere, and returns its
// sitemap entry. Problems writing go to add.
func (s *Site) renderStatusPage(out Output, m *statusModel, pages *pager, add func(error)) ([]sitemapEntry, error) {
	page := pages.page
	view, err := s.statusView(m)
	if err != nil {
		return nil, err
	}
	page(kindStatus, s.cfg.Status.Path, &Page{
		Title:       s.cfg.Status.Title,
		Description: "Current status, incidents and scheduled maintenance of " + s.cfg.Title + ".",
		Status:      view,
		Feeds:       append(append([]FeedLink(nil), m.feeds...), s.announcementFeeds()...),
		InlineCSS:   template.CSS(s.statusCSS),
	})
	if s.cfg.Status.Path != defaultStatusPath {
		// Links to /status/ (a bookmark, a CDN's error page) still find it.
		add(out.WriteFile(strings.TrimPrefix(defaultStatusPath, "/")+"index.html", aliasPage(s.rel(s.cfg.Status.Path), s.cfg.AbsURL(s.cfg.Status.Path), s.cfg.Status.Title)))
	}
	return []sitemapEntry{{s.cfg.AbsURL(s.cfg.Status.Path), sitemapDate(m.page.UpdatedAt)}}, nil
}

// StatusView is the status page.
type StatusView struct {
	Title string
	// Indicator and Description are Statuspage's overall state.
	Indicator, Description string
	// UpdatedAt is the latest event's time (zero when there was none).
	UpdatedAt  time.Time
	Active     []*EventView
	InProgress []*EventView
	Upcoming   []*EventView
	Sections   []SectionView
	Days       int
	HistoryURL string
	Feeds      []FeedLink
	APIURL     string
	BadgeURL   string
	// Live is the state of the automatic checks, nil without them;
	// Detected the components they find at fault.
	Live     *LiveView
	Detected []DetectedView
	// Planned are the announcements of planned changes that matter now
	// (see onStatusPage), soonest effective first; AnnouncementsURL is
	// their index.
	Planned          []*AnnouncementView
	AnnouncementsURL string
	// PastDays are the last [status] past_days days, newest first, each
	// with the incidents and windows that started on it (Statuspage's
	// "Past incidents").
	PastDays []PastDayView
}

// PastDayView is one day of the status page's "Past incidents".
type PastDayView struct {
	Date   string // "2026-11-22"
	Start  time.Time
	Events []*EventView // incidents, then maintenance windows, newest first
}

// SectionView is a group of components, or (Grouped false) a run of
// components outside any group.
type SectionView struct {
	ID, Name, Description string
	Grouped               bool
	Status, StatusLabel   string
	Components            []ComponentView
}

// ComponentView is one component on the status page.
type ComponentView struct {
	ID, Name, Description string
	Status, StatusLabel   string
	// Uptime is the availability over the shown days ("99.95%", "No data").
	Uptime string
	// Bars is the daily bars (see barsHTML); FirstDay and LastDay label
	// its ends ("Aug 25", "Nov 22").
	Bars              template.HTML
	FirstDay, LastDay string
	// FirstDay60 and FirstDay30 label the first bar shown on medium and
	// narrow screens, where the stylesheet crops the bars to the last 60
	// and 30 days (FirstDay when there are not that many bars).
	FirstDay60, FirstDay30 string
	// Incidents touched the component within the shown days, newest
	// first: the latest componentIncidents of IncidentCount, so that years
	// of busy days cannot make the page heavy; MoreIncidents are left to
	// the history.
	Incidents                    []*EventView
	IncidentCount, MoreIncidents int
	// FeedURL and AtomURL are the component's incident feeds.
	FeedURL, AtomURL string
	// Auto is the automatic check's note, nil while it finds nothing.
	Auto *AutoView
	// URL is the component's own page (componentpages.go).
	URL string
}

// defaultStatusPath is where the status page is when config does not say.
const defaultStatusPath = "/status/"

// aliasPage is a page that sends its reader to url at once, without
// script (as Hugo's aliases do): a refresh, a canonical link for search
// engines and a plain link.
func aliasPage(url, abs, title string) []byte {
	var b strings.Builder
	esc := template.HTMLEscapeString
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>")
	b.WriteString("<link rel=\"canonical\" href=\"" + esc(abs) + "\"><meta name=\"robots\" content=\"noindex\">")
	b.WriteString("<meta http-equiv=\"refresh\" content=\"0; url=" + esc(url) + "\"></head>\n")
	b.WriteString("<body><p>" + esc(title) + " is at <a href=\"" + esc(url) + "\">" + esc(abs) + "</a>.</p></body></html>\n")
	return []byte(b.String())
}

func (s *Site) statusView(m *statusModel) (*StatusView, error) {
	p := m.page
	v := &StatusView{
		Title:       s.cfg.Status.Title,
		Indicator:   p.Overall.Indicator,
		Description: p.Overall.Description,
		UpdatedAt:   p.UpdatedAt,
		Days:        p.Days,
		HistoryURL:  s.rel(s.historyPath("")),
		Feeds:       m.feeds,
		APIURL:      s.rel(s.cfg.Status.Path + api.PathSummary),
		BadgeURL:    s.rel(s.cfg.Status.Path + "badges/status.svg"),
		Live:        liveView(p),
		Detected:    detectedViews(p, m),

		AnnouncementsURL: s.rel(announcementsPath),
	}
	// Changes still to come first, then those closed lately.
	for _, upcoming := range []bool{true, false} {
		for _, a := range m.announcements {
			if a.Upcoming == upcoming && a.onStatusPage(s.opts.Now) {
				v.Planned = append(v.Planned, a)
			}
		}
	}
	// The current events show with their timelines.
	var problems diag.List
	full := func(slug string) *EventView {
		ev, err := s.fullView(m.bySlug[slug])
		problems.Add("", err)
		return ev
	}
	for _, inc := range p.Active {
		v.Active = append(v.Active, full(inc.Slug))
	}
	for _, w := range p.InProgress {
		v.InProgress = append(v.InProgress, full(w.Slug))
	}
	for _, w := range p.Upcoming {
		v.Upcoming = append(v.Upcoming, full(w.Slug))
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	for _, d := range status.PastDays(p.Location, p.Incidents, p.Maintenance, p.At, s.cfg.Status.PastDays) {
		dv := PastDayView{Date: d.Date, Start: d.Start}
		for _, inc := range d.Incidents {
			dv.Events = append(dv.Events, m.bySlug[inc.Slug].head)
		}
		for _, w := range d.Maintenance {
			dv.Events = append(dv.Events, m.bySlug[w.Slug].head)
		}
		v.PastDays = append(v.PastDays, dv)
	}
	for _, sec := range p.Sections {
		sv := SectionView{ID: sec.ID, Name: sec.Name, Description: sec.Description, Grouped: sec.ID != "", Status: sec.Status, StatusLabel: statusLabel(sec.Status)}
		for _, c := range sec.Components {
			sv.Components = append(sv.Components, s.componentView(c, m))
		}
		v.Sections = append(v.Sections, sv)
	}
	return v, nil
}

func (s *Site) componentView(c *status.Component, m *statusModel) ComponentView {
	cv := ComponentView{
		ID: c.ID, Name: c.Name, Description: c.Description,
		Status: c.Status, StatusLabel: statusLabel(c.Status),
		Uptime:  c.UptimeText,
		Bars:    barsHTML(c),
		FeedURL: s.rel(s.cfg.Status.Path + "components/" + c.ID + "/feed.xml"),
		AtomURL: s.rel(s.cfg.Status.Path + "components/" + c.ID + "/atom.xml"),
		Auto:    autoView(c),
		URL:     s.rel(s.componentPath(c.ID)),
	}
	if n := len(c.Bars); n > 0 {
		cv.FirstDay, cv.LastDay = c.Bars[0].Label, c.Bars[n-1].Label
		cv.FirstDay60, cv.FirstDay30 = c.Bars[n-min(n, 60)].Label, c.Bars[n-min(n, 30)].Label
	}
	recent := c.RecentIncidents()
	cv.IncidentCount = len(recent)
	for _, inc := range recent[:min(componentIncidents, len(recent))] {
		cv.Incidents = append(cv.Incidents, m.bySlug[inc.Slug].head)
	}
	cv.MoreIncidents = cv.IncidentCount - len(cv.Incidents)
	return cv
}

// componentIncidents is how many of a component's recent incidents the
// status page lists under its bars.
const componentIncidents = 5

// barsHTML draws a component's daily bars: one box per day, coloured by
// its level (the theme's CSS gives the colours and the layout), each with a
// title tooltip that browsers show on hover, so the page needs no script.
// They are HTML rather than SVG: a bar is then its tag, class and tooltip
// and nothing else (no coordinates, no size), which keeps the status page of
// a busy site within its first round trip, and the stylesheet alone decides
// how many days a narrow screen shows, as Statuspage shows fewer there.
//
// The bars are a picture, not controls: 90 days across a phone are 11 px a
// bar, far below a 24 px tap target (WCAG 2.5.8). Each day's figures and
// events are text on the component's page ("Day by day"), linked next to
// the bars; the picture's label sums them up.
func barsHTML(c *status.Component) template.HTML {
	n := len(c.Bars)
	if n == 0 {
		return ""
	}
	var incidentDays, noData int
	for _, b := range c.Bars {
		if len(b.Incidents) > 0 {
			incidentDays++
		}
		if b.Ratio == nil {
			noData++
		}
	}
	label := fmt.Sprintf("%s over the last %d days: %s uptime, %d %s with incidents, %d without data",
		c.Name, n, c.UptimeText, incidentDays, plural2(incidentDays, "day", "days"), noData)
	var b strings.Builder
	b.Grow(n * 60)
	fmt.Fprintf(&b, `<div class="bars" role="img" aria-label="%s">`, html.EscapeString(label))
	for _, bar := range c.Bars {
		fmt.Fprintf(&b, "\n"+`<span class="%s" title="%s"></span>`, bar.Level, html.EscapeString(bar.Tooltip))
	}
	b.WriteString("\n</div>")
	return template.HTML(b.String())
}

func plural2(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Markers around the parts of the theme stylesheet the status page inlines.
const (
	inlineBegin = "/* status-page: begin */"
	inlineEnd   = "/* status-page: end */"
)

// statusStylesheet returns the CSS the status page inlines: the runs of the
// stylesheet between inlineBegin and inlineEnd markers, or all of it when
// it has none (a theme's own stylesheet), without comments and indentation.
// Inlining saves the page a blocking request, so it renders from the first
// response even on a slow link during an outage.
func statusStylesheet(css []byte) string {
	src := string(css)
	var parts []string
	for {
		i := strings.Index(src, inlineBegin)
		if i < 0 {
			break
		}
		src = src[i+len(inlineBegin):]
		j := strings.Index(src, inlineEnd)
		if j < 0 {
			parts = append(parts, src)
			src = ""
			break
		}
		parts = append(parts, src[:j])
		src = src[j+len(inlineEnd):]
	}
	if len(parts) == 0 {
		parts = []string{string(css)}
	}
	var b strings.Builder
	for _, part := range parts {
		for {
			i := strings.Index(part, "/*")
			if i < 0 {
				break
			}
			j := strings.Index(part[i+2:], "*/")
			if j < 0 {
				part = part[:i]
				break
			}
			part = part[:i] + part[i+2+j+2:]
		}
		for _, line := range strings.Split(part, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}
