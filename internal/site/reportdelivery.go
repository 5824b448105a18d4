package site

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/chart"
	"github.com/bulletin-dev/bulletin/internal/dora"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// DeliverySection is a report month's DORA keys, one entry per release
// track the month's snapshot has delivery keys for.
type DeliverySection struct {
	Tracks []DeliveryTrack
}

// DeliveryTrack is one track's four keys in a report.
type DeliveryTrack struct {
	Track, Name string
	// Month is the report's month in words ("October 2026").
	Month string
	// LeadTimeFrom says where lead times start: "from merge" or "from
	// commit".
	LeadTimeFrom string
	// Window is the failure window, formatted ("1d").
	Window string
	// Components are the names of the components whose incidents count
	// for the track; Rollbacks the month's rollbacks.
	Components []string
	Rollbacks  int
	// Keys are deployment frequency, lead time, change failure rate and
	// time to restore, in that order.
	Keys []DeliveryKey
	// Failed are the month's failed changes, by time.
	Failed []FailedDeployment
}

// DeliveryKey is one DORA key of a track: its value in words, its band
// and its 12-month trend.
type DeliveryKey struct {
	// ID is frequency, lead-time, failure-rate or restore.
	ID, Label string
	// Value is "6 deployments (1.4 a week)", "1h 30m median", "66.66%",
	// "1h 50m"; "—" without data. Detail adds the second figure: "p90 2d",
	// "4 of 6 deployments", "3 restores".
	Value, Detail string
	// Band is the DORA band ("Elite" … "Low"), "" without a value.
	Band string
	// Chart is the key's trend over the report's month and the 11 before
	// it; empty when none of them has a value.
	Chart template.HTML
}

// FailedDeployment is a failed change as a report lists it.
type FailedDeployment struct {
	Name, URL string
	At        time.Time
	Reason    string
}

