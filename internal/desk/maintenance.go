package desk

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	fm "github.com/bulletin-dev/bulletin/internal/desk/frontmatter"
)

// NewMaintenance is a maintenance window to schedule.
type NewMaintenance struct {
	Title string
	// From and Until bound the window.
	From, Until time.Time
	// Components are the ids of the components it concerns.
	Components []string
	// Message is the announcement; "" for a generic note.
	Message string
	// CountsAgainstAvailability keeps the window in the availability
	// figures; by default it is left out.
	CountsAgainstAvailability bool
	// Slug is the file name without .md; "" for <start date>-<title>.
	Slug string
	// At is when the window is announced.
	At time.Time
}

// ScheduleMaintenance writes a new maintenance window, which must agree
// with the existing windows it overlaps, and returns its path.
func (d *Desk) ScheduleMaintenance(r NewMaintenance) (string, error) {
	at := when(r.At)
	if !r.Until.After(r.From) {
		return "", requestErrorf("the window ends (%s) before it starts (%s)", stamp(r.Until), stamp(r.From))
	}
	if err := d.checkComponents(r.Components); err != nil {
		return "", err
	}
	body := strings.TrimSpace(r.Message)
	if body == "" {
		body = "We will be performing scheduled maintenance during this window."
	}
	slug, err := d.newSlug(r.Slug, r.Title, r.From)
	if err != nil {
		return "", err
	}
	src, err := fm.New(fm.Map(
		fm.KV("title", fm.Str(r.Title)),
		fm.KV("scheduled_for", fm.Timestamp(stamp(r.From))),
		fm.KV("scheduled_until", fm.Timestamp(stamp(r.Until))),
		fm.KV("components", fm.FlowList(r.Components)),
		fm.KV("counts_against_availability", fm.Bool(r.CountsAgainstAvailability)),
		fm.KV("updates", fm.Seq(fm.Map(
			fm.KV("at", fm.Timestamp(stamp(at))),
			fm.KV("status", fm.Str(content.MaintenanceScheduled)),
			fm.KV("body", fm.Str(body)),
		))),
	))
	if err != nil {
		return "", err
	}
	path := filepath.Join(d.maintenanceDir, slug+".md")
	return path, writeChecked(path, src, func() error {
		m, err := content.ParseMaintenance(path, src, d.cfg)
		if err != nil {
			return err
		}
		// The new window must agree with the existing ones it overlaps.
		existing, err := content.LoadMaintenance(d.maintenanceDir, d.cfg)
		if err != nil {
			return fmt.Errorf("fix the existing maintenance files first:\n%w", err)
		}
		return content.CheckOverlaps(append(existing, m))
	})
}

// MaintenanceUpdate is an update to add to a window: progress
// (in_progress, verifying), completion, or a note at the current status.
type MaintenanceUpdate struct {
	Slug string
	// Status is scheduled, in_progress, verifying or completed; "" keeps
	// the window's status at At.
	Status string
	// Message says what changed; required.
	Message string
	At      time.Time
}

// Check reports what is wrong with u before any file is read.
func (u MaintenanceUpdate) Check() error {
	if strings.TrimSpace(u.Message) == "" {
		return requestErrorf(`-m "message" is required: say what changed`)
	}
	if u.Status != "" && maintenanceRank(u.Status) < 0 {
		return requestErrorf("--status %q: want one of %s", u.Status, strings.Join(content.MaintenanceStatuses, ", "))
	}
	return nil
}

// UpdateMaintenance appends u to its window's file and returns the path.
// Like the clock, an update moves a window forward only.
func (d *Desk) UpdateMaintenance(u MaintenanceUpdate) (string, error) {
	if err := u.Check(); err != nil {
		return "", err
	}
	at := when(u.At)
	path, src, m, err := d.openMaintenance(u.Slug)
	if err != nil {
		return "", err
	}
	if n := len(m.Updates); n > 0 && at.Before(m.Updates[n-1].At) {
		return "", refusef("--at %s is before the window's last update (%s)", stamp(at), stamp(m.Updates[n-1].At))
	}
	current := m.StatusAt(at)
	status := u.Status
	if status == "" {
		status = current
	}
	if n := len(m.Updates); n > 0 && m.Updates[n-1].Status == content.MaintenanceCompleted {
		return "", refusef("maintenance %s was already completed at %s", m.Slug, stamp(m.Updates[n-1].At))
	}
	if maintenanceRank(status) < maintenanceRank(current) {
		// The clock has moved the window on (it opened or closed at its
		// scheduled time); a written update cannot take it back.
		return "", refusef("maintenance %s is %s at %s; its status cannot go back to %s (change scheduled_for or scheduled_until in %s to reschedule it)", m.Slug, current, stamp(at), status, path)
	}
	f, err := fm.Parse(path, src)
	if err != nil {
		return "", err
	}
	item := fm.Map(fm.KV("at", fm.Timestamp(stamp(at))), fm.KV("status", fm.Str(status)), fm.KV("body", fm.Str(strings.TrimSpace(u.Message))))
	if err := f.AppendItem("updates", item); err != nil {
		return "", err
	}
	out := f.Bytes()
	return path, writeChecked(path, out, func() error {
		_, err := content.ParseMaintenance(path, out, d.cfg)
		return err
	})
}

// openMaintenance reads a window for editing, like an incident.
func (d *Desk) openMaintenance(slug string) (string, []byte, *content.Maintenance, error) {
	k := fileKind{dir: d.maintenanceDir, a: "a maintenance", what: "maintenance window", list: "bulletin maintenance list"}
	return openFile(k, slug, func(path string, src []byte) (*content.Maintenance, error) {
		return content.ParseMaintenance(path, src, d.cfg)
	}, func(m *content.Maintenance) string { return m.Format })
}

// maintenanceRank orders maintenance statuses; -1 for an unknown one.
func maintenanceRank(s string) int {
	for i, v := range content.MaintenanceStatuses {
		if v == s {
			return i
		}
	}
	return -1
}
