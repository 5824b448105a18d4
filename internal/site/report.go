package site

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/internal/chart"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/markdown"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/internal/status"
)

// ReportView is a report as its templates see it.
type ReportView struct {
	Title       string
	Month       string // "2026-10"
	MonthStart  time.Time
	MonthName   string // "October 2026"
	Date        time.Time
	Draft       bool
	Authors     []string
	Summary     []string
	Description string
	Slug        string // "reports/2026/10/"
	URL         string // with base path
	AbsURL      string
	Content     template.HTML

	Goals     []GoalView
	NextGoals []GoalView
	// HasData is true when the month has a snapshot.
	HasData  bool
	Issues   *IssuesSection
	Releases []TrackView
	// Delivery are the month's DORA keys per track (reportdelivery.go);
	// nil when its snapshot has none.
	Delivery *DeliverySection
	Uptime   []UptimeRow
	// Incidents are the month's incident figures (reportincidents.go);
	// nil when the site keeps no incidents or maintenance.
	Incidents *IncidentsSection
	// Announcements are the changes coming up after the month and those
	// that landed in it (reportannouncements.go); nil when there are none.
	Announcements *AnnouncementsSection

	// Prev and Next are the neighbouring reports (older, newer), nil at
	// the ends. They are links, not views, so that a report page depends
	// only on what it shows of its neighbours.
	Prev, Next *ReportLink
}

// ReportLink is a report as other pages link to it: a neighbour in the
// pager, an entry of the home page and the archive.
type ReportLink struct {
	Title, Month, MonthName string
	Date                    time.Time
	URL, AbsURL             string
	Draft                   bool
	Authors, Summary        []string
}

// Link returns the view as a link.
func (v *ReportView) Link() *ReportLink {
	return &ReportLink{Title: v.Title, Month: v.Month, MonthName: v.MonthName, Date: v.Date, URL: v.URL, AbsURL: v.AbsURL,
		Draft: v.Draft, Authors: v.Authors, Summary: v.Summary}
}

// GoalView is a goal with its tracker state, if collected.
type GoalView struct {
	content.Goal
	StatusLabel string
	Tracker     *snapshot.Goal
	// Mismatch says how the tracker disagrees with the goal's status ("the
	// milestone is still open"), or "".
	Mismatch string
	// Progress is "3/5 closed" for milestones.
	Progress string
}

// IssuesSection holds per-repository issue counts and trend charts.
type IssuesSection struct {
	Repos []RepoView
	// HasGitLab is set when a row is a GitLab project, whose second
	// figure counts merge requests.
	HasGitLab bool
}

// RepoView is one repository's counts and its 12-month chart.
type RepoView struct {
	snapshot.RepoIssues
	Chart template.HTML
	URL   string
}

// TrackView is a release track's summary in words and as a chart.
type TrackView struct {
	snapshot.Track
	Median, P90, Max, Mean string
	Sentence               string
	Outliers               []OutlierView
	Chart                  template.HTML
}

// OutlierView names a slow release.
type OutlierView struct {
	Name, Duration, URL string
}

// UptimeRow is one component's availability for the month.
type UptimeRow struct {
	Component   string
	Name        string
	Ratio       *float64
	Percent     string // floored, "99.95%"; "no data" when none
	SLO         string
	MeetsSLO    bool
	HasSLO      bool
	Budget      string
	BudgetLeft  float64 // clamped 0..1 for the meter
	Coverage    string
	FullCover   bool
	Days        []DayCell
	ExcludedFor string // human summary of excluded maintenance
}

// DayCell is one day in a month's uptime strip.
type DayCell struct {
	Date string
	// Level is the day's status.DayLevel, the class of its colour.
	Level string
	Title string
}

var goalLabels = map[string]string{
	content.GoalDone:       "Done",
	content.GoalInProgress: "In progress",
	content.GoalPushed:     "Pushed to next month",
	content.GoalOnHold:     "On hold",
	content.GoalDropped:    "Dropped",
	content.GoalPending:    "Not reviewed yet",
}

// reportSet holds the build's reports, newest first: their links, and
// their views, made when first needed.
type reportSet struct {
	s     *Site
	links []*ReportLink
	views []lazyView
}

