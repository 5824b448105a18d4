package content

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
)

// Announcement kinds.
const (
	// KindBreakingChange is a change that breaks what users or API
	// clients do today: they must act before it lands.
	KindBreakingChange = "breaking-change"
	// KindDeprecation announces that something will go away later; it
	// still works when the announcement becomes effective.
	KindDeprecation = "deprecation"
	// KindNotice is any other planned change worth telling people about.
	KindNotice = "notice"
)

// AnnouncementKinds lists the valid kinds, most urgent first.
var AnnouncementKinds = []string{KindBreakingChange, KindDeprecation, KindNotice}

// Announcement statuses.
const (
	AnnouncementPlanned   = "planned"
	AnnouncementTesting   = "in_testing"
	AnnouncementDone      = "done"
	AnnouncementCancelled = "cancelled"
	AnnouncementPostponed = "postponed"
)

// AnnouncementStatuses lists the valid statuses.
var AnnouncementStatuses = []string{AnnouncementPlanned, AnnouncementTesting, AnnouncementDone, AnnouncementCancelled, AnnouncementPostponed}

// AnnouncementUpdate is one entry of an announcement's timeline.
type AnnouncementUpdate struct {
	At     time.Time
	Status string
	// Body is the update's markdown.
	Body string
	// Line is the file line of the update.
	Line int
}

// Announcement is a planned change announced apart from incidents and
// maintenance — a breaking API change, a deprecation — read from
// content/announcements/<slug>.md. The embedded Document's Body says what
// changes, how to port and whom to ask (markdown).
type Announcement struct {
	*Document
	// Slug is the file name without .md; the announcement's page is
	// /announcements/<slug>/. Slugs are shared with incidents and
	// maintenance: one name is one event everywhere (links, feed entries,
	// the bulletin commands).
	Slug  string
	Title string
	// Kind is one of AnnouncementKinds.
	Kind string
	// Effective is when the change lands, in the site's zone.
	Effective time.Time
	// TestingFrom, when set, is when the change can be tried, and
	// StagingURL where.
	TestingFrom time.Time
	StagingURL  string
	// Components are the affected components; APIs, free-form, the
	// affected APIs or endpoints ("GET /v1/docs/{id}").
	Components []string
	APIs       []string
	// Updates are the dated status updates, oldest first.
	Updates []AnnouncementUpdate
}

// StatusAt returns the announcement's status at t: that of the last update
// at or before t, planned before the first.
func (a *Announcement) StatusAt(t time.Time) string {
	st := AnnouncementPlanned
	for _, u := range a.Updates {
		if u.At.After(t) {
			break
		}
		st = u.Status
	}
	return st
}

// Timeline returns the updates at or before t, oldest first.
func (a *Announcement) Timeline(t time.Time) []AnnouncementUpdate {
	n := sort.Search(len(a.Updates), func(i int) bool { return a.Updates[i].At.After(t) })
	return a.Updates[:n:n]
}

// UpdatedAt returns the time of the last update at or before t, or the
// zero time when there is none.
func (a *Announcement) UpdatedAt(t time.Time) time.Time {
	tl := a.Timeline(t)
	if len(tl) == 0 {
		return time.Time{}
	}
	return tl[len(tl)-1].At
}

// Open reports whether the change is still to land at t: planned or in
// testing (overdue ones included).
func (a *Announcement) Open(t time.Time) bool {
	st := a.StatusAt(t)
	return st == AnnouncementPlanned || st == AnnouncementTesting
}

// Overdue reports whether the effective date has passed at t without the
// announcement being marked done, postponed or cancelled: either the change
// landed and nobody said so, or it slipped and readers were not told.
func (a *Announcement) Overdue(t time.Time) bool {
	return a.Open(t) && !a.Effective.After(t)
}

// Landed reports whether the change was marked done by t.
func (a *Announcement) Landed(t time.Time) bool {
	return a.StatusAt(t) == AnnouncementDone
}

