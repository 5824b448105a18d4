package status_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// BenchmarkCompute computes the status page (10 components × 90 days),
// the incident history and each report month's figures from generated
// sites; ns/incident at each size shows whether the cost stays linear.
func BenchmarkCompute(b *testing.B) {
	now := time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC)
	for _, n := range []int{100, 2000, 10000} {
		b.Run(fmt.Sprintf("incidents=%d", n), func(b *testing.B) {
			gs, err := benchgen.Generate(filepath.Join(b.TempDir(), "site"), benchgen.Options{Seed: 1, Now: now, Reports: 120, Incidents: n, MinWords: 50, MaxWords: 60})
			if err != nil {
				b.Fatal(err)
			}
			cfg, err := config.Load(filepath.Join(gs.Dir, "config.toml"), "production")
			if err != nil {
				b.Fatal(err)
			}
			sc, err := content.LoadStatusContent(filepath.Join(gs.Dir, "content", "incidents"), filepath.Join(gs.Dir, "content", "maintenance"), cfg)
			if err != nil {
				b.Fatal(err)
			}
			snaps, err := snapshot.Store{Dir: filepath.Join(gs.Dir, "data")}.LoadAll()
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				p := status.Compute(cfg, sc.Incidents, sc.Maintenance, snaps, now)
				if len(p.Components) != 10 {
					b.Fatalf("%d components", len(p.Components))
				}
				status.History(cfg.Location, sc.Incidents, sc.Maintenance, now)
				for _, m := range gs.Reports {
					if _, err := status.Monthly(m, cfg.Location, sc.Incidents); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/incident")
		})
	}
}