// deliverySection returns month's delivery keys; nil when its snapshot
// has none, and the report reads as it did before delivery keys.
func (s *Site) deliverySection(month string, snap *snapshot.Snapshot) *DeliverySection {
	if snap == nil || len(snap.Delivery) == 0 {
		return nil
	}
	months, labels := trendLabels(month)
	prec := s.cfg.PercentPrecision
	start, _ := time.Parse("2006-01", month)
	monthName := start.Format("January 2006")
	sec := &DeliverySection{}
	for _, d := range snap.Delivery {
		k := d.Keys
		b := dora.BandsOf(d)
		t := DeliveryTrack{Track: d.Track, Name: d.Name, Month: monthName, LeadTimeFrom: "from " + d.LeadTimeFrom,
			Window: fmtSeconds(d.FailureWindowSeconds)}
		if d.LeadTimeFrom == "" {
			t.LeadTimeFrom = ""
		}
		for _, ct := range s.cfg.Tracks {
			if ct.ID != d.Track {
				continue
			}
			for _, id := range ct.Components {
				if c, ok := s.cfg.Component(id); ok && !c.Hidden {
					t.Components = append(t.Components, c.Name)
				}
			}
		}
		for _, dep := range d.Deployments {
			if dep.Rollback {
				t.Rollbacks++
			}
			if dep.Failure != "" {
				t.Failed = append(t.Failed, FailedDeployment{Name: dep.Name, URL: dep.URL, At: dep.At, Reason: dep.Failure})
			}
		}
		trend := func(id, title string, format func(float64) string, value func(snapshot.Delivery) (float64, bool)) template.HTML {
			vals := make([]float64, len(months))
			any := false
			for i, m := range months {
				vals[i] = math.NaN()
				if sm := s.snapshots[m]; sm != nil {
					if md, ok := sm.DeliveryByTrack(d.Track); ok {
						if v, ok := value(md); ok {
							vals[i], any = v, true
						}
					}
				}
			}
			if !any {
				return "" // twelve months of "no data" say nothing
			}
			return chart.Bars{
				ID:      "delivery-" + slugify(d.Track) + "-" + id,
				Title:   fmt.Sprintf("%s: %s, last %d months", d.Name, title, trendMonths),
				Desc:    fmt.Sprintf("%s of %s for each of the last %d months; months without data are marked no data.", upperFirst(title), d.Name, trendMonths),
				Labels:  labels,
				Series:  []chart.Series{{Name: upperFirst(title), Values: vals}},
				Format:  format,
				Missing: "no data",
			}.HTML()
		}
		hours := func(v float64) string { return fmtSeconds(v * 3600) }
		optional := func(p *float64, scale float64) (float64, bool) {
			if p == nil {
				return 0, false
			}
			return *p / scale, true
		}

		freq := DeliveryKey{ID: "frequency", Label: "Deployment frequency", Value: snapshot.NoData, Band: string(b.Frequency)}
		if len(d.Deployments) > 0 {
			freq.Value = fmt.Sprintf("%d deployment%s (%s a week)", k.Deployments, plural(k.Deployments), strconv.FormatFloat(k.PerWeek, 'f', 1, 64))
		}
		freq.Chart = trend("frequency", "deployments", nil, func(md snapshot.Delivery) (float64, bool) {
			return float64(md.Keys.Deployments), len(md.Deployments) > 0
		})

		lead := DeliveryKey{ID: "lead-time", Label: "Lead time for changes", Value: snapshot.NoData, Band: string(b.LeadTime)}
		if v := k.LeadTimeMedianSeconds; v != nil {
			lead.Value = fmtSeconds(*v) + " median"
			if p := k.LeadTimeP90Seconds; p != nil {
				lead.Detail = fmt.Sprintf("p90 %s, over %d change%s", fmtSeconds(*p), k.Changes, plural(k.Changes))
			}
		}
		lead.Chart = trend("lead-time", "median lead time", hours, func(md snapshot.Delivery) (float64, bool) {
			return optional(md.Keys.LeadTimeMedianSeconds, 3600)
		})

		cfr := DeliveryKey{ID: "failure-rate", Label: "Change failure rate", Value: snapshot.NoData, Band: string(b.FailureRate)}
		if v := k.ChangeFailureRate; v != nil {
			cfr.Value = snapshot.FormatPercent(*v, prec)
			cfr.Detail = fmt.Sprintf("%d of %d deployment%s", k.FailedChanges, k.Deployments, plural(k.Deployments))
		}
		cfr.Chart = trend("failure-rate", "change failure rate", func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" },
			func(md snapshot.Delivery) (float64, bool) {
				v, ok := optional(md.Keys.ChangeFailureRate, 0.01)
				return math.Round(v*10) / 10, ok
			})

		restore := DeliveryKey{ID: "restore", Label: "Time to restore service", Value: snapshot.NoData, Band: string(b.Restore)}
		if v := k.TimeToRestoreSeconds; v != nil {
			restore.Value = fmtSeconds(*v)
			restore.Detail = fmt.Sprintf("%d restore%s", k.Restores, plural(k.Restores))
		}
		restore.Chart = trend("restore", "time to restore", hours, func(md snapshot.Delivery) (float64, bool) {
			return optional(md.Keys.TimeToRestoreSeconds, 3600)
		})

		t.Keys = []DeliveryKey{freq, lead, cfr, restore}
		sec.Tracks = append(sec.Tracks, t)
	}
	return sec
}

// trendLabels returns the trendMonths months ending with month, oldest
// first, and their chart labels.
func trendLabels(month string) (months, labels []string) {
	months = []string{month}
	for len(months) < trendMonths {
		months = append([]string{snapshot.PrevMonth(months[0])}, months...)
	}
	labels = make([]string, len(months))
	for i, m := range months {
		t, _ := time.Parse("2006-01", m)
		labels[i] = t.Format("Jan")
		if t.Month() == time.January || i == 0 {
			labels[i] = t.Format("Jan 2006") // "Nov 25" would read as a day
		}
	}
	return months, labels
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
