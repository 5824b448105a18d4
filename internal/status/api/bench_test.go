package api

import (
	"fmt"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// BenchmarkCompute10000 checks that the status page stays linear in the
// number of incidents: 10,000 incidents over ten years.
func BenchmarkCompute10000(b *testing.B) {
	cfg, _ := loadSite(b)
	now := time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC)
	comps := []string{"dns", "web", "db"}
	var incs []*content.Incident
	for i := 0; i < 10000; i++ {
		start := now.Add(-time.Duration(i) * 9 * time.Hour)
		inc := &content.Incident{
			Slug: fmt.Sprintf("incident-%05d", i), Title: "Incident", Impact: content.Impacts[i%4],
			Started: start, Resolved: start.Add(time.Hour), Components: []string{comps[i%3]},
			Updates: []content.IncidentUpdate{{At: start, Status: content.StatusInvestigating}, {At: start.Add(time.Hour), Status: content.StatusResolved}},
		}
		incs = append(incs, inc)
	}
	ratio := 0.999
	snaps := map[string]*snapshot.Snapshot{}
	for d := 0; d < 120; d++ {
		day := now.AddDate(0, 0, -d)
		m := day.Format("2006-01")
		if snaps[m] == nil {
			snaps[m] = snapshot.New(m)
			for _, c := range comps {
				snaps[m].Availability = append(snaps[m].Availability, snapshot.Availability{Component: c})
			}
		}
		for i := range snaps[m].Availability {
			snaps[m].Availability[i].Daily = append(snaps[m].Availability[i].Daily, snapshot.Day{Date: day.Format("2006-01-02"), Ratio: &ratio, Coverage: 1})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		p := status.Compute(cfg, incs, nil, snaps, now)
		if _, err := Documents(cfg, p); err != nil {
			b.Fatal(err)
		}
		status.History(cfg.Location, incs, nil, now)
	}
}
