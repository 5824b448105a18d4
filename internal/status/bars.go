package status

import (
	"sort"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// The daily uptime bars of a component: the calendar days shown, each
// day's level and tooltip, and the uptime over them.

// Bar levels, for colour.
const (
	LevelOperational = "operational"
	LevelMinor       = "minor"
	LevelMajor       = "major"
	LevelMaintenance = "maintenance"
	LevelNoData      = "no-data"
)

// Bar is one day of a component's uptime history.
type Bar struct {
	// Date is "YYYY-MM-DD" in the site's zone; Label is "Oct 14".
	Date  string
	Label string
	// Start and End bound the calendar day in the site's zone (23 or 25
	// hours long on DST changes).
	Start, End time.Time
	// Ratio is the day's availability (0..1) from the month snapshot, nil
	// when there is no data; Percent is it floored ("99.31%") or "".
	Ratio   *float64
	Percent string
	Level   string
	// Incidents that touched the component this day, oldest first, and the
	// maintenance windows that ran on it.
	Incidents   []*content.Incident
	Maintenance []*content.Maintenance
	// Detected are the component's automatically detected disruptions
	// that touched the day (see ApplyLive).
	Detected []snapshot.DisruptionComponent
	// Tooltip is the bar's text: "Oct 14: 99.31% — DNS resolution failing
	// (major)", or "Oct 14: No data".
	Tooltip string
}

// DefaultSLO is the target (percent) bars are coloured against for a
// component without an SLO.
const DefaultSLO = 99.9

// minorBudgetFactor sets the minor/major boundary of a day: a day that
// spent up to this many times its daily error budget is minor, beyond major.
const minorBudgetFactor = 10

// day is one calendar day in the site's zone.
type day struct {
	date       string
	start, end time.Time
}

// dayWindow returns the n calendar days ending with now's day, oldest first.
// Days are built from the calendar, not by adding 24h, so DST days are 23
// or 25 hours long.
func dayWindow(now time.Time, n int) []day {
	y, m, d := now.Date()
	loc := now.Location()
	out := make([]day, n)
	for i := 0; i < n; i++ {
		start := time.Date(y, m, d-(n-1-i), 0, 0, 0, 0, loc)
		sy, sm, sd := start.Date()
		out[i] = day{
			date:  start.Format("2006-01-02"),
			start: start,
			end:   time.Date(sy, sm, sd+1, 0, 0, 0, 0, loc),
		}
	}
	return out
}

// dailyIndex maps component id → date → the snapshot's day.
func dailyIndex(snaps map[string]*snapshot.Snapshot) map[string]map[string]snapshot.Day {
	out := map[string]map[string]snapshot.Day{}
	months := make([]string, 0, len(snaps))
	for m := range snaps {
		months = append(months, m)
	}
	sort.Strings(months) // later months win on the (invalid) chance of overlap
	for _, month := range months {
		s := snaps[month]
		if s == nil {
			continue
		}
		for _, a := range s.Availability {
			if out[a.Component] == nil {
				out[a.Component] = map[string]snapshot.Day{}
			}
			for _, d := range a.Daily {
				out[a.Component][d.Date] = d
			}
		}
	}
	return out
}

var levelRank = map[string]int{LevelNoData: 0, LevelOperational: 1, LevelMaintenance: 2, LevelMinor: 3, LevelMajor: 4}

func worseLevel(a, b string) string {
	if levelRank[b] > levelRank[a] {
		return b
	}
	return a
}

// bars builds a component's daily bars and its uptime over them.
func bars(cfg *config.Config, c config.Component, window []day, daily map[string]snapshot.Day, incs []*content.Incident, ms []*content.Maintenance, now time.Time) ([]Bar, *float64) {
	slo := c.SLO
	if slo == 0 {
		slo = DefaultSLO
	}
	target := slo / 100
	minorFloor := 1 - minorBudgetFactor*(1-target)
	// Incidents come newest first; tooltips read oldest first.
	sorted := append([]*content.Incident(nil), incs...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].Started.Before(sorted[b].Started) })

	out := make([]Bar, len(window))
	var sum, weight float64
	for i, d := range window {
		b := Bar{Date: d.date, Label: d.start.Format("Jan 2"), Start: d.start, End: d.end, Level: LevelNoData}
		if sd, ok := daily[d.date]; ok && sd.Ratio != nil {
			r := *sd.Ratio
			b.Ratio = &r
			b.Percent = snapshot.FormatPercent(r, cfg.PercentPrecision)
			switch {
			case r >= target-1e-12:
				b.Level = LevelOperational
			case r >= minorFloor:
				b.Level = LevelMinor
			default:
				b.Level = LevelMajor
			}
			cov := sd.Coverage
			if cov <= 0 || cov > 1 {
				cov = 1
			}
			w := d.end.Sub(d.start).Hours() * cov
			sum += r * w
			weight += w
		}
		for _, inc := range sorted {
			if !overlaps(inc.Started, incidentEnd(inc, now), d.start, d.end) {
				continue
			}
			b.Incidents = append(b.Incidents, inc)
			switch inc.Impact {
			case content.ImpactMinor:
				b.Level = worseLevel(b.Level, LevelMinor)
			case content.ImpactMajor, content.ImpactCritical:
				b.Level = worseLevel(b.Level, LevelMajor)
			}
		}
		for k := len(ms) - 1; k >= 0; k-- { // ms is newest first
			m := ms[k]
			if m.ScheduledFor.After(now) {
				continue
			}
			end := m.ScheduledUntil
			if done := m.CompletedAt(now); !done.IsZero() && done.Before(end) {
				end = done
			}
			if end.After(now) {
				end = now
			}
			if overlaps(m.ScheduledFor, end, d.start, d.end) {
				b.Maintenance = append(b.Maintenance, m)
			}
		}
		if len(b.Maintenance) > 0 && levelRank[b.Level] <= levelRank[LevelOperational] {
			b.Level = LevelMaintenance
		}
		b.Tooltip = tooltip(b)
		out[i] = b
	}
	if weight == 0 {
		return out, nil
	}
	u := sum / weight
	return out, &u
}

// overlaps reports whether [s, e) meets the day [ds, de); an instant event
// (s == e) counts on its own day.
func overlaps(s, e, ds, de time.Time) bool {
	if !s.Before(de) {
		return false
	}
	return e.After(ds) || !s.Before(ds)
}

func tooltip(b Bar) string {
	s := b.Label + ": "
	if b.Ratio != nil {
		s += b.Percent
	} else {
		s += "No data"
	}
	sep := " — "
	for _, inc := range b.Incidents {
		s += sep + inc.Title + " (" + inc.Impact + ")"
		sep = "; "
	}
	for _, m := range b.Maintenance {
		s += sep + "Maintenance: " + m.Title
		sep = "; "
	}
	for _, d := range b.Detected {
		s += sep + "Detected automatically: " + d.Signal
		sep = "; "
	}
	return s
}
