// Package site turns a loaded site into its files: it reads the config's
// content, month snapshots and theme into a Site, and renders every output
// (report pages, home and archive, report feeds, the status page and all
// that goes with it, sitemap, static files) into an Output. The status
// computations (component status, daily bars, incident figures, the
// Statuspage JSON, badges) belong to internal/status: site makes views of
// their results and executes the theme's templates with them. It is pure:
// it reads the site directory, never the network, and the same inputs and
// Options.Now give the same bytes.
//
// Files follow the outputs: report.go and reportincidents.go (report
// pages), reportfeeds.go, sitemap.go, and status.go, which starts the
// status side and lists its files. pages.go renders pages and keeps those
// the previous build can give back; templates.go and funcs.go are the
// theme; output.go is where the files go.
package site

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/markdown"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Options control what a build includes.
type Options struct {
	// Dir is the site directory (config.toml, content/, data/, templates/).
	Dir string
	// Drafts includes reports marked draft; Future includes reports dated
	// after Now.
	Drafts, Future bool
	// Now is the build's clock: it decides what is "future" and, on the
	// status page, what is active. It never appears in the output itself.
	Now time.Time
	// Builtin holds the built-in themes (themes.FS).
	Builtin fs.FS
	// LiveReload injects the preview server's reload script into pages.
	LiveReload bool
	// KeepGoing makes Load return the Site of everything that did load
	// along with its problems, so that bulletin check can render it and
	// report the problems only rendering finds (unknown figures) in the same
	// run. A build must not render such a Site.
	KeepGoing bool
	// CheckTimes reports incident times later than Now (beyond
	// content.FutureSlack) as problems, as bulletin check does: such an
	// incident is shown nowhere yet, which is what a build as of an
	// earlier time wants and a typo in a date does not.
	CheckTimes bool
	// Markdown, when set, renders every markdown document (reports,
	// incidents, maintenance) in place of calling the renderer directly:
	// internal/buildcache serves unchanged documents from its cache.
	Markdown MarkdownCache
	// Documents, when set, keeps the parsed content files between loads
	// (internal/buildcache): an unchanged file is not parsed again, and
	// is still validated against the config.
	Documents content.ParseCache
	// Sources, when set, keeps the bytes of content files between loads
	// (internal/buildcache), so that a file left alone is not read again
	// (see content.Loader).
	Sources content.ParseCache
	// CodeVersion identifies the program doing the build (its templates
	// functions and built-in theme): see buildcache.BinaryID. When set,
	// and the output is a PageMemo, report and incident pages rendered by
	// the previous build from the same data are kept instead of rendered.
	CodeVersion string
}

// MarkdownCache renders markdown through render, or returns what render
// returned before for the same settings, source and figure values.
// Implementations must be safe for concurrent use and must give exactly
// what render would.
type MarkdownCache interface {
	Render(settings string, src []byte, figures markdown.Resolver, render func([]byte, markdown.Resolver) ([]byte, []markdown.Problem)) ([]byte, []markdown.Problem)
}

// renderMarkdown renders src through the cache when there is one.
func (s *Site) renderMarkdown(src []byte, figures markdown.Resolver) ([]byte, []markdown.Problem) {
	return s.renderMarkdownWith(s.md, 0, src, figures)
}

// renderMarkdownWith renders src with md, whose HeadingOffset is offset,
// through the cache when there is one.
func (s *Site) renderMarkdownWith(md *markdown.Renderer, offset int, src []byte, figures markdown.Resolver) ([]byte, []markdown.Problem) {
	if s.opts.Markdown == nil {
		return md.Render(src, figures)
	}
	// Every markdown.Options field that changes output is named here; the
	// offset only when set, so that the cache keys of plain renders stay.
	settings := fmt.Sprintf("unsafe_html=%t", s.cfg.UnsafeHTML)
	if offset != 0 {
		settings += fmt.Sprintf(" heading_offset=%d", offset)
	}
	if s.cfg.StatusSite() {
		settings += fmt.Sprintf(" root_links=%s|%s|%s", s.cfg.BaseURL, s.cfg.Status.BaseURL, s.cfg.Status.Path)
	}
	return s.opts.Markdown.Render(settings, src, figures, md.Render)
}

