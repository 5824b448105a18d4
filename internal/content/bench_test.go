package content_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
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

// benchFile returns the path and bytes of the median-sized content file of
// dir, so that the single-file benchmarks measure a typical file.
func benchFile(tb testing.TB, dir string) (string, []byte) {
	tb.Helper()
	paths, err := content.MarkdownFiles(dir)
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no content files in %s: %v", dir, err)
	}
	srcs := make(map[string][]byte, len(paths))
	for _, p := range paths {
		if srcs[p], err = os.ReadFile(p); err != nil {
			tb.Fatal(err)
		}
	}
	sort.SliceStable(paths, func(i, j int) bool { return len(srcs[paths[i]]) < len(srcs[paths[j]]) })
	p := paths[len(paths)/2]
	return p, srcs[p]
}

// BenchmarkParseIncident decodes and validates one typical generated
// incident (a timeline of a few updates): the cost LoadStatusContent pays
// per file, without the file system and the scheduling.
func BenchmarkParseIncident(b *testing.B) {
	dir, cfg := benchSite(b, 0, 50)
	path, src := benchFile(b, filepath.Join(dir, "content", "incidents"))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := content.ParseIncident(path, src, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseReport decodes and validates one typical generated monthly
// report (goals, summary and a long markdown body).
func BenchmarkParseReport(b *testing.B) {
	dir, cfg := benchSite(b, 12, 0)
	path, src := benchFile(b, filepath.Join(dir, "content", "reports"))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := content.ParseReport(path, src, cfg.Location); err != nil {
			b.Fatal(err)
		}
	}
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
