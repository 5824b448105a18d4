package buildcache

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/benchgen"
)

// incidentComponents returns the components the incident slug lists.
func incidentComponents(tb testing.TB, dir, slug string) []string {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join(dir, "content", "incidents", slug+".md"))
	if err != nil {
		tb.Fatal(err)
	}
	g := regexp.MustCompile(`(?m)^components: \[(.*)\]$`).FindSubmatch(src)
	if g == nil {
		tb.Fatalf("%s lists no components", slug)
	}
	return strings.Split(string(g[1]), ", ")
}

// TestCachedBuildFailsAlike: a change that makes content invalid fails the
// build through a warm document cache with the messages of a build without
// cache, on every build, including a change to the config alone, which
// leaves every content file (and so every cache key) as it was.
func TestCachedBuildFailsAlike(t *testing.T) {
	changes := []struct {
		name string
		// change breaks the site and returns a message the build must
		// report.
		change func(t *testing.T, dir string, gs *benchgen.Site) string
		// fromCache is set when the broken files are still served from
		// the document cache: only the config changed.
		fromCache bool
	}{
		{"config: a component an incident names removed", func(t *testing.T, dir string, gs *benchgen.Site) string {
			id := incidentComponents(t, dir, gs.Incidents[3])[0]
			edit(t, filepath.Join(dir, "config.toml"), func(s string) string {
				return regexp.MustCompile(`\n\[\[components\]\]\nid = "`+regexp.QuoteMeta(id)+`"\n(?:[a-z_]+ = .*\n)*`).ReplaceAllString(s, "\n")
			})
			return gs.Incidents[3] + `.md:6: unknown component "` + id + `"`
		}, true},
		{"incident: front matter that does not parse", func(t *testing.T, dir string, gs *benchgen.Site) string {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[3]+".md"), func(s string) string {
				return strings.Replace(s, "components: [", "components: [[", 1)
			})
			return gs.Incidents[3] + ".md:"
		}, false},
		{"incident: unknown status", func(t *testing.T, dir string, gs *benchgen.Site) string {
			edit(t, filepath.Join(dir, "content", "incidents", gs.Incidents[3]+".md"), func(s string) string {
				return strings.Replace(s, "    status: investigating\n", "    status: exploding\n", 1)
			})
			return gs.Incidents[3] + `.md:9: unknown incident status "exploding"`
		}, false},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			dir, gs := genSite(t)
			build(t, dir, true) // warm the caches
			build(t, dir, true)
			msg := c.change(t, dir, gs)
			_, wantErr := tryBuild(t, dir, false, buildNow)
			if wantErr == nil || !strings.Contains(wantErr.Error(), msg) {
				t.Fatalf("the change should fail the build with %q; got %v", msg, wantErr)
			}
			for i := range 2 {
				b, err := tryBuild(t, dir, true, buildNow)
				if err == nil || err.Error() != wantErr.Error() {
					t.Fatalf("cached build %d:\n%v\nwant, as without cache:\n%v", i+1, err, wantErr)
				}
				if c.fromCache && b.documents.Misses != 0 {
					t.Errorf("cached build %d: %+v; the content did not change, it should all come from the cache", i+1, b.documents)
				}
				if !c.fromCache && b.documents.Misses != 1 {
					t.Errorf("cached build %d: %+v; want the broken file parsed, and only that", i+1, b.documents)
				}
			}
		})
	}
}
