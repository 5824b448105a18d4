package site

import (
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/feed/feedtest"
)

// feedSites are the sites whose every feed is checked: the fixtures and
// the example site at the repository's root.
var feedSites = []string{fixture, "testdata/status/site", "../.."}

// isFeed reports whether name is a feed document of the build.
func isFeed(name string) bool {
	switch path.Base(name) {
	case "feed.xml", "atom.xml", "feed.json":
		return true
	}
	return false
}

// TestFeedsPassTheRules parses every feed of every site with gofeed and
// holds it to the rules of feedtest: a self link that is its own URL, the
// configured language, an author for every Atom entry, RFC 3339 dates
// (an empty component feed's too), RSS authors in dc:creator, one author
// per person.
func TestFeedsPassTheRules(t *testing.T) {
	for _, dir := range feedSites {
		for _, env := range []string{"", "staging"} {
			cfg, err := config.Load(filepath.Join(dir, "config.toml"), env)
			if err != nil {
				if env != "" {
					continue // a site without [env.staging]
				}
				t.Fatal(err)
			}
			files := renderSite(t, dir, env, Options{})
			n := 0
			for _, name := range sortedKeys(files) {
				if !isFeed(name) {
					continue
				}
				n++
				want := feedtest.Want{Self: cfg.AbsURL(name), Language: cfg.Language}
				for _, problem := range feedtest.Check(files[name], want) {
					t.Errorf("%s (env %q) %s: %s", dir, env, name, problem)
				}
			}
			if n < 3 {
				t.Errorf("%s (env %q): %d feeds, want every one checked", dir, env, n)
			}
		}
	}
}

// TestFeedAuthorsKeptApart: a report by three people is by three authors
// in every format, not by one named "Drew, Sam, Mei".
func TestFeedAuthorsKeptApart(t *testing.T) {
	files := renderSite(t, fixture, "", Options{})
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
		p, err := feedtest.Parse(files[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := p.Authors[0], []string{"Drew", "Sam", "Mei"}; !slices.Equal(got, want) {
			t.Errorf("%s: first item's authors %q, want %q", name, got, want)
		}
	}
}
