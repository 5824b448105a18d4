package status

import (
	"sort"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Live is the state of the automatic checks as the page shows it.
type Live struct {
	// CheckedAt is the check the page reports ("Checked 03:12").
	CheckedAt time.Time
	// Stale is true when CheckedAt is older than config's live.stale_after
	// at the page's time: the checks have stopped, and the page must not
	// imply all is well. The last known states still apply.
	Stale      bool
	StaleAfter time.Duration
}

// LiveSignal is a component's automatic status.
type LiveSignal struct {
	// Status is what the checks found: operational or a live status.
	Status string
	// Since is when the component entered Status.
	Since  time.Time
	Signal string
	// Silence is on-call's word holding at the page's time, if any: while
	// it holds, its status counts instead of Status.
	Silence *content.Silence
}

// Effective is the status the signal gives the component.
func (l *LiveSignal) Effective() string {
	if l.Silence != nil {
		return l.Silence.Status
	}
	return l.Status
}

// Detected reports whether the signal, unsilenced, finds a problem.
func (l *LiveSignal) Detected() bool {
	return l != nil && l.Silence == nil && l.Status != content.Operational
}

// ApplyLive adds the automatic checks to a computed page: each visible
// component with live rules gets its LiveSignal, and its status becomes the
// worst of what incidents and maintenance give it and what the signal
// gives (the signal's, or an active silence's). Sections, the overall
// indicator and UpdatedAt follow. A nil live (no data/live.json) leaves the
// page as Compute made it.
//
// Disruptions of the month snapshots and the ongoing ones of live mark the
// daily bars they touched, as incidents do: a day with a detected major
// outage is major, with a partial outage or degraded performance minor.
func ApplyLive(p *Page, cfg *config.Config, live *snapshot.Live, silences []*content.Silence, snapshots map[string]*snapshot.Snapshot) {
	if live == nil {
		return
	}
	p.Live = &Live{
		CheckedAt:  live.CheckedAt.In(p.Location),
		StaleAfter: cfg.Live.StaleAfterDuration,
	}
	if p.Live.StaleAfter > 0 && p.At.Sub(live.CheckedAt) > p.Live.StaleAfter {
		p.Live.Stale = true
	}
	for _, c := range p.Components {
		lc, ok := live.Component(c.ID)
		if !ok || len(cfg.LiveRules(c.ID)) == 0 {
			continue
		}
		sig := &LiveSignal{Status: lc.Status, Since: lc.Since.In(p.Location), Signal: lc.Signal}
		if s, ok := content.ActiveSilence(silences, c.ID, p.At); ok {
			sig.Silence = s
		}
		c.Live = sig
		c.Status = worse(c.Status, sig.Effective())
		if sig.Effective() != content.Operational {
			c.UpdatedAt = later(c.UpdatedAt, sig.Since)
			p.note(sig.Since)
		}
		if sig.Detected() {
			p.Detected = append(p.Detected, c)
		}
	}
	for _, s := range p.Sections {
		s.Status = content.Operational
		for _, c := range s.Components {
			s.Status = worse(s.Status, c.Status)
		}
	}
	p.Overall = overall(p.Components, p.Active, p.InProgress)

	p.Disruptions = unsilenced(Disruptions(live, snapshots, p.At), silences, p.At)
	for _, d := range p.Disruptions {
		if !d.End.IsZero() && !d.End.After(p.At) {
			p.note(d.End)
		}
		for _, dc := range d.Components {
			c, ok := p.Component(dc.Component)
			if !ok {
				continue
			}
			raiseDetected(c.Bars, dc, cfg.PercentPrecision, p.At)
			// The component changed when the disruption began and when it
			// ended, as Statuspage's updated_at says: a recovery does not
			// take it back to its last incident's time.
			for _, t := range []time.Time{dc.Start, dc.End} {
				if !t.IsZero() && !t.After(p.At) {
					c.UpdatedAt = later(c.UpdatedAt, t.In(p.Location))
				}
			}
		}
	}
}

// raiseDetected adds a detected disruption's part to the bars of the days
// it touched: it raises their level where the measurements leave room
// (DayLevel) and is named in their tooltips.
func raiseDetected(bars []Bar, dc snapshot.DisruptionComponent, precision int, at time.Time) {
	end := dc.End
	if end.IsZero() || end.After(at) {
		end = at
	}
	level := StatusLevel(dc.Status)
	if level == "" {
		level = LevelMinor
	}
	for i := range bars {
		b := &bars[i]
		if !overlaps(dc.Start, end, b.Start, b.End) {
			continue
		}
		b.facts.Raised = worseLevel(b.facts.Raised, level)
		b.Level = DayLevel(b.facts)
		b.Detected = append(b.Detected, dc)
		b.Tooltip = tooltip(*b, precision, at)
	}
}

// Disruptions lists the disruptions the checks detected up to at, newest
// first: those kept in the month snapshots and the ongoing ones of live
// (which win over a snapshot's copy of the same disruption).
func Disruptions(live *snapshot.Live, snapshots map[string]*snapshot.Snapshot, at time.Time) []snapshot.Disruption {
	byID := map[string]snapshot.Disruption{}
	for _, s := range snapshots {
		if s == nil {
			continue
		}
		for _, d := range s.Disruptions {
			byID[d.ID] = d
		}
	}
	if live != nil {
		for _, d := range live.Disruptions {
			byID[d.ID] = d
		}
	}
	out := make([]snapshot.Disruption, 0, len(byID))
	for _, d := range byID {
		if d.Start.After(at) {
			continue
		}
		out = append(out, d)
	}
	sortNewestFirst(out)
	return out
}

func sortNewestFirst(ds []snapshot.Disruption) {
	sort.SliceStable(ds, func(i, j int) bool {
		if !ds[i].Start.Equal(ds[j].Start) {
			return ds[i].Start.After(ds[j].Start)
		}
		return ds[i].ID > ds[j].ID
	})
}

// unsilenced leaves out of ds each component's part that a silence
// overlapped and outlasted (on-call said the signal was false or noisy),
// and the disruptions left with no part. A part still going on when its
// silence expired is kept: the signal outlived on-call's word.
func unsilenced(ds []snapshot.Disruption, silences []*content.Silence, at time.Time) []snapshot.Disruption {
	if len(silences) == 0 {
		return ds
	}
	out := ds[:0]
	for _, d := range ds {
		var keep []snapshot.DisruptionComponent
		for _, dc := range d.Components {
			if !silencedPart(dc, silences, at) {
				keep = append(keep, dc)
			}
		}
		if len(keep) == 0 {
			continue
		}
		if len(keep) < len(d.Components) {
			d.Components = keep
			d.Status = ""
			for _, dc := range keep {
				d.Status = worse(d.Status, dc.Status)
			}
		}
		out = append(out, d)
	}
	return out
}

func silencedPart(dc snapshot.DisruptionComponent, silences []*content.Silence, at time.Time) bool {
	end := dc.End
	if end.IsZero() || end.After(at) {
		end = at
	}
	for _, s := range silences {
		if s.Component == dc.Component && s.Start.Before(end) && !s.Until.Before(end) {
			return true
		}
	}
	return false
}
