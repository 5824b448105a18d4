package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/feed"
	"github.com/bulletin-dev/bulletin/internal/status/api"
)

// Announcements of planned changes (content/announcements/*.md) on the
// status side: a "Planned changes" section of the status page, a page of
// each at /announcements/<slug>/, the index at /announcements/, their own
// RSS, Atom and JSON feeds there, and <status.path>api/announcements.json
// beside (never inside) the Statuspage v2 files.

// Page kinds of the announcement templates.
const (
	kindAnnouncement  = "announcement"
	kindAnnouncements = "announcements"
)

// announcementsPath is the site path of the announcement index and feeds.
const announcementsPath = "/announcements/"

// announcementsAPI is the API file's name under the status path.
const announcementsAPI = "api/announcements.json"

// recentlyClosed is how long the status page keeps an announcement done or
// cancelled, as Statuspage keeps resolved items briefly.
const recentlyClosed = 7 * 24 * time.Hour

// announcementPath is the site path of an announcement's page.
func announcementPath(slug string) string { return announcementsPath + slug + "/" }

// AnnouncementView is one planned change as of Options.Now.
type AnnouncementView struct {
	Slug, Title string
	// Kind is the content kind; KindLabel its text ("Breaking change").
	Kind, KindLabel string
	// Status is the status at Now; StatusLabel its text ("In testing").
	Status, StatusLabel string
	// Overdue: the effective date passed with the change still open.
	Overdue bool
	// Testable: it can be tried now, at StagingURL when set.
	Testable    bool
	Effective   time.Time
	TestingFrom time.Time
	StagingURL  string
	// Components are the affected visible components.
	Components  []ComponentRef
	APIs        []string
	URL, AbsURL string
	// CreatedAt is the first update's time, UpdatedAt the last one's (zero
	// without updates).
	CreatedAt, UpdatedAt time.Time
	// Updates are the updates up to Now, newest first.
	Updates []AnnouncementUpdateView
	// Body is the rendered markdown body.
	Body template.HTML
	// Upcoming: open, or postponed to a date ahead.
	Upcoming bool
}

// AnnouncementUpdateView is one dated entry of an announcement's timeline.
type AnnouncementUpdateView struct {
	At                  time.Time
	Status, StatusLabel string
	Body                template.HTML
	// Text is the update's markdown as written, the lines of each
	// paragraph joined (see joinLines).
	Text string
}

// AnnouncementsView is the index of announcements.
type AnnouncementsView struct {
	Upcoming, Past []*AnnouncementView
	Feeds          []FeedLink
}

// announcementKindLabel is the text of an announcement kind.
func announcementKindLabel(kind string) string {
	switch kind {
	case content.KindBreakingChange:
		return "Breaking change"
	case content.KindDeprecation:
		return "Deprecation"
	}
	return "Notice"
}

// announcementStatusLabel is the text of an announcement status.
func announcementStatusLabel(st string) string {
	switch st {
	case content.AnnouncementTesting:
		return "In testing"
	case content.AnnouncementDone:
		return "Done"
	case content.AnnouncementCancelled:
		return "Cancelled"
	case content.AnnouncementPostponed:
		return "Postponed"
	}
	return "Planned"
}

// announcementViews makes the views of every announcement at Now, soonest
// effective first; problems in their markdown name file and line.
func (s *Site) announcementViews() ([]*AnnouncementView, error) {
	now := s.opts.Now
	var problems diag.List
	out := make([]*AnnouncementView, 0, len(s.announcements))
	for _, a := range s.announcements {
		st := a.StatusAt(now)
		path := announcementPath(a.Slug)
		v := &AnnouncementView{
			Slug: a.Slug, Title: a.Title,
			Kind: a.Kind, KindLabel: announcementKindLabel(a.Kind),
			Status: st, StatusLabel: announcementStatusLabel(st),
			Overdue:     a.Overdue(now),
			Testable:    a.Testable(now),
			Effective:   a.Effective,
			TestingFrom: a.TestingFrom,
			StagingURL:  a.StagingURL,
			APIs:        a.APIs,
			URL:         s.rel(path),
			AbsURL:      s.cfg.AbsURL(path),
			UpdatedAt:   a.UpdatedAt(now),
			Upcoming:    a.Open(now) || (st == content.AnnouncementPostponed && a.Effective.After(now)),
		}
		for _, c := range a.Components {
			// Hidden components are left out, as from the v2 API.
			if cc, ok := s.cfg.Component(c); ok && cc.Hidden {
				continue
			}
			v.Components = append(v.Components, s.componentRef(c, ""))
		}
		tl := a.Timeline(now)
		if len(tl) > 0 {
			v.CreatedAt = tl[0].At
		}
		for i := len(tl) - 1; i >= 0; i-- {
			u := tl[i]
			v.Updates = append(v.Updates, AnnouncementUpdateView{
				At: u.At, Status: u.Status, StatusLabel: announcementStatusLabel(u.Status),
				Body: s.markdown([]byte(u.Body), a.Path, u.Line, &problems),
				Text: joinLines(u.Body),
			})
		}
		v.Body = s.markdown(a.Body, a.Path, a.BodyLine, &problems)
		out = append(out, v)
	}
	return out, problems.Err()
}

