package content

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
)

// Maintenance statuses, in order (Statuspage's values).
const (
	MaintenanceScheduled  = "scheduled"
	MaintenanceInProgress = "in_progress"
	MaintenanceVerifying  = "verifying"
	MaintenanceCompleted  = "completed"
)

// MaintenanceStatuses lists the valid maintenance statuses in order.
var MaintenanceStatuses = []string{MaintenanceScheduled, MaintenanceInProgress, MaintenanceVerifying, MaintenanceCompleted}

// MaintenanceUpdate is one entry of a maintenance window's timeline.
type MaintenanceUpdate struct {
	At     time.Time
	Status string
	// Body is the update's markdown.
	Body string
	// Line is the file line of the update; 0 for an automatic transition.
	Line int
	// Automatic marks the transitions bulletin adds when the window opens
	// and closes without a written update saying so.
	Automatic bool
}

// Maintenance is a planned window of work, read from
// content/maintenance/<slug>.md. The embedded Document's Body is the
// announcement (markdown).
type Maintenance struct {
	*Document
	// Slug is the file name without .md; the window's page is
	// /incidents/<slug>/, a namespace shared with incidents.
	Slug  string
	Title string
	// ScheduledFor and ScheduledUntil bound the window, in the site's zone.
	ScheduledFor   time.Time
	ScheduledUntil time.Time
	Components     []string
	// Updates are the written updates, oldest first.
	Updates []MaintenanceUpdate
	// CountsAgainstAvailability keeps the window in the uptime figures; by
	// default maintenance is excluded from them.
	CountsAgainstAvailability bool
}

// StatusAt returns the window's status at t. The clock moves a window from
// scheduled to in_progress at ScheduledFor and to completed at
// ScheduledUntil; a written update may move it further ahead (verifying,
// completed early) but never back. The later of the two wins.
func (m *Maintenance) StatusAt(t time.Time) string {
	st := MaintenanceScheduled
	switch {
	case !t.Before(m.ScheduledUntil):
		st = MaintenanceCompleted
	case !t.Before(m.ScheduledFor):
		st = MaintenanceInProgress
	}
	for _, u := range m.Updates {
		if u.At.After(t) {
			break
		}
		if maintenanceRank(u.Status) > maintenanceRank(st) {
			st = u.Status
		}
	}
	return st
}

// ActiveAt reports whether the window is in progress or being verified at t.
func (m *Maintenance) ActiveAt(t time.Time) bool {
	st := m.StatusAt(t)
	return st == MaintenanceInProgress || st == MaintenanceVerifying
}

// Affects reports whether the window lists component id.
func (m *Maintenance) Affects(id string) bool { return indexOf(m.Components, id) >= 0 }

// Timeline returns the updates at or before t, oldest first, including the
// automatic transitions the clock makes: in_progress at ScheduledFor unless
// a written update reported progress by then, and completed at
// ScheduledUntil unless a written update reported completion by then.
func (m *Maintenance) Timeline(t time.Time) []MaintenanceUpdate {
	var out []MaintenanceUpdate
	started, completed := false, false
	for _, u := range m.Updates {
		if u.At.After(t) {
			break
		}
		if maintenanceRank(u.Status) >= maintenanceRank(MaintenanceInProgress) && !u.At.After(m.ScheduledFor) {
			started = true
		}
		if u.Status == MaintenanceCompleted && !u.At.After(m.ScheduledUntil) {
			completed = true
		}
		out = append(out, u)
	}
	if !started && !m.ScheduledFor.After(t) {
		out = append(out, MaintenanceUpdate{At: m.ScheduledFor, Status: MaintenanceInProgress, Body: "The maintenance window has started.", Automatic: true})
	}
	if !completed && !m.ScheduledUntil.After(t) {
		out = append(out, MaintenanceUpdate{At: m.ScheduledUntil, Status: MaintenanceCompleted, Body: "The maintenance window has ended.", Automatic: true})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].At.Before(out[b].At) })
	return out
}

// UpdatedAt returns the time of the window's last event at or before t
// (an update or a transition), or the zero time when none happened yet.
func (m *Maintenance) UpdatedAt(t time.Time) time.Time {
	tl := m.Timeline(t)
	if len(tl) == 0 {
		return time.Time{}
	}
	return tl[len(tl)-1].At
}

