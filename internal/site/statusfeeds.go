package site

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bulletin-dev/bulletin/internal/feed"
)

// renderStatusFeeds writes the incident feeds: every incident and window
// (status/feed.xml, status/atom.xml) and those of each visible component
// (status/components/<id>/feed.xml, atom.xml).
func (s *Site) renderStatusFeeds(out Output, m *statusModel) error {
	host := s.cfg.FeedIDHost
	// An entry is an incident or window (e), or a disruption the live
	// checks detected (comps, with its item complete).
	type entry struct {
		e     *event
		item  feed.Item
		comps []string
	}
	var entries []entry
	for _, e := range append(append([]*event(nil), m.incidents...), m.maintenance...) {
		ev := e.head
		entries = append(entries, entry{e, feed.Item{
			Title: ev.Title,
			Link:  ev.AbsURL,
			// The id holds the first announcement's date and the slug, so
			// it survives updates and a reschedule; its host is feed_id_host,
			// never the base URL of the environment.
			ID:        feed.TagURI(host, e.published, "incidents/"+ev.Slug),
			Published: e.published,
			Updated:   later(e.published, ev.UpdatedAt),
		}, nil})
	}
	for _, d := range s.disruptionItems(m, host) {
		entries = append(entries, entry{item: d.item, comps: d.comps})
	}
	// Newest first, as the feeds list them (feed.Newest's order), so that
	// each feed takes its first FeedLimit entries and stops: with years of
	// incidents, a feed looks at a few dozen, not at all of them.
	slices.SortStableFunc(entries, func(a, b entry) int { return feed.Compare(a.item, b.item) })
	// Item summaries and content come from the full views, made only for
	// the items some feed keeps, once each: with years of incidents, most
	// are in no feed at all.
	content := map[string]string{}
	write := func(dir, title, link string, keep func(ev *EventView, comps []string) bool) error {
		f := s.newFeed(title, "Incidents and scheduled maintenance of "+s.cfg.Title, link, dir)
		f.Self.JSON = "" // the status feeds have no JSON Feed
		evs := map[string]*event{}
		for _, e := range entries {
			var head *EventView
			if e.e != nil {
				head = e.e.head
			}
			if keep(head, e.comps) {
				f.Items = append(f.Items, e.item)
				evs[e.item.ID] = e.e
				if f.Limit > 0 && len(f.Items) == f.Limit {
					break
				}
			}
		}
		f.Items = feed.Newest(f.Items, f.Limit)
		kept := make([]*EventView, len(f.Items))
		for i := range f.Items {
			if evs[f.Items[i].ID] == nil { // a disruption: complete already
				continue
			}
			ev, err := s.fullView(evs[f.Items[i].ID])
			if err != nil {
				return err
			}
			kept[i] = ev
			f.Items[i].Summary = ev.StatusLabel
			if ev.Latest != nil {
				f.Items[i].Summary += ": " + plainText(string(ev.Latest.Body), 300)
			}
		}
		fm := s.memoFiles(out, "status feeds", []any{f, kept}, dir+"feed.xml", dir+"atom.xml")
		if fm.all() {
			return nil
		}
		for i, ev := range kept {
			if ev == nil {
				continue
			}
			c, ok := content[ev.Slug]
			if !ok {
				b, err := s.tmpl.ExecuteFragment("status-feed-item", ev)
				if err != nil {
					return err
				}
				c = string(b)
				content[ev.Slug] = c
			}
			f.Items[i].ContentHTML = c
		}
		docs, err := feed.Render(f)
		if err != nil {
			return fmt.Errorf("render status feed %s: %w", dir, err)
		}
		if err := fm.write(dir+"feed.xml", docs.RSS); err != nil {
			return err
		}
		return fm.write(dir+"atom.xml", docs.Atom)
	}
	statusURL := s.cfg.AbsURL(s.cfg.Status.Path)
	if err := write(s.statusDir(), s.cfg.Status.Title, statusURL, func(*EventView, []string) bool { return true }); err != nil {
		return err
	}
	for _, c := range m.page.Components {
		id := c.ID
		affects := func(ev *EventView, comps []string) bool {
			if ev == nil {
				return slices.Contains(comps, id)
			}
			for _, r := range ev.Components {
				if r.ID == id {
					return true
				}
			}
			return false
		}
		if err := write(s.statusDir()+"components/"+id+"/", s.cfg.Status.Title+": "+c.Name, statusURL+"#component-"+id, affects); err != nil {
			return err
		}
	}
	return nil
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// plainText reduces rendered HTML to its text, whitespace collapsed, cut at
// max runes.
func plainText(h string, max int) string {
	t := html.UnescapeString(tagPattern.ReplaceAllString(h, " "))
	return truncate(strings.Join(strings.Fields(t), " "), max)
}

// truncate cuts s to at most max runes, ending in "…" when cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	return strings.TrimRight(string(r), " ") + "…"
}

// excerpt cuts s to at most max runes at a word boundary, ending in "…"
// when cut: a description search results and link previews show whole.
func excerpt(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	if i := strings.LastIndexByte(string(r), ' '); i > len(string(r))/2 {
		return strings.TrimRight(string(r)[:i], " ,;:") + "…"
	}
	return truncate(s, max)
}
