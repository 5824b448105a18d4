// Package dora computes the four DORA keys of a release track for one
// month — deployment frequency, lead time for changes, change failure rate
// and time to restore service — from the track's production deployments
// (as a collector found them) and the site's incidents. It is pure: no
// I/O, no clock.
//
// Definitions, over the deployments that finished in the month [Start, End):
//
//   - A deployment is one attempt to deploy to production; it succeeded or
//     failed. A successful deployment of a commit (SHA) that an earlier
//     successful deployment already shipped is a rollback, unless that
//     commit is the one live at the time (a redeploy). A rollback ships no
//     change. Earlier deployments include those the collector found before
//     the month (its lookback).
//   - Deployment frequency: Deployments counts the successful deployments
//     that are not rollbacks; PerWeek is Deployments over the month's
//     length in weeks (days / 7).
//   - Lead time for changes: the median and the nearest-rank 90th
//     percentile of the lead times of every change the month's
//     deployments shipped, from the change's merge (of its pull or merge
//     request) or, for a change without one, its commit, to the end of the
//     deployment that shipped it first. The median of an even count is the
//     mean of the two middle values.
//   - Change failure rate: FailedChanges / Deployments, where a successful
//     deployment that is not a rollback is a failed change when, in this
//     order of precedence (the first that holds names the reason):
//     1. an incident names it in caused_by ("<track> <release>", matching
//     the deployment's name, ref or a commit prefix of at least 7
//     characters; the first deployment that matches), however long after
//     it the incident started: "incident <slug>";
//     2. within the track's failure window after it, a rollback returned
//     production to a commit shipped before it: "rolled back by <name>";
//     3. the next deployment attempt, within the window, failed: "followed
//     by failed deployment <name>";
//     4. an incident on one of the track's components started within the
//     window after it while it was the live deployment (the latest
//     successful deployment that is not a rollback): "incident <slug>".
//     The window runs from the deployment's end to the end plus the
//     window, both included.
//   - Time to restore service: the mean time to resolve (status.Monthly's
//     MTTR) of the resolved incidents that started in the month and are
//     linked to the track: those whose caused_by names the track, or that
//     affect one of its components. Restores counts them.
//
// A key without data is nil and shown as "—", never 0 or NaN: the change
// failure rate without deployments, the lead time without changes, the
// time to restore without linked resolved incidents. A month without any
// deployment attempt has no deployment frequency either.
//
// Bands place each key in the performance clusters of the 2023 Accelerate
// State of DevOps report (DORA, Google Cloud), the gaps between the
// report's ranges closed at the lower edge of the better band:
//
//	deployment frequency  Elite ≥ 7 a week (daily or more, on demand)
//	                      High ≥ 1 a week
//	                      Medium ≥ 1 in the month
//	                      Low: none in a month with deployment attempts
//	lead time (median)    Elite < 1 day, High ≤ 1 week, Medium ≤ 30 days, Low more
//	change failure rate   Elite ≤ 5%, High ≤ 10%, Medium ≤ 15%, Low more
//	time to restore       Elite < 1 hour, High < 1 day, Medium ≤ 1 week, Low more
//
// A key without a value has no band.
package dora

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// Input is what the keys of one track and month are computed from besides
// its deployments.
type Input struct {
	// Track is the track as configured: its id, components and failure
	// window.
	Track config.Track
	// Start and End bound the month in the site's zone.
	Start, End time.Time
	// Incidents are the site's incidents (any months; those that matter
	// are picked).
	Incidents []*content.Incident
}

// MinSHAPrefix is the shortest commit prefix caused_by may name a
// deployment by.
const MinSHAPrefix = 7

// Compute returns the month's delivery entry of a track from raw, a
// collector's entry: every deployment attempt that finished in a window
// wider than the month, sorted by time, with the changes successful ones
// shipped. The result keeps the deployments that finished in the month,
// with Rollback and Failure set, and the Keys computed over them (see the
// package doc).
func Compute(raw snapshot.Delivery, in Input) snapshot.Delivery {
	window := in.Track.Window()
	deps := slices.Clone(raw.Deployments)
	sort.SliceStable(deps, func(a, b int) bool { return deps[a].At.Before(deps[b].At) })
	for i := range deps {
		deps[i].Rollback, deps[i].Failure = false, ""
		deps[i].Changes = slices.Clone(deps[i].Changes)
	}
	first := markRollbacks(deps)

	inMonth := func(t time.Time) bool { return !t.Before(in.Start) && t.Before(in.End) }
	within := func(d snapshot.Deployment, t time.Time) bool {
		return !t.Before(d.At) && !t.After(d.At.Add(window))
	}
	counted := func(d snapshot.Deployment) bool { return d.Status == snapshot.DeploySuccess && !d.Rollback }

	// caused maps a deployment to the incidents naming it in caused_by.
	caused := map[int][]*content.Incident{}
	var onComponents []*content.Incident
	for _, inc := range byStart(in.Incidents) {
		if inc.CausedBy.Track == in.Track.ID {
			if k := matchRelease(deps, inc.CausedBy.Release); k >= 0 {
				caused[k] = append(caused[k], inc)
			}
		}
		if affectsAny(inc, in.Track.Components) {
			onComponents = append(onComponents, inc)
		}
	}

	for i := range deps {
		d := &deps[i]
		if !counted(*d) || !inMonth(d.At) {
			continue
		}
		if incs := caused[i]; len(incs) > 0 {
			d.Failure = "incident " + incs[0].Slug
			continue
		}
		for _, r := range deps[i+1:] {
			if r.Rollback && within(*d, r.At) && first[r.SHA] < i {
				d.Failure = "rolled back by " + r.Name
				break
			}
		}
		if d.Failure != "" {
			continue
		}
		if i+1 < len(deps) && deps[i+1].Status == snapshot.DeployFailed && within(*d, deps[i+1].At) {
			d.Failure = "followed by failed deployment " + deps[i+1].Name
			continue
		}
		for _, inc := range onComponents {
			if within(*d, inc.Started) && liveAt(deps, inc.Started) == i {
				d.Failure = "incident " + inc.Slug
				break
			}
		}
	}

	out := raw
	out.FailureWindowSeconds = window.Seconds()
	out.Deployments = []snapshot.Deployment{}
	for _, d := range deps {
		if inMonth(d.At) {
			out.Deployments = append(out.Deployments, d)
		}
	}
	out.Keys = keys(out.Deployments, in)
	return out
}

