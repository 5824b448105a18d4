package content

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
)

// Incident impacts, from least to most severe (Statuspage's values).
const (
	ImpactNone     = "none"
	ImpactMinor    = "minor"
	ImpactMajor    = "major"
	ImpactCritical = "critical"
)

// Impacts lists the valid impacts, least severe first.
var Impacts = []string{ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical}

// Incident statuses, in the order an incident usually moves through them.
const (
	StatusInvestigating = "investigating"
	StatusIdentified    = "identified"
	StatusMonitoring    = "monitoring"
	StatusResolved      = "resolved"
	StatusPostmortem    = "postmortem"
)

// IncidentStatuses lists the valid incident update statuses.
var IncidentStatuses = []string{StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved, StatusPostmortem}

// Component statuses (Statuspage's values).
const (
	Operational         = "operational"
	DegradedPerformance = "degraded_performance"
	PartialOutage       = "partial_outage"
	MajorOutage         = "major_outage"
	UnderMaintenance    = "under_maintenance"
)

// ComponentStatuses lists the valid component statuses, least severe first
// (the order of ComponentStatusRank).
var ComponentStatuses = []string{Operational, UnderMaintenance, DegradedPerformance, PartialOutage, MajorOutage}

// ComponentStatusRank orders component statuses by severity: operational 0,
// under_maintenance 1, degraded_performance 2, partial_outage 3,
// major_outage 4; -1 for an unknown status. Planned work ranks below any
// unplanned degradation so that an incident during a maintenance window
// still shows.
func ComponentStatusRank(s string) int {
	for i, v := range ComponentStatuses {
		if v == s {
			return i
		}
	}
	return -1
}

// ImpactRank orders impacts: none 0 … critical 3; -1 for an unknown impact.
func ImpactRank(s string) int { return indexOf(Impacts, s) }

// DefaultComponentStatus is the status an affected component takes when an
// incident of the given impact does not say otherwise: none leaves it
// operational, minor degrades it, major is a partial outage, critical a
// major outage.
func DefaultComponentStatus(impact string) string {
	switch impact {
	case ImpactMinor:
		return DegradedPerformance
	case ImpactMajor:
		return PartialOutage
	case ImpactCritical:
		return MajorOutage
	}
	return Operational
}

// ValidSlug reports whether s may name an incident or maintenance window:
// whether it matches ^[a-z0-9][a-z0-9-]*$. The rules are shared since both
// are published under /incidents/<slug>/ (as Statuspage does). It tests
// without a regexp, which would cost a load of thousands of cached
// incidents more than the rest of their validation.
func ValidSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return s != ""
}

// ComponentChange is a component's new status as set by an update.
type ComponentChange struct {
	Component string
	Status    string
}

// IncidentUpdate is one entry of an incident's timeline.
type IncidentUpdate struct {
	At     time.Time
	Status string
	// Body is the update's markdown.
	Body string
	// Components are the statuses set by this update, sorted by component id.
	Components []ComponentChange
	// Line is the file line of the update.
	Line int
}

// Incident is an unplanned disruption, read from content/incidents/<slug>.md.
// The embedded Document's Body is the write-up or post-mortem (markdown).
type Incident struct {
	*Document
	// Slug is the file name without .md; the incident's page is
	// /incidents/<slug>/.
	Slug   string
	Title  string
	Impact string
	// Started is when the disruption began; Resolved when it ended (zero
	// while unresolved). Both in the site's zone.
	Started  time.Time
	Resolved time.Time
	// Components lists the affected component ids as written.
	Components []string
	// Updates is the timeline, oldest first (the file's order).
	Updates []IncidentUpdate
	// CausedBy names the release that caused the incident, from the
	// optional caused_by: "<track> <release>"; zero when not given.
	CausedBy Cause
}

// Cause is the release an incident names as its cause: a configured
// track id and a release of it, matched against a deployment's name, ref
// or commit (a prefix of at least 7 characters).
type Cause struct {
	Track   string
	Release string
}