type lazyView struct {
	once sync.Once
	v    *ReportView
	err  error
}

// view returns the view of report i with its neighbours.
func (rs *reportSet) view(i int) (*ReportView, error) {
	lv := &rs.views[i]
	lv.once.Do(func() {
		lv.v, lv.err = rs.s.reportView(rs.s.reports[i])
		if lv.v != nil {
			lv.v.Prev, lv.v.Next = rs.neighbours(i)
		}
	})
	return lv.v, lv.err
}

// neighbours returns the links of the reports before (older) and after
// (newer) report i.
func (rs *reportSet) neighbours(i int) (prev, next *ReportLink) {
	if i > 0 {
		next = rs.links[i-1]
	}
	if i+1 < len(rs.links) {
		prev = rs.links[i+1]
	}
	return prev, next
}

// reportLink returns the link to r, as its view would give it.
func (s *Site) reportLink(r *content.Report) *ReportLink {
	start := r.MonthTime(s.cfg.Location)
	return &ReportLink{Title: r.Title, Month: r.Month, MonthName: start.Format("January 2006"), Date: r.Date,
		URL: s.rel(r.Slug()), AbsURL: s.cfg.AbsURL(r.Slug()), Draft: r.Draft, Authors: r.Authors, Summary: r.Summary}
}

// reportKey keys r's page by what it is made of, so that the previous
// build's page can be kept without making the view: the report's file, the
// snapshots of its month and of the months its trend charts show, the files
// of the incidents that started in the month, which incidents (of any
// month) declare the month's detected disruptions, the incidents,
// maintenance windows and silences that colour its daily strips, what it lists of
// announcements, its neighbours' links, and the config and theme (renderID). When one of those incidents is still
// open, or has an update to come, the section changes with the clock: the
// key is zero and the page is keyed by its data instead.
func (s *Site) reportKey(r *content.Report, prev, next *ReportLink) digest.Key {
	if s.renderID.IsZero() {
		return digest.Key{}
	}
	d := digest.New()
	d.String("report page from its sources")
	d.Key(s.renderID)
	d.Key(r.Source)
	month := r.Month
	for range trendMonths {
		if snap := s.snapshots[month]; snap != nil {
			d.String(month)
			d.Key(snap.Source)
		} else {
			d.String(month + " none")
		}
		month = snapshot.PrevMonth(month)
	}
	if s.keepsIncidents() {
		d.String("incidents")
		for _, inc := range s.monthIncidents(r.Month) {
			if !status.IncidentSettled(inc, s.opts.Now) {
				return digest.Key{}
			}
			d.String(inc.Path)
			d.Key(inc.Source)
		}
	}
	if !s.keyDayEvents(d, s.snapshots[r.Month]) {
		return digest.Key{}
	}
	if snap := s.monthDisruptions(r.Month); snap != nil {
		// The disruptions are in the snapshot's digest above; which of
		// them are declared may depend on incidents of other months.
		d.String("declared disruptions")
		for _, md := range status.MonthlyDisruptions(status.MonthStats{}, snap, s.incidents(), s.opts.Now).Disruptions {
			d.String(md.ID)
			for _, inc := range md.DeclaredBy {
				d.String(inc.Path)
			}
		}
	}
	// What the report lists of announcements depends on the clock
	// (statuses, overdue) but is small: key the list itself.
	d.String("announcements")
	if d.Value(s.announcementsSection(r.Month)) != nil {
		return digest.Key{}
	}
	if d.Value([]*ReportLink{prev, next}) != nil {
		return digest.Key{}
	}
	if s.opts.LiveReload {
		d.String("live reload")
	}
	return d.Sum()
}

// maxDescription is the most runes of a description made from a page's
// text (search results show about 160).
const maxDescription = 200

