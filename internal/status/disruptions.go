package status

import (
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// DeclareGrace is how long after a disruption ended an incident may still
// be opened and declare it: on-call often writes the incident once the
// checks have already seen the recovery.
const DeclareGrace = 30 * time.Minute

// MonthDisruption is a disruption the checks detected, with the incidents
// that declared it.
type MonthDisruption struct {
	snapshot.Disruption
	// DeclaredBy are the incidents that declare it (see Declares), in the
	// order they were given; empty when nobody declared it.
	DeclaredBy []*content.Incident
	// ToRestore is End − Start; 0 while the disruption goes on.
	ToRestore time.Duration
}

// Declared reports whether an incident declares the disruption.
func (d MonthDisruption) Declared() bool { return len(d.DeclaredBy) > 0 }

// DisruptionStats are the detected disruptions of a report month beside its
// incidents.
type DisruptionStats struct {
	// Disruptions are the month's, in the snapshot's order (oldest
	// first).
	Disruptions []MonthDisruption
	// Detected = Declared + Undeclared.
	Detected, Declared, Undeclared int
	// UndeclaredOngoing counts the undeclared disruptions that have not
	// ended: counted, but with no time to restore yet.
	UndeclaredOngoing int
	// UndeclaredRestored counts the undeclared disruptions that ended, and
	// UndeclaredToRestore sums their times to restore.
	UndeclaredRestored  int
	UndeclaredToRestore time.Duration
	// Restores = the month's resolved incidents + UndeclaredRestored, and
	// MTTR = (their time to resolve + UndeclaredToRestore) / Restores: the
	// incidents' MTTR with each undeclared disruption counted as one more
	// restore (0 when Restores is 0). A declared disruption counts through
	// its incident only, so that no outage counts twice.
	Restores int
	MTTR     time.Duration
}

// UndeclaredDisruptions returns the disruptions no incident declares, oldest first.
func (s DisruptionStats) UndeclaredDisruptions() []MonthDisruption {
	var out []MonthDisruption
	for _, d := range s.Disruptions {
		if !d.Declared() {
			out = append(out, d)
		}
	}
	return out
}

// Declares reports whether inc declares the detected disruption d: the two
// overlap in time and inc names at least one of d's components. They
// overlap when inc started before d ended, or at most DeclareGrace after
// (any time, while d goes on), and was not resolved before d started (an
// open incident never was).
func Declares(inc *content.Incident, d snapshot.Disruption) bool {
	if !d.Ongoing() && inc.Started.After(d.End.Add(DeclareGrace)) {
		return false
	}
	if inc.IsResolved() && inc.Resolved.Before(d.Start) {
		return false
	}
	for _, c := range d.Components {
		if inc.Affects(c.Component) {
			return true
		}
	}
	return false
}

// MonthlyDisruptions sets the disruptions detected in a report month
// beside its incident figures ms (Monthly). The month's disruptions are
// those its snapshot keeps (nil: none), as frozen with it: the collector
// files each under the month it started in. Any of incidents, in any month,
// may declare one (an incident opened on the last evening of September
// declares a disruption detected just after midnight); those that started
// after now are not known yet and declare nothing.
func MonthlyDisruptions(ms MonthStats, snap *snapshot.Snapshot, incidents []*content.Incident, now time.Time) DisruptionStats {
	s := DisruptionStats{Disruptions: []MonthDisruption{}}
	if snap != nil {
		for _, d := range snap.Disruptions {
			md := MonthDisruption{Disruption: d}
			if !d.Ongoing() {
				md.ToRestore = d.End.Sub(d.Start)
			}
			for _, inc := range incidents {
				if !inc.Started.After(now) && Declares(inc, d) {
					md.DeclaredBy = append(md.DeclaredBy, inc)
				}
			}
			s.Disruptions = append(s.Disruptions, md)
			s.Detected++
			switch {
			case md.Declared():
				s.Declared++
			case d.Ongoing():
				s.Undeclared++
				s.UndeclaredOngoing++
			default:
				s.Undeclared++
				s.UndeclaredRestored++
				s.UndeclaredToRestore += md.ToRestore
			}
		}
	}
	s.Restores = ms.Resolved + s.UndeclaredRestored
	if s.Restores > 0 {
		s.MTTR = (ms.TotalToResolve + s.UndeclaredToRestore) / time.Duration(s.Restores)
	}
	return s
}
