package snapshot

import (
	"fmt"
	"reflect"
	"testing"
)

func TestSummarize(t *testing.T) {
	durs := func(factor float64, secs ...float64) ([]Release, float64) {
		var rs []Release
		for i, s := range secs {
			rs = append(rs, Release{Name: fmt.Sprintf("r%d", i+1), DurationSeconds: s})
		}
		return rs, factor
	}
	tests := []struct {
		name   string
		in     []Release
		factor float64
		want   Summary
	}{
		{"empty", nil, 3, Summary{OutlierFactor: 3, Outliers: []string{}}},
		{"one", first(durs(3, 60)), 3, Summary{Count: 1, MedianSeconds: 60, P90Seconds: 60, MaxSeconds: 60, MeanSeconds: 60, OutlierFactor: 3, Outliers: []string{}}},
		{"even count: mean of the middle two", first(durs(3, 40, 10, 30, 20)), 3,
			Summary{Count: 4, MedianSeconds: 25, P90Seconds: 40, MaxSeconds: 40, MeanSeconds: 25, OutlierFactor: 3, Outliers: []string{}}},
		// Nearest rank: p90 of ten is the 9th shortest, not the maximum.
		{"ten: p90 is the ninth", first(durs(3, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)), 3,
			Summary{Count: 10, MedianSeconds: 55, P90Seconds: 90, MaxSeconds: 100, MeanSeconds: 55, OutlierFactor: 3, Outliers: []string{}}},
		{"eleven: p90 is the tenth", first(durs(3, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110)), 3,
			Summary{Count: 11, MedianSeconds: 60, P90Seconds: 100, MaxSeconds: 110, MeanSeconds: 60, OutlierFactor: 3, Outliers: []string{}}},
		{"outliers slowest first, not at the boundary", first(durs(2, 100, 450, 200, 100, 100, 300, 100)), 2,
			Summary{Count: 7, MedianSeconds: 100, P90Seconds: 450, MaxSeconds: 450, MeanSeconds: 1350.0 / 7, OutlierFactor: 2, Outliers: []string{"r2", "r6"}}},
		{"default factor", first(durs(0, 10, 10, 10, 31)), 0,
			Summary{Count: 4, MedianSeconds: 10, P90Seconds: 31, MaxSeconds: 31, MeanSeconds: 15.25, OutlierFactor: 3, Outliers: []string{"r4"}}},
		{"zero median flags nothing", first(durs(3, 0, 0, 0, 5)), 3,
			Summary{Count: 4, MedianSeconds: 0, P90Seconds: 5, MaxSeconds: 5, MeanSeconds: 1.25, OutlierFactor: 3, Outliers: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.in, tt.factor)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func first(rs []Release, _ float64) []Release { return rs }
