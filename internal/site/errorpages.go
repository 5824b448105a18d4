package site

import (
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
)

// ErrorPage is the data of one self-contained error page.
type ErrorPage struct {
	Site *SiteData
	// Banner, when set, says that this is not the production site; it
	// links to production's status page.
	Banner *BannerView
	// Code names the failure ("503", "connection-refused"); the page is
	// errors/<Code>.html.
	Code        string
	Title       string
	Explanation string
	Advice      string
	// StatusURL and HomeURL are absolute: the page is served from
	// wherever the CDN keeps it, or opened from disk.
	StatusURL, HomeURL     string
	Indicator, Description string
	Active                 []ErrorEvent
	MoreActive             int
	// Maintenance lists windows under MaintenanceHeading: those in
	// progress, or on errors/maintenance.html those to come when none is.
	MaintenanceHeading string
	Maintenance        []ErrorEvent
	MoreMaintenance    int
	// IsMaintenance marks errors/maintenance.html, which also lists the
	// windows still to come.
	IsMaintenance bool
	// Live is the state of the automatic checks (nil without them) and
	// Detected the components they find at fault, at most errorPageEvents.
	Live         *LiveView
	Detected     []ErrorDetected
	MoreDetected int
}

// ErrorDetected is a component the automatic checks find at fault.
type ErrorDetected struct {
	Name, StatusLabel string
	Since             time.Time
	Signal            string
}

// ErrorEvent is an incident or window on an error page, kept short. It
// holds nothing an update's message changes, so that the error pages are
// rebuilt (and uploaded) when an incident opens, resolves or changes
// status, not on every word on-call adds; the status page has those.
type ErrorEvent struct {
	Title, URL, StatusLabel, ImpactLabel string
	// State says impact and status in a few words: "major impact,
	// identified".
	State      string
	Start, End time.Time
}

// errorKind is one failure a CDN reports, explained for readers.
type errorKind struct {
	code, title, explanation string
}

// errorKinds lists the error pages: the generic 503, one per origin failure
// CDNs (Fastly, Varnish, CloudFront, Cloudflare) tell apart, and planned
// maintenance.
func errorKinds() []errorKind {
	return []errorKind{
		{"503", "This site is temporarily unavailable",
			"Our servers could not answer your request just now. This usually lasts a few minutes: they may be overloaded, restarting or being updated."},
		{"connection-refused", "Our server refused the connection",
			"Our content delivery network reached the server behind this site, but nothing on it accepted the connection. The site's software is probably restarting or has stopped."},
		{"network-unreachable", "Our servers cannot be reached",
			"The network between our content delivery network and our servers is down, so your request could not be delivered to them."},
		{"max-connections", "Too many visitors at once",
			"Our server is handling as many connections as it can, so yours was turned away rather than left waiting."},
		{"backend-unhealthy", "Our server is failing its health checks",
			"Our content delivery network checks our servers every few seconds. The one serving this page is failing those checks, so no requests are sent to it until it recovers."},
		{"no-healthy-backends", "No server is available",
			"Every server that can answer this request is failing its health checks right now, so there is nowhere to send it."},
		{"all-backends-failed", "None of our servers could answer",
			"Our content delivery network tried each of our servers in turn, and every one of them failed to complete your request."},
		{"backend-read-error", "Our server stopped responding",
			"Our server took too long to answer, or the connection broke while the answer was on its way (a read error or timeout)."},
		{"backend-write-error", "Your request could not be passed on",
			"The connection to our server broke while your request was being sent to it, so it never arrived."},
		{"maintenance", "Down for planned maintenance",
			"We are doing scheduled work on the systems behind this site, and it is unavailable until the work is done."},
	}
}

// Limits that keep every error page under 4 KB whatever the content says.
const (
	errorPageEvents = 3
	errorTitleRunes = 90
)

// renderErrorPages writes the error pages under errors/, passing each
// problem to add.
func (s *Site) renderErrorPages(out Output, m *statusModel, add func(error)) {
	for _, e := range s.errorPages(m) {
		b, err := s.tmpl.ExecuteStandalone(kindError, e)
		if err != nil {
			add(err)
			continue
		}
		add(out.WriteFile("errors/"+e.Code+".html", b))
	}
}

// errorPages builds the error pages with the status known at build time.
func (s *Site) errorPages(m *statusModel) []*ErrorPage {
	p := m.page
	short := func(ev *EventView) ErrorEvent {
		state := ev.ImpactLabel + " impact"
		if ev.IsMaintenance || ev.Impact == content.ImpactNone {
			state = ev.ImpactLabel
		}
		state += ", " + strings.ToLower(ev.StatusLabel)
		return ErrorEvent{Title: truncate(ev.Title, errorTitleRunes), URL: ev.AbsURL, StatusLabel: ev.StatusLabel, ImpactLabel: ev.ImpactLabel, State: state, Start: ev.Start, End: ev.End}
	}
	take := func(evs []*EventView) ([]ErrorEvent, int) {
		var out []ErrorEvent
		for i, ev := range evs {
			if i == errorPageEvents {
				return out, len(evs) - i
			}
			out = append(out, short(ev))
		}
		return out, 0
	}
	var active, inProgress, upcoming []*EventView
	for _, inc := range p.Active {
		active = append(active, m.bySlug[inc.Slug].head)
	}
	for _, w := range p.InProgress {
		inProgress = append(inProgress, m.bySlug[w.Slug].head)
	}
	for _, w := range p.Upcoming {
		upcoming = append(upcoming, m.bySlug[w.Slug].head)
	}
	var detected []ErrorDetected
	for _, d := range detectedViews(p, m) {
		detected = append(detected, ErrorDetected{Name: d.Name, StatusLabel: d.StatusLabel, Since: d.Since, Signal: truncate(d.Signal, errorTitleRunes)})
	}
	moreDetected := 0
	if len(detected) > errorPageEvents {
		detected, moreDetected = detected[:errorPageEvents], len(detected)-errorPageEvents
	}
	var out []*ErrorPage
	for _, k := range errorKinds() {
		e := &ErrorPage{
			Site:        s.siteData(),
			Banner:      s.banner(s.cfg.Status.Path),
			Code:        k.code,
			Title:       k.title,
			Explanation: k.explanation,
			Advice:      "Please try again in a few minutes. The status page has the latest news.",
			StatusURL:   s.cfg.AbsURL(s.cfg.Status.Path),
			HomeURL:     s.cfg.AbsURL("/"),
			Indicator:   p.Overall.Indicator,
			Description: p.Overall.Description,
			Live:        liveView(p),
			Detected:    detected, MoreDetected: moreDetected,
		}
		e.Active, e.MoreActive = take(active)
		e.Maintenance, e.MoreMaintenance = take(inProgress)
		e.MaintenanceHeading = "Maintenance in progress:"
		if k.code == "maintenance" {
			e.IsMaintenance = true
			e.Advice = "Please come back when the window ends. The status page has the latest news."
			if len(inProgress) == 0 {
				// Nothing was running when the page was built: say what is
				// planned instead.
				e.Maintenance, e.MoreMaintenance = take(upcoming)
				e.MaintenanceHeading = "Scheduled maintenance:"
			}
		}
		out = append(out, e)
	}
	return out
}