// IsZero reports whether no cause was given.
func (c Cause) IsZero() bool { return c.Track == "" }

// FutureSlack is how far ahead of the clock an incident's times may be:
// the clocks of an on-call laptop and a build machine differ by seconds,
// not by this.
const FutureSlack = 5 * time.Minute

// CheckTimes returns a problem for each time of the incident later than
// now by more than FutureSlack: an incident or update dated ahead is shown
// nowhere until then, and every update written before it is refused as
// out of order.
func (i *Incident) CheckTimes(now time.Time) error {
	var p diag.List
	limit := now.Add(FutureSlack)
	ahead := func(key, what string, t time.Time) {
		if t.After(limit) {
			p.Add("", i.Errorf(key, "%s %s is in the future (now is %s)", what, t.Format(time.RFC3339), now.In(t.Location()).Format(time.RFC3339)))
		}
	}
	ahead("started", "started", i.Started)
	ahead("resolved", "resolved", i.Resolved)
	for k, u := range i.Updates {
		ahead("updates."+strconv.Itoa(k)+".at", "update at", u.At)
	}
	return p.Err()
}

// IsResolved reports whether the incident has ended.
func (i *Incident) IsResolved() bool { return !i.Resolved.IsZero() }

// Status returns the status of the latest update.
func (i *Incident) Status() string {
	if len(i.Updates) == 0 {
		return StatusInvestigating
	}
	return i.Updates[len(i.Updates)-1].Status
}

// LatestUpdate returns the latest update at or before t, and false when
// there is none yet.
func (i *Incident) LatestUpdate(t time.Time) (IncidentUpdate, bool) {
	for k := len(i.Updates) - 1; k >= 0; k-- {
		if !i.Updates[k].At.After(t) {
			return i.Updates[k], true
		}
	}
	return IncidentUpdate{}, false
}

// StatusAt returns the incident's status at t: that of the latest update at
// or before t ("" before the incident started).
func (i *Incident) StatusAt(t time.Time) string {
	if i.Started.After(t) {
		return ""
	}
	if u, ok := i.LatestUpdate(t); ok {
		return u.Status
	}
	return StatusInvestigating
}

// ActiveAt reports whether the incident had started and was not resolved at t.
func (i *Incident) ActiveAt(t time.Time) bool {
	return !i.Started.After(t) && (i.Resolved.IsZero() || t.Before(i.Resolved))
}

// UpdatedAt returns the time of the last event of the incident: its last
// update, or its resolution, or its start.
func (i *Incident) UpdatedAt() time.Time {
	t := i.Started
	if n := len(i.Updates); n > 0 && i.Updates[n-1].At.After(t) {
		t = i.Updates[n-1].At
	}
	if i.Resolved.After(t) {
		t = i.Resolved
	}
	return t
}

// Duration returns how long the incident lasted, or 0 while unresolved.
func (i *Incident) Duration() time.Duration {
	if i.Resolved.IsZero() {
		return 0
	}
	return i.Resolved.Sub(i.Started)
}

// Affects reports whether the incident lists component id.
func (i *Incident) Affects(id string) bool { return indexOf(i.Components, id) >= 0 }

// ComponentStatusAt returns the status component id had through this
// incident at t: the status set by the latest update at or before t that
// names it, or DefaultComponentStatus(Impact) when no update named it yet.
// ok is false when the incident does not affect the component or is not
// active at t.
func (i *Incident) ComponentStatusAt(id string, t time.Time) (status string, ok bool) {
	if !i.Affects(id) || !i.ActiveAt(t) {
		return "", false
	}
	status = DefaultComponentStatus(i.Impact)
	for _, u := range i.Updates {
		if u.At.After(t) {
			break
		}
		for _, c := range u.Components {
			if c.Component == id {
				status = c.Status
			}
		}
	}
	return status, true
}

