package collect

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// LiveSource evaluates one live rule at the time of a check (the
// Prometheus collector). A component's status is operational when the rule
// found nothing.
type LiveSource interface {
	Live(ctx context.Context, rule config.LiveRule, at time.Time) (snapshot.LiveComponent, error)
}

// LiveOptions configure a live check.
type LiveOptions struct {
	Config  *config.Config
	DataDir string
	// ReportsDir holds the reports: a month whose report is published is
	// frozen, and its snapshot is not written to.
	ReportsDir string
	Source     LiveSource
	// Now is the clock; the check's time is Now truncated to the second.
	Now func() time.Time
	// Logf receives notes (a frozen month not written to, a previous
	// live.json that could not be read); nil discards them.
	Logf func(format string, args ...any)
}

// LiveResult is the outcome of a live check.
type LiveResult struct {
	// Path is the live.json written.
	Path string
	// Live is what was written.
	Live *snapshot.Live
	// Changes are the components whose status or signal changed, with
	// their new state, in config order.
	Changes []snapshot.LiveComponent
	// Months are the month snapshots whose disruptions were written.
	Months []string
}

// Live asks every live rule for its signal now and writes data/live.json:
// each component's automatic state and since when, the ongoing
// disruptions, and the time of the check. A disruption that starts,
// changes or ends is also written into the snapshot of the month it
// started in, unless that month is frozen.
//
// Every rule must answer: if any query fails, nothing is written, the
// previous live.json stays as it was (its age then shows it stale), and
// the error names each failed rule.
func Live(ctx context.Context, opts LiveOptions) (*LiveResult, error) {
	cfg := opts.Config
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if len(cfg.Live.Rules) == 0 {
		return nil, &RequestError{Msg: "no live rules: add [[live.rules]] to config.toml (see docs/status.md)"}
	}
	if opts.Source == nil {
		return nil, &RequestError{Msg: "live checks need [prometheus] url in config.toml"}
	}
	now := opts.Now().UTC().Truncate(time.Second)

	prev, err := snapshot.ReadLive(opts.DataDir)
	if err != nil {
		// Our own file, so start afresh rather than stop every check
		// until someone repairs it; the build reports it meanwhile.
		logf("live: %v; starting from no previous state", err)
		prev = nil
	}

	found, err := evaluate(ctx, cfg, opts.Source, now)
	if err != nil {
		return nil, err
	}
	next, changes := advance(cfg, prev, found, now)
	frozen := func(month string, s *snapshot.Snapshot) (string, error) {
		r, err := (&Collector{opts: Options{Config: cfg, ReportsDir: opts.ReportsDir}}).loadReport(month)
		if err != nil {
			return "", err
		}
		return frozenReason(snapshot.Store{Dir: opts.DataDir}.Path(month), s, r, now), nil
	}
	months, err := recordDisruptions(cfg, opts.DataDir, prev, next, frozen, logf)
	if err != nil {
		return nil, err
	}
	if err := snapshot.WriteLive(opts.DataDir, next); err != nil {
		return nil, fmt.Errorf("write %s: %w", snapshot.LivePath(opts.DataDir), err)
	}
	return &LiveResult{Path: snapshot.LivePath(opts.DataDir), Live: next, Changes: changes, Months: months}, nil
}