// Site is a loaded site, ready to render.
type Site struct {
	cfg       *config.Config
	opts      Options
	reports   []*content.Report // published, newest first
	all       []*content.Report // every report, for goals carried over
	snapshots map[string]*snapshot.Snapshot
	theme     *Theme
	tmpl      *Templates
	md        *markdown.Renderer
	// mdNested renders documents shown under a heading of the page (an
	// incident's write-up), their headings one level down.
	mdNested *markdown.Renderer
	css      string // fingerprinted stylesheet path
	// statusSiteCSS is the site path of the status site's copy of it
	// (statussite.go); "" without a status site.
	statusSiteCSS string
	// status holds the incidents and maintenance windows (status.go);
	// statusCSS is what the status page inlines of the stylesheet.
	status    *content.StatusContent
	statusCSS string
	// live is data/live.json (nil without it) and silences the on-call
	// silences of content/silences: the automatic status (status.ApplyLive).
	live     *snapshot.Live
	silences []*content.Silence
	// announcements are content/announcements, soonest effective first.
	announcements []*content.Announcement
	// byMonth groups the incidents started by Now by the month (site
	// zone) they started in, for the reports' Incidents sections.
	byMonth     map[string][]*content.Incident
	byMonthOnce sync.Once
	// touching lists, by month, the incidents started by Now that touched
	// it (an incident spanning months is in each): what colours the days
	// of the month's report strips (dayEvents).
	touching     map[string][]*content.Incident
	touchingOnce sync.Once
	// renderID digests everything besides a page's data that its bytes
	// depend on (code, config, theme files); zero when pages are not
	// memoized.
	renderID digest.Key
	hashers  sync.Pool
}

// Load reads the site's content, data and theme. All problems found are
// returned together as a *diag.ListError.
func Load(cfg *config.Config, opts Options) (*Site, error) {
	if opts.Now.IsZero() {
		return nil, errors.New("site: Options.Now is required")
	}
	mdOpts := markdown.Options{UnsafeHTML: cfg.UnsafeHTML}
	if cfg.StatusSite() {
		// A writer's "/incidents/x/" is on the status site's host, and
		// "/reports/..." on the main site's, from pages of either.
		mdOpts.RootLinks = cfg.AbsURL
	}
	nested := mdOpts
	nested.HeadingOffset = 1
	s := &Site{cfg: cfg, opts: opts, md: markdown.New(mdOpts), mdNested: markdown.New(nested)}
	// Reports, snapshots, incidents and maintenance, and the theme are
	// independent: load them at once. Their problems are added in this
	// order whatever finishes first, so messages do not depend on timing.
	ld := content.Loader{Cache: opts.Documents, Sources: opts.Sources}
	var reports []*content.Report
	var reportsErr, snapErr, statusErr, annErr, themeErr, tmplErr, liveErr, silenceErr error
	var theme *Theme
	var wg sync.WaitGroup
	wg.Go(func() {
		reports, reportsErr = ld.Reports(filepath.Join(opts.Dir, "content", "reports"), cfg.Location)
	})
	wg.Go(func() {
		s.snapshots, snapErr = snapshot.Store{Dir: filepath.Join(opts.Dir, "data")}.LoadAll()
	})
	wg.Go(func() {
		s.status, statusErr = ld.StatusContent(filepath.Join(opts.Dir, "content", "incidents"), filepath.Join(opts.Dir, "content", "maintenance"), cfg)
		s.announcements, annErr = ld.Announcements(filepath.Join(opts.Dir, "content", "announcements"), cfg, s.status)
	})
	wg.Go(func() {
		s.live, liveErr = snapshot.ReadLive(filepath.Join(opts.Dir, "data"))
		s.silences, silenceErr = content.LoadSilences(filepath.Join(opts.Dir, "content", "silences"), cfg)
	})
	wg.Go(func() {
		theme, themeErr = NewTheme(opts.Dir, cfg.Theme, opts.Builtin)
		if themeErr == nil {
			s.tmpl, tmplErr = theme.Parse(s.funcs())
		}
	})
	wg.Wait()
	var problems diag.List
	problems.Add(filepath.Join(opts.Dir, "content", "reports"), reportsErr)
	s.all = reports
	for _, r := range reports {
		if r.Draft && !opts.Drafts {
			continue
		}
		if r.Date.After(opts.Now) && !opts.Future {
			continue
		}
		s.reports = append(s.reports, r)
	}
	if snapErr != nil {
		var je interface{ Unwrap() []error }
		if errors.As(snapErr, &je) {
			for _, e := range je.Unwrap() {
				problems.Add("", snapshotProblem(e))
			}
		} else {
			problems.Add(filepath.Join(opts.Dir, "data"), snapErr)
		}
	}
	problems.Add(filepath.Join(opts.Dir, "content"), statusErr)
	problems.Add(filepath.Join(opts.Dir, "content", "announcements"), annErr)
	if opts.CheckTimes && s.status != nil {
		for _, inc := range s.status.Incidents {
			problems.Add("", inc.CheckTimes(opts.Now))
		}
	}
	if liveErr != nil {
		problems.Add("", snapshotProblem(liveErr))
	}
	problems.Add(filepath.Join(opts.Dir, "content", "silences"), silenceErr)
	if themeErr != nil {
		problems.Addf(cfg.Path, cfg.Lines.Line("theme"), "%v", themeErr)
	} else {
		s.theme = theme
		problems.Add("", tmplErr)
	}
	if err := problems.Err(); err != nil {
		if opts.KeepGoing && s.tmpl != nil {
			return s, err
		}
		return nil, err
	}
	if opts.CodeVersion != "" {
		s.renderID = s.renderDigest()
	}
	return s, nil
}