// Testable reports whether the change can be tried at t: a testing period
// has begun and the change is still open.
func (a *Announcement) Testable(t time.Time) bool {
	if !a.Open(t) {
		return false
	}
	if a.StatusAt(t) == AnnouncementTesting {
		return true
	}
	return !a.TestingFrom.IsZero() && !a.TestingFrom.After(t)
}

// Affects reports whether the announcement lists component id.
func (a *Announcement) Affects(id string) bool { return indexOf(a.Components, id) >= 0 }

// Overdue returns a problem for each announcement that is overdue at t,
// at the line of its effective date, for bulletin check to warn about.
func Overdue(as []*Announcement, t time.Time) []*diag.Error {
	var out []*diag.Error
	for _, a := range as {
		if !a.Overdue(t) {
			continue
		}
		out = append(out, a.Errorf("effective", "announcement %q was effective %s and is still %s: mark it done, postponed (with a new effective date) or cancelled",
			a.Slug, a.Effective.Format("2 January 2006 15:04 MST"), strings.ReplaceAll(a.StatusAt(t), "_", " ")))
	}
	return out
}

// announcementMeta is the front matter of an announcement as written.
type announcementMeta struct {
	Title       string                   `yaml:"title" toml:"title"`
	Kind        string                   `yaml:"kind" toml:"kind"`
	Effective   Timestamp                `yaml:"effective" toml:"effective"`
	TestingFrom Timestamp                `yaml:"testing_from" toml:"testing_from"`
	StagingURL  string                   `yaml:"staging_url" toml:"staging_url"`
	Components  []string                 `yaml:"components" toml:"components"`
	APIs        []string                 `yaml:"apis" toml:"apis"`
	Updates     []announcementUpdateMeta `yaml:"updates" toml:"updates"`
}

type announcementUpdateMeta struct {
	At     Timestamp `yaml:"at" toml:"at"`
	Status string    `yaml:"status" toml:"status"`
	Body   string    `yaml:"body" toml:"body"`
}

// ParseAnnouncement decodes and validates one announcement file against the
// site's components and zone. It returns the announcement (possibly
// partial) alongside a *diag.ListError of every problem.
func ParseAnnouncement(path string, src []byte, cfg *config.Config) (*Announcement, error) {
	return Loader{}.parseAnnouncement(path, src, cfg)
}

