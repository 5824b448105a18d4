package site

import (
	"net/url"

	"github.com/bulletin-dev/bulletin/internal/feed"
)

// newFeed starts a feed of the site whose documents are dir's feed.xml,
// atom.xml and feed.json (dir "" for the site's root, "status/", …) and
// which mirrors the page at link.
func (s *Site) newFeed(title, description, link, dir string) feed.Feed {
	return feed.Feed{
		Title:       title,
		Description: description,
		Link:        link,
		Self: feed.URLs{
			RSS:  s.cfg.AbsURL(dir + "feed.xml"),
			Atom: s.cfg.AbsURL(dir + "atom.xml"),
			JSON: s.cfg.AbsURL(dir + "feed.json"),
		},
		Language:  s.cfg.Language,
		Author:    s.cfg.Title,
		Copyright: s.cfg.Copyright,
		Limit:     s.cfg.FeedLimit,
	}
}

// tagAuthority is the authority of the feeds' tag: ids.
func (s *Site) tagAuthority() string {
	u, err := url.Parse(s.cfg.BaseURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
