package site

import (
	"strings"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/digest"
)

// The status site: with status.base_url set, the status side is a site of
// its own, so that it stays up when the site it reports on is down, and so
// that tools reading a Statuspage page find /api/v2/ at its root. Nothing
// renders differently for it. Pages are still made at their site paths
// (/status/..., /incidents/<slug>/); config.AbsURL puts the status site's
// paths on its host, every link is absolute (pages of two hosts link each
// other), and statusRouter files what the status site owns under
// config.StatusSiteDir of the output, at the place it has on its host
// (status/api/v2/summary.json is _status/api/v2/summary.json). The status
// site carries its own copy of the stylesheet, a 404 page, a sitemap and a
// robots.txt; the main site keeps, at status.path, a page sending readers
// to the status site.

// statusRouter is the Output of a build with a status site: names the
// status site owns go below config.StatusSiteDir.
type statusRouter struct {
	out Output
	cfg *config.Config
}

// statusRouterMemo is a statusRouter over a PageMemo.
type statusRouterMemo struct {
	statusRouter
	memo PageMemo
}

// routeStatus returns out as the build sees it: out itself without a
// status site, else a router keeping out's PageMemo when it has one.
func (s *Site) routeStatus(out Output) Output {
	if !s.cfg.StatusSite() {
		return out
	}
	r := statusRouter{out: out, cfg: s.cfg}
	if memo, ok := out.(PageMemo); ok {
		return &statusRouterMemo{statusRouter: r, memo: memo}
	}
	return &r
}

// name is where the file at a site path's name is in the output.
func (r *statusRouter) name(name string) string {
	if !r.cfg.StatusOwns(name) {
		return name
	}
	p := r.cfg.StatusHostPath(name)
	return config.StatusSiteDir + p
}

// WriteFile implements Output.
func (r *statusRouter) WriteFile(name string, data []byte) error {
	return r.out.WriteFile(r.name(name), data)
}

// Reuse implements PageMemo.
func (r *statusRouterMemo) Reuse(name string, key digest.Key) bool {
	return r.memo.Reuse(r.name(name), key)
}

// WritePage implements PageMemo.
func (r *statusRouterMemo) WritePage(name string, key digest.Key, data []byte) error {
	return r.memo.WritePage(r.name(name), key, data)
}

// statusPager is the pager of the status site's pages: as pages, with the
// status site's stylesheet.
func (s *Site) statusPager(pages *pager) *pager {
	if !s.cfg.StatusSite() {
		return pages
	}
	sp := *pages
	sd := *pages.site
	sd.CSS = s.cfg.AbsURL(s.statusSiteCSS)
	sp.site = &sd
	return &sp
}

// renderStatusSite writes what the status site has besides the status
// side's pages: its 404 page, sitemap and robots.txt, and, on the main
// site at status.path, a page sending readers to it. raw is the output
// without the router. It returns the sitemap entries left for the main
// site.
func (s *Site) renderStatusSite(raw, out Output, pages *pager, entries []sitemapEntry) ([]sitemapEntry, error) {
	if !s.cfg.StatusSite() {
		return entries, nil
	}
	sp := s.statusPager(pages)
	sp.page("404", s.cfg.Status.Path+"404.html", &Page{Title: "Page not found", Description: "There is no page at this address on " + s.cfg.Status.Title + ". The status page and the incident history are good places to start.", Feeds: s.statusFeeds()})
	var own, main []sitemapEntry
	base := s.cfg.Status.BaseURL
	for _, e := range entries {
		if strings.HasPrefix(e.loc, base) {
			own = append(own, e)
		} else {
			main = append(main, e)
		}
	}
	if err := s.writeSitemap(out, s.cfg.Status.Path, own); err != nil {
		return nil, err
	}
	url := s.cfg.AbsURL(s.cfg.Status.Path)
	name := strings.TrimPrefix(s.cfg.Status.Path, "/") + "index.html"
	if err := raw.WriteFile(name, aliasPage(url, url, s.cfg.Status.Title)); err != nil {
		return nil, err
	}
	return main, nil
}