// newAnnouncement validates the front matter am of doc against cfg and
// makes the announcement of it.
func newAnnouncement(doc *Document, am *announcementMeta, cfg *config.Config) (*Announcement, error) {
	loc := location(cfg)
	a := &Announcement{
		Document:    doc,
		Slug:        slugOf(doc.Path),
		Title:       strings.TrimSpace(am.Title),
		Kind:        am.Kind,
		Effective:   am.Effective.In(loc),
		TestingFrom: am.TestingFrom.In(loc),
		StagingURL:  strings.TrimSpace(am.StagingURL),
		Components:  nonNil(am.Components),
		APIs:        nonNil(am.APIs),
	}
	var p diag.List
	checkSlug(doc, a.Slug, &p)
	if a.Title == "" {
		p.Add("", doc.Errorf("title", "title is required"))
	}
	switch {
	case am.Kind == "":
		p.Add("", doc.Errorf("kind", "kind is required (one of %s)", strings.Join(AnnouncementKinds, ", ")))
	case indexOf(AnnouncementKinds, am.Kind) < 0:
		p.Add("", doc.Errorf("kind", "unknown announcement kind %q (one of %s)", am.Kind, strings.Join(AnnouncementKinds, ", ")))
	}
	if am.Effective.IsZero() {
		p.Add("", doc.Errorf("effective", "effective is required (when the change lands, e.g. 2027-01-12T09:00:00Z)"))
	}
	if !am.Effective.IsZero() && !am.TestingFrom.IsZero() && a.Effective.Before(a.TestingFrom) {
		p.Add("", doc.Errorf("effective", "effective %s is before testing_from %s: testing starts before the change lands", am.Effective.Raw, am.TestingFrom.Raw))
	}
	if a.StagingURL != "" {
		if u, err := url.Parse(a.StagingURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.Add("", doc.Errorf("staging_url", "staging_url %q is not an absolute http(s) URL (e.g. https://staging.example.com/)", a.StagingURL))
		}
	}
	checkComponents(doc, "components", a.Components, cfg, &p)
	for k, api := range a.APIs {
		if strings.TrimSpace(api) == "" {
			p.Add("", doc.Errorf("apis."+strconv.Itoa(k), "empty entry in apis"))
		}
	}
	for k, um := range am.Updates {
		key := fmt.Sprintf("updates.%d", k)
		var prev Timestamp
		if k > 0 {
			prev = am.Updates[k-1].At
		}
		u := AnnouncementUpdate{At: updateTime(doc, key, um.At, prev, loc, &p), Status: um.Status, Body: strings.TrimSpace(um.Body), Line: doc.Line(key)}
		switch {
		case um.Status == "":
			p.Add("", doc.Errorf(key, "update has no status (one of %s)", strings.Join(AnnouncementStatuses, ", ")))
		case indexOf(AnnouncementStatuses, um.Status) < 0:
			p.Add("", doc.Errorf(key+".status", "unknown announcement status %q (one of %s)", um.Status, strings.Join(AnnouncementStatuses, ", ")))
		case k > 0 && final(am.Updates[k-1].Status) && um.Status != am.Updates[k-1].Status:
			p.Add("", doc.Errorf(key+".status", "status changes after %s: an announcement that is %s stays so (write a new announcement instead)", am.Updates[k-1].Status, am.Updates[k-1].Status))
		}
		a.Updates = append(a.Updates, u)
	}
	if err := p.Err(); err != nil {
		return a, err
	}
	return a, nil
}

// final reports whether status st ends an announcement.
func final(st string) bool { return st == AnnouncementDone || st == AnnouncementCancelled }

// LoadAnnouncements reads every announcement in dir (content/announcements),
// soonest effective first (see SortAnnouncements). All problems of all
// files are returned together as a *diag.ListError, alongside the
// announcements that parsed.
func LoadAnnouncements(dir string, cfg *config.Config) ([]*Announcement, error) {
	return Loader{}.Announcements(dir, cfg, nil)
}

// Announcements is LoadAnnouncements through l's cache. With sc, a slug that
// names one of its incidents or maintenance windows is a problem: a name is
// one event everywhere, and such an announcement is left out.
func (l Loader) Announcements(dir string, cfg *config.Config, sc *StatusContent) ([]*Announcement, error) {
	var p diag.List
	out, err := parseDir(dir, &p, l.read, func(path string, src []byte) (*Announcement, error) {
		return l.parseAnnouncement(path, src, cfg)
	})
	if err != nil {
		return nil, err
	}
	if sc != nil {
		taken := make(map[string]string, len(sc.Incidents)+len(sc.Maintenance))
		for _, i := range sc.Incidents {
			taken[i.Slug] = i.Path
		}
		for _, m := range sc.Maintenance {
			taken[m.Slug] = m.Path
		}
		kept := out[:0]
		for _, a := range out {
			if other, ok := taken[a.Slug]; ok {
				p.Addf(a.Path, 0, "slug %q is also used by %s: announcements, incidents and maintenance share one name for one event; rename one file", a.Slug, other)
				continue
			}
			kept = append(kept, a)
		}
		out = kept
	}
	SortAnnouncements(out)
	return out, p.Err()
}

// SortAnnouncements orders announcements by effective date, soonest first,
// then by slug.
func SortAnnouncements(as []*Announcement) {
	sort.SliceStable(as, func(i, j int) bool {
		if !as[i].Effective.Equal(as[j].Effective) {
			return as[i].Effective.Before(as[j].Effective)
		}
		return as[i].Slug < as[j].Slug
	})
}
