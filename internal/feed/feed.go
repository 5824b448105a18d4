// Package feed writes RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents through
// gorilla/feeds. It takes plain items so the same code serves report feeds
// and incident feeds; output is deterministic (no generator clocks, stable
// ids, order as given).
package feed

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"html"
	"slices"
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
	// ID is a stable unique id for the feed (Atom's <id>); Link by default.
	ID string
	// Self holds the absolute URLs the feed is published at, one per
	// format; each document links to its own (atom:link rel="self" in RSS
	// and Atom, feed_url in JSON Feed) so that a reader can find it again.
	Self URLs
	// Language is the BCP 47 language of the feed ("en"): RSS <language>,
	// Atom xml:lang, JSON Feed language.
	Language string
	// Author is the feed's author (a team or site name), the author of
	// every entry that has none: RFC 4287 wants an author for every Atom
	// entry. The feed's Title by default.
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
	slices.SortStableFunc(items, Compare)
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items
}

// Compare orders items as feeds list them: newest Published first, then
// by ID, descending. It returns a negative number when a comes first.
func Compare(a, b Item) int {
	if c := b.Published.Compare(a.Published); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// URLs are the addresses of a feed's three documents.
type URLs struct {
	RSS, Atom, JSON string
}

// Documents are the three encodings of a feed.
type Documents struct {
	RSS, Atom, JSON []byte
}

// Render encodes f in all three formats. Items are sorted newest first (by
// Published, then ID) and capped at f.Limit.
//
// gorilla/feeds makes the documents; what it leaves out is added to its
// types here: the self links, the language, one author element per author
// (dc:creator in RSS, whose <author> must be an e-mail address) and an
// <updated> for a feed without items.
func Render(f Feed) (Documents, error) {
	items := Newest(f.Items, f.Limit)
	gf := &feeds.Feed{
		Title:       f.Title,
		Description: f.Description,
		Link:        &feeds.Link{Href: f.Link},
		Id:          cmp.Or(f.ID, f.Link),
		Copyright:   f.Copyright,
		Author:      &feeds.Author{Name: cmp.Or(f.Author, f.Title)},
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
		gf.Items = append(gf.Items, gi)
	}
	var d Documents
	js, err := renderJSON(f, gf, items)
	if err != nil {
		return d, fmt.Errorf("json feed: %w", err)
	}
	// JSON Feed's summary is plain text; RSS's description and Atom's
	// summary (type="html") are HTML, so the text is escaped for those two.
	for _, gi := range gf.Items {
		gi.Description = html.EscapeString(gi.Description)
	}
	rss, err := renderRSS(f, gf, items)
	if err != nil {
		return d, fmt.Errorf("rss: %w", err)
	}
	atom, err := renderAtom(f, gf, items)
	if err != nil {
		return d, fmt.Errorf("atom: %w", err)
	}
	d.RSS, d.Atom, d.JSON = rss, atom, js
	return d, nil
}

// neverUpdated is the <updated> of a feed without items: RFC 4287 requires
// a date, and a build takes none from the clock.
const neverUpdated = "1970-01-01T00:00:00Z"

// atomFeed is gorilla's Atom feed with what it lacks: xml:lang, a self
// link and entries with any number of authors.
type atomFeed struct {
	*feeds.AtomFeed
	Lang string `xml:"xml:lang,attr,omitempty"`
	// Links replaces gorilla's one link: the page's and the feed's own.
	Links   []*feeds.AtomLink `xml:"link"`
	Entries []*atomEntry      `xml:"entry"`
}

type atomEntry struct {
	*feeds.AtomEntry
	Authors []*feeds.AtomAuthor `xml:"author"`
}

func renderAtom(f Feed, gf *feeds.Feed, items []Item) ([]byte, error) {
	af := (&feeds.Atom{Feed: gf}).AtomFeed()
	af.Id = gf.Id
	if gf.Updated.IsZero() {
		af.Updated = neverUpdated
	}
	x := &atomFeed{AtomFeed: af, Lang: f.Language, Links: []*feeds.AtomLink{{Href: f.Link, Rel: "alternate", Type: "text/html"}}}
	af.Link = nil
	if f.Self.Atom != "" {
		x.Links = append(x.Links, &feeds.AtomLink{Href: f.Self.Atom, Rel: "self", Type: "application/atom+xml"})
	}
	for i, e := range af.Entries {
		e.Author = nil
		xe := &atomEntry{AtomEntry: e}
		for _, a := range items[i].Authors {
			xe.Authors = append(xe.Authors, &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: a}})
		}
		x.Entries = append(x.Entries, xe)
	}
	af.Entries = nil
	return marshalXML(x)
}

// rssDoc is gorilla's RSS document with the namespaces of the elements it
// lacks: atom:link rel="self" and dc:creator.
type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Content string   `xml:"xmlns:content,attr"`
	DC      string   `xml:"xmlns:dc,attr"`
	Atom    string   `xml:"xmlns:atom,attr"`
	Channel *rssChannel
}

type rssChannel struct {
	*feeds.RssFeed
	Self  *rssSelf   `xml:"atom:link"`
	Items []*rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

// rssItem names its authors in dc:creator, one element each: RSS 2.0's
// <author> is an e-mail address, which a report's authors do not have.
type rssItem struct {
	*feeds.RssItem
	Creators []string `xml:"dc:creator"`
}

func renderRSS(f Feed, gf *feeds.Feed, items []Item) ([]byte, error) {
	rf := (&feeds.Rss{Feed: gf}).RssFeed()
	rf.Language = f.Language
	// managingEditor is an e-mail address too; gorilla writes " (name)".
	rf.ManagingEditor = ""
	ch := &rssChannel{RssFeed: rf}
	if f.Self.RSS != "" {
		ch.Self = &rssSelf{Href: f.Self.RSS, Rel: "self", Type: "application/rss+xml"}
	}
	for i, it := range rf.Items {
		it.Author = ""
		ch.Items = append(ch.Items, &rssItem{RssItem: it, Creators: items[i].Authors})
	}
	rf.Items = nil
	return marshalXML(&rssDoc{
		Version: "2.0",
		Content: "http://purl.org/rss/1.0/modules/content/",
		DC:      "http://purl.org/dc/elements/1.1/",
		Atom:    "http://www.w3.org/2005/Atom",
		Channel: ch,
	})
}

func renderJSON(f Feed, gf *feeds.Feed, items []Item) ([]byte, error) {
	jf := (&feeds.JSON{Feed: gf}).JSONFeed()
	jf.Language = f.Language
	jf.FeedUrl = f.Self.JSON
	for i, it := range jf.Items {
		it.Author, it.Authors = nil, nil
		for _, a := range items[i].Authors {
			it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: a})
		}
		// JSON Feed 1.0's author, kept for its readers, holds one person.
		if len(it.Authors) == 1 {
			it.Author = it.Authors[0]
		}
	}
	s, err := jf.ToJSON()
	if err != nil {
		return nil, err
	}
	return []byte(s + "\n"), nil
}

// marshalXML encodes v as gorilla/feeds' ToXML does: an XML declaration,
// then the document indented by two spaces.
func marshalXML(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header[:len(xml.Header)-1]), append(b, '\n')...), nil
}

// TagURI returns an RFC 4151 tag URI, tag:ops.example.org,2026-10-01:reports/2026-10.
// It holds authority (a host name the site owned on date), never the URL a
// feed is served from: the id stays the same wherever the feed is
// published as long as the caller keeps to one authority.
func TagURI(host string, date time.Time, specific string) string {
	return fmt.Sprintf("tag:%s,%s:%s", host, date.UTC().Format("2006-01-02"), specific)
}
