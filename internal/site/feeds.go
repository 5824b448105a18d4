package site

import (
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
		// The feed's id is its page's production URL, so that a staging or
		// development build of the feed is the same feed.
		ID: s.cfg.ProductionURLOf(link),
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
