// Package feedtest checks feed documents against the rules of RSS 2.0,
// RFC 4287 (Atom) and JSON Feed 1.1 that readers depend on: tests of every
// package that writes feeds share it.
package feedtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

// Want is what a document is checked against.
type Want struct {
	// Self is the URL the document is published at.
	Self string
	// Language is the site's configured language.
	Language string
}

// Parsed is a document as gofeed reads it, and the authors of each item
// (gofeed keeps only the first of an RSS item's dc:creator elements).
type Parsed struct {
	Feed    *gofeed.Feed
	Authors [][]string
}

// Parse reads doc with gofeed.
func Parse(doc []byte) (*Parsed, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("gofeed: %w", err)
	}
	p := &Parsed{Feed: f}
	for _, it := range f.Items {
		var names []string
		if it.DublinCoreExt != nil && len(it.DublinCoreExt.Creator) > 0 {
			names = it.DublinCoreExt.Creator
		} else {
			for _, a := range it.Authors {
				names = append(names, a.Name)
			}
		}
		p.Authors = append(p.Authors, names)
	}
	return p, nil
}

// rule is one rule of the table: check returns what breaks it, if
// anything.
type rule struct {
	name  string
	check func(doc []byte, p *Parsed, w Want) string
}

// rules are the rules Check applies to every document; a rule of one
// format passes documents of the others.
var rules = []rule{
	{"self link equals the feed's URL (atom:link rel=self, feed_url)", func(_ []byte, p *Parsed, w Want) string {
		if p.Feed.FeedLink != w.Self {
			return fmt.Sprintf("self link %q, want %q", p.Feed.FeedLink, w.Self)
		}
		return ""
	}},
	{"language is the configured one", func(_ []byte, p *Parsed, w Want) string {
		if p.Feed.Language != w.Language {
			return fmt.Sprintf("language %q, want %q", p.Feed.Language, w.Language)
		}
		return ""
	}},
	{"RFC 4287 4.1.1: the feed or every entry has an author with a name", func(doc []byte, p *Parsed, _ Want) string {
		a, err := atom(doc, p)
		if a == nil {
			return err
		}
		if hasName(a.Authors) {
			return ""
		}
		for _, e := range a.Entries {
			if !hasName(e.Authors) {
				return fmt.Sprintf("entry %q has no author and neither has the feed", e.ID)
			}
		}
		return ""
	}},
	{"RFC 4287 3.3: <updated> of feed and entries is an RFC 3339 date", func(doc []byte, p *Parsed, _ Want) string {
		a, err := atom(doc, p)
		if a == nil {
			return err
		}
		if _, err := time.Parse(time.RFC3339, a.Updated); err != nil {
			return fmt.Sprintf("feed <updated>%s</updated>", a.Updated)
		}
		for _, e := range a.Entries {
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
				return fmt.Sprintf("entry %q: <updated>%s</updated>", e.ID, e.Updated)
			}
		}
		return ""
	}},
	{"RSS 2.0: an item's <author> is an e-mail address", func(doc []byte, p *Parsed, _ Want) string {
		if p.Feed.FeedType != "rss" {
			return ""
		}
		var r struct {
			Items []struct {
				Author []string `xml:"author"`
			} `xml:"channel>item"`
		}
		if err := xml.Unmarshal(doc, &r); err != nil {
			return err.Error()
		}
		for _, it := range r.Items {
			for _, a := range it.Author {
				if !rssAuthor.MatchString(a) {
					return fmt.Sprintf("<author>%s</author> is no e-mail address (name them in dc:creator)", a)
				}
			}
		}
		return ""
	}},
	{"each author is a person of their own", func(_ []byte, p *Parsed, _ Want) string {
		for i, names := range p.Authors {
			for _, n := range names {
				if strings.Contains(n, ", ") {
					return fmt.Sprintf("item %q: author %q merges names", p.Feed.Items[i].GUID, n)
				}
			}
		}
		return ""
	}},
}

// rssAuthor is RSS 2.0's form, "lawyer@boyer.net (Lawyer Boyer)".
var rssAuthor = regexp.MustCompile(`^[^@\s]+@[^@\s]+( \(.+\))?$`)

type atomPerson struct {
	Name string `xml:"name"`
}

type atomDoc struct {
	Updated string       `xml:"updated"`
	Authors []atomPerson `xml:"author"`
	Entries []struct {
		ID      string       `xml:"id"`
		Updated string       `xml:"updated"`
		Authors []atomPerson `xml:"author"`
	} `xml:"entry"`
}

// atom decodes doc if it is an Atom feed: nil and "" for other formats,
// nil and the problem if it does not decode.
func atom(doc []byte, p *Parsed) (*atomDoc, string) {
	if p.Feed.FeedType != "atom" {
		return nil, ""
	}
	var a atomDoc
	if err := xml.Unmarshal(doc, &a); err != nil {
		return nil, err.Error()
	}
	return &a, ""
}

func hasName(ps []atomPerson) bool {
	for _, p := range ps {
		if strings.TrimSpace(p.Name) != "" {
			return true
		}
	}
	return false
}

// Check parses doc with gofeed and returns every rule it breaks, as
// "rule: what".
func Check(doc []byte, w Want) []string {
	p, err := Parse(doc)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, r := range rules {
		if msg := r.check(doc, p, w); msg != "" {
			out = append(out, r.name+": "+msg)
		}
	}
	return out
}