// renderDigest digests what, besides its data, a page's bytes depend on:
// the code, the config and every theme file (templates and static files,
// built in or the site's). A zero key (something could not be digested)
// turns memoization off.
func (s *Site) renderDigest() digest.Key {
	d := digest.New()
	d.String("bulletin render 1")
	d.String(s.opts.CodeVersion)
	if err := d.Value(s.cfg); err != nil {
		return digest.Key{}
	}
	// Every page's header links to the announcements when there are any.
	d.String(s.announcementsURL())
	for _, layers := range [][]layer{s.theme.templates, s.theme.static} {
		fs, err := files(layers)
		if err != nil {
			return digest.Key{}
		}
		for _, f := range fs {
			d.String(f.name)
			d.String(f.label)
			d.String(string(f.data))
		}
	}
	return d.Sum()
}

// snapshotLine splits the "path:line: message" or "path: message" of a
// snapshot error.
var snapshotLine = regexp.MustCompile(`^(.+?\.json)(?::(\d+))?: (.*)$`)

// snapshotProblem turns a snapshot error into a diagnostic at its file and
// line, so it sorts with the other problems of that file.
func snapshotProblem(err error) *diag.Error {
	m := snapshotLine.FindStringSubmatch(err.Error())
	if m == nil {
		return diag.Errorf("", 0, "%v", err)
	}
	line, _ := strconv.Atoi(m[2])
	return diag.Errorf(m[1], line, "%s", m[3])
}

// Announcements returns the site's announcements, soonest effective first.
func (s *Site) Announcements() []*content.Announcement { return s.announcements }

// Config returns the config the site was loaded with.
func (s *Site) Config() *config.Config { return s.cfg }

// Reports returns the reports the build includes, newest first.
func (s *Site) Reports() []*content.Report { return s.reports }