// joinLines returns markdown with the lines of each paragraph joined by a
// space and paragraphs apart by a blank line, for readers of JSON that do
// not render markdown.
func joinLines(md string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(strings.TrimSpace(md), "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// onStatusPage reports whether the status page lists v at now: open,
// postponed to a date ahead, or done or cancelled within recentlyClosed.
func (v *AnnouncementView) onStatusPage(now time.Time) bool {
	if v.Upcoming {
		return true
	}
	if v.Status == content.AnnouncementDone || v.Status == content.AnnouncementCancelled {
		return !v.UpdatedAt.IsZero() && now.Sub(v.UpdatedAt) < recentlyClosed
	}
	return false
}

// announcementsURL is the index's URL for the site header, "" when the
// site has no announcements.
func (s *Site) announcementsURL() string {
	if len(s.announcements) == 0 {
		return ""
	}
	return s.rel(announcementsPath)
}

// announcementFeeds are the feeds of announcements, for discovery: none
// when the site has none.
func (s *Site) announcementFeeds() []FeedLink {
	if len(s.announcements) == 0 {
		return nil
	}
	t := s.cfg.Status.Title + ": planned changes"
	return []FeedLink{
		{Title: t + " (RSS)", Type: "application/rss+xml", URL: s.cfg.AbsURL(announcementsPath + "feed.xml")},
		{Title: t + " (Atom)", Type: "application/atom+xml", URL: s.cfg.AbsURL(announcementsPath + "atom.xml")},
		{Title: t + " (JSON Feed)", Type: "application/feed+json", URL: s.cfg.AbsURL(announcementsPath + "feed.json")},
	}
}

// renderAnnouncements writes the announcement pages, index, feeds and API
// file, and returns the sitemap entries of the pages. A site without
// announcements gets none of these, so its outputs stay as they were.
func (s *Site) renderAnnouncements(out Output, m *statusModel, pages *pager, add func(error)) []sitemapEntry {
	if len(m.announcements) == 0 {
		return nil
	}
	var urls []sitemapEntry
	feeds := append(append([]FeedLink(nil), s.announcementFeeds()...), m.feeds...)
	if s.tmpl.Has(kindAnnouncement) {
		for _, v := range m.announcements {
			pages.page(kindAnnouncement, announcementPath(v.Slug), &Page{
				Title:        v.Title,
				Description:  s.announcementSummary(v),
				Announcement: v,
				Feeds:        feeds,
			})
			urls = append(urls, sitemapEntry{v.AbsURL, sitemapDate(v.UpdatedAt)})
		}
	}
	if s.tmpl.Has(kindAnnouncements) {
		idx := &AnnouncementsView{Feeds: feeds}
		var latest time.Time
		for _, v := range m.announcements {
			if v.Upcoming {
				idx.Upcoming = append(idx.Upcoming, v)
			} else {
				idx.Past = append(idx.Past, v)
			}
			latest = later(latest, v.UpdatedAt)
		}
		// Past ones are listed latest effective first.
		for i, j := 0, len(idx.Past)-1; i < j; i, j = i+1, j-1 {
			idx.Past[i], idx.Past[j] = idx.Past[j], idx.Past[i]
		}
		pages.page(kindAnnouncements, announcementsPath, &Page{
			Title:         "Planned changes",
			Description:   "Planned changes, breaking changes and deprecations of " + s.cfg.Title + ", announced apart from incidents.",
			Announcements: idx,
			Feeds:         feeds,
		})
		urls = append(urls, sitemapEntry{s.cfg.AbsURL(announcementsPath), sitemapDate(latest)})
	}
	add(s.renderAnnouncementFeeds(out, m))
	add(s.renderAnnouncementAPI(out, m))
	return urls
}

// announcementSummary is an announcement's one-line summary: status, date
// and what it affects.
func (s *Site) announcementSummary(v *AnnouncementView) string {
	var b strings.Builder
	b.WriteString(v.KindLabel + ", " + strings.ToLower(v.StatusLabel))
	if v.Overdue {
		b.WriteString(", overdue")
	}
	b.WriteString(": effective " + v.Effective.In(s.cfg.Location).Format("2 Jan 2006, 15:04 MST"))
	if len(v.Components) > 0 {
		names := make([]string, len(v.Components))
		for i, c := range v.Components {
			names[i] = c.Name
		}
		b.WriteString(", affects " + strings.Join(names, ", "))
	}
	if v.Testable && v.StagingURL != "" {
		b.WriteString(". Test it now in staging: " + v.StagingURL)
	}
	b.WriteString(".")
	return b.String()
}

// renderAnnouncementFeeds writes /announcements/feed.xml, atom.xml and
// feed.json: one entry per announcement, updated at its last update.
func (s *Site) renderAnnouncementFeeds(out Output, m *statusModel) error {
	host := s.cfg.FeedIDHost
	f := s.newFeed(s.cfg.Status.Title+": planned changes", "Planned changes, breaking changes and deprecations of "+s.cfg.Title,
		s.cfg.AbsURL(announcementsPath), strings.TrimPrefix(announcementsPath, "/"))
	loc := s.cfg.Location
	for _, v := range m.announcements {
		published := v.CreatedAt
		if published.IsZero() {
			published = v.Effective
		}
		f.Items = append(f.Items, feed.Item{
			Title: fmt.Sprintf("%s: %s (%s)", v.KindLabel, v.Title, v.Effective.In(loc).Format("2 January 2006")),
			Link:  v.AbsURL,
			// The id holds the first update's date and the slug, so it
			// survives updates and a reschedule; its host is feed_id_host,
			// never the base URL of the environment.
			ID:          feed.TagURI(host, published, "announcements/"+v.Slug),
			Published:   published,
			Updated:     later(published, v.UpdatedAt),
			Summary:     s.announcementSummary(v),
			ContentHTML: string(v.Body),
		})
	}
	fm := s.memoFiles(out, "announcement feeds", f, "announcements/feed.xml", "announcements/atom.xml", "announcements/feed.json")
	if fm.all() {
		return nil
	}
	docs, err := feed.Render(f)
	if err != nil {
		return fmt.Errorf("render announcement feeds: %w", err)
	}
	for name, b := range map[string][]byte{"feed.xml": docs.RSS, "atom.xml": docs.Atom, "feed.json": docs.JSON} {
		if err := fm.write("announcements/"+name, b); err != nil {
			return err
		}
	}
	return nil
}

// announcementsDoc is <status.path>api/announcements.json (see
// docs/status.md, "Announcements API").
type announcementsDoc struct {
	Page          api.Page         `json:"page"`
	Announcements []announcementJS `json:"announcements"`
}

type announcementJS struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Kind        string             `json:"kind"`
	Status      string             `json:"status"`
	Overdue     bool               `json:"overdue"`
	EffectiveAt time.Time          `json:"effective_at"`
	TestingFrom *time.Time         `json:"testing_from"`
	StagingURL  *string            `json:"staging_url"`
	Components  []componentJS      `json:"components"`
	APIs        []string           `json:"apis"`
	Shortlink   string             `json:"shortlink"`
	CreatedAt   *time.Time         `json:"created_at"`
	UpdatedAt   *time.Time         `json:"updated_at"`
	Updates     []announcementUpJS `json:"updates"`
}

type componentJS struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type announcementUpJS struct {
	Status    string    `json:"status"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// renderAnnouncementAPI writes <status.path>api/announcements.json: the
// v2 page object, then every announcement, soonest effective first.
func (s *Site) renderAnnouncementAPI(out Output, m *statusModel) error {
	doc := announcementsDoc{Page: api.PageObject(s.cfg, m.page), Announcements: []announcementJS{}}
	loc := s.cfg.Location
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.In(loc)
		return &t
	}
	for _, v := range m.announcements {
		a := announcementJS{
			ID: v.Slug, Name: v.Title, Kind: v.Kind, Status: v.Status, Overdue: v.Overdue,
			EffectiveAt: v.Effective.In(loc), TestingFrom: opt(v.TestingFrom),
			Components: []componentJS{}, APIs: append([]string{}, v.APIs...),
			Shortlink: v.AbsURL, CreatedAt: opt(v.CreatedAt), UpdatedAt: opt(v.UpdatedAt),
			Updates: []announcementUpJS{},
		}
		if v.StagingURL != "" {
			a.StagingURL = &v.StagingURL
		}
		for _, c := range v.Components {
			a.Components = append(a.Components, componentJS{c.ID, c.Name})
		}
		for _, u := range v.Updates {
			a.Updates = append(a.Updates, announcementUpJS{Status: u.Status, Body: u.Text, CreatedAt: u.At.In(loc)})
		}
		doc.Announcements = append(doc.Announcements, a)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", announcementsAPI, err)
	}
	return out.WriteFile(s.statusDir()+announcementsAPI, append(b, '\n'))
}
