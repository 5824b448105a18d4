package dora

import (
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Band is a performance cluster of the 2023 Accelerate State of DevOps
// report; "" means the key has no value and so no band.
type Band string

// The bands, best first.
const (
	Elite  Band = "Elite"
	High   Band = "High"
	Medium Band = "Medium"
	Low    Band = "Low"
)

// Bands are the bands of a track's four keys in a month.
type Bands struct {
	Frequency, LeadTime, FailureRate, Restore Band
}

// BandsOf places the keys of d in their bands (see the package doc for
// the thresholds).
func BandsOf(d snapshot.Delivery) Bands {
	k := d.Keys
	var b Bands
	switch {
	case len(d.Deployments) == 0:
	case k.PerWeek >= 7:
		b.Frequency = Elite
	case k.PerWeek >= 1:
		b.Frequency = High
	case k.Deployments >= 1:
		b.Frequency = Medium
	default:
		b.Frequency = Low
	}
	if v := k.LeadTimeMedianSeconds; v != nil {
		switch d := seconds(*v); {
		case d < day:
			b.LeadTime = Elite
		case d <= 7*day:
			b.LeadTime = High
		case d <= 30*day:
			b.LeadTime = Medium
		default:
			b.LeadTime = Low
		}
	}
	if v := k.ChangeFailureRate; v != nil {
		switch r := *v; {
		case r <= 0.05:
			b.FailureRate = Elite
		case r <= 0.10:
			b.FailureRate = High
		case r <= 0.15:
			b.FailureRate = Medium
		default:
			b.FailureRate = Low
		}
	}
	if v := k.TimeToRestoreSeconds; v != nil {
		switch d := seconds(*v); {
		case d < time.Hour:
			b.Restore = Elite
		case d < day:
			b.Restore = High
		case d <= 7*day:
			b.Restore = Medium
		default:
			b.Restore = Low
		}
	}
	return b
}

const day = 24 * time.Hour

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