// incidentMeta is the front matter of an incident as written.
type incidentMeta struct {
	Title      string       `yaml:"title" toml:"title"`
	Impact     string       `yaml:"impact" toml:"impact"`
	Started    Timestamp    `yaml:"started" toml:"started"`
	Resolved   Timestamp    `yaml:"resolved" toml:"resolved"`
	Components []string     `yaml:"components" toml:"components"`
	Updates    []updateMeta `yaml:"updates" toml:"updates"`
	CausedBy   string       `yaml:"caused_by" toml:"caused_by"`
}

type updateMeta struct {
	At         Timestamp         `yaml:"at" toml:"at"`
	Status     string            `yaml:"status" toml:"status"`
	Body       string            `yaml:"body" toml:"body"`
	Components map[string]string `yaml:"components" toml:"components"`
}

// ParseIncident decodes and validates one incident file against the
// site's components and zone. It returns the incident (possibly partial)
// alongside a *diag.ListError of every problem.
func ParseIncident(path string, src []byte, cfg *config.Config) (*Incident, error) {
	return Loader{}.parseIncident(path, src, cfg)
}

// newIncident validates the front matter m of doc against cfg and makes
// the incident of it. It depends on nothing but its arguments: the
// Loader's cache holds doc and m, never an incident, so validation (the
// zone, the components of the config) runs on every load.
func newIncident(doc *Document, m *incidentMeta, cfg *config.Config) (*Incident, error) {
	path := doc.Path
	loc := location(cfg)
	inc := &Incident{
		Document:   doc,
		Slug:       slugOf(path),
		Title:      strings.TrimSpace(m.Title),
		Impact:     m.Impact,
		Components: nonNil(m.Components),
	}
	var p diag.List
	checkSlug(doc, inc.Slug, &p)
	if inc.Title == "" {
		p.Add("", doc.Errorf("title", "title is required"))
	}
	switch {
	case m.Impact == "":
		p.Add("", doc.Errorf("impact", "impact is required (one of %s)", strings.Join(Impacts, ", ")))
	case ImpactRank(m.Impact) < 0:
		p.Add("", doc.Errorf("impact", "unknown impact %q (one of %s)", m.Impact, strings.Join(Impacts, ", ")))
	}
	if m.Started.IsZero() {
		p.Add("", doc.Errorf("started", "started is required (when the disruption began, e.g. 2026-10-14T09:12:00Z)"))
	} else {
		inc.Started = m.Started.In(loc)
	}
	inc.Resolved = m.Resolved.In(loc)
	if !inc.Started.IsZero() && inc.IsResolved() && inc.Resolved.Before(inc.Started) {
		p.Add("", doc.Errorf("resolved", "resolved %s is before started %s", m.Resolved.Raw, m.Started.Raw))
	}
	checkComponents(doc, "components", inc.Components, cfg, &p)
	inc.CausedBy = parseCause(doc, m.CausedBy, cfg, &p)

	if len(m.Updates) == 0 {
		p.Add("", doc.Errorf("updates", "incident has no updates: add one with at, status (e.g. investigating) and body"))
	}
	if n := len(m.Updates); n > 0 {
		inc.Updates = make([]IncidentUpdate, 0, n)
	}
	resolvedSeen := false
	for k, um := range m.Updates {
		key := "updates." + strconv.Itoa(k)
		u := IncidentUpdate{Status: um.Status, Body: strings.TrimSpace(um.Body), Line: doc.Line(key)}
		if um.At.IsZero() {
			p.Add("", doc.Errorf(key, "update has no time: add at"))
		} else {
			u.At = um.At.In(loc)
		}
		if !u.At.IsZero() {
			if !inc.Started.IsZero() && u.At.Before(inc.Started) {
				p.Add("", doc.Errorf(key+".at", "update at %s is before the incident started (%s)", um.At.Raw, m.Started.Raw))
			}
			if k > 0 && !m.Updates[k-1].At.IsZero() && u.At.Before(m.Updates[k-1].At.In(loc)) {
				p.Add("", doc.Errorf(key+".at", "updates are out of order: %s is before the previous update (%s)", um.At.Raw, m.Updates[k-1].At.Raw))
			}
			if inc.IsResolved() && u.At.After(inc.Resolved) && u.Status != StatusResolved && u.Status != StatusPostmortem {
				p.Add("", doc.Errorf(key+".status", "update with status %s after the incident was resolved (%s): only resolved or postmortem may follow", u.Status, m.Resolved.Raw))
			}
		}
		switch {
		case um.Status == "":
			p.Add("", doc.Errorf(key, "update has no status (one of %s)", strings.Join(IncidentStatuses, ", ")))
		case indexOf(IncidentStatuses, um.Status) < 0:
			p.Add("", doc.Errorf(key+".status", "unknown incident status %q (one of %s)", um.Status, strings.Join(IncidentStatuses, ", ")))
		case um.Status == StatusPostmortem && !resolvedSeen:
			p.Add("", doc.Errorf(key+".status", "postmortem update before the incident was resolved: add a resolved update first"))
		}
		if um.Status == StatusResolved && !resolvedSeen {
			// The incident ends at its resolution; saying it was resolved
			// and then ending it later would show it open, at its
			// impact, while the timeline says resolved.
			if inc.IsResolved() && !u.At.IsZero() && inc.Resolved.After(u.At) {
				p.Add("", doc.Errorf("resolved", "resolved %s is after the resolved update at %s: set resolved to the time the incident ended, at or before that update", m.Resolved.Raw, um.At.Raw))
			}
		}
		if um.Status == StatusResolved {
			resolvedSeen = true
		}
		var buf [8]string // an update names a few components: no allocation
		for _, id := range sortedKeys(buf[:0], um.Components) {
			st := um.Components[id]
			ckey := key + ".components." + id
			if _, ok := cfg.Component(id); !ok {
				p.Add("", doc.Errorf(ckey, "unknown component %q", id))
			} else if !inc.Affects(id) {
				p.Add("", doc.Errorf(ckey, "update sets the status of component %q, which is not among the incident's components", id))
			}
			if ComponentStatusRank(st) < 0 {
				p.Add("", doc.Errorf(ckey, "unknown component status %q (one of %s)", st, strings.Join(ComponentStatuses, ", ")))
			} else if um.Status == StatusResolved && st != Operational {
				p.Add("", doc.Errorf(ckey, "resolved update leaves component %q in %s: a resolved incident returns its components to operational", id, st))
			}
			u.Components = append(u.Components, ComponentChange{Component: id, Status: st})
		}
		inc.Updates = append(inc.Updates, u)
	}
	if n := len(m.Updates); n > 0 {
		last := m.Updates[n-1].Status
		final := last == StatusResolved || last == StatusPostmortem
		switch {
		case inc.IsResolved() && !final && last != "":
			p.Add("", doc.Errorf("resolved", "resolved is set but the last update's status is %s: add an update with status resolved", last))
		case !inc.IsResolved() && final:
			p.Add("", doc.Errorf(fmt.Sprintf("updates.%d.status", n-1), "the last update's status is %s but resolved is not set: add resolved (the time the incident ended)", last))
		}
	}
	if err := p.Err(); err != nil {
		return inc, err
	}
	return inc, nil
}

