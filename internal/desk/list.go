package desk

import (
	"slices"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Listing is a table of on-call files, for a person to read.
type Listing struct {
	// Header names the columns of Rows.
	Header []string
	Rows   [][]string
	// Total counts the files read, listed or not.
	Total int
}

// listTime is how listings show a time: in the site's zone, to the minute.
const listTime = "2006-01-02 15:04 MST"

// ListIncidents lists the open incidents, newest first, then the n most
// recently started resolved ones; at is now. A file that cannot be read is
// reported in the error, and the Listing still holds the others.
func (d *Desk) ListIncidents(at time.Time, n int) (*Listing, error) {
	at = when(at)
	incs, err := content.LoadIncidents(d.incidentsDir, d.cfg)
	var open, done []*content.Incident
	for _, inc := range incs {
		if inc.IsResolved() {
			done = append(done, inc)
		} else {
			open = append(open, inc)
		}
	}
	if len(done) > n {
		done = done[:n]
	}
	l := &Listing{Header: []string{"SLUG", "STATUS", "IMPACT", "STARTED", "DURATION", "TITLE"}, Total: len(incs)}
	for _, inc := range append(open, done...) {
		dur := "ongoing " + snapshot.FormatDuration(at.Sub(inc.Started))
		if inc.IsResolved() {
			dur = snapshot.FormatDuration(inc.Duration())
		}
		l.Rows = append(l.Rows, []string{inc.Slug, inc.Status(), inc.Impact, inc.Started.In(d.cfg.Location).Format(listTime), dur, inc.Title})
	}
	return l, err
}

// ListMaintenance lists the windows not completed at at, soonest first,
// then the n most recent completed ones. A file that cannot be read is
// reported in the error, and the Listing still holds the others.
func (d *Desk) ListMaintenance(at time.Time, n int) (*Listing, error) {
	at = when(at)
	ms, err := content.LoadMaintenance(d.maintenanceDir, d.cfg)
	var open, done []*content.Maintenance
	for _, m := range ms {
		if m.StatusAt(at) == content.MaintenanceCompleted {
			done = append(done, m)
		} else {
			open = append(open, m)
		}
	}
	// Open windows soonest first; completed ones newest first.
	slices.Reverse(open)
	if len(done) > n {
		done = done[:n]
	}
	loc := d.cfg.Location
	l := &Listing{Header: []string{"SLUG", "STATUS", "FROM", "UNTIL", "COMPONENTS", "TITLE"}, Total: len(ms)}
	for _, m := range append(open, done...) {
		l.Rows = append(l.Rows, []string{m.Slug, m.StatusAt(at),
			m.ScheduledFor.In(loc).Format(listTime), m.ScheduledUntil.In(loc).Format(listTime),
			strings.Join(m.Components, ","), m.Title})
	}
	return l, err
}

// ListAnnouncements lists the announcements still open at at (planned or
// in testing), soonest effective first, overdue ones marked, then the n
// most recently effective closed ones (done, postponed, cancelled). A file
// that cannot be read is reported in the error, and the Listing still
// holds the others.
func (d *Desk) ListAnnouncements(at time.Time, n int) (*Listing, error) {
	at = when(at)
	as, err := content.LoadAnnouncements(d.announcementsDir, d.cfg)
	var open, closed []*content.Announcement
	for _, a := range as {
		if a.Open(at) {
			open = append(open, a)
		} else {
			closed = append(closed, a)
		}
	}
	// Closed ones newest first.
	slices.Reverse(closed)
	if len(closed) > n {
		closed = closed[:n]
	}
	l := &Listing{Header: []string{"SLUG", "STATUS", "KIND", "EFFECTIVE", "COMPONENTS", "TITLE"}, Total: len(as)}
	for _, a := range append(open, closed...) {
		st := a.StatusAt(at)
		if a.Overdue(at) {
			st += " (overdue)"
		}
		l.Rows = append(l.Rows, []string{a.Slug, st, a.Kind, a.Effective.In(d.cfg.Location).Format(listTime), strings.Join(a.Components, ","), a.Title})
	}
	return l, err
}
