package site_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/buildcache"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/site"
	"github.com/bulletin-dev/bulletin/themes"
)

// BenchmarkBuild loads and renders whole generated sites into memory, as
// `bulletin serve` does and `bulletin build` does before writing: cold
// renders every markdown document, cached serves them from a warm
// internal/buildcache.
func BenchmarkBuild(b *testing.B) {
	now := time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC)
	for _, sz := range []struct{ reports, incidents int }{{12, 100}, {120, 2000}} {
		gs, err := benchgen.Generate(filepath.Join(b.TempDir(), "site"), benchgen.Options{Seed: 1, Now: now, Reports: sz.reports, Incidents: sz.incidents})
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := config.Load(filepath.Join(gs.Dir, "config.toml"), "production")
		if err != nil {
			b.Fatal(err)
		}
		for _, cached := range []bool{false, true} {
			mode := "cold"
			if cached {
				mode = "cached"
			}
			b.Run(fmt.Sprintf("reports=%d/incidents=%d/%s", sz.reports, sz.incidents, mode), func(b *testing.B) {
				build := func() int {
					opts := site.Options{Dir: gs.Dir, Now: now, Builtin: themes.FS}
					var c *buildcache.Cache
					if cached {
						if c, err = buildcache.ForSite(gs.Dir, cfg); err != nil {
							b.Fatal(err)
						}
						opts.Markdown = c
					}
					s, err := site.Load(cfg, opts)
					if err != nil {
						b.Fatal(err)
					}
					out := site.NewMemOutput()
					if err := s.Render(out); err != nil {
						b.Fatal(err)
					}
					if c != nil {
						if err := c.Save(); err != nil {
							b.Fatal(err)
						}
					}
					return len(out.Names())
				}
				files := build() // warms the cache
				b.ResetTimer()
				for b.Loop() {
					build()
				}
				b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			})
		}
	}
}
