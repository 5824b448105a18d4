package site

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// reportItem is what a feed must say about one report.
type reportItem struct {
	title, link, id string
	published       time.Time
	// content holds fragments of the full report that must be in the
	// item's HTML: narrative and generated sections, not only the summary.
	content []string
}

func TestFeedsParseBack(t *testing.T) {
	files := renderSite(t, fixture, "", Options{})
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// feed_limit = 2 keeps the two newest of three reports.
	want := []reportItem{
		{
			title:     "October 2026: Postgres 16 & a DNS outage",
			link:      "https://ops.acme.example/reports/2026/10/",
			id:        "tag:ops.acme.example,2026-10-01:reports/2026-10",
			published: time.Date(2026, 11, 3, 9, 0, 0, 0, berlin),
			content: []string{
				"<li>The database runs Postgres 16.</li>",
				`<span class="figure" title="uptime.api">99.77%</span>`,
				`<h2 id="goals">Goals</h2>`,
				`<h2 id="releases">Release watch</h2>`,
				`<h2 id="uptime">Uptime</h2>`,
			},
		},
		{
			title:     "September 2026",
			link:      "https://ops.acme.example/reports/2026/09/",
			id:        "tag:ops.acme.example,2026-09-01:reports/2026-09",
			published: time.Date(2026, 10, 1, 10, 0, 0, 0, berlin),
			content:   []string{`opened <span class="figure" title="issues.acme/app.opened">12</span> issues`, `<span class="progress">4/10 issues closed</span>`},
		},
	}
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
		t.Run(name, func(t *testing.T) {
			f, err := gofeed.NewParser().ParseString(string(files[name]))
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			if f.Title != "Acme Ops" {
				t.Errorf("feed title %q", f.Title)
			}
			if len(f.Items) != len(want) {
				t.Fatalf("%d items, want %d (feed_limit)", len(f.Items), len(want))
			}
			for i, w := range want {
				it := f.Items[i]
				if it.Title != w.title {
					t.Errorf("item %d: title %q, want %q", i, it.Title, w.title)
				}
				if it.Link != w.link {
					t.Errorf("item %d: link %q, want %q", i, it.Link, w.link)
				}
				if it.GUID != w.id {
					t.Errorf("item %d: id %q, want %q", i, it.GUID, w.id)
				}
				if it.PublishedParsed == nil || !it.PublishedParsed.Equal(w.published) {
					t.Errorf("item %d: published %v, want %v", i, it.PublishedParsed, w.published)
				}
				if len(it.Authors) == 0 {
					t.Errorf("item %d: no author", i)
				}
				for _, c := range w.content {
					if !strings.Contains(it.Content, c) {
						t.Errorf("item %d: content lacks %s", i, c)
					}
				}
			}
		})
	}
	// A tag: URI is not a URL: RSS readers must not use it as the link.
	if rss := string(files["feed.xml"]); !strings.Contains(rss, `<guid isPermaLink="false">tag:ops.acme.example,2026-10-01:reports/2026-10</guid>`) {
		t.Errorf("RSS guid is not marked isPermaLink=\"false\":\n%s", regexp.MustCompile(`<guid[^\n]*`).FindString(rss))
	}
}

// TestFeedDefaultLimit builds a site with more reports than the default
// cap and no feed_limit: feeds keep the 20 newest, newest first.
func TestFeedDefaultLimit(t *testing.T) {
	var a strings.Builder
	a.WriteString("-- config.toml --\ntitle = \"Many\"\nbase_url = \"https://many.example/\"\n")
	month := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < config.DefaultFeedLimit+5; i++ {
		m := month.AddDate(0, i, 0)
		fmt.Fprintf(&a, "-- content/reports/%s.md --\n---\ntitle: Report %02d\ndate: %s\n---\nBody %d.\n", m.Format("2006-01"), i, m.AddDate(0, 1, 2).Format("2006-01-02"), i)
	}
	files := renderSite(t, writeArchive(t, a.String()), "", Options{})
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
		f, err := gofeed.NewParser().ParseString(string(files[name]))
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		if len(f.Items) != config.DefaultFeedLimit {
			t.Fatalf("%s: %d items, want %d", name, len(f.Items), config.DefaultFeedLimit)
		}
		for i, it := range f.Items {
			if want := fmt.Sprintf("Report %02d", config.DefaultFeedLimit+4-i); it.Title != want {
				t.Errorf("%s item %d: %q, want %q", name, i, it.Title, want)
			}
		}
	}
}

// TestEveryPageAdvertisesFeeds checks feed discovery and canonical URLs:
// every page of the reports advertises the report feeds; every other page
// (the status pages advertise their incident feeds) advertises some feed.
// The self-contained CDN error pages under errors/ are not site pages.
func TestEveryPageAdvertisesFeeds(t *testing.T) {
	files := renderSite(t, fixture, "", Options{})
	reportFeeds := []string{
		`<link rel="alternate" type="application/rss&#43;xml" title="Acme Ops (RSS)" href="https://ops.acme.example/feed.xml">`,
		`<link rel="alternate" type="application/atom&#43;xml" title="Acme Ops (Atom)" href="https://ops.acme.example/atom.xml">`,
		`<link rel="alternate" type="application/feed&#43;json" title="Acme Ops (JSON Feed)" href="https://ops.acme.example/feed.json">`,
	}
	n := 0
	for name, b := range files {
		if !strings.HasSuffix(name, ".html") || strings.HasPrefix(name, "errors/") {
			continue
		}
		page := string(b)
		want := []string{`<link rel="alternate" type="application/rss&#43;xml" title="`, `<link rel="canonical" href="https://ops.acme.example/`}
		if name == "index.html" || name == "404.html" || strings.HasPrefix(name, "reports/") {
			n++
			want = append(want, reportFeeds...)
		}
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %s", name, w)
			}
		}
	}
	if n != 6 {
		t.Errorf("%d report pages checked, want 6 (home, archive, 404, three reports)", n)
	}
}
