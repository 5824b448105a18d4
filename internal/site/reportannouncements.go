package site

import (
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
)

// comingUpMonths is how many months after a report's month its "Coming
// up" section looks ahead.
const comingUpMonths = 3

// AnnouncementsSection is what a report says of announced changes: those
// coming up in the months after its month and those that landed in it.
// Statuses are as of the build clock, like the report's incidents.
type AnnouncementsSection struct {
	// ComingUp are the changes effective in the comingUpMonths after the
	// month and not cancelled, soonest first.
	ComingUp []ReportAnnouncement
	// Landed are the changes effective in the month and marked done,
	// soonest first.
	Landed []ReportAnnouncement
}

// ReportAnnouncement is an announcement as a report lists it. URL is
// absolute, since the report's body is also the feed's content.
type ReportAnnouncement struct {
	Slug, Title, URL string
	Kind, KindLabel  string
	Effective        time.Time
	Status           string
	// StatusText says the status in words: "planned", "in testing — try
	// it in staging: <url>" (StagingURL is then set), "overdue", "done".
	StatusText string
	StagingURL string
	Overdue    bool
	// Components are the names of the affected components.
	Components []string
}

// announcementsSection returns what month's report lists of the site's
// announcements; nil when it lists none.
func (s *Site) announcementsSection(month string) *AnnouncementsSection {
	loc := s.cfg.Location
	start, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return nil
	}
	end := start.AddDate(0, 1, 0)
	horizon := end.AddDate(0, comingUpMonths, 0)
	now := s.opts.Now
	var sec AnnouncementsSection
	for _, a := range s.announcements {
		st := a.StatusAt(now)
		switch eff := a.Effective; {
		case !eff.Before(end) && eff.Before(horizon) && st != content.AnnouncementCancelled:
			sec.ComingUp = append(sec.ComingUp, s.reportAnnouncement(a))
		case !eff.Before(start) && eff.Before(end) && st == content.AnnouncementDone:
			sec.Landed = append(sec.Landed, s.reportAnnouncement(a))
		}
	}
	if len(sec.ComingUp) == 0 && len(sec.Landed) == 0 {
		return nil
	}
	return &sec
}

func (s *Site) reportAnnouncement(a *content.Announcement) ReportAnnouncement {
	now := s.opts.Now
	st := a.StatusAt(now)
	ra := ReportAnnouncement{
		Slug: a.Slug, Title: a.Title, URL: s.cfg.AbsURL(announcementPath(a.Slug)),
		Kind: a.Kind, KindLabel: announcementKindLabel(a.Kind), Effective: a.Effective,
		Status: st, StatusText: strings.ToLower(announcementStatusLabel(st)), Overdue: a.Overdue(now),
	}
	switch {
	case ra.Overdue:
		ra.StatusText = "overdue"
	case a.Testable(now):
		ra.StatusText = strings.ToLower(announcementStatusLabel(content.AnnouncementTesting))
		ra.StagingURL = a.StagingURL
	}
	for _, id := range a.Components {
		c, ok := s.cfg.Component(id)
		switch {
		case !ok:
			ra.Components = append(ra.Components, id)
		case !c.Hidden:
			// Hidden components are left out, as everywhere readers look.
			ra.Components = append(ra.Components, c.Name)
		}
	}
	return ra
}
