package site

import (
	"fmt"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/feed"
)

func (s *Site) renderFeeds(out Output, reps *reportSet) error {
	host := s.cfg.FeedIDHost
	f := s.newFeed(s.cfg.Title, s.cfg.Description, s.cfg.BaseURL, "")
	byID := make(map[string]int, len(reps.links))
	for i, l := range reps.links {
		// The tag's date is the month's first day as a date, whatever
		// the site's zone makes of it in UTC.
		month, _ := time.Parse("2006-01", l.Month)
		id := feed.TagURI(host, month, "reports/"+l.Month)
		byID[id] = i
		f.Items = append(f.Items, feed.Item{
			Title:     l.Title,
			Link:      l.AbsURL,
			ID:        id,
			Published: l.Date,
			Authors:   l.Authors,
			Summary:   strings.Join(l.Summary, " "),
		})
	}
	// Only the items the feed keeps need their views and full content.
	f.Items = feed.Newest(f.Items, f.Limit)
	kept := make([]*ReportView, len(f.Items))
	for i := range f.Items {
		v, err := reps.view(byID[f.Items[i].ID])
		if err != nil {
			return err
		}
		kept[i] = v
	}
	m := s.memoFiles(out, "report feeds", []any{f, kept}, "feed.xml", "atom.xml", "feed.json")
	if m.all() {
		return nil
	}
	for i := range f.Items {
		html, err := s.feedHTML(kept[i])
		if err != nil {
			return err
		}
		f.Items[i].ContentHTML = html
	}
	docs, err := feed.Render(f)
	if err != nil {
		return fmt.Errorf("render feeds: %w", err)
	}
	for name, b := range map[string][]byte{"feed.xml": docs.RSS, "atom.xml": docs.Atom, "feed.json": docs.JSON} {
		if err := m.write(name, b); err != nil {
			return err
		}
	}
	return nil
}