func (s *Site) reportView(r *content.Report) (*ReportView, error) {
	loc := s.cfg.Location
	start := r.MonthTime(loc)
	v := &ReportView{
		Title:       r.Title,
		Month:       r.Month,
		MonthStart:  start,
		MonthName:   start.Format("January 2006"),
		Date:        r.Date,
		Draft:       r.Draft,
		Authors:     r.Authors,
		Summary:     r.Summary,
		Description: r.Description,
		Slug:        r.Slug(),
		URL:         s.rel(r.Slug()),
		AbsURL:      s.cfg.AbsURL(r.Slug()),
	}
	if v.Description == "" {
		// The TL;DR, as much of it as a search result shows.
		v.Description = excerpt(strings.Join(r.Summary, " "), maxDescription)
	}
	snap := s.snapshots[r.Month]
	var resolve markdown.Resolver
	if snap != nil {
		v.HasData = true
		resolve = func(key string) (string, error) {
			f, err := snap.Lookup(key)
			if err != nil {
				return "", err
			}
			return f.Format(s.cfg.PercentPrecision), nil
		}
	}
	html, probs := s.renderMarkdown(r.Body, resolve)
	var problems diag.List
	for _, p := range probs {
		problems.Addf(r.Path, r.BodyLine-1+p.Line, "%s", p.Msg)
	}
	v.Content = template.HTML(html)
	for _, g := range r.Goals {
		v.Goals = append(v.Goals, s.goalView(g, snap))
	}
	for _, g := range r.NextGoals {
		v.NextGoals = append(v.NextGoals, s.goalView(g, snap))
	}
	if snap != nil {
		v.Issues = s.issuesSection(r.Month, snap)
		v.Releases = s.trackViews(snap)
		v.Delivery = s.deliverySection(r.Month, snap)
		v.Uptime = s.uptimeRows(snap)
	}
	incidents, err := s.incidentsSection(r.Month)
	problems.Add(r.Path, err)
	v.Incidents = incidents
	v.Announcements = s.announcementsSection(r.Month)
	return v, problems.Err()
}

// feedHTML renders the whole report (TL;DR, narrative, sections) for a
// feed item: readers get the report, not a teaser.
func (s *Site) feedHTML(v *ReportView) (string, error) {
	b, err := s.tmpl.ExecuteFragment("report-body", v)
	return string(b), err
}

func (s *Site) goalView(g content.Goal, snap *snapshot.Snapshot) GoalView {
	gv := GoalView{Goal: g, StatusLabel: goalLabels[g.Status]}
	if ref := g.Ref(); ref != "" && snap != nil {
		if t, ok := snap.Goal(ref); ok {
			gv.Tracker = &t
			if t.Kind == "milestone" && t.Total > 0 {
				gv.Progress = fmt.Sprintf("%d/%d issues closed", t.Closed, t.Total)
			}
			// A goal reviewed as done whose tracker still says open is
			// worth a second look, by the writer and the reader.
			if g.Status == "done" && t.State == "open" {
				gv.Mismatch = "the " + t.Kind + " is still open"
			}
		}
	}
	return gv
}

// trendMonths is how many months the issue charts show.
const trendMonths = 12

func (s *Site) issuesSection(month string, snap *snapshot.Snapshot) *IssuesSection {
	if len(snap.Issues) == 0 {
		return nil
	}
	months, labels := trendLabels(month)
	sec := &IssuesSection{}
	for _, repo := range snap.Issues {
		opened := make([]float64, len(months))
		closed := make([]float64, len(months))
		for i, m := range months {
			opened[i], closed[i] = math.NaN(), math.NaN()
			if sm := s.snapshots[m]; sm != nil {
				if ri, ok := sm.RepoOf(repo.Provider, repo.Repository); ok {
					opened[i], closed[i] = float64(ri.Opened), float64(ri.Closed)
				}
			}
		}
		id, url := "issues-"+slugify(repo.Repository), githubURL(s.cfg.GitHub.APIURL, repo.Repository)
		if repo.Provider == snapshot.ProviderGitLab {
			id, url = "issues-gitlab-"+slugify(repo.Repository), gitlabURL(s.cfg.GitLab.APIURL, repo.Repository)
			sec.HasGitLab = true
		}
		c := chart.Bars{
			ID:     id,
			Title:  fmt.Sprintf("Issues opened and closed in %s, last %d months", repo.Repository, trendMonths),
			Desc:   fmt.Sprintf("In %s: %d opened, %d closed, %d open at the end of the month.", month, repo.Opened, repo.Closed, repo.OpenAtEnd),
			Labels: labels,
			Series: []chart.Series{{Name: "Opened", Values: opened}, {Name: "Closed", Values: closed}},
			// A month not collected is not a month with no issues.
			Missing: "no data",
		}
		sec.Repos = append(sec.Repos, RepoView{RepoIssues: repo, Chart: c.HTML(), URL: url})
	}
	return sec
}

