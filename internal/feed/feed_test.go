package feed

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
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
