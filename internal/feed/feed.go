// Package feed writes RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents through
// gorilla/feeds. It takes plain items so the same code serves report feeds
// and incident feeds; output is deterministic (no generator clocks, stable
// ids, order as given).
package feed

import (
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/feeds"
)

// Feed is a channel of items.
type Feed struct {
	Title       string
	Description string
	// Link is the absolute URL of the page the feed mirrors.
	Link string
	// ID is a stable unique id for the feed (used by Atom); Link by default.
	ID        string
	Author    string
	Copyright string
	Items     []Item
	// Limit caps the number of items (newest first); 0 means no cap.
	Limit int
}

// Item is one entry.
type Item struct {
	Title string
	// Link is the item's absolute URL.
	Link string
	// ID is stable across builds and never reused (e.g. a tag: URI).
	ID        string
	Published time.Time
	Updated   time.Time
	Authors   []string
	// Summary is plain text, never markup: it is escaped where a format
	// takes HTML (RSS description, Atom summary type="html").
	Summary     string
	ContentHTML string
}

// Newest returns the items a feed of them shows, in its order: sorted
// newest first (by Published, then ID) and capped at limit (0: no cap).
// Callers with costly item content use it to fill in only those items.
func Newest(items []Item, limit int) []Item {
	items = append([]Item(nil), items...)
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].Published.Equal(items[j].Published) {
			return items[i].Published.After(items[j].Published)
		}
		return items[i].ID > items[j].ID
	})
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items
}

// Documents are the three encodings of a feed.
type Documents struct {
	RSS, Atom, JSON []byte
}

// Render encodes f in all three formats. Items are sorted newest first (by
// Published, then ID) and capped at f.Limit.
func Render(f Feed) (Documents, error) {
	items := Newest(f.Items, f.Limit)
	gf := &feeds.Feed{
		Title:       f.Title,
		Description: f.Description,
		Link:        &feeds.Link{Href: f.Link},
		Id:          f.ID,
		Copyright:   f.Copyright,
	}
	if gf.Id == "" {
		gf.Id = f.Link
	}
	if f.Author != "" {
		gf.Author = &feeds.Author{Name: f.Author}
	}
	// The feed's dates come from its newest item, never from the clock, so
	// that an unchanged site builds byte-identical feeds.
	for _, it := range items {
		u := it.Updated
		if u.IsZero() {
			u = it.Published
		}
		if u.After(gf.Updated) {
			gf.Updated = u
		}
		if it.Published.After(gf.Created) {
			gf.Created = it.Published
		}
	}
	for _, it := range items {
		gi := &feeds.Item{
			Title:       it.Title,
			Link:        &feeds.Link{Href: it.Link},
			Id:          it.ID,
			Created:     it.Published,
			Updated:     it.Updated,
			Description: it.Summary,
			Content:     it.ContentHTML,
		}
		// RSS takes a guid for a permalink unless told otherwise, and a
		// reader would then link to a tag: URI.
		if it.ID != it.Link {
			gi.IsPermaLink = "false"
		}
		if gi.Updated.IsZero() {
			gi.Updated = it.Published
		}
		if len(it.Authors) > 0 {
			gi.Author = &feeds.Author{Name: strings.Join(it.Authors, ", ")}
		}
		gf.Items = append(gf.Items, gi)
	}
	var d Documents
	// JSON Feed's summary is plain text; RSS's description and Atom's
	// summary (type="html") are HTML, so the text is escaped for those two.
	js, err := gf.ToJSON()
	if err != nil {
		return d, fmt.Errorf("json feed: %w", err)
	}
	for _, gi := range gf.Items {
		gi.Description = html.EscapeString(gi.Description)
	}
	rss, err := gf.ToRss()
	if err != nil {
		return d, fmt.Errorf("rss: %w", err)
	}
	atom, err := gf.ToAtom()
	if err != nil {
		return d, fmt.Errorf("atom: %w", err)
	}
	d.RSS = []byte(rss + "\n")
	d.Atom = []byte(atom + "\n")
	d.JSON = []byte(js + "\n")
	return d, nil
}

// TagURI returns an RFC 4151 tag URI, a stable id that survives a change of
// the site's URL: tag:ops.example.org,2026-10-01:reports/2026-10.
func TagURI(host string, date time.Time, specific string) string {
	return fmt.Sprintf("tag:%s,%s:%s", host, date.UTC().Format("2006-01-02"), specific)
}