// evaluate runs every rule at now and combines them per component, in
// config order: the worst status wins; signals of equal status are joined.
func evaluate(ctx context.Context, cfg *config.Config, src LiveSource, now time.Time) ([]snapshot.LiveComponent, error) {
	results := make([]snapshot.LiveComponent, len(cfg.Live.Rules))
	errs := make([]error, len(cfg.Live.Rules))
	var wg sync.WaitGroup
	sem := make(chan struct{}, DefaultLiveConcurrency)
	for i, r := range cfg.Live.Rules {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = src.Live(ctx, r, now)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("live rule %d (component %s): %w", i+1, r.Component, errs[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []snapshot.LiveComponent
	index := map[string]int{}
	for _, comp := range cfg.Components {
		for i, r := range cfg.Live.Rules {
			if r.Component != comp.ID {
				continue
			}
			got := results[i]
			got.Component = comp.ID
			k, ok := index[comp.ID]
			if !ok {
				index[comp.ID] = len(out)
				out = append(out, got)
				continue
			}
			cur := &out[k]
			switch {
			case rank(got.Status) > rank(cur.Status):
				*cur = got
			case rank(got.Status) == rank(cur.Status) && got.Status != config.LiveOperational:
				if got.Signal != "" && !strings.Contains(cur.Signal, got.Signal) {
					cur.Signal += "; " + got.Signal
				}
				if !got.Since.IsZero() && (cur.Since.IsZero() || got.Since.Before(cur.Since)) {
					cur.Since = got.Since
				}
			}
		}
	}
	return out, nil
}

// DefaultLiveConcurrency is how many live queries run at once.
const DefaultLiveConcurrency = 4

// advance computes the new live state from the previous one and what the
// check found at now.
func advance(cfg *config.Config, prev *snapshot.Live, found []snapshot.LiveComponent, now time.Time) (*snapshot.Live, []snapshot.LiveComponent) {
	next := &snapshot.Live{Schema: snapshot.LiveVersion, LastCheck: now}
	var changes []snapshot.LiveComponent
	for _, f := range found {
		p, had := prev.Component(f.Component)
		switch {
		case had && p.Status == f.Status:
			// Same state: it has lasted since the check that entered it,
			// which took an alert's activation if it could. Moving it
			// earlier now would undo that check's judgment: an alert
			// that was pending before the component last recovered
			// would date the state before the recovery (and before its
			// disruption), silently, as no change is reported.
			f.Since = p.Since
			if p.Signal != f.Signal {
				changes = append(changes, f)
			}
		default:
			if f.Since.IsZero() || f.Status == config.LiveOperational || had && f.Since.Before(p.Since) {
				// A recovery dates from this check; an alert active since
				// before the previous state began was not firing then.
				f.Since = now
			}
			changes = append(changes, f)
		}
		next.Components = append(next.Components, f)
	}
	// A component whose rules were removed is no longer checked.
	if prev != nil {
		for _, p := range prev.Components {
			if _, ok := componentIn(next.Components, p.Component); !ok && p.Status != config.LiveOperational {
				changes = append(changes, snapshot.LiveComponent{Component: p.Component, Status: config.LiveOperational, Since: now})
			}
		}
	}
	next.Disruptions = disruptions(prev, next.Components, now)

	next.CheckedAt = now
	if prev != nil && len(changes) == 0 && sameDisruptions(prev.Disruptions, next.Disruptions) && now.Sub(prev.CheckedAt) < cfg.Live.HeartbeatDuration && !prev.CheckedAt.After(now) {
		next.CheckedAt = prev.CheckedAt
	}
	return next, changes
}

func componentIn(list []snapshot.LiveComponent, id string) (snapshot.LiveComponent, bool) {
	for _, c := range list {
		if c.Component == id {
			return c, true
		}
	}
	return snapshot.LiveComponent{}, false
}

// disruptions carries the ongoing disruption forward. There is at most one
// at a time: a component that fails while another is failing joins its
// disruption, which ends when the last of them recovers.
func disruptions(prev *snapshot.Live, comps []snapshot.LiveComponent, now time.Time) []snapshot.Disruption {
	var cur *snapshot.Disruption
	if prev != nil {
		for i := range prev.Disruptions {
			if prev.Disruptions[i].Ongoing() {
				d := cloneDisruption(prev.Disruptions[i])
				cur = &d
				break
			}
		}
	}
	var failing []snapshot.LiveComponent
	for _, c := range comps {
		if c.Status != config.LiveOperational {
			failing = append(failing, c)
		}
	}
	if cur == nil && len(failing) == 0 {
		return nil
	}
	if cur == nil {
		start := failing[0].Since
		first := failing[0].Component
		for _, f := range failing[1:] {
			if f.Since.Before(start) {
				start, first = f.Since, f.Component
			}
		}
		cur = &snapshot.Disruption{ID: snapshot.DisruptionID(start, first), Start: start}
	}
	open := map[string]int{}
	for i, dc := range cur.Components {
		if dc.End.IsZero() {
			open[dc.Component] = i
		}
	}
	for _, f := range failing {
		if i, ok := open[f.Component]; ok {
			dc := &cur.Components[i]
			// The part keeps its worst status and the signal that said it.
			if rank(f.Status) >= rank(dc.Status) {
				dc.Status = f.Status
				dc.Signal = f.Signal
			}
			delete(open, f.Component)
			continue
		}
		start := f.Since
		if start.Before(cur.Start) {
			start = cur.Start
		}
		cur.Components = append(cur.Components, snapshot.DisruptionComponent{Component: f.Component, Status: f.Status, Start: start, Signal: f.Signal})
	}
	for _, i := range open { // open before, operational (or unchecked) now
		cur.Components[i].End = now
	}
	cur.Status = ""
	ended := true
	for _, dc := range cur.Components {
		if rank(dc.Status) > rank(cur.Status) {
			cur.Status = dc.Status
		}
		if dc.End.IsZero() {
			ended = false
		}
	}
	if ended {
		cur.End = now
	}
	sort.SliceStable(cur.Components, func(i, j int) bool { return cur.Components[i].Start.Before(cur.Components[j].Start) })
	return []snapshot.Disruption{*cur}
}

func cloneDisruption(d snapshot.Disruption) snapshot.Disruption {
	d.Components = append([]snapshot.DisruptionComponent(nil), d.Components...)
	return d
}

func sameDisruptions(a, b []snapshot.Disruption) bool {
	return sameJSON(a, b)
}

// recordDisruptions writes each disruption that started, changed or ended
// at this check into the snapshot of the month it started in (in the
// site's zone). Ended ones leave live.json here: from now on the month
// snapshot alone keeps them.
func recordDisruptions(cfg *config.Config, dataDir string, prev, next *snapshot.Live, frozen func(string, *snapshot.Snapshot) (string, error), logf func(string, ...any)) ([]string, error) {
	var changed []snapshot.Disruption
	for _, d := range next.Disruptions {
		var old *snapshot.Disruption
		if prev != nil {
			for i := range prev.Disruptions {
				if prev.Disruptions[i].ID == d.ID {
					old = &prev.Disruptions[i]
				}
			}
		}
		if old == nil || !sameJSON(*old, d) {
			changed = append(changed, d)
		}
	}
	kept := next.Disruptions[:0]
	for _, d := range next.Disruptions {
		if d.Ongoing() {
			kept = append(kept, d)
		}
	}
	next.Disruptions = kept
	if len(changed) == 0 {
		return nil, nil
	}
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	store := snapshot.Store{Dir: dataDir}
	var months []string
	for _, d := range changed {
		month := d.Start.In(loc).Format("2006-01")
		s, err := store.Load(month)
		if err != nil {
			return nil, err
		}
		if s == nil {
			s = snapshot.New(month)
		}
		why, err := frozen(month, s)
		if err != nil {
			return nil, err
		}
		if why != "" {
			logf("live: %s is frozen (%s); disruption %s is not recorded in it", store.Path(month), why, d.ID)
			continue
		}
		s.PutDisruption(d)
		if err := snapshot.Write(store.Path(month), s); err != nil {
			return nil, fmt.Errorf("write %s: %w", store.Path(month), err)
		}
		months = append(months, month)
	}
	return months, nil
}

func rank(status string) int {
	for i, s := range config.LiveStatuses {
		if s == status {
			return i + 1
		}
	}
	return 0
}
