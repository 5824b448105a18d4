package content_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

// benchSite generates a synthetic site for the loader benchmarks.
func benchSite(tb testing.TB, reports, incidents int) (string, *config.Config) {
	tb.Helper()
	gs, err := benchgen.Generate(filepath.Join(tb.TempDir(), "site"), benchgen.Options{
		Seed: 1, Now: time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC), Reports: reports, Incidents: incidents,
	})
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(gs.Dir, "config.toml"), "production")
	if err != nil {
		tb.Fatal(err)
	}
	return gs.Dir, cfg
}

// BenchmarkLoadReports reads and validates 120 monthly reports (ten years).
func BenchmarkLoadReports(b *testing.B) {
	dir, cfg := benchSite(b, 120, 0)
	b.ResetTimer()
	for b.Loop() {
		rs, err := content.LoadReports(filepath.Join(dir, "content", "reports"), cfg.Location)
		if err != nil || len(rs) != 120 {
			b.Fatalf("%d reports, %v", len(rs), err)
		}
	}
}

// BenchmarkLoadStatusContent reads and validates incidents and maintenance
// windows; ns/op divided by the size is the per-incident cost.
func BenchmarkLoadStatusContent(b *testing.B) {
	for _, n := range []int{100, 2000} {
		b.Run(benchName(n), func(b *testing.B) {
			dir, cfg := benchSite(b, 0, n)
			b.ResetTimer()
			for b.Loop() {
				sc, err := content.LoadStatusContent(filepath.Join(dir, "content", "incidents"), filepath.Join(dir, "content", "maintenance"), cfg)
				if err != nil || len(sc.Incidents) != n {
					b.Fatalf("%d incidents, %v", len(sc.Incidents), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/incident")
		})
	}
}

func benchName(n int) string {
	return fmt.Sprintf("incidents=%d", n)
}
