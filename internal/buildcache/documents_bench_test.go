package buildcache

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

// BenchmarkLoadContent loads the reports, incidents and maintenance windows
// of a site of 12 reports and 2,000 incidents as site.Load does: without
// cache, through an empty document cache (parsing everything, then saving
// the cache), and through a warm one read from disk (parsing nothing). The
// warm ns/op is what a no-change build pays for its content.
func BenchmarkLoadContent(b *testing.B) {
	gs, err := benchgen.Generate(filepath.Join(b.TempDir(), "site"), benchgen.Options{
		Seed: 1, Now: time.Date(2026, 11, 14, 10, 30, 0, 0, time.UTC), Reports: 12, Incidents: 2000,
	})
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(gs.Dir, "config.toml"), "production")
	if err != nil {
		b.Fatal(err)
	}
	fp := [32]byte{7}
	load := func(b *testing.B, ld content.Loader) {
		rs, err := ld.Reports(filepath.Join(gs.Dir, "content", "reports"), cfg.Location)
		if err != nil || len(rs) != 12 {
			b.Fatalf("%d reports, %v", len(rs), err)
		}
		sc, err := ld.StatusContent(filepath.Join(gs.Dir, "content", "incidents"), filepath.Join(gs.Dir, "content", "maintenance"), cfg)
		if err != nil || len(sc.Incidents) != 2000 {
			b.Fatalf("%d incidents, %v", len(sc.Incidents), err)
		}
	}
	b.Run("nocache", func(b *testing.B) {
		for b.Loop() {
			load(b, content.Loader{})
		}
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			dir := b.TempDir()
			d := OpenDocuments(dir, fp)
			load(b, content.Loader{Cache: d})
			if err := d.Save(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		dir := b.TempDir()
		d := OpenDocuments(dir, fp)
		load(b, content.Loader{Cache: d})
		if err := d.Save(); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			d := OpenDocuments(dir, fp)
			load(b, content.Loader{Cache: d})
			if err := d.Save(); err != nil {
				b.Fatal(err)
			}
			if st := d.Stats(); st.Misses != 0 {
				b.Fatalf("warm cache: %+v", st)
			}
		}
	})
}
