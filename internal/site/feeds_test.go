package site

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
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

// movedSite is a copy of the fixture moved to another host, which keeps
// its old host for feed ids.
func movedSite(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
		tb.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	moved := bytes.Replace(b, []byte(`base_url = "https://ops.acme.example/"`), []byte(`base_url = "https://ops.acme-new.example/"
feed_id_host = "ops.acme.example"`), 1)
	if bytes.Equal(moved, b) {
		tb.Fatal("the fixture's base_url moved: update movedSite")
	}
	b = moved
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestFeedIDsSurviveEnvironment: a staging build's feeds, and those of the
// site moved to a new host that keeps feed_id_host, hold the same entry
// ids as production's, so that a base URL never enters an id and a reader
// sees each entry once.
func TestFeedIDsSurviveEnvironment(t *testing.T) {
	for _, tt := range []struct{ dir, env, moved string }{
		{fixture, "staging", ""},
		{"../..", "staging", ""},
		{fixture, "", movedSite(t)},
	} {
		dir := tt.dir
		prod := renderSite(t, dir, "", Options{})
		var staging map[string][]byte
		if tt.moved != "" {
			staging = renderSite(t, tt.moved, "", Options{})
		} else {
			staging = renderSite(t, dir, tt.env, Options{})
		}
		for _, name := range sortedKeys(prod) {
			if !isFeed(name) {
				continue
			}
			pf, err := feedtest.Parse(prod[name])
			if err != nil {
				t.Fatalf("%s %s: %v", dir, name, err)
			}
			sf, err := feedtest.Parse(staging[name])
			if err != nil {
				t.Fatalf("%s %s (staging): %v", dir, name, err)
			}
			if len(pf.Feed.Items) != len(sf.Feed.Items) {
				t.Fatalf("%s %s: %d items in production, %d in staging", dir, name, len(pf.Feed.Items), len(sf.Feed.Items))
			}
			for i := range pf.Feed.Items {
				p, s := pf.Feed.Items[i].GUID, sf.Feed.Items[i].GUID
				if p != s {
					t.Errorf("%s %s: id %q in production, %q in staging", dir, name, p, s)
				}
				if strings.Contains(s, "staging") || strings.Contains(s, "acme-new") {
					t.Errorf("%s %s: id %q holds the host of the build", dir, name, s)
				}
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