// LoadIncidents reads every incident in dir (content/incidents), newest
// first (by start, then slug). All problems of all files are returned
// together as a *diag.ListError, alongside the incidents that parsed. A
// missing directory means no incidents.
func LoadIncidents(dir string, cfg *config.Config) ([]*Incident, error) {
	return Loader{}.Incidents(dir, cfg)
}

// Incidents is LoadIncidents through l's cache.
func (l Loader) Incidents(dir string, cfg *config.Config) ([]*Incident, error) {
	var p diag.List
	out, err := parseDir(dir, &p, l.read, func(path string, src []byte) (*Incident, error) {
		return l.parseIncident(path, src, cfg)
	})
	if err != nil {
		return nil, err
	}
	SortIncidents(out)
	return out, p.Err()
}

// SortIncidents orders incidents newest first: by start time, then slug.
func SortIncidents(incs []*Incident) {
	sort.SliceStable(incs, func(a, b int) bool {
		if !incs[a].Started.Equal(incs[b].Started) {
			return incs[a].Started.After(incs[b].Started)
		}
		return incs[a].Slug < incs[b].Slug
	})
}

// StatusContent is what the status page is built from: every incident and
// maintenance window of a site.
type StatusContent struct {
	Incidents   []*Incident
	Maintenance []*Maintenance
}

