package status

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// The daily uptime bars of a component: the calendar days shown, each
// day's level and tooltip, and the uptime over them.

// Bar levels, for colour: one per impact, as on Statuspage (green,
// yellow, orange, red), blue for maintenance and grey for no data. The
// report's daily strips and the status page's bars use the same levels
// (see DayLevel), and the theme gives each its own colour.
const (
	LevelOperational = "operational"
	LevelMinor       = "minor"
	LevelMajor       = "major"
	LevelCritical    = "critical"
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
	// Coverage is the fraction of the day with data (0..1), 0 without.
	Coverage float64
	Level    string
	// Incidents that touched the component this day, oldest first, and the
	// maintenance windows that ran on it.
	Incidents   []*content.Incident
	Maintenance []*content.Maintenance
	// Detected are the component's automatically detected disruptions
	// that touched the day (see ApplyLive).
	Detected []snapshot.DisruptionComponent
	// Tooltip is the bar's text: "Oct 14: 99.31% — DNS resolution failing
	// (major, 2h 50m)", "Oct 15: 100.00% (data for 87% of the day)" or
	// "Oct 16: No data".
	Tooltip string

	// facts decide Level; ApplyLive adds to them.
	facts DayFacts
}

// DefaultSLO is the target (percent) bars are coloured against for a
// component without an SLO.
const DefaultSLO = 99.9

// The boundaries of a measured day's levels, in daily error budgets
// (1 − SLO): a day that spent up to minorBudgets of them is minor, up to
// majorBudgets major, beyond that critical. A day that lost more than
// criticalLoss of its time is critical whatever the SLO.
const (
	minorBudgets = 10
	majorBudgets = 100
	criticalLoss = 0.5
)

// DayFacts is what decides the level of a day.
type DayFacts struct {
	// Ratio is the measured availability (0..1), nil without data;
	// Coverage the fraction of the day measured (0 or 1 for all of it).
	Ratio    *float64
	Coverage float64
	// SLO is the target as a ratio (0.999); 0 means DefaultSLO.
	SLO float64
	// Raised is the worst level the incidents and detected disruptions
	// that touched the day imply (see ImpactLevel), "" for none.
	Raised string
	// Maintenance is whether a maintenance window ran on the day.
	Maintenance bool
}

// DayLevel is the one rule for a day's colour, used by the report's daily
// strips and the status page's bars. Where measurements exist, the
// measured availability decides: operational at or above the SLO, minor
// down to ten daily error budgets, major down to a hundred (and at least
// half the day up), critical below. An incident or a detected disruption
// raises the level to its impact only when part of the day has no data,
// since it may have fallen there; a day with no data at all takes it
// whole. A day no worse than operational on which maintenance ran is
// maintenance.
func DayLevel(f DayFacts) string {
	level := LevelNoData
	full := false
	if f.Ratio != nil {
		slo := f.SLO
		if slo <= 0 {
			slo = DefaultSLO / 100
		}
		budget := 1 - slo
		r := *f.Ratio
		switch {
		case r >= slo-1e-12:
			level = LevelOperational
		case r >= 1-minorBudgets*budget:
			level = LevelMinor
		case r >= 1-majorBudgets*budget && r >= 1-criticalLoss:
			level = LevelMajor
		default:
			level = LevelCritical
		}
		full = f.Coverage <= 0 || f.Coverage >= 1
	}
	if !full && f.Raised != "" {
		level = worseLevel(level, f.Raised)
	}
	if f.Maintenance && levelRank[level] <= levelRank[LevelOperational] {
		level = LevelMaintenance
	}
	return level
}

// ImpactLevel is the level an incident of impact implies: none none
// (""), minor minor, major major, critical critical.
func ImpactLevel(impact string) string {
	switch impact {
	case content.ImpactMinor:
		return LevelMinor
	case content.ImpactMajor:
		return LevelMajor
	case content.ImpactCritical:
		return LevelCritical
	}
	return ""
}

// StatusLevel is the level a component status implies, for detected
// disruptions: degraded performance minor, partial outage major, major
// outage critical.
func StatusLevel(status string) string {
	switch status {
	case content.DegradedPerformance:
		return LevelMinor
	case content.PartialOutage:
		return LevelMajor
	case content.MajorOutage:
		return LevelCritical
	}
	return ""
}

// DaySummary is the measured part of a day's tooltip, worded alike in the
// report's strips and the status page's bars: "99.31%", "100.00% (data
// for 87% of the day)" or "No data".
func DaySummary(ratio *float64, coverage float64, precision int) string {
	if ratio == nil {
		return "No data"
	}
	s := snapshot.FormatPercent(*ratio, precision)
	if coverage > 0 && coverage < 1 {
		s += " (data for " + snapshot.FormatPercent(coverage, 0) + " of the day)"
	}
	return s
}

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