// githubURL returns the web URL of a repository for the configured API.
func githubURL(api, repo string) string {
	host := "https://github.com/"
	if a := strings.TrimSuffix(api, "/"); a != "" && !strings.Contains(a, "api.github.com") {
		host = strings.TrimSuffix(strings.TrimSuffix(a, "/api/v3"), "/") + "/"
	}
	return host + repo
}

// gitlabURL returns the web URL of a GitLab project for the configured
// API: the API base without its /api/v4, so a self-managed instance under
// a path keeps the path.
func gitlabURL(api, project string) string {
	host := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(api, "/"), "/api/v4"), "/")
	if host == "" {
		host = "https://gitlab.com"
	}
	return host + "/" + project
}

func (s *Site) trackViews(snap *snapshot.Snapshot) []TrackView {
	var out []TrackView
	for _, t := range snap.Releases {
		sum := t.Summary
		tv := TrackView{
			Track:  t,
			Median: fmtSeconds(sum.MedianSeconds),
			P90:    fmtSeconds(sum.P90Seconds),
			Max:    fmtSeconds(sum.MaxSeconds),
			Mean:   fmtSeconds(sum.MeanSeconds),
		}
		byName := map[string]snapshot.Release{}
		for _, r := range t.Releases {
			byName[r.Name] = r
		}
		for _, name := range sum.Outliers {
			r := byName[name]
			tv.Outliers = append(tv.Outliers, OutlierView{Name: name, Duration: fmtSeconds(r.DurationSeconds), URL: r.URL})
		}
		tv.Sentence = releaseSentence(t, s.trackConfig(t.Track))
		if len(t.Releases) > 0 {
			rels := slices.Clone(t.Releases)
			sort.SliceStable(rels, func(i, j int) bool { return rels[i].Start.Before(rels[j].Start) })
			outlier := map[string]bool{}
			for _, n := range sum.Outliers {
				outlier[n] = true
			}
			c := chart.HBars{
				ID:          "releases-" + slugify(t.Track),
				Title:       fmt.Sprintf("Duration of each %s release", t.Name),
				Desc:        tv.Sentence,
				Format:      fmtSeconds,
				Marker:      sum.MedianSeconds,
				MarkerLabel: "median " + tv.Median,
			}
			for _, r := range rels {
				c.Bars = append(c.Bars, chart.HBar{Label: r.Name, Value: r.DurationSeconds, Highlight: outlier[r.Name]})
			}
			tv.Chart = c.HTML()
		}
		out = append(out, tv)
	}
	return out
}

