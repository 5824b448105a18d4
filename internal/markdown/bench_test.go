package markdown_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/markdown"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// BenchmarkRender renders 24 generated monthly reports (500–1,500 words,
// with headings, lists, tables, code, links and figure citations) as the
// build does; MB/s is markdown bytes per second on one goroutine.
func BenchmarkRender(b *testing.B) {
	gs, err := benchgen.Generate(filepath.Join(b.TempDir(), "site"), benchgen.Options{
		Seed: 1, Now: time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC), Reports: 24,
	})
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(gs.Dir, "config.toml"), "production")
	if err != nil {
		b.Fatal(err)
	}
	reports, err := content.LoadReports(filepath.Join(gs.Dir, "content", "reports"), cfg.Location)
	if err != nil {
		b.Fatal(err)
	}
	snaps, err := snapshot.Store{Dir: filepath.Join(gs.Dir, "data")}.LoadAll()
	if err != nil {
		b.Fatal(err)
	}
	type doc struct {
		src     []byte
		resolve markdown.Resolver
	}
	var docs []doc
	size := 0
	for _, r := range reports {
		snap := snaps[r.Month]
		docs = append(docs, doc{r.Body, func(key string) (string, error) {
			f, err := snap.Lookup(key)
			if err != nil {
				return "", err
			}
			return f.Format(cfg.PercentPrecision), nil
		}})
		size += len(r.Body)
	}
	md := markdown.New(markdown.Options{})
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			if _, probs := md.Render(d.src, d.resolve); len(probs) > 0 {
				b.Fatal(probs)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/report")
}
