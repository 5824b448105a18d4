package feed

import (
	"bytes"
	"html"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/bulletin-dev/bulletin/internal/feed/feedtest"
)

func TestRenderParsesBack(t *testing.T) {
	f := Feed{
		Title: "Ops reports", Description: "Monthly", Link: "https://ops.example.org/", Limit: 2,
		Items: []Item{
			{Title: "September", Link: "https://ops.example.org/reports/2026/09/", ID: "tag:ops.example.org,2026-09-01:reports/2026-09",
				Published: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC), Authors: []string{"Drew"}, ContentHTML: "<p>Sep</p>"},
			{Title: "October", Link: "https://ops.example.org/reports/2026/10/", ID: "tag:ops.example.org,2026-10-01:reports/2026-10",
				Published: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), Authors: []string{"Drew", "Sam"}, ContentHTML: "<p>Oct &amp; more</p>"},
			{Title: "August", Link: "https://ops.example.org/reports/2026/08/", ID: "tag:ops.example.org,2026-08-01:reports/2026-08",
				Published: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC), ContentHTML: "<p>Aug</p>"},
		},
	}
	docs, err := Render(f)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"rss": docs.RSS, "atom": docs.Atom, "json": docs.JSON} {
		t.Run(name, func(t *testing.T) {
			parsed, err := gofeed.NewParser().Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if parsed.Title != "Ops reports" || len(parsed.Items) != 2 {
				t.Fatalf("title %q, %d items", parsed.Title, len(parsed.Items))
			}
			first, second := parsed.Items[0], parsed.Items[1]
			if first.Title != "October" || second.Title != "September" {
				t.Errorf("order: %q, %q", first.Title, second.Title)
			}
			if first.Link != "https://ops.example.org/reports/2026/10/" {
				t.Errorf("link %q", first.Link)
			}
			if first.GUID != "tag:ops.example.org,2026-10-01:reports/2026-10" {
				t.Errorf("guid %q", first.GUID)
			}
			if !strings.Contains(first.Content, "Oct &amp; more") && !strings.Contains(first.Content, "Oct & more") {
				t.Errorf("content %q", first.Content)
			}
			if first.PublishedParsed == nil || !first.PublishedParsed.Equal(time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("published %v", first.PublishedParsed)
			}
		})
	}
	again, _ := Render(f)
	if !bytes.Equal(again.RSS, docs.RSS) || !bytes.Equal(again.Atom, docs.Atom) || !bytes.Equal(again.JSON, docs.JSON) {
		t.Error("rendering twice differs")
	}
}

// TestSummaryIsText: a summary is text in every format. RSS's description
// and Atom's summary type="html" hold HTML, so there the text must come
// out of the reader's HTML as the same text, never as live markup; JSON
// Feed's summary is the text itself.
func TestSummaryIsText(t *testing.T) {
	const summary = `Moved <script>alert("x")</script> & "tuned" the <b>cache</b>`
	docs, err := Render(Feed{Title: "t", Link: "https://ops.example.org/", Items: []Item{{
		Title: "October", Link: "https://ops.example.org/reports/2026/10/", ID: "tag:x",
		Published: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), Summary: summary, ContentHTML: "<p>body</p>",
	}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		doc  []byte
		html bool // the field holds HTML
	}{{"rss", docs.RSS, true}, {"atom", docs.Atom, true}, {"json", docs.JSON, false}} {
		t.Run(tc.name, func(t *testing.T) {
			parsed, err := gofeed.NewParser().Parse(bytes.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := parsed.Items[0].Description
			if tc.html {
				if strings.Contains(got, "<script") || strings.Contains(got, "<b>") {
					t.Errorf("summary is live markup in a reader: %q", got)
				}
				got = html.UnescapeString(got)
			}
			if got != summary {
				t.Errorf("summary reads %q, want the text %q", got, summary)
			}
		})
	}
}

// TestRenderPassesTheRules renders feeds of each shape a site makes and
// holds every document to feedtest's rules: a report feed with several
// authors an item, an incident feed whose items have none (the feed's
// author stands for them), and a feed without items, whose <updated> must
// still be a date.
func TestRenderPassesTheRules(t *testing.T) {
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	self := URLs{RSS: "https://ops.example.org/feed.xml", Atom: "https://ops.example.org/atom.xml", JSON: "https://ops.example.org/feed.json"}
	for _, tt := range []struct {
		name  string
		items []Item
	}{
		{"authors", []Item{{Title: "October", Link: "https://ops.example.org/reports/2026/10/", ID: "tag:ops.example.org,2026-10-01:reports/2026-10",
			Published: at, Authors: []string{"Drew Okafor", "Sam Lindqvist"}}}},
		{"no authors", []Item{{Title: "DNS outage", Link: "https://ops.example.org/incidents/dns/", ID: "tag:ops.example.org,2026-10-14:incidents/dns", Published: at}}},
		{"no items", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Render(Feed{Title: "Ops", Link: "https://ops.example.org/", Self: self, Language: "de", Items: tt.items})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []struct {
				format, self string
				doc          []byte
			}{{"rss", self.RSS, docs.RSS}, {"atom", self.Atom, docs.Atom}, {"json", self.JSON, docs.JSON}} {
				for _, problem := range feedtest.Check(d.doc, feedtest.Want{Self: d.self, Language: "de"}) {
					t.Errorf("%s: %s", d.format, problem)
				}
				p, err := feedtest.Parse(d.doc)
				if err != nil {
					t.Fatal(err)
				}
				for i, it := range tt.items {
					if !slices.Equal(p.Authors[i], it.Authors) {
						t.Errorf("%s: item %d authors %q, want %q", d.format, i, p.Authors[i], it.Authors)
					}
				}
			}
			if tt.items == nil && !bytes.Contains(docs.Atom, []byte("<updated>1970-01-01T00:00:00Z</updated>")) {
				t.Errorf("empty atom feed's <updated>:\n%s", docs.Atom)
			}
		})
	}
}
