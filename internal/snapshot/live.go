package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// LiveFile is the name of the live status file in the data directory.
const LiveFile = "live.json"

// LiveVersion is the schema version of data/live.json.
const LiveVersion = 1

// Live is data/live.json: what the automatic checks found at their last
// check. Unlike a month snapshot it is rewritten while the month runs; the
// disruptions it detects are also kept, for good, in the snapshot of the
// month each started in (Snapshot.Disruptions).
type Live struct {
	Schema int `json:"schema"`
	// CheckedAt is the check the pages show ("Checked 03:12"): the last one
	// that changed a state, or the last one once the previous is older
	// than the heartbeat (config.Live.Heartbeat), so that a quiet minute
	// leaves the file and the published pages unchanged.
	CheckedAt time.Time `json:"checked_at"`
	// LastCheck is the latest successful check, whether or not it changed
	// anything; it feeds the cycle's metrics, not the pages.
	LastCheck time.Time `json:"last_check"`
	// Components are the components with live rules, in config order.
	Components []LiveComponent `json:"components"`
	// Disruptions are the ongoing disruptions (End zero), oldest first.
	Disruptions []Disruption `json:"disruptions"`
}

// LiveComponent is one component's automatic state.
type LiveComponent struct {
	Component string `json:"component"`
	// Status is operational, degraded_performance, partial_outage or
	// major_outage.
	Status string `json:"status"`
	// Since is when the component entered Status (as far as the checks
	// can tell: a firing alert's activation, else the first check that
	// found it).
	Since time.Time `json:"since"`
	// Signal says what was detected ("API probes failing"); "" while
	// operational.
	Signal string `json:"signal"`
}

// Disruption is a period in which automatic checks found one or more
// components not operational: it starts when the first of them failed and
// ends when the last recovered.
type Disruption struct {
	// ID is stable for the disruption's life: its start and first
	// component, "20261202T021000Z-api".
	ID    string    `json:"id"`
	Start time.Time `json:"start"`
	// End is zero while the disruption goes on.
	End time.Time `json:"end,omitzero"`
	// Status is the worst status any component reached.
	Status     string                `json:"status"`
	Components []DisruptionComponent `json:"components"`
}

// DisruptionComponent is one component's part of a disruption.
type DisruptionComponent struct {
	Component string    `json:"component"`
	Status    string    `json:"status"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end,omitzero"`
	Signal    string    `json:"signal"`
}

// Ongoing reports whether the disruption has not ended.
func (d Disruption) Ongoing() bool { return d.End.IsZero() }

// EndOr returns End, or t while the disruption goes on.
func (d Disruption) EndOr(t time.Time) time.Time {
	if d.End.IsZero() {
		return t
	}
	return d.End
}

// DisruptionID is the id of a disruption starting at start with component.
func DisruptionID(start time.Time, component string) string {
	return start.UTC().Format("20060102T150405Z") + "-" + component
}

// Component returns the live state of component id.
func (l *Live) Component(id string) (LiveComponent, bool) {
	if l == nil {
		return LiveComponent{}, false
	}
	for _, c := range l.Components {
		if c.Component == id {
			return c, true
		}
	}
	return LiveComponent{}, false
}

func (l *Live) normalize() {
	if l.Components == nil {
		l.Components = []LiveComponent{}
	}
	if l.Disruptions == nil {
		l.Disruptions = []Disruption{}
	}
	for i := range l.Disruptions {
		normalizeDisruption(&l.Disruptions[i])
	}
	sortDisruptions(l.Disruptions)
}

func normalizeDisruption(d *Disruption) {
	if d.Components == nil {
		d.Components = []DisruptionComponent{}
	}
}

func sortDisruptions(ds []Disruption) {
	sort.SliceStable(ds, func(i, j int) bool {
		if !ds[i].Start.Equal(ds[j].Start) {
			return ds[i].Start.Before(ds[j].Start)
		}
		return ds[i].ID < ds[j].ID
	})
}

// Encode returns the canonical JSON of l, indented, ending in a newline.
func (l *Live) Encode() ([]byte, error) {
	l.Schema = LiveVersion
	l.normalize()
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// DecodeLive decodes data/live.json; path is used in messages. As for
// month snapshots, unknown fields and schemas are errors.
func DecodeLive(path string, b []byte) (*Live, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	l := new(Live)
	if err := dec.Decode(l); err != nil {
		return nil, jsonError(path, b, err)
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		line := 1 + bytes.Count(b[:len(b)-len(rest)], []byte("\n"))
		return nil, fmt.Errorf("%s:%d: unexpected data after the live status", path, line)
	}
	if l.Schema != LiveVersion {
		return nil, fmt.Errorf("%s: schema %d is not supported (this bulletin reads live status schema %d)", path, l.Schema, LiveVersion)
	}
	if l.CheckedAt.IsZero() {
		return nil, fmt.Errorf("%s: checked_at is missing", path)
	}
	for _, c := range l.Components {
		if c.Component == "" {
			return nil, fmt.Errorf("%s: a component entry has no component", path)
		}
		if !liveStatus(c.Status) {
			return nil, fmt.Errorf("%s: component %q: unknown status %q", path, c.Component, c.Status)
		}
	}
	l.normalize()
	return l, nil
}

func liveStatus(s string) bool {
	switch s {
	case "operational", "degraded_performance", "partial_outage", "major_outage":
		return true
	}
	return false
}

// LivePath is the path of the live status file of data directory dir.
func LivePath(dir string) string { return filepath.Join(dir, LiveFile) }

// ReadLive reads the live status of data directory dir; (nil, nil) when
// there is none, as on a site without live rules.
func ReadLive(dir string) (*Live, error) {
	path := LivePath(dir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return DecodeLive(path, b)
}

// WriteLive stores l as dir's live.json atomically.
func WriteLive(dir string, l *Live) error {
	b, err := l.Encode()
	if err != nil {
		return fmt.Errorf("encode live status: %w", err)
	}
	return WriteFileAtomic(LivePath(dir), b, 0o644)
}

// Disruption returns the disruption with id.
func (s *Snapshot) Disruption(id string) (Disruption, bool) {
	for _, d := range s.Disruptions {
		if d.ID == id {
			return d, true
		}
	}
	return Disruption{}, false
}

// PutDisruption adds d, or replaces the disruption with its id.
func (s *Snapshot) PutDisruption(d Disruption) {
	normalizeDisruption(&d)
	for i := range s.Disruptions {
		if s.Disruptions[i].ID == d.ID {
			s.Disruptions[i] = d
			return
		}
	}
	s.Disruptions = append(s.Disruptions, d)
	sortDisruptions(s.Disruptions)
}

// Months returns the months ("YYYY-MM" in loc) that [start, end) touches.
func Months(start, end time.Time, loc *time.Location) []string {
	var out []string
	m := start.In(loc).Format("2006-01")
	last := end.In(loc).Format("2006-01")
	if end.Before(start) {
		last = m
	}
	for {
		out = append(out, m)
		if strings.Compare(m, last) >= 0 {
			return out
		}
		m = NextMonth(m)
	}
}
