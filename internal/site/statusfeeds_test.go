package site

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// feedDoc is the part of an RSS document the tests read.
type feedDoc struct {
	Items []struct {
		Title   string `xml:"title"`
		GUID    string `xml:"guid"`
		Content string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		Desc    string `xml:"description"`
	} `xml:"channel>item"`
}

func TestStatusFeeds(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	var all feedDoc
	if err := xml.Unmarshal(files["status/feed.xml"], &all); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range all.Items {
		titles = append(titles, it.Title)
	}
	// Newest first: a window is dated by its announcement, or by its
	// start when it has none (the certificate rotation).
	want := []string{
		"Cache rebuild",
		"Stale pages around the clock change",
		"CDN certificate rotation",
		"DNS resolution failing & <slow>",
		"Database upgrade to Postgres 17",
		"Database failover",
		"Slow website",
		"Network switch replacement",
	}
	if strings.Join(titles, "\n") != strings.Join(want, "\n") {
		t.Errorf("items:\n%s\nwant\n%s", strings.Join(titles, "\n"), strings.Join(want, "\n"))
	}
	for _, it := range all.Items {
		if !strings.HasPrefix(it.GUID, "tag:ops.example.org,") || !strings.Contains(it.GUID, ":incidents/") {
			t.Errorf("%s: id %q is not a stable tag URI", it.Title, it.GUID)
		}
		if it.Title == "DNS resolution failing & <slow>" {
			// The item says where the incident stands and what was said last.
			if !strings.Contains(it.Content, "<strong>Identified</strong>") || !strings.Contains(it.Content, "Latest update") ||
				!strings.Contains(it.Content, "secondary provider &amp; watching") {
				t.Errorf("DNS item content lacks its status or latest update:\n%s", it.Content)
			}
			if !strings.HasPrefix(it.Desc, "Identified: An upstream resolver is returning SERVFAIL.") {
				t.Errorf("DNS item summary %q", it.Desc)
			}
		}
	}

	var db feedDoc
	if err := xml.Unmarshal(files["status/components/db/feed.xml"], &db); err != nil {
		t.Fatal(err)
	}
	titles = nil
	for _, it := range db.Items {
		titles = append(titles, it.Title)
	}
	if got := strings.Join(titles, ", "); got != "Database upgrade to Postgres 17, Database failover, Network switch replacement" {
		t.Errorf("db feed items: %s", got)
	}

	// Ids do not change when an incident gets an update.
	dir := copyDir(t, statusSiteDir)
	p := filepath.Join(dir, "content/incidents/2026-10-14-dns-resolution-failing.md")
	src, _ := os.ReadFile(p)
	edited := strings.Replace(string(src), "      dns: partial_outage\n---\n", "      dns: partial_outage\n  - at: 2026-10-15T09:00:00Z\n    status: monitoring\n    body: Watching.\n---\n", 1)
	if edited == string(src) {
		t.Fatal("the DNS incident fixture changed; update this test")
	}
	writeFile(t, p, edited)
	var later feedDoc
	if err := xml.Unmarshal(renderDir(t, dir, statusNow)["status/feed.xml"], &later); err != nil {
		t.Fatal(err)
	}
	for i := range all.Items {
		if all.Items[i].Title == "DNS resolution failing & <slow>" {
			for _, it := range later.Items {
				if it.Title == all.Items[i].Title && it.GUID != all.Items[i].GUID {
					t.Errorf("id changed with an update: %s -> %s", all.Items[i].GUID, it.GUID)
				}
				if it.Title == all.Items[i].Title && !strings.Contains(it.Content, "<strong>Monitoring</strong>") {
					t.Errorf("item does not follow the update:\n%s", it.Content)
				}
			}
		}
	}
}
