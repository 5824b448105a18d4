package snapshot

import "sort"

// DefaultOutlierFactor is the outlier factor Summarize uses when given none:
// config.DefaultOutlierFactor, repeated here because snapshot imports no
// configuration.
const DefaultOutlierFactor = 3

// Summarize condenses releases into count, median, p90, max and mean
// duration (seconds) and the outliers. The median is the middle duration,
// or the mean of the two middle ones for an even count. The p90 is the
// nearest-rank 90th percentile: the ceil(0.9·n)-th shortest duration, a
// duration that actually occurred and that at least 90% of releases did not
// exceed. Outliers are the releases that took longer than outlierFactor
// times the median, named slowest first; a factor of 0 or less means
// DefaultOutlierFactor. Summarize is pure and accepts an empty list.
func Summarize(releases []Release, outlierFactor float64) Summary {
	if outlierFactor <= 0 {
		outlierFactor = DefaultOutlierFactor
	}
	s := Summary{Count: len(releases), OutlierFactor: outlierFactor, Outliers: []string{}}
	if len(releases) == 0 {
		return s
	}
	d := make([]float64, len(releases))
	sum := 0.0
	for i, r := range releases {
		d[i] = r.DurationSeconds
		sum += r.DurationSeconds
	}
	sort.Float64s(d)
	n := len(d)
	if n%2 == 1 {
		s.MedianSeconds = d[n/2]
	} else {
		s.MedianSeconds = (d[n/2-1] + d[n/2]) / 2
	}
	s.P90Seconds = d[(9*n+9)/10-1] // ceil(0.9·n) in integers: 0.9 has no exact float
	s.MaxSeconds = d[n-1]
	s.MeanSeconds = sum / float64(n)

	if s.MedianSeconds > 0 {
		var slow []Release
		for _, r := range releases {
			if r.DurationSeconds > outlierFactor*s.MedianSeconds {
				slow = append(slow, r)
			}
		}
		sort.SliceStable(slow, func(i, j int) bool { return slow[i].DurationSeconds > slow[j].DurationSeconds })
		for _, r := range slow {
			s.Outliers = append(s.Outliers, r.Name)
		}
	}
	return s
}