// markRollbacks sets Rollback on the successful deployments of a commit
// shipped before that is not the live one, and empties their changes. It
// returns the index of the first successful deployment of each commit.
func markRollbacks(deps []snapshot.Deployment) map[string]int {
	first := map[string]int{}
	live := ""
	for i := range deps {
		d := &deps[i]
		if d.Status != snapshot.DeploySuccess {
			continue
		}
		if _, seen := first[d.SHA]; seen && d.SHA != "" && d.SHA != live {
			d.Rollback = true
			d.Changes = []snapshot.Change{}
		}
		if _, seen := first[d.SHA]; !seen && d.SHA != "" {
			first[d.SHA] = i
		}
		live = d.SHA
	}
	return first
}

// matchRelease returns the index of the first successful deployment that
// is not a rollback and whose name, ref or commit (a prefix of at least
// MinSHAPrefix characters) is release; -1 when none is.
func matchRelease(deps []snapshot.Deployment, release string) int {
	for i, d := range deps {
		if d.Status != snapshot.DeploySuccess || d.Rollback {
			continue
		}
		if d.Name == release || d.Ref != "" && d.Ref == release ||
			len(release) >= MinSHAPrefix && len(d.SHA) >= len(release) && strings.EqualFold(d.SHA[:len(release)], release) {
			return i
		}
	}
	return -1
}

// liveAt returns the index of the latest successful deployment that is not
// a rollback and finished at or before t; -1 when there is none.
func liveAt(deps []snapshot.Deployment, t time.Time) int {
	live := -1
	for i, d := range deps {
		if d.At.After(t) {
			break
		}
		if d.Status == snapshot.DeploySuccess && !d.Rollback {
			live = i
		}
	}
	return live
}

func keys(deps []snapshot.Deployment, in Input) snapshot.Keys {
	var k snapshot.Keys
	var leads []float64
	for _, d := range deps {
		if d.Status != snapshot.DeploySuccess || d.Rollback {
			continue
		}
		k.Deployments++
		if d.Failure != "" {
			k.FailedChanges++
		}
		for _, c := range d.Changes {
			leads = append(leads, c.LeadSeconds)
		}
	}
	days := math.Round(in.End.Sub(in.Start).Hours() / 24)
	if days > 0 {
		k.PerWeek = float64(k.Deployments) / (days / 7)
	}
	k.Changes = len(leads)
	if len(leads) > 0 {
		sort.Float64s(leads)
		n := len(leads)
		median := leads[n/2]
		if n%2 == 0 {
			median = (leads[n/2-1] + leads[n/2]) / 2
		}
		p90 := leads[int(math.Ceil(0.9*float64(n)))-1]
		k.LeadTimeMedianSeconds, k.LeadTimeP90Seconds = &median, &p90
	}
	if k.Deployments > 0 {
		rate := float64(k.FailedChanges) / float64(k.Deployments)
		k.ChangeFailureRate = &rate
	}
	var linked []*content.Incident
	for _, inc := range in.Incidents {
		if inc.CausedBy.Track == in.Track.ID || affectsAny(inc, in.Track.Components) {
			linked = append(linked, inc)
		}
	}
	month := in.Start.Format("2006-01")
	if ms, err := status.Monthly(month, in.Start.Location(), linked); err == nil && ms.Resolved > 0 {
		ttr := ms.MTTR.Seconds()
		k.Restores, k.TimeToRestoreSeconds = ms.Resolved, &ttr
	}
	return k
}

func affectsAny(inc *content.Incident, ids []string) bool {
	for _, id := range ids {
		if inc.Affects(id) {
			return true
		}
	}
	return false
}

// byStart returns the incidents oldest first (then by slug), so that the
// first incident naming a deployment gives its failure reason.
func byStart(incs []*content.Incident) []*content.Incident {
	out := slices.Clone(incs)
	sort.SliceStable(out, func(a, b int) bool {
		if !out[a].Started.Equal(out[b].Started) {
			return out[a].Started.Before(out[b].Started)
		}
		return out[a].Slug < out[b].Slug
	})
	return out
}
