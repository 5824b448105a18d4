package buildcache

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
)

// annSlug is the announcement the cases below write into the generated
// site; annOutputs are the files that show it.
const annSlug = "2026-12-01-api-v1-removal"

var annOutputs = []string{
	"status/index.html",
	"announcements/" + annSlug + "/index.html",
	"announcements/index.html",
	"announcements/feed.xml",
	"announcements/atom.xml",
	"announcements/feed.json",
	"status/api/announcements.json",
}

// writeAnnouncement writes the announcement, effective at effective, on
// the site's first component.
func writeAnnouncement(t *testing.T, dir string, gs *benchgen.Site, title string, effective time.Time) {
	t.Helper()
	write(t, filepath.Join(dir, "content", "announcements", annSlug+".md"), "---\ntitle: "+title+
		"\nkind: breaking-change\neffective: "+effective.Format(time.RFC3339)+
		"\ncomponents: ["+gs.Components[0]+"]\nupdates:\n  - at: 2026-11-10T10:00:00Z\n    status: planned\n    body: Announced.\n---\n\nThe v1 API goes away.\n")
}

// TestNeverStaleAnnouncements is TestNeverStale for announcements: after
// each change a cached rebuild equals one without cache, and every output
// that shows the announcement changed (or, removed, is gone).
func TestNeverStaleAnnouncements(t *testing.T) {
	effective := buildNow.Add(time.Hour)
	add := func(title string) func(t *testing.T, dir string, gs *benchgen.Site) {
		return func(t *testing.T, dir string, gs *benchgen.Site) { writeAnnouncement(t, dir, gs, title, effective) }
	}
	changes := []struct {
		name string
		// setup, when set, makes the site the cache is warmed with;
		// change is what the rebuild sees.
		setup, change func(t *testing.T, dir string, gs *benchgen.Site)
		now           time.Time
		// gone: the outputs are to disappear rather than change.
		gone bool
	}{
		{"announcement added", nil, add("The v1 API is removed"), time.Time{}, false},
		{"announcement edited", add("The v1 API is removed"), add("The v1 API is removed on 1 December"), time.Time{}, false},
		{"announcement removed", add("The v1 API is removed"), func(t *testing.T, dir string, gs *benchgen.Site) {
			if err := os.Remove(filepath.Join(dir, "content", "announcements", annSlug+".md")); err != nil {
				t.Fatal(err)
			}
		}, time.Time{}, true},
		{"clock: past its effective date, overdue", add("The v1 API is removed"), func(*testing.T, string, *benchgen.Site) {}, effective.Add(time.Hour), false},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			dir, gs := genSite(t)
			if c.setup != nil {
				c.setup(t, dir, gs)
			}
			build(t, dir, true) // warm the cache
			before, _ := build(t, dir, true)
			c.change(t, dir, gs)
			want := rebuildAt(t, dir, c.now)
			for _, name := range annOutputs {
				switch {
				case c.gone && name == "status/index.html":
					if bytes.Equal(before[name], want[name]) || strings.Contains(string(want[name]), annSlug) {
						t.Errorf("%s still shows the removed announcement", name)
					}
				case c.gone:
					if _, ok := want[name]; ok {
						t.Errorf("%s is still written", name)
					}
				case want[name] == nil:
					t.Errorf("%s is not written", name)
				case c.now.IsZero() && bytes.Equal(before[name], want[name]):
					t.Errorf("%s did not change", name)
				case !c.now.IsZero() && !strings.Contains(string(want[name]), "overdue"):
					t.Errorf("%s does not say overdue", name)
				}
			}
		})
	}
}
