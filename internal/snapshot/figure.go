package snapshot

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kind says how a figure is formatted.
type Kind int

// Figure kinds.
const (
	Count    Kind = iota // an integer
	Percent              // a 0..1 ratio shown as a floored percentage
	Duration             // seconds shown as "2h 15m"
	Text                 // a name
	Decimal              // a number shown with one decimal ("1.4")
)

// NoData is how a figure without a value reads.
const NoData = "—"

// Figure is a single value a report can cite.
type Figure struct {
	Kind  Kind
	Value float64
	Text  string
	// Missing marks a figure the month has no value for (a change
	// failure rate without deployments): it formats as NoData, never as
	// 0 or NaN.
	Missing bool
}

// Format renders the figure for a reader. Percentages are floored to
// precision decimals so that a month with any downtime never reads 100%.
// A Missing figure reads NoData.
func (f Figure) Format(precision int) string {
	if f.Missing {
		return NoData
	}
	switch f.Kind {
	case Decimal:
		return strconv.FormatFloat(f.Value, 'f', 1, 64)
	case Count:
		return strconv.FormatFloat(f.Value, 'f', 0, 64)
	case Percent:
		return FormatPercent(f.Value, precision)
	case Duration:
		return FormatDuration(seconds(f.Value))
	default:
		return f.Text
	}
}

// FormatPercent floors ratio*100 to precision decimals: 0.99996 at 2 is
// "99.99%", never "100.00%".
func FormatPercent(ratio float64, precision int) string {
	scale := math.Pow(10, float64(precision))
	// The small epsilon keeps exact values such as 0.9995 from flooring to
	// 99.94 through binary rounding.
	v := math.Floor(ratio*100*scale+1e-6) / scale
	return strconv.FormatFloat(v, 'f', precision, 64) + "%"
}

// FormatDuration renders d for people: "45s", "12m", "2h 15m", "3d 4h".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	case d < 24*time.Hour:
		d = d.Round(time.Minute)
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh %dm", h, m)
	default:
		d = d.Round(time.Hour)
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd %dh", days, h)
	}
}

// Figure keys. A key is "<section>.<name>[.<field>]"; names may themselves
// contain dots and slashes (repositories), so the field is matched from the
// end. Fields are listed in FigureFields.
var FigureFields = map[string][]string{
	"issues":   {"opened", "closed", "open_at_end", "prs_opened", "prs_closed", "prs_open_at_end"},
	"releases": {"count", "median", "p90", "max", "mean", "outliers", "slowest"},
	"uptime":   {"availability", "coverage", "slo", "budget"},
	"delivery": {"deployments", "per_week", "lead_time", "lead_time_p90", "change_failure_rate", "failed_changes", "time_to_restore"},
}