// CompletedAt returns when the window was completed as of t (zero if not).
func (m *Maintenance) CompletedAt(t time.Time) time.Time {
	for _, u := range m.Timeline(t) {
		if u.Status == MaintenanceCompleted {
			return u.At
		}
	}
	return time.Time{}
}

// maintenanceMeta is the front matter of a maintenance window as written.
type maintenanceMeta struct {
	Title                     string                  `yaml:"title" toml:"title"`
	ScheduledFor              Timestamp               `yaml:"scheduled_for" toml:"scheduled_for"`
	ScheduledUntil            Timestamp               `yaml:"scheduled_until" toml:"scheduled_until"`
	Components                []string                `yaml:"components" toml:"components"`
	CountsAgainstAvailability bool                    `yaml:"counts_against_availability" toml:"counts_against_availability"`
	Updates                   []maintenanceUpdateMeta `yaml:"updates" toml:"updates"`
}

type maintenanceUpdateMeta struct {
	At     Timestamp `yaml:"at" toml:"at"`
	Status string    `yaml:"status" toml:"status"`
	Body   string    `yaml:"body" toml:"body"`
}

// ParseMaintenance decodes and validates one maintenance file against the
// site's components and zone. It returns the window (possibly partial)
// alongside a *diag.ListError of every problem.
func ParseMaintenance(path string, src []byte, cfg *config.Config) (*Maintenance, error) {
	return Loader{}.parseMaintenance(path, src, cfg)
}

// newMaintenance validates the front matter mm of doc against cfg and
// makes the window of it. It depends on nothing but its arguments: the
// Loader's cache holds doc and mm, never a window, so validation runs on
// every load.
func newMaintenance(doc *Document, mm *maintenanceMeta, cfg *config.Config) (*Maintenance, error) {
	path := doc.Path
	loc := location(cfg)
	m := &Maintenance{
		Document:                  doc,
		Slug:                      slugOf(path),
		Title:                     strings.TrimSpace(mm.Title),
		Components:                nonNil(mm.Components),
		CountsAgainstAvailability: mm.CountsAgainstAvailability,
	}
	var p diag.List
	checkSlug(doc, m.Slug, &p)
	if m.Title == "" {
		p.Add("", doc.Errorf("title", "title is required"))
	}
	if mm.ScheduledFor.IsZero() {
		p.Add("", doc.Errorf("scheduled_for", "scheduled_for is required (when the window opens, e.g. 2026-12-01T22:00:00Z)"))
	}
	if mm.ScheduledUntil.IsZero() {
		p.Add("", doc.Errorf("scheduled_until", "scheduled_until is required (when the window closes)"))
	}
	m.ScheduledFor = mm.ScheduledFor.In(loc)
	m.ScheduledUntil = mm.ScheduledUntil.In(loc)
	if !mm.ScheduledFor.IsZero() && !mm.ScheduledUntil.IsZero() && !m.ScheduledUntil.After(m.ScheduledFor) {
		p.Add("", doc.Errorf("scheduled_until", "maintenance ends before it starts: scheduled_until %s is not after scheduled_for %s", mm.ScheduledUntil.Raw, mm.ScheduledFor.Raw))
	}
	checkComponents(doc, "components", m.Components, cfg, &p)
	for k, um := range mm.Updates {
		key := fmt.Sprintf("updates.%d", k)
		var prev Timestamp
		if k > 0 {
			prev = mm.Updates[k-1].At
		}
		u := MaintenanceUpdate{At: updateTime(doc, key, um.At, prev, loc, &p), Status: um.Status, Body: strings.TrimSpace(um.Body), Line: doc.Line(key)}
		switch {
		case um.Status == "":
			p.Add("", doc.Errorf(key, "update has no status (one of %s)", strings.Join(MaintenanceStatuses, ", ")))
		case maintenanceRank(um.Status) < 0:
			p.Add("", doc.Errorf(key+".status", "unknown maintenance status %q (one of %s)", um.Status, strings.Join(MaintenanceStatuses, ", ")))
		case k > 0 && maintenanceRank(um.Status) < maintenanceRank(mm.Updates[k-1].Status):
			p.Add("", doc.Errorf(key+".status", "maintenance status goes back from %s to %s", mm.Updates[k-1].Status, um.Status))
		}
		m.Updates = append(m.Updates, u)
	}
	if err := p.Err(); err != nil {
		return m, err
	}
	return m, nil
}