// Render writes every output of the site to out. Problems found while
// rendering (unknown figures, template errors) are all reported together.
func (s *Site) Render(out Output) error {
	var problems diag.List
	var mu sync.Mutex
	addProblem := func(path string, err error) {
		mu.Lock()
		problems.Add(path, err)
		mu.Unlock()
	}
	raw := out
	out = s.routeStatus(out)
	if err := s.renderStatic(out); err != nil {
		return err
	}
	// Reports' views are made when a page needs one: a report page the
	// previous build cannot give back, a feed item. Links, which the
	// pager, the home page and the archive show, come from the reports.
	reps := &reportSet{s: s, links: make([]*ReportLink, len(s.reports)), views: make([]lazyView, len(s.reports))}
	for i, r := range s.reports {
		reps.links[i] = s.reportLink(r)
	}
	pages := &pager{s: s, out: out, site: s.siteData(), add: addProblem}
	pages.memo, _ = out.(PageMemo)
	page := pages.page
	// The status pages do not depend on the reports: render them at the
	// same time, so that neither part's last pages leave a CPU idle.
	type statusResult struct {
		urls []sitemapEntry
		err  error
	}
	statusDone := make(chan statusResult, 1)
	go func() {
		urls, err := s.renderStatus(out, pages)
		statusDone <- statusResult{urls, err}
	}()
	// Report pages are independent; most of their cost is creating
	// directories and files, which overlaps well across goroutines.
	g := errgroup.Group{}
	g.SetLimit(2 * runtime.GOMAXPROCS(0))
	for i, r := range s.reports {
		g.Go(func() error {
			build := func() (*Page, error) {
				v, err := reps.view(i)
				if err != nil {
					return nil, err
				}
				return &Page{Title: v.Title, Description: v.Description, Report: v}, nil
			}
			prev, next := reps.neighbours(i)
			pages.lazy("report", "/"+r.Slug(), s.reportKey(r, prev, next), build)
			return nil
		})
	}
	_ = g.Wait()
	all, years := byYear(reps.links)
	homeDesc := s.cfg.Description
	if homeDesc == "" {
		homeDesc = "Monthly operations reports and service status of " + s.cfg.Title + "."
	}
	page("home", "/", &Page{Title: s.cfg.Title, Description: homeDesc, Reports: all, Years: years})
	page("reports", "/reports/", &Page{Title: "All reports", Description: "Every monthly report of " + s.cfg.Title, Reports: all, Years: years})
	page("404", "/404.html", &Page{Title: "Page not found", Description: "There is no page at this address on " + s.cfg.Title + ". The latest report, the archive and the status page are good places to start."})
	st := <-statusDone
	statusURLs := st.urls
	addProblem("", st.err)
	if err := problems.Err(); err != nil {
		return err
	}
	if err := s.renderFeeds(out, reps); err != nil {
		return err
	}
	statusURLs, err := s.renderStatusSite(raw, out, pages, statusURLs)
	if err != nil {
		return err
	}
	return s.renderSitemap(out, reps.links, statusURLs)
}

// renderStatic copies the theme's static files, fingerprinting the
// stylesheet so it can be cached forever.
func (s *Site) renderStatic(out Output) error {
	files, err := s.theme.Static()
	if err != nil {
		return err
	}
	for _, f := range files {
		name := f.name
		if name == "css/style.css" {
			sum := sha256.Sum256(f.data)
			name = "css/style." + hex.EncodeToString(sum[:4]) + ".css"
			s.css = "/" + name
			s.statusCSS = statusStylesheet(f.data)
			if s.cfg.StatusSite() {
				// The status site's pages must not need the main site.
				s.statusSiteCSS = s.cfg.Status.Path + name
				if err := out.WriteFile(strings.TrimPrefix(s.statusSiteCSS, "/"), f.data); err != nil {
					return err
				}
			}
		}
		if err := out.WriteFile(name, f.data); err != nil {
			return err
		}
	}
	if s.css == "" {
		return errors.New("theme has no static/css/style.css")
	}
	return nil
}