var levelRank = map[string]int{"": -1, LevelNoData: 0, LevelOperational: 1, LevelMaintenance: 2, LevelMinor: 3, LevelMajor: 4, LevelCritical: 5}

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
	// Incidents come newest first; tooltips read oldest first.
	sorted := append([]*content.Incident(nil), incs...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].Started.Before(sorted[b].Started) })

	out := make([]Bar, len(window))
	var sum, weight float64
	for i, d := range window {
		b := Bar{Date: d.date, Label: d.start.Format("Jan 2"), Start: d.start, End: d.end, facts: DayFacts{SLO: slo / 100}}
		if sd, ok := daily[d.date]; ok && sd.Ratio != nil {
			r := *sd.Ratio
			b.Ratio = &r
			b.Percent = snapshot.FormatPercent(r, cfg.PercentPrecision)
			cov := sd.Coverage
			if cov <= 0 || cov > 1 {
				cov = 1
			}
			b.Coverage = cov
			b.facts.Ratio, b.facts.Coverage = &r, cov
			w := d.end.Sub(d.start).Hours() * cov
			sum += r * w
			weight += w
		}
		for _, inc := range sorted {
			if !overlaps(inc.Started, incidentEnd(inc, now), d.start, d.end) {
				continue
			}
			b.Incidents = append(b.Incidents, inc)
			b.facts.Raised = worseLevel(b.facts.Raised, ImpactLevel(inc.Impact))
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
		b.facts.Maintenance = len(b.Maintenance) > 0
		b.Level = DayLevel(b.facts)
		b.Tooltip = tooltip(b, cfg.PercentPrecision, now)
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

// tooltip is a bar's text: the day, its measured availability and what
// touched it, each incident with how long it lasted on that day.
func tooltip(b Bar, precision int, now time.Time) string {
	s := b.Label + ": " + DaySummary(b.Ratio, b.Coverage, precision)
	sep := " — "
	for _, inc := range b.Incidents {
		s += sep + inc.Title + " (" + inc.Impact + onDay(inc.Started, incidentEnd(inc, now), now, b) + ")"
		sep = "; "
	}
	for _, m := range b.Maintenance {
		s += sep + "Maintenance: " + m.Title
		sep = "; "
	}
	for _, d := range b.Detected {
		end := d.End
		if end.IsZero() || end.After(now) {
			end = now
		}
		s += sep + "Detected automatically: " + d.Signal
		if took := onDay(d.Start, end, now, b); took != "" {
			s += " (" + strings.TrimPrefix(took, ", ") + ")"
		}
		sep = "; "
	}
	return s
}

// onDay is how long [s, e) lasted within the bar's day, as ", 2h 50m",
// ", ongoing" when it lasts still (e is now, within the day: the page must
// not change with the build time alone), or "" for an instant.
func onDay(s, e, now time.Time, b Bar) string {
	if s.Before(b.Start) {
		s = b.Start
	}
	if e.After(b.End) {
		e = b.End
	} else if !e.Before(now) {
		return ", ongoing"
	}
	if !e.After(s) {
		return ""
	}
	return ", " + snapshot.FormatDuration(e.Sub(s))
}

// Events is what happened on a site besides its measurements, as the
// daily bars take it into account: its incidents, maintenance windows and
// the disruptions its checks detected (silenced parts left out, see
// Unsilenced), in any order.
type Events struct {
	Incidents   []*content.Incident
	Maintenance []*content.Maintenance
	Disruptions []snapshot.Disruption
}

// MonthBars colours the days of component c's month snapshot daily, from
// its first day to its last, by the facts and the rule of the status
// page's bars (DayLevel): the measurements, then the incidents, the
// maintenance windows and the detected disruptions that touched each day.
// The report's daily strips use it, so that a day has one colour and one
// tooltip wherever it is shown. A day missing in daily is a bar without
// data.
func MonthBars(cfg *config.Config, c config.Component, daily []snapshot.Day, ev Events, now time.Time) []Bar {
	if len(daily) == 0 {
		return nil
	}
	first, err1 := time.ParseInLocation(time.DateOnly, daily[0].Date, cfg.Location)
	last, err2 := time.ParseInLocation(time.DateOnly, daily[len(daily)-1].Date, cfg.Location)
	if err1 != nil || err2 != nil || last.Before(first) {
		return nil
	}
	var window []day
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		y, m, dd := d.Date()
		window = append(window, day{date: d.Format(time.DateOnly), start: d, end: time.Date(y, m, dd+1, 0, 0, 0, 0, cfg.Location)})
	}
	from, to := window[0].start, window[len(window)-1].end
	byDate := make(map[string]snapshot.Day, len(daily))
	for _, d := range daily {
		byDate[d.Date] = d
	}
	var incs []*content.Incident
	for _, inc := range ev.Incidents {
		if !inc.Started.After(now) && slices.Contains(inc.Components, c.ID) && overlaps(inc.Started, incidentEnd(inc, now), from, to) {
			incs = append(incs, inc)
		}
	}
	var ms []*content.Maintenance
	for _, m := range ev.Maintenance {
		if m.Affects(c.ID) && !m.ScheduledFor.After(now) && m.ScheduledUntil.After(from) && m.ScheduledFor.Before(to) {
			ms = append(ms, m)
		}
	}
	// bars reads maintenance newest first, as the status page keeps it.
	content.SortMaintenance(ms)
	out, _ := bars(cfg, c, window, byDate, incs, ms, now)
	for _, d := range ev.Disruptions {
		for _, dc := range d.Components {
			if dc.Component == c.ID {
				raiseDetected(out, dc, cfg.PercentPrecision, now)
			}
		}
	}
	return out
}

// Unsilenced returns the disruptions of ds without the parts that
// on-call's silences overlapped and outlasted at at (see ApplyLive); ds is
// left as it was.
func Unsilenced(ds []snapshot.Disruption, silences []*content.Silence, at time.Time) []snapshot.Disruption {
	return unsilenced(slices.Clone(ds), silences, at)
}
