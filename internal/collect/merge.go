package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// ChangeKind says what a run did to one item's entry in the file.
type ChangeKind string

// Change kinds.
const (
	// Added: the item had no entry and was collected.
	Added ChangeKind = "added"
	// Updated: the item was collected and its figures changed.
	Updated ChangeKind = "updated"
	// Unchanged: the item was collected and its figures are the same.
	Unchanged ChangeKind = "unchanged"
	// Kept: the item failed; its previous entry was kept.
	Kept ChangeKind = "kept"
	// Missing: the item failed and had no previous entry.
	Missing ChangeKind = "missing"
	// Removed: the entry's item is no longer in the config or the report.
	Removed ChangeKind = "removed"
)

// Change is what happened to one item: "issues acme/app: updated".
type Change struct {
	// Section is "issues", "releases", "goals" or "availability".
	Section string
	Item    string
	Kind    ChangeKind
}

func (c Change) String() string { return fmt.Sprintf("%s %s: %s", c.Section, c.Item, c.Kind) }

// merger folds what a source collected into a snapshot.
type merger []interface {
	merge(s *snapshot.Snapshot) []Change
}

func (m merger) merge(s *snapshot.Snapshot) []Change {
	var out []Change
	for _, sec := range m {
		out = append(out, sec.merge(s)...)
	}
	return out
}

// section is one list of a snapshot whose entries are keyed by item.
type section[T any] struct {
	name string
	// keys are the items asked for, in config order.
	keys []string
	// fresh holds the entries collected successfully.
	fresh map[string]T
	list  func(*snapshot.Snapshot) *[]T
	key   func(T) string
	// owns, when set, says which entries of the list belong to the source
	// that runs the merge; the others (another tracker's) are left as they
	// are. An entry whose key the source asks for is its own either way.
	owns func(T) bool
	// rank, when set, orders the merged list (stable); otherwise the
	// source's entries come in key order, before the others.
	rank func(T) int
}

func newSection[T any](name string, list func(*snapshot.Snapshot) *[]T, key func(T) string) *section[T] {
	return &section[T]{name: name, fresh: map[string]T{}, list: list, key: key}
}

// merge replaces the entries of collected items, keeps the entries of
// failed ones and drops entries of items no longer asked for.
func (sec *section[T]) merge(s *snapshot.Snapshot) []Change {
	asked := map[string]bool{}
	for _, k := range sec.keys {
		asked[k] = true
	}
	old := map[string]T{}
	var oldOrder []string
	var others []T
	for _, e := range *sec.list(s) {
		k := sec.key(e)
		if sec.owns != nil && !sec.owns(e) && !asked[k] {
			others = append(others, e)
			continue
		}
		old[k] = e
		oldOrder = append(oldOrder, k)
	}
	var changes []Change
	out := make([]T, 0, len(sec.keys)+len(others))
	for _, k := range sec.keys {
		prev, had := old[k]
		e, ok := sec.fresh[k]
		var kind ChangeKind
		switch {
		case ok && !had:
			kind = Added
		case ok && sameJSON(prev, e):
			kind = Unchanged
		case ok:
			kind = Updated
		case had:
			kind, e = Kept, prev
		default:
			changes = append(changes, Change{Section: sec.name, Item: k, Kind: Missing})
			continue
		}
		out = append(out, e)
		changes = append(changes, Change{Section: sec.name, Item: k, Kind: kind})
	}
	for _, k := range oldOrder {
		if !asked[k] {
			changes = append(changes, Change{Section: sec.name, Item: k, Kind: Removed})
		}
	}
	out = append(out, others...)
	if sec.rank != nil {
		sort.SliceStable(out, func(i, j int) bool { return sec.rank(out[i]) < sec.rank(out[j]) })
	}
	*sec.list(s) = out
	return changes
}

// sameJSON reports whether a and b encode alike, reading an empty list as
// null: a source may return nil where a decoded file holds [].
func sameJSON(a, b any) bool {
	x, err1 := canonical(a)
	y, err2 := canonical(b)
	return err1 == nil && err2 == nil && reflect.DeepEqual(x, y)
}

func canonical(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return dropEmpty(out), nil
}

func dropEmpty(v any) any {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil
		}
		for i := range x {
			x[i] = dropEmpty(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = dropEmpty(x[k])
		}
	}
	return v
}

// prometheusJobs lists every configured component. Figures with less
// coverage than those old holds are refused unless force: a Prometheus
// that lost the month (a new URL, a fresh data directory, retention
// shorter than the month's age) answers without error, and its "no data"
// must not replace what was collected while it had them.
func (c *Collector) prometheusJobs(month string, start, end time.Time, old *snapshot.Snapshot, force bool) ([]job, merger) {
	p := c.opts.Prometheus
	if p == nil {
		return nil, nil
	}
	cfg := c.opts.Config
	avail := newSection("availability",
		func(s *snapshot.Snapshot) *[]snapshot.Availability { return &s.Availability },
		func(a snapshot.Availability) string { return a.Component })
	var jobs []job
	for _, comp := range cfg.Components {
		avail.keys = append(avail.keys, comp.ID)
		exclude := windowsFor(c.opts.Exclude, comp.ID, start, end)
		jobs = append(jobs, job{item: "availability " + comp.ID, fetch: func(ctx context.Context) error {
			a, err := p.Availability(ctx, comp, month, cfg.Location, exclude)
			if err != nil {
				return err
			}
			if prev, ok := component(old, comp.ID); ok && !force && a.Coverage < prev.Coverage-coverageSlack {
				return fmt.Errorf("%w: Prometheus has data for %s of the month, the snapshot for %s; kept the figures collected before (check the Prometheus URL and its retention, or collect with --force to replace them)",
					ErrLessData, snapshot.FormatPercent(a.Coverage, 1), snapshot.FormatPercent(prev.Coverage, 1))
			}
			a.Component = comp.ID
			avail.fresh[comp.ID] = a
			return nil
		}})
	}
	return jobs, merger{avail}
}

// component returns the availability of id in s, which may be nil.
func component(s *snapshot.Snapshot, id string) (snapshot.Availability, bool) {
	if s == nil {
		return snapshot.Availability{}, false
	}
	return s.Component(id)
}

// ErrLessData refuses figures that cover less of the month than those
// already in the snapshot.
var ErrLessData = errors.New("less data than before")

// coverageSlack is how much less coverage a new collection may have before
// it is refused: a sample more or less at the month's edges.
const coverageSlack = 0.001

// windowsFor returns the windows that concern component id and overlap
// [start, end), unclipped: the source decides how to clip.
func windowsFor(ws []Window, id string, start, end time.Time) []Window {
	var out []Window
	for _, w := range ws {
		if w.appliesTo(id) && w.Start.Before(end) && w.End.After(start) {
			out = append(out, w)
		}
	}
	return out
}
