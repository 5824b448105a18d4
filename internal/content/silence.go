package content

import (
	"sort"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/diag"
)

// Silence is on-call's word over a component's automatic status, read from
// content/silences/<slug>.md: from Start until Until the live signal of
// Component is not shown as its status; Status (operational unless given)
// and Reason are shown instead. It changes nothing that a person wrote:
// incidents and maintenance still set the component's status.
type Silence struct {
	*Document
	Slug      string
	Component string
	// Status is what on-call says the component's status is while the
	// signal is silenced: operational, or a live status.
	Status string
	Reason string
	// Author is who silenced it (optional).
	Author string
	// Start and Until bound the silence, in the site's zone.
	Start, Until time.Time
}

// ActiveAt reports whether the silence holds at t.
func (s *Silence) ActiveAt(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.Until) }

type silenceMeta struct {
	Component string    `yaml:"component" toml:"component"`
	Status    string    `yaml:"status" toml:"status"`
	Reason    string    `yaml:"reason" toml:"reason"`
	Author    string    `yaml:"author" toml:"author"`
	Start     Timestamp `yaml:"start" toml:"start"`
	Until     Timestamp `yaml:"until" toml:"until"`
}

// ParseSilence decodes and validates one silence file.
func ParseSilence(path string, src []byte, cfg *config.Config) (*Silence, error) {
	var m silenceMeta
	doc, err := Decode(path, src, &m)
	if err != nil {
		return nil, err
	}
	loc := location(cfg)
	s := &Silence{
		Document:  doc,
		Slug:      slugOf(path),
		Component: strings.TrimSpace(m.Component),
		Status:    strings.TrimSpace(m.Status),
		Reason:    strings.TrimSpace(m.Reason),
		Author:    strings.TrimSpace(m.Author),
		Start:     m.Start.In(loc),
		Until:     m.Until.In(loc),
	}
	var p diag.List
	checkSlug(doc, s.Slug, &p)
	switch {
	case s.Component == "":
		p.Add("", doc.Errorf("component", "component is required (the component whose automatic status is silenced)"))
	default:
		if _, ok := cfg.Component(s.Component); !ok {
			p.Add("", doc.Errorf("component", "unknown component %q", s.Component))
		} else if len(cfg.LiveRules(s.Component)) == 0 {
			p.Add("", doc.Errorf("component", "component %q has no live rules in config.toml: there is no automatic status to silence", s.Component))
		}
	}
	if s.Status == "" {
		s.Status = Operational
	} else if s.Status != Operational && !validLive(s.Status) {
		p.Add("", doc.Errorf("status", "status %q must be operational, %s", s.Status, strings.Join(config.LiveStatuses, ", ")))
	}
	if s.Reason == "" {
		p.Add("", doc.Errorf("reason", "reason is required: readers see it in place of the automatic status"))
	}
	if m.Start.IsZero() {
		p.Add("", doc.Errorf("start", "start is required (e.g. 2026-12-02T03:20:00Z)"))
	}
	if m.Until.IsZero() {
		p.Add("", doc.Errorf("until", "until is required: a silence must expire"))
	} else if !m.Start.IsZero() && !s.Until.After(s.Start) {
		p.Add("", doc.Errorf("until", "until %s is not after start %s", m.Until.Raw, m.Start.Raw))
	}
	if err := p.Err(); err != nil {
		return s, err
	}
	return s, nil
}

func validLive(s string) bool {
	for _, v := range config.LiveStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// LoadSilences reads every silence in dir (content/silences), newest
// first. A missing directory holds none. All problems are returned together
// as a *diag.ListError, alongside the silences that parsed.
func LoadSilences(dir string, cfg *config.Config) ([]*Silence, error) {
	var p diag.List
	out, err := parseDir(dir, &p, readContent, func(path string, src []byte) (*Silence, error) {
		return ParseSilence(path, src, cfg)
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(a, b int) bool {
		if !out[a].Start.Equal(out[b].Start) {
			return out[a].Start.After(out[b].Start)
		}
		return out[a].Slug < out[b].Slug
	})
	return out, p.Err()
}

// ActiveSilence returns the silence of component id holding at t, the
// latest started when several do.
func ActiveSilence(silences []*Silence, id string, t time.Time) (*Silence, bool) {
	for _, s := range silences { // newest first
		if s.Component == id && s.ActiveAt(t) {
			return s, true
		}
	}
	return nil, false
}