// LoadMaintenance reads every maintenance window in dir
// (content/maintenance), newest first (by ScheduledFor, then slug), and
// checks the windows against each other: two overlapping windows on the same
// component must agree on counts_against_availability, since the same
// minutes cannot both count and be excluded. All problems of all files are
// returned together as a *diag.ListError, alongside the windows that parsed.
func LoadMaintenance(dir string, cfg *config.Config) ([]*Maintenance, error) {
	return Loader{}.Maintenance(dir, cfg)
}

// Maintenance is LoadMaintenance through l's cache.
func (l Loader) Maintenance(dir string, cfg *config.Config) ([]*Maintenance, error) {
	var p diag.List
	out, err := parseDir(dir, &p, l.read, func(path string, src []byte) (*Maintenance, error) {
		return l.parseMaintenance(path, src, cfg)
	})
	if err != nil {
		return nil, err
	}
	checkOverlaps(out, &p)
	SortMaintenance(out)
	return out, p.Err()
}

// CheckOverlaps checks windows against each other as LoadMaintenance does
// and returns the problems as a *diag.ListError, or nil.
func CheckOverlaps(ms []*Maintenance) error {
	var p diag.List
	checkOverlaps(ms, &p)
	return p.Err()
}

// checkOverlaps reports overlapping windows on a shared component that
// disagree on counts_against_availability. Windows are swept in start
// order, so the cost follows the number of actual overlaps.
func checkOverlaps(ms []*Maintenance, p *diag.List) {
	byStart := append([]*Maintenance(nil), ms...)
	sort.SliceStable(byStart, func(a, b int) bool {
		if !byStart[a].ScheduledFor.Equal(byStart[b].ScheduledFor) {
			return byStart[a].ScheduledFor.Before(byStart[b].ScheduledFor)
		}
		return byStart[a].Slug < byStart[b].Slug
	})
	for i, a := range byStart {
		for _, b := range byStart[i+1:] {
			if !b.ScheduledFor.Before(a.ScheduledUntil) {
				break
			}
			if a.CountsAgainstAvailability == b.CountsAgainstAvailability {
				continue
			}
			for _, id := range b.Components {
				if a.Affects(id) {
					p.Add("", b.Errorf("counts_against_availability",
						"overlaps %s on component %q but counts_against_availability differs (%t here, %t there): the same minutes cannot both count and be excluded",
						a.Path, id, b.CountsAgainstAvailability, a.CountsAgainstAvailability))
					break
				}
			}
		}
	}
}

// SortMaintenance orders windows newest first: by ScheduledFor, then slug.
func SortMaintenance(ms []*Maintenance) {
	sort.SliceStable(ms, func(a, b int) bool {
		if !ms[a].ScheduledFor.Equal(ms[b].ScheduledFor) {
			return ms[a].ScheduledFor.After(ms[b].ScheduledFor)
		}
		return ms[a].Slug < ms[b].Slug
	})
}

// Exclusions returns the windows that do not count against availability as
// intervals for the availability collector to leave out, oldest first.
func Exclusions(ms []*Maintenance) []config.Interval {
	out := []config.Interval{}
	for _, m := range ms {
		if m.CountsAgainstAvailability {
			continue
		}
		// A window completed early stops being excluded when it completed.
		end := m.ScheduledUntil
		for _, u := range m.Updates {
			if u.Status == MaintenanceCompleted && u.At.After(m.ScheduledFor) && u.At.Before(end) {
				end = u.At
			}
		}
		out = append(out, config.Interval{
			Start:      m.ScheduledFor.UTC(),
			End:        end.UTC(),
			Components: append([]string{}, m.Components...),
			Reason:     "maintenance: " + m.Title,
		})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start.Before(out[b].Start) })
	return out
}

func maintenanceRank(s string) int { return indexOf(MaintenanceStatuses, s) }

// updateTime returns the time at of the timeline entry key in loc, and
// adds to p that it is missing or earlier than prev, the previous entry's
// (zero for the first).
func updateTime(doc *Document, key string, at, prev Timestamp, loc *time.Location, p *diag.List) time.Time {
	if at.IsZero() {
		p.Add("", doc.Errorf(key, "update has no time: add at"))
		return time.Time{}
	}
	t := at.In(loc)
	if !prev.IsZero() && t.Before(prev.In(loc)) {
		p.Add("", doc.Errorf(key+".at", "updates are out of order: %s is before the previous update (%s)", at.Raw, prev.Raw))
	}
	return t
}
