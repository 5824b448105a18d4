package benchgen

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// writeData writes one snapshot per data month, oldest first, through the
// snapshot package's own encoder so the files are canonical.
func (g *gen) writeData() error {
	store := snapshot.Store{Dir: filepath.Join(g.site.Dir, "data")}
	for n := g.opts.DataMonths - 1; n >= 0; n-- {
		month := monthsBack(g.now, n)
		s := g.snapshot(month)
		g.snaps[month] = s
		g.site.DataMonths = append(g.site.DataMonths, month)
		if err := snapshot.Write(store.Path(month), s); err != nil {
			return fmt.Errorf("write snapshot %s: %w", month, err)
		}
	}
	return nil
}

func (g *gen) snapshot(month string) *snapshot.Snapshot {
	start, end, _ := snapshot.MonthRange(month, g.loc)
	current := !g.now.Before(start) && g.now.Before(end)
	s := snapshot.New(month)
	// The current month is collected daily and not frozen yet; past months
	// were collected on the first of the next month and frozen.
	collected := end.Add(6 * time.Hour).UTC()
	if current {
		collected = time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 6, 0, 0, 0, g.loc).UTC()
	} else {
		s.Frozen = true
	}
	s.Sources = map[string]snapshot.SourceInfo{
		snapshot.SourceGitHub:     {CollectedAt: collected},
		snapshot.SourcePrometheus: {CollectedAt: collected},
	}
	for _, r := range repos {
		s.Issues = append(s.Issues, snapshot.RepoIssues{
			Repository: r,
			Opened:     g.between(5, 60), Closed: g.between(5, 60), OpenAtEnd: g.between(50, 300),
			PullRequests: snapshot.Counts{Opened: g.between(5, 60), Closed: g.between(5, 60), OpenAtEnd: g.between(0, 20)},
		})
	}
	for _, t := range tracks {
		s.Releases = append(s.Releases, g.track(t.id, t.name, t.repo, start, end))
	}
	for _, c := range g.comps {
		s.Availability = append(s.Availability, g.availability(c, start, end, current))
	}
	for i := 1; i <= 3; i++ {
		num := monthNumber(month)*3 + i
		total := g.between(3, 12)
		closed := g.between(0, total)
		state := "open"
		if closed == total {
			state = "closed"
		}
		due := end.Add(-24 * time.Hour).UTC()
		s.Goals = append(s.Goals, snapshot.Goal{
			Ref: "milestone: " + goalRef(repos[0], num), Kind: "milestone", Repository: repos[0], Number: num,
			Title: fmt.Sprintf("Milestone %d", num), State: state,
			URL:    fmt.Sprintf("https://github.com/%s/milestone/%d", repos[0], num),
			Closed: closed, Total: total, Due: &due,
		})
	}
	return s
}

// monthNumber numbers months from year 0, giving each month's goals their
// own milestone numbers.
func monthNumber(month string) int {
	t, _ := time.Parse("2006-01", month)
	return t.Year()*12 + int(t.Month())
}

func goalRef(repo string, num int) string { return fmt.Sprintf("%s#%d", repo, num) }

func (g *gen) track(id, name, repo string, start, end time.Time) snapshot.Track {
	t := snapshot.Track{Track: id, Name: name, Source: "releases"}
	n := g.between(3, 10)
	span := end.Sub(start)
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * span / time.Duration(n)).Add(time.Duration(g.between(1, 20)) * time.Hour).UTC()
		secs := float64(g.between(20*60, 3*3600))
		if g.rng.IntN(8) == 0 {
			secs *= float64(g.between(4, 12)) // the occasional stuck release
		}
		t.Releases = append(t.Releases, snapshot.Release{
			Name:  fmt.Sprintf("v%d.%d.%d", start.Year()-2000, int(start.Month()), i),
			URL:   fmt.Sprintf("https://github.com/%s/releases/tag/v%d.%d.%d", repo, start.Year()-2000, int(start.Month()), i),
			Start: at, End: at.Add(time.Duration(secs) * time.Second), DurationSeconds: secs,
		})
	}
	t.Summary = summarize(t.Releases, 3)
	return t
}

// summarize computes a track summary the way the collector does: median,
// nearest-rank 90th percentile, max, mean and the outliers above factor ×
// median, slowest first.
func summarize(rels []snapshot.Release, factor float64) snapshot.Summary {
	d := make([]float64, len(rels))
	sum := 0.0
	for i, r := range rels {
		d[i] = r.DurationSeconds
		sum += r.DurationSeconds
	}
	sort.Float64s(d)
	s := snapshot.Summary{Count: len(d), OutlierFactor: factor, Outliers: []string{}}
	if len(d) == 0 {
		return s
	}
	if len(d)%2 == 1 {
		s.MedianSeconds = d[len(d)/2]
	} else {
		s.MedianSeconds = (d[len(d)/2-1] + d[len(d)/2]) / 2
	}
	s.P90Seconds = d[int(math.Ceil(0.9*float64(len(d))))-1]
	s.MaxSeconds = d[len(d)-1]
	s.MeanSeconds = math.Round(sum/float64(len(d))*1000) / 1000
	slow := append([]snapshot.Release(nil), rels...)
	sort.SliceStable(slow, func(i, j int) bool { return slow[i].DurationSeconds > slow[j].DurationSeconds })
	for _, r := range slow {
		if r.DurationSeconds > factor*s.MedianSeconds {
			s.Outliers = append(s.Outliers, r.Name)
		}
	}
	return s
}

// availability draws a month of daily ratios for c: most days perfect,
// some with a little downtime, a rare bad day. Days after Now's are not
// collected yet.
func (g *gen) availability(c component, start, end time.Time, current bool) snapshot.Availability {
	a := snapshot.Availability{Component: c.id, SLO: c.slo / 100}
	var weighted, covered, monthLen float64
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		hours := next.Sub(d).Hours()
		monthLen += hours
		if current && !d.Before(time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, g.loc)) {
			break
		}
		r := 1.0
		switch x := g.rng.IntN(40); {
		case x == 0:
			r = 0.9 + g.rng.Float64()*0.09
		case x < 8:
			r = 1 - g.rng.Float64()*0.002
		}
		r = math.Round(r*1e6) / 1e6
		a.Daily = append(a.Daily, snapshot.Day{Date: d.Format("2006-01-02"), Ratio: &r, Coverage: 1})
		weighted += r * hours
		covered += hours
	}
	if covered == 0 {
		return a
	}
	ratio := math.Round(weighted/covered*1e6) / 1e6
	a.Ratio = &ratio
	a.Coverage = math.Round(covered/monthLen*1e4) / 1e4
	budget := math.Round((1-(1-ratio)/(1-a.SLO))*1e4) / 1e4
	a.ErrorBudgetRemaining = &budget
	return a
}
