// Package api encodes a computed status page as the documents of Atlassian
// Statuspage's public v2 API (summary.json, status.json, components.json,
// incidents.json, incidents/unresolved.json, scheduled-maintenances.json,
// scheduled-maintenances/upcoming.json and
// scheduled-maintenances/active.json), so that tools that read Statuspage
// pages can read ours.
//
// The shapes come from the types in this file, never from internal structs,
// and golden tests pin them: changing a key here changes a public API. Lists
// are [] when empty, never null; fields Statuspage may leave empty are null.
// Ids are derived from slugs and config ids (see ID), so they are stable
// across builds.
package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// Page is the "page" object every document starts with.
type Page struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

// Status is the overall indicator and its description.
type Status struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// Component is a component or (Group true) a group of components.
type Component struct {
	ID                 string  `json:"id"`
	Name               string  `json:"name"`
	Status             string  `json:"status"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
	Position           int     `json:"position"`
	Description        *string `json:"description"`
	Showcase           bool    `json:"showcase"`
	StartDate          *string `json:"start_date"`
	GroupID            *string `json:"group_id"`
	PageID             string  `json:"page_id"`
	Group              bool    `json:"group"`
	OnlyShowIfDegraded bool    `json:"only_show_if_degraded"`
	// Components lists the ids of a group's components; absent otherwise.
	Components []string `json:"components,omitempty"`
}

// AffectedComponent is a component's status change in an update.
type AffectedComponent struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// IncidentUpdate is one entry of an incident's or maintenance's timeline.
type IncidentUpdate struct {
	ID                   string              `json:"id"`
	Status               string              `json:"status"`
	Body                 string              `json:"body"`
	IncidentID           string              `json:"incident_id"`
	CreatedAt            string              `json:"created_at"`
	UpdatedAt            string              `json:"updated_at"`
	DisplayAt            string              `json:"display_at"`
	AffectedComponents   []AffectedComponent `json:"affected_components"`
	DeliverNotifications bool                `json:"deliver_notifications"`
	CustomTweet          *string             `json:"custom_tweet"`
	TweetID              *string             `json:"tweet_id"`
}

// Incident is an incident, or (with the fields of ScheduledMaintenance) a
// maintenance window.
type Incident struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Status          string           `json:"status"`
	CreatedAt       string           `json:"created_at"`
	UpdatedAt       string           `json:"updated_at"`
	MonitoringAt    *string          `json:"monitoring_at"`
	ResolvedAt      *string          `json:"resolved_at"`
	Impact          string           `json:"impact"`
	Shortlink       string           `json:"shortlink"`
	StartedAt       string           `json:"started_at"`
	PageID          string           `json:"page_id"`
	IncidentUpdates []IncidentUpdate `json:"incident_updates"`
	Components      []Component      `json:"components"`
}

// ScheduledMaintenance is a maintenance window.
type ScheduledMaintenance struct {
	Incident
	ScheduledFor   string `json:"scheduled_for"`
	ScheduledUntil string `json:"scheduled_until"`
}

// Summary is summary.json.
type Summary struct {
	Page                  Page                   `json:"page"`
	Components            []Component            `json:"components"`
	Incidents             []Incident             `json:"incidents"`
	ScheduledMaintenances []ScheduledMaintenance `json:"scheduled_maintenances"`
	Status                Status                 `json:"status"`
}

// StatusDoc is status.json.
type StatusDoc struct {
	Page   Page   `json:"page"`
	Status Status `json:"status"`
}

// Components is components.json.
type Components struct {
	Page       Page        `json:"page"`
	Components []Component `json:"components"`
}

// Incidents is incidents.json and incidents/unresolved.json.
type Incidents struct {
	Page      Page       `json:"page"`
	Incidents []Incident `json:"incidents"`
}

// ScheduledMaintenances is scheduled-maintenances.json and its upcoming
// and active variants.
type ScheduledMaintenances struct {
	Page                  Page                   `json:"page"`
	ScheduledMaintenances []ScheduledMaintenance `json:"scheduled_maintenances"`
}

// Limit is the number of incidents (and maintenance windows) in
// incidents.json and scheduled-maintenances.json, as on Statuspage.
const Limit = 50

// Paths of the documents, relative to the status page's directory (a tool
// given https://example.org/status/ reads .../status/api/v2/summary.json).
const (
	PathSummary     = "api/v2/summary.json"
	PathStatus      = "api/v2/status.json"
	PathComponents  = "api/v2/components.json"
	PathIncidents   = "api/v2/incidents.json"
	PathUnresolved  = "api/v2/incidents/unresolved.json"
	PathMaintenance = "api/v2/scheduled-maintenances.json"
	PathUpcoming    = "api/v2/scheduled-maintenances/upcoming.json"
	PathActive      = "api/v2/scheduled-maintenances/active.json"
)

// ID returns the stable Statuspage-style id (12 lowercase base-36
// characters) of an object of kind ("page", "component", "group",
// "incident", "update") with key (a slug, config id or URL). Hashing keeps
// ids of different kinds apart (a group and a component may share a config
// id) and gives them the form Statuspage clients expect.
func ID(kind, key string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + key))
	const mod = 4738381338321616896 // 36^12
	v := binary.BigEndian.Uint64(sum[:8]) % mod
	s := strconv.FormatUint(v, 36)
	return strings.Repeat("0", 12-len(s)) + s
}

// timeLayout is Statuspage's: the page's zone, millisecond precision.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Documents encodes every document of the API for page p. Keys are the
// Path constants; values are indented JSON ending in a newline. The output
// depends only on cfg and p, so it is byte-identical for the same inputs.
func Documents(cfg *config.Config, p *status.Page) (map[string][]byte, error) {
	b := newBuilder(cfg, p)
	comps := b.components()
	var all, unresolved []Incident
	// Only the documents' incidents are encoded, so the cost does not grow
	// with the whole history.
	for i, inc := range p.Incidents {
		active := inc.ActiveAt(p.At)
		if i >= Limit && !active {
			continue
		}
		ai := b.incident(inc)
		if i < Limit {
			all = append(all, ai)
		}
		if active {
			unresolved = append(unresolved, ai)
		}
	}
	var allM, upcoming, active []ScheduledMaintenance
	for i, m := range p.Maintenance {
		if i >= Limit {
			break
		}
		allM = append(allM, b.maintenance(m))
	}
	for _, m := range p.Upcoming {
		upcoming = append(upcoming, b.maintenance(m))
	}
	for _, m := range p.InProgress {
		active = append(active, b.maintenance(m))
	}
	st := Status{Indicator: p.Overall.Indicator, Description: p.Overall.Description}
	docs := map[string]any{
		PathSummary: Summary{
			Page:                  b.page,
			Components:            nonNil(comps),
			Incidents:             nonNil(unresolved),
			ScheduledMaintenances: nonNil(append(append([]ScheduledMaintenance{}, active...), upcoming...)),
			Status:                st,
		},
		PathStatus:      StatusDoc{Page: b.page, Status: st},
		PathComponents:  Components{Page: b.page, Components: nonNil(comps)},
		PathIncidents:   Incidents{Page: b.page, Incidents: nonNil(all)},
		PathUnresolved:  Incidents{Page: b.page, Incidents: nonNil(unresolved)},
		PathMaintenance: ScheduledMaintenances{Page: b.page, ScheduledMaintenances: nonNil(allM)},
		PathUpcoming:    ScheduledMaintenances{Page: b.page, ScheduledMaintenances: nonNil(upcoming)},
		PathActive:      ScheduledMaintenances{Page: b.page, ScheduledMaintenances: nonNil(active)},
	}
	out := make(map[string][]byte, len(docs))
	for path, v := range docs {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("encode %s: %w", path, err)
		}
		out[path] = buf.Bytes()
	}
	return out, nil
}

type builder struct {
	cfg    *config.Config
	p      *status.Page
	loc    *time.Location
	page   Page
	pageID string
	// created is every component's created_at: the earliest event.
	created string
	byID    map[string]Component
}

func newBuilder(cfg *config.Config, p *status.Page) *builder {
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	url := cfg.AbsURL(cfg.Status.Path)
	b := &builder{cfg: cfg, p: p, loc: loc, pageID: ID("page", url), byID: map[string]Component{}}
	b.page = Page{ID: b.pageID, Name: cfg.Title, URL: url, TimeZone: cfg.TimeZone, UpdatedAt: b.stamp(p.UpdatedAt)}
	b.created = b.stamp(p.Since)
	return b
}

// stamp formats t; the zero time (no event yet) is the Unix epoch, since
// Statuspage's non-null timestamps have no "unknown".
func (b *builder) stamp(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.In(b.loc).Format(timeLayout)
}

func (b *builder) nullStamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := b.stamp(t)
	return &s
}

// components lists the groups and components in page order: a group, then
// its components; positions count from 1 among the top-level entries and
// within each group.
func (b *builder) components() []Component {
	var out []Component
	top := 0
	for _, s := range b.p.Sections {
		var groupID *string
		if s.ID != "" {
			top++
			gid := ID("group", s.ID)
			groupID = &gid
			g := Component{
				ID: gid, Name: s.Name, Status: s.Status,
				CreatedAt: b.created, UpdatedAt: b.created, Position: top,
				Description: nullString(s.Description), PageID: b.pageID, Group: true,
				Components: []string{},
			}
			var last time.Time
			for _, c := range s.Components {
				g.Components = append(g.Components, ID("component", c.ID))
				last = later(last, c.UpdatedAt)
			}
			if !last.IsZero() {
				g.UpdatedAt = b.stamp(last)
			}
			out = append(out, g)
		}
		for i, c := range s.Components {
			pos := i + 1
			if s.ID == "" {
				top++
				pos = top
			}
			updated := b.created
			if !c.UpdatedAt.IsZero() {
				updated = b.stamp(c.UpdatedAt)
			}
			ac := Component{
				ID: ID("component", c.ID), Name: c.Name, Status: c.Status,
				CreatedAt: b.created, UpdatedAt: updated, Position: pos,
				Description: nullString(c.Description), Showcase: true,
				GroupID: groupID, PageID: b.pageID,
			}
			b.byID[c.ID] = ac
			out = append(out, ac)
		}
	}
	return out
}

func (b *builder) componentName(id string) string {
	if c, ok := b.byID[id]; ok {
		return c.Name
	}
	if c, ok := b.cfg.Component(id); ok {
		return c.Name
	}
	return id
}

// affected returns the component objects of ids that are on the page.
func (b *builder) affected(ids []string) []Component {
	out := []Component{}
	for _, id := range ids {
		if c, ok := b.byID[id]; ok {
			out = append(out, c)
		}
	}
	return out
}

func (b *builder) shortlink(slug string) string {
	return b.cfg.AbsURL("incidents/" + slug + "/")
}

func (b *builder) incident(inc *content.Incident) Incident {
	now := b.p.At
	id := ID("incident", inc.Slug)
	ai := Incident{
		ID: id, Name: inc.Title, Status: inc.StatusAt(now),
		CreatedAt: b.stamp(inc.Started), Impact: inc.Impact,
		Shortlink: b.shortlink(inc.Slug), StartedAt: b.stamp(inc.Started),
		PageID: b.pageID, IncidentUpdates: []IncidentUpdate{}, Components: b.affected(inc.Components),
	}
	updated := inc.Started
	state := map[string]string{}
	for _, c := range inc.Components {
		state[c] = content.Operational
	}
	var updates []IncidentUpdate
	for k, u := range inc.Updates {
		if u.At.After(now) {
			break
		}
		if k == 0 {
			ai.CreatedAt = b.stamp(u.At)
		}
		if u.Status == content.StatusMonitoring && ai.MonitoringAt == nil {
			ai.MonitoringAt = b.nullStamp(u.At)
		}
		updated = later(updated, u.At)
		next := map[string]string{}
		for c, s := range state {
			next[c] = s
			if k == 0 {
				next[c] = content.DefaultComponentStatus(inc.Impact)
			}
		}
		named := map[string]bool{}
		for _, ch := range u.Components {
			next[ch.Component] = ch.Status
			named[ch.Component] = true
		}
		if u.Status == content.StatusResolved {
			for c := range next {
				next[c] = content.Operational
			}
		}
		aff := []AffectedComponent{}
		for _, c := range inc.Components {
			if next[c] != state[c] || named[c] {
				aff = append(aff, AffectedComponent{Code: ID("component", c), Name: b.componentName(c), OldStatus: state[c], NewStatus: next[c]})
			}
		}
		state = next
		at := b.stamp(u.At)
		updates = append(updates, IncidentUpdate{
			ID: ID("update", inc.Slug+"/"+strconv.Itoa(k)), Status: u.Status, Body: unwrap(u.Body),
			IncidentID: id, CreatedAt: at, UpdatedAt: at, DisplayAt: at,
			AffectedComponents: aff, DeliverNotifications: true,
		})
	}
	if inc.IsResolved() && !inc.Resolved.After(now) {
		ai.ResolvedAt = b.nullStamp(inc.Resolved)
		updated = later(updated, inc.Resolved)
	}
	ai.UpdatedAt = b.stamp(updated)
	for k := len(updates) - 1; k >= 0; k-- { // newest first, as Statuspage
		ai.IncidentUpdates = append(ai.IncidentUpdates, updates[k])
	}
	return ai
}

func (b *builder) maintenance(m *content.Maintenance) ScheduledMaintenance {
	now := b.p.At
	id := ID("incident", m.Slug)
	created := m.ScheduledFor
	if len(m.Updates) > 0 && m.Updates[0].At.Before(created) {
		created = m.Updates[0].At
	}
	am := ScheduledMaintenance{
		Incident: Incident{
			ID: id, Name: m.Title, Status: m.StatusAt(now),
			CreatedAt: b.stamp(created), Impact: "maintenance",
			Shortlink: b.shortlink(m.Slug), StartedAt: b.stamp(m.ScheduledFor),
			PageID: b.pageID, IncidentUpdates: []IncidentUpdate{}, Components: b.affected(m.Components),
			ResolvedAt: b.nullStamp(m.CompletedAt(now)),
		},
		ScheduledFor:   b.stamp(m.ScheduledFor),
		ScheduledUntil: b.stamp(m.ScheduledUntil),
	}
	updated := created
	state := map[string]string{}
	for _, c := range m.Components {
		state[c] = content.Operational
	}
	var updates []IncidentUpdate
	written := 0
	for _, u := range m.Timeline(now) {
		if u.Status == content.MaintenanceVerifying && am.MonitoringAt == nil {
			am.MonitoringAt = b.nullStamp(u.At)
		}
		updated = later(updated, u.At)
		aff := []AffectedComponent{}
		for _, c := range m.Components {
			next := state[c]
			switch u.Status {
			case content.MaintenanceInProgress:
				next = content.UnderMaintenance
			case content.MaintenanceCompleted:
				next = content.Operational
			}
			aff = append(aff, AffectedComponent{Code: ID("component", c), Name: b.componentName(c), OldStatus: state[c], NewStatus: next})
			state[c] = next
		}
		key := m.Slug + "/auto/" + u.Status
		if !u.Automatic {
			key = m.Slug + "/" + strconv.Itoa(written)
			written++
		}
		at := b.stamp(u.At)
		updates = append(updates, IncidentUpdate{
			ID: ID("update", key), Status: u.Status, Body: unwrap(u.Body),
			IncidentID: id, CreatedAt: at, UpdatedAt: at, DisplayAt: at,
			AffectedComponents: aff, DeliverNotifications: true,
		})
	}
	am.UpdatedAt = b.stamp(updated)
	for k := len(updates) - 1; k >= 0; k-- {
		am.IncidentUpdates = append(am.IncidentUpdates, updates[k])
	}
	return am
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// PageObject returns the page object the documents share, for documents
// beside them (announcements.json) that describe the same page.
func PageObject(cfg *config.Config, p *status.Page) Page { return newBuilder(cfg, p).page }

// unwrap joins the lines of each paragraph of a markdown update body, as
// markdown reads them: a YAML block keeps the writer's line breaks, and a
// reader of the API (a chat bot, a Statuspage client) would show them as
// hard breaks. Paragraphs stay apart, and list items keep their lines.
func unwrap(body string) string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(body), "\r\n", "\n"), "\n\n") {
		var b strings.Builder
		for i, line := range strings.Split(para, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if i > 0 && b.Len() > 0 {
				if listItem.MatchString(line) {
					b.WriteString("\n")
				} else {
					b.WriteString(" ")
				}
			}
			b.WriteString(line)
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return strings.Join(out, "\n\n")
}

var listItem = regexp.MustCompile(`^([-*+]|\d+[.)])\s`)