// Lookup resolves a figure key such as "uptime.api",
// "issues.readthedocs/readthedocs.org.opened", "releases.backend.median" or
// "delivery.backend.lead_time". The error says what is missing and what
// would be valid. A delivery key the month has no value for is a Missing
// figure, not an error: "—" is the honest figure of a month without
// deployments.
func (s *Snapshot) Lookup(key string) (Figure, error) {
	section, rest, ok := strings.Cut(key, ".")
	fields, known := FigureFields[section]
	if !ok || !known || rest == "" {
		return Figure{}, fmt.Errorf("unknown figure %q: keys start with delivery., issues., releases. or uptime.", key)
	}
	name, field := rest, ""
	for _, f := range fields {
		if n, ok := strings.CutSuffix(rest, "."+f); ok {
			name, field = n, f
			break
		}
	}
	switch section {
	case "issues":
		r, ok := s.Repo(name)
		if !ok {
			return Figure{}, fmt.Errorf("unknown figure %q: %s has no issue counts for %q%s", key, s.Month, name, s.choices(section))
		}
		switch field {
		case "opened":
			return count(r.Opened), nil
		case "closed":
			return count(r.Closed), nil
		case "open_at_end", "":
			return count(r.OpenAtEnd), nil
		case "prs_opened":
			return count(r.PullRequests.Opened), nil
		case "prs_closed":
			return count(r.PullRequests.Closed), nil
		case "prs_open_at_end":
			return count(r.PullRequests.OpenAtEnd), nil
		}
	case "releases":
		t, ok := s.TrackByID(name)
		if !ok {
			return Figure{}, fmt.Errorf("unknown figure %q: %s has no releases for track %q%s", key, s.Month, name, s.choices(section))
		}
		sum := t.Summary
		switch field {
		case "count", "":
			return count(sum.Count), nil
		case "median":
			return Figure{Kind: Duration, Value: sum.MedianSeconds}, nil
		case "p90":
			return Figure{Kind: Duration, Value: sum.P90Seconds}, nil
		case "max":
			return Figure{Kind: Duration, Value: sum.MaxSeconds}, nil
		case "mean":
			return Figure{Kind: Duration, Value: sum.MeanSeconds}, nil
		case "outliers":
			return count(len(sum.Outliers)), nil
		case "slowest":
			if len(t.Releases) == 0 {
				return Figure{}, fmt.Errorf("figure %q: track %q has no releases in %s", key, name, s.Month)
			}
			slow := t.Releases[0]
			for _, r := range t.Releases[1:] {
				if r.DurationSeconds > slow.DurationSeconds {
					slow = r
				}
			}
			return Figure{Kind: Text, Text: slow.Name}, nil
		}
	case "delivery":
		d, ok := s.DeliveryByTrack(name)
		if !ok {
			return Figure{}, fmt.Errorf("unknown figure %q: %s has no delivery keys for track %q%s", key, s.Month, name, s.choices(section))
		}
		return d.figure(field), nil
	case "uptime":
		a, ok := s.Component(name)
		if !ok {
			return Figure{}, fmt.Errorf("unknown figure %q: %s has no availability for component %q%s", key, s.Month, name, s.choices(section))
		}
		switch field {
		case "availability", "":
			if a.Ratio == nil {
				return Figure{}, fmt.Errorf("figure %q: component %q has no data in %s", key, name, s.Month)
			}
			return Figure{Kind: Percent, Value: *a.Ratio}, nil
		case "coverage":
			return Figure{Kind: Percent, Value: a.Coverage}, nil
		case "slo":
			return Figure{Kind: Percent, Value: a.SLO}, nil
		case "budget":
			if a.ErrorBudgetRemaining == nil {
				return Figure{}, fmt.Errorf("figure %q: component %q has no error budget in %s", key, name, s.Month)
			}
			return Figure{Kind: Percent, Value: *a.ErrorBudgetRemaining}, nil
		}
	}
	return Figure{}, fmt.Errorf("unknown figure %q", key)
}

func count(n int) Figure { return Figure{Kind: Count, Value: float64(n)} }

// figure returns the delivery figure field ("" is deployments). Counts
// and the frequency are missing in a month without any deployment
// attempt; the other keys when they are nil.
func (d Delivery) figure(field string) Figure {
	k := d.Keys
	attempts := len(d.Deployments) > 0
	optional := func(kind Kind, v *float64) Figure {
		if v == nil {
			return Figure{Kind: kind, Missing: true}
		}
		return Figure{Kind: kind, Value: *v}
	}
	switch field {
	case "per_week":
		return Figure{Kind: Decimal, Value: k.PerWeek, Missing: !attempts}
	case "lead_time":
		return optional(Duration, k.LeadTimeMedianSeconds)
	case "lead_time_p90":
		return optional(Duration, k.LeadTimeP90Seconds)
	case "change_failure_rate":
		return optional(Percent, k.ChangeFailureRate)
	case "failed_changes":
		return Figure{Kind: Count, Value: float64(k.FailedChanges), Missing: !attempts}
	case "time_to_restore":
		return optional(Duration, k.TimeToRestoreSeconds)
	}
	return Figure{Kind: Count, Value: float64(k.Deployments), Missing: !attempts}
}

// choices lists the names a section has, for error messages.
func (s *Snapshot) choices(section string) string {
	var names []string
	switch section {
	case "issues":
		for _, r := range s.Issues {
			names = append(names, r.Repository)
		}
	case "releases":
		for _, t := range s.Releases {
			names = append(names, t.Track)
		}
	case "delivery":
		for _, d := range s.Delivery {
			names = append(names, d.Track)
		}
	case "uptime":
		for _, a := range s.Availability {
			names = append(names, a.Component)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return " (it has " + strings.Join(names, ", ") + ")"
}