// SiteData is what every template sees as .Site.
type SiteData struct {
	Title       string
	Description string
	Language    string
	BaseURL     string
	// BasePath is the path of the base URL ("/" or "/ops/"); every internal
	// link starts with it.
	BasePath    string
	Copyright   string
	CSS         string
	StatusURL   string
	StatusTitle string
	Feeds       []FeedLink
	Environment string

	// AnnouncementsURL is the index of planned changes, "" when the site
	// has none.
	AnnouncementsURL string
}

// FeedLink is an alternate representation advertised on every page.
type FeedLink struct {
	Title, Type, URL string
}

func (s *Site) siteData() *SiteData {
	return &SiteData{
		Title:       s.cfg.Title,
		Description: s.cfg.Description,
		Language:    s.cfg.Language,
		BaseURL:     s.cfg.BaseURL,
		BasePath:    s.basePath(),
		Copyright:   s.cfg.Copyright,
		CSS:         s.rel(s.css),
		StatusURL:   s.rel(s.cfg.Status.Path),
		StatusTitle: s.cfg.Status.Title,
		Environment: s.cfg.Environment,
		Feeds: []FeedLink{
			{Title: s.cfg.Title + " (RSS)", Type: "application/rss+xml", URL: s.cfg.AbsURL("/feed.xml")},
			{Title: s.cfg.Title + " (Atom)", Type: "application/atom+xml", URL: s.cfg.AbsURL("/atom.xml")},
			{Title: s.cfg.Title + " (JSON Feed)", Type: "application/feed+json", URL: s.cfg.AbsURL("/feed.json")},
		},

		AnnouncementsURL: s.announcementsURL(),
	}
}

// rel prefixes a site path with the base URL's path. With a status site,
// whose pages and the main site's link each other, every link is the
// absolute URL.
func (s *Site) rel(p string) string {
	if s.cfg.StatusSite() {
		return s.cfg.AbsURL(p)
	}
	return strings.TrimSuffix(s.cfg.BasePath(), "/") + "/" + strings.TrimPrefix(p, "/")
}

// basePath is the link to the home page: the base URL's path, or with a
// status site (see rel) the base URL.
func (s *Site) basePath() string {
	if s.cfg.StatusSite() {
		return s.cfg.BaseURL
	}
	return s.cfg.BasePath()
}

// Page is the data of one rendered page.
type Page struct {
	Site        *SiteData
	Kind        string
	Title       string
	Description string
	// Path is the page's site path ("/reports/2026/10/"), Canonical its
	// absolute URL.
	Path       string
	Canonical  string
	LiveReload bool
	Report     *ReportView
	// Reports are the published reports, newest first, and Years the same
	// by year (home and archive pages): links with what lists show.
	Reports []*ReportLink
	Years   []Year
	// Status pages (status.go): the status page, an incident or
	// maintenance page, the history by month.
	Status  *StatusView
	Event   *EventView
	History *HistoryView
	// Component is a component's own page (componentpages.go).
	Component *ComponentPageView
	// Announcement is an announcement's page, Announcements their index
	// (announcements.go).
	Announcement  *AnnouncementView
	Announcements *AnnouncementsView
	// Feeds, when set, are the page's feeds for discovery instead of the
	// site's (the status pages advertise the incident feeds).
	Feeds []FeedLink
	// InlineCSS, when set, replaces the link to the site stylesheet, so a
	// page renders from its first response (the status page).
	InlineCSS template.CSS
	// Banner, when set, says that this is not the production site
	// (banner.go).
	Banner *BannerView
}

// Year groups reports of one year, newest first.
type Year struct {
	Year    int
	Reports []*ReportLink
}

// byYear returns the links, and the same by year.
func byYear(all []*ReportLink) ([]*ReportLink, []Year) {
	var years []Year
	for _, l := range all {
		y, _ := strconv.Atoi(l.Month[:4])
		if len(years) == 0 || years[len(years)-1].Year != y {
			years = append(years, Year{Year: y})
		}
		years[len(years)-1].Reports = append(years[len(years)-1].Reports, l)
	}
	return all, years
}