// LoadStatusContent loads the incidents and maintenance windows of a site
// and checks what spans both: a slug may name only one of them, since both
// are published under /incidents/<slug>/. All problems are returned in one
// *diag.ListError alongside what parsed.
func LoadStatusContent(incidentsDir, maintenanceDir string, cfg *config.Config) (*StatusContent, error) {
	return Loader{}.StatusContent(incidentsDir, maintenanceDir, cfg)
}

// StatusContent is LoadStatusContent through l's cache.
func (l Loader) StatusContent(incidentsDir, maintenanceDir string, cfg *config.Config) (*StatusContent, error) {
	var p diag.List
	incs, err := l.Incidents(incidentsDir, cfg)
	p.Add(incidentsDir, err)
	ms, err := l.Maintenance(maintenanceDir, cfg)
	p.Add(maintenanceDir, err)
	bySlug := map[string]string{}
	for _, i := range incs {
		bySlug[i.Slug] = i.Path
	}
	kept := ms[:0:0]
	for _, m := range ms {
		if other, ok := bySlug[m.Slug]; ok {
			p.Addf(m.Path, 0, "slug %q is also used by %s: incidents and maintenance share /incidents/<slug>/; rename one file", m.Slug, other)
			continue
		}
		kept = append(kept, m)
	}
	return &StatusContent{Incidents: incs, Maintenance: kept}, p.Err()
}

func checkSlug(doc *Document, slug string, p *diag.List) {
	if !ValidSlug(slug) {
		p.Addf(doc.Path, 0, "file name %q is not a URL-safe slug: use lowercase letters, digits and - (e.g. 2026-10-14-dns-outage.md)", filepath.Base(doc.Path))
	}
}

func checkComponents(doc *Document, key string, ids []string, cfg *config.Config, p *diag.List) {
	for k, id := range ids {
		if _, ok := cfg.Component(id); !ok {
			p.Add("", doc.Errorf(key+"."+strconv.Itoa(k), "unknown component %q", id))
		}
		if slices.Contains(ids[:k], id) {
			p.Add("", doc.Errorf(key+"."+strconv.Itoa(k), "component %q listed twice", id))
		}
	}
}

// parseCause reads caused_by: "<track> <release>", the track one of the
// configured ones.
func parseCause(doc *Document, raw string, cfg *config.Config, p *diag.List) Cause {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Cause{}
	}
	ids := make([]string, len(cfg.Tracks))
	for k, t := range cfg.Tracks {
		ids[k] = t.ID
	}
	track, release, _ := strings.Cut(raw, " ")
	release = strings.TrimSpace(release)
	if !slices.Contains(ids, track) {
		tracks := "none are configured"
		if len(ids) > 0 {
			tracks = "tracks: " + strings.Join(ids, ", ")
		}
		p.Add("", doc.Errorf("caused_by", "unknown track %q in caused_by (%s)", track, tracks))
		return Cause{}
	}
	if release == "" {
		p.Add("", doc.Errorf("caused_by", "caused_by %q names no release: write the track and the release, e.g. caused_by: %s v5.13.0", raw, track))
		return Cause{}
	}
	return Cause{Track: track, Release: release}
}

func slugOf(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".md")
}

func location(cfg *config.Config) *time.Location {
	if cfg.Location != nil {
		return cfg.Location
	}
	return time.UTC
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// sortedKeys returns the keys of m sorted, in buf's storage while it has
// room.
func sortedKeys(buf []string, m map[string]string) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