// releaseSentence says what a track's month looked like in the words the
// seed reports use: "4 of 5 releases took under 3h; 1 outlier took 1d."
// With a target the count is against it ("4 of 5 under 3h; 1 over,
// taking 1d"), a threshold the team chose rather than one derived from
// the median; with ShowMean the mean is stated too.
func releaseSentence(t snapshot.Track, cfg config.Track) string {
	sum := t.Summary
	if sum.Count == 0 {
		return fmt.Sprintf("No %s releases this month.", t.Name)
	}
	if sum.Count == 1 {
		return fmt.Sprintf("1 %s release, taking %s.", t.Name, fmtSeconds(sum.MaxSeconds))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s releases, median %s, 90%% within %s.", sum.Count, t.Name, fmtSeconds(sum.MedianSeconds), fmtSeconds(sum.P90Seconds))
	if target := cfg.TargetDuration().Seconds(); target > 0 {
		under := countWithin(t.Releases, target)
		fmt.Fprintf(&b, " %d of %d under %s", under, sum.Count, fmtSeconds(target))
		if over := sum.Count - under; over > 0 {
			taking := "taking"
			if over > 1 {
				taking = "the slowest taking"
			}
			fmt.Fprintf(&b, "; %d over, %s %s.", over, taking, fmtSeconds(sum.MaxSeconds))
		} else {
			b.WriteString(".")
		}
	} else if n := len(sum.Outliers); n > 0 {
		threshold := sum.MedianSeconds * sum.OutlierFactor
		fmt.Fprintf(&b, " %d of %d took under %s; %d outlier%s, the slowest taking %s.", countWithin(t.Releases, threshold), sum.Count, fmtSeconds(threshold), n, plural(n), fmtSeconds(sum.MaxSeconds))
	} else {
		fmt.Fprintf(&b, " The slowest took %s.", fmtSeconds(sum.MaxSeconds))
	}
	if cfg.ShowMean {
		fmt.Fprintf(&b, " They averaged %s.", fmtSeconds(sum.MeanSeconds))
	}
	return b.String()
}

// countWithin counts the releases that took at most limit seconds.
func countWithin(rels []snapshot.Release, limit float64) int {
	n := 0
	for _, r := range rels {
		if r.DurationSeconds <= limit {
			n++
		}
	}
	return n
}

// trackConfig returns the configured track id (zero when the config no
// longer has it).
func (s *Site) trackConfig(id string) config.Track {
	for _, t := range s.cfg.Tracks {
		if t.ID == id {
			return t
		}
	}
	return config.Track{}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func fmtSeconds(sec float64) string {
	return snapshot.FormatDuration(time.Duration(sec * float64(time.Second)))
}

func (s *Site) uptimeRows(snap *snapshot.Snapshot) []UptimeRow {
	ev := s.dayEvents(snap)
	prec := s.cfg.PercentPrecision
	// Config order first, then components only the snapshot knows.
	order := map[string]int{}
	for i, c := range s.cfg.Components {
		order[c.ID] = i
	}
	avail := slices.Clone(snap.Availability)
	sort.SliceStable(avail, func(i, j int) bool {
		oi, iok := order[avail[i].Component]
		oj, jok := order[avail[j].Component]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return avail[i].Component < avail[j].Component
	})
	var out []UptimeRow
	for _, a := range avail {
		row := UptimeRow{Component: a.Component, Name: a.Component, Ratio: a.Ratio, Percent: "no data",
			Coverage: snapshot.FormatPercent(a.Coverage, prec), FullCover: a.Coverage >= 1}
		if c, ok := s.cfg.Component(a.Component); ok {
			row.Name = c.Name
		}
		if a.Ratio != nil {
			row.Percent = snapshot.FormatPercent(*a.Ratio, prec)
		}
		if a.SLO > 0 {
			row.HasSLO = true
			row.SLO = snapshot.FormatPercent(a.SLO, prec)
			row.MeetsSLO = a.Ratio != nil && *a.Ratio >= a.SLO
		}
		if a.ErrorBudgetRemaining != nil {
			// The same precision as the figure uptime.<id>.budget, so the
			// table and the text never disagree.
			row.Budget = snapshot.FormatPercent(*a.ErrorBudgetRemaining, s.cfg.PercentPrecision)
			row.BudgetLeft = math.Max(0, math.Min(1, *a.ErrorBudgetRemaining))
		}
		// The strip's days are coloured and named as the status page's
		// bars are, against the SLO the month was collected with.
		comp, _ := s.cfg.Component(a.Component)
		comp.ID = a.Component
		if a.SLO > 0 {
			comp.SLO = a.SLO * 100
		}
		for _, b := range status.MonthBars(s.cfg, comp, a.Daily, ev, s.opts.Now) {
			row.Days = append(row.Days, DayCell{Date: b.Date, Level: b.Level, Title: b.Tooltip})
		}
		row.Days = append(row.Days, restOfMonth(snap.Month, a.Daily)...)
		if len(a.Excluded) > 0 {
			var parts []string
			for _, e := range a.Excluded {
				took := snapshot.FormatDuration(e.End.Sub(e.Start))
				// collect names a maintenance window "maintenance: <title>";
				// the label already says what it is.
				if title, ok := strings.CutPrefix(e.Reason, "maintenance: "); ok {
					parts = append(parts, fmt.Sprintf("%s (maintenance, %s)", title, took))
				} else {
					parts = append(parts, fmt.Sprintf("%s (%s)", e.Reason, took))
				}
			}
			row.ExcludedFor = strings.Join(parts, "; ")
		}
		out = append(out, row)
	}
	return out
}

// restOfMonth returns a grey "no data" cell for each day of month after
// the last one daily has: a month collected while in progress shows its
// whole length, not a strip that stops short.
func restOfMonth(month string, daily []snapshot.Day) []DayCell {
	if len(daily) == 0 {
		return nil
	}
	last, err := time.Parse(time.DateOnly, daily[len(daily)-1].Date)
	if err != nil || last.Format("2006-01") != month {
		return nil
	}
	var out []DayCell
	for d := last.AddDate(0, 0, 1); d.Format("2006-01") == month; d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		out = append(out, DayCell{Date: date, Level: status.LevelNoData, Title: dayLabel(date) + ": " + status.DaySummary(nil, 0, 0)})
	}
	return out
}

// dayLabel is a date as the status page's bars name it: "2026-10-14" ->
// "Oct 14".
func dayLabel(date string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return d.Format("Jan 2")
}

// slugify makes an id fragment from a name: "acme/app.js" -> "acme-app-js".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// dayEvents is what, besides snap's measurements, colours the days of
// its month: the site's incidents and maintenance windows, and the
// disruptions its checks detected in the month that no silence covers.
func (s *Site) dayEvents(snap *snapshot.Snapshot) status.Events {
	ev := status.Events{Disruptions: status.Unsilenced(snap.Disruptions, s.silences, s.opts.Now)}
	if s.status != nil {
		ev.Incidents, ev.Maintenance = s.touchingMonth(snap.Month), s.status.Maintenance
	}
	return ev
}

// touchingMonth returns the incidents started by Now that touched month
// ("2026-10") in the site's zone, in the site's order.
func (s *Site) touchingMonth(month string) []*content.Incident {
	s.touchingOnce.Do(func() {
		s.touching = map[string][]*content.Incident{}
		if s.status == nil {
			return
		}
		for _, inc := range s.status.Incidents {
			if inc.Started.After(s.opts.Now) {
				continue
			}
			end := s.opts.Now
			if inc.IsResolved() && inc.Resolved.Before(end) {
				end = inc.Resolved
			}
			last := end.In(s.cfg.Location).Format("2006-01")
			for m := inc.Started.In(s.cfg.Location).Format("2006-01"); m <= last; m = snapshot.NextMonth(m) {
				s.touching[m] = append(s.touching[m], inc)
			}
		}
	})
	return s.touching[month]
}

// keyDayEvents adds to d what colours the days of snap's month besides
// its measurements (see dayEvents): the files of the incidents and
// maintenance windows that touched the month, and of the silences when
// the month has detected disruptions. It reports false when one of them
// still changes with the clock, so the strips must be made anew.
func (s *Site) keyDayEvents(d *digest.Hasher, snap *snapshot.Snapshot) bool {
	if snap == nil || s.status == nil {
		return true
	}
	from, err := time.ParseInLocation("2006-01", snap.Month, s.cfg.Location)
	if err != nil {
		return false
	}
	to := from.AddDate(0, 1, 0)
	d.String("day events")
	for _, inc := range s.touchingMonth(snap.Month) {
		if !status.IncidentSettled(inc, s.opts.Now) {
			return false
		}
		d.String(inc.Path)
		d.Key(inc.Source)
	}
	for _, m := range s.status.Maintenance {
		if m.ScheduledFor.Before(to) && m.ScheduledUntil.After(from) {
			if !status.MaintenanceSettled(m, s.opts.Now) {
				return false
			}
			d.String(m.Path)
			d.Key(m.Source)
		}
	}
	if len(snap.Disruptions) > 0 {
		for _, ds := range snap.Disruptions {
			if ds.Ongoing() {
				return false
			}
		}
		for _, sl := range s.silences {
			d.String(sl.Path)
			d.Key(sl.Source)
		}
	}
	return true
}
