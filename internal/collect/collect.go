// Package collect freezes a month's figures into data/YYYY-MM.json: it asks
// each source (GitHub, Prometheus) for the items the site's config and the
// month's report name, merges the answers into the month's existing snapshot
// and writes it atomically. Live (live.go) is the minute check: it asks the
// live rules for their signal now and writes data/live.json, recording each
// detected disruption in its month's snapshot.
//
// The rules it keeps, because a published number must not change under
// readers and a failed fetch must not erase good data:
//
//   - A frozen month (its report is published, or the file says
//     "frozen": true) is refused unless Request.Force is set.
//   - Sources merge independently: collecting only Prometheus leaves the
//     GitHub sections of the file as they were, and the other way round.
//   - Within a source the merge is per item (repository, release track,
//     goal, component): an item that fails keeps its previous entry, the
//     others are updated, and the failure is returned as a *SourceError.
//     Entries for items no longer named by the config or the report are
//     dropped when their source is collected.
//   - Snapshot.Sources records a source's collection time only when every
//     one of its items succeeded, so the time always means "all of these
//     figures are from then".
//
// The package knows nothing of HTTP: the sources come in as the small
// interfaces below, which the real collectors satisfy. Site (site.go) wires
// those collectors for a site directory.
package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// IssueSource counts a repository's issues and pull requests in [start, end).
type IssueSource interface {
	// Issues returns the counts for repo. Any error means no figures for
	// repo; the previous ones are kept.
	Issues(ctx context.Context, repo config.Repository, start, end time.Time) (snapshot.RepoIssues, error)
}

// ReleaseSource lists the releases of a track in [start, end).
type ReleaseSource interface {
	// Releases returns the track's releases and their summary. Any error
	// means no figures for the track; the previous ones are kept.
	Releases(ctx context.Context, track config.Track, start, end time.Time) (snapshot.Track, error)
}

// GoalSource reads the tracker state of a goal reference.
type GoalSource interface {
	// Goal returns the state of ref ("milestone: acme/app#3" or
	// "issue: acme/app#42"). Any error means no state for ref; the previous
	// one is kept.
	Goal(ctx context.Context, ref string) (snapshot.Goal, error)
}

// DeliverySource lists a track's production deployment attempts for the
// DORA keys.
type DeliverySource interface {
	// Delivery returns every deployment attempt of track that finished in
	// [from, to), with the changes each successful one shipped; the
	// month's keys are computed from it (internal/dora). Any error means
	// no figures for the track; the previous ones are kept.
	Delivery(ctx context.Context, track config.Track, from, to time.Time) (snapshot.Delivery, error)
}

// GitHub is everything collect asks of GitHub.
type GitHub interface {
	IssueSource
	ReleaseSource
	DeliverySource
	GoalSource
}

// ProjectSource counts a GitLab project's issues and merge requests in
// [start, end).
type ProjectSource interface {
	// Issues returns the counts for project, merge requests as
	// PullRequests. Any error means no figures; the previous ones are kept.
	Issues(ctx context.Context, project config.GitLabProject, start, end time.Time) (snapshot.RepoIssues, error)
}

// GitLab is everything collect asks of GitLab.
type GitLab interface {
	ProjectSource
	ReleaseSource
	DeliverySource
	GoalSource
}

// Prometheus computes a component's availability over a month.
type Prometheus interface {
	// Availability returns comp's figures for month ("YYYY-MM") whose
	// boundaries are midnights in loc, leaving out the exclude windows. Any
	// error means no figures for comp; the previous ones are kept.
	Availability(ctx context.Context, comp config.Component, month string, loc *time.Location, exclude []Window) (snapshot.Availability, error)
}

// Window is an interval left out of availability: a maintenance window or
// an interval excluded in config.toml.
type Window struct {
	Start, End time.Time
	// Components the window applies to; empty means every component.
	Components []string
	Reason     string
}

// appliesTo reports whether w concerns component id.
func (w Window) appliesTo(id string) bool {
	return len(w.Components) == 0 || slices.Contains(w.Components, id)
}

// Source names, as used by Request.Only and Snapshot.Sources.
const (
	GitHubSource     = snapshot.SourceGitHub
	GitLabSource     = snapshot.SourceGitLab
	PrometheusSource = snapshot.SourcePrometheus
)

// SourceNames lists every source in the order they are collected.
var SourceNames = []string{GitHubSource, GitLabSource, PrometheusSource}

// Options are a Collector's dependencies.
type Options struct {
	// Config is the site's loaded configuration (Location must be set).
	Config *config.Config
	// DataDir is the site's data/ directory; ReportsDir its content/reports.
	DataDir    string
	ReportsDir string
	// GitHub, GitLab and Prometheus are the sources; nil means the source
	// is not configured and is skipped (or refused when asked for by name).
	GitHub     GitHub
	GitLab     GitLab
	Prometheus Prometheus
	// Incidents are the site's incidents: the DORA keys link them to
	// deployments (change failure rate, time to restore).
	Incidents []*content.Incident
	// Exclude lists the intervals to leave out of availability, already
	// resolved from maintenance windows and config.toml. Windows outside
	// the collected month are ignored.
	Exclude []Window
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Progress receives an event per step; nil discards them.
	Progress func(Event)
}

// Collector collects months into a data directory.
type Collector struct {
	opts Options
}

// New returns a Collector. It fails when a required option is missing.
func New(opts Options) (*Collector, error) {
	switch {
	case opts.Config == nil:
		return nil, errors.New("collect: no config")
	case opts.Config.Location == nil:
		return nil, errors.New("collect: config has no time zone loaded")
	case opts.DataDir == "":
		return nil, errors.New("collect: no data directory")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Progress == nil {
		opts.Progress = func(Event) {}
	}
	return &Collector{opts: opts}, nil
}

// Request says what one collection run does.
type Request struct {
	// Month is "YYYY-MM"; empty means the last complete month in the
	// site's zone.
	Month string
	// Only restricts the run to these sources; empty means every
	// configured source.
	Only []string
	// Force re-collects a frozen month.
	Force bool
	// DryRun computes the snapshot but writes nothing.
	DryRun bool
}

// Result describes a finished run.
type Result struct {
	Month string
	// Path is the snapshot file of the month.
	Path string
	// Snapshot is the merged snapshot and Data its encoding: what was
	// written, or for a dry run what would have been.
	Snapshot *snapshot.Snapshot
	Data     []byte
	// Existed reports whether the file was there before the run; Changed
	// whether Data differs from it; Written whether the file was written.
	Existed, Changed, Written bool
	// Sources holds one entry per source that ran, in collection order.
	Sources []SourceResult
	// Changes lists, per item, what the run changed in the file.
	Changes []Change
}

// SourceResult is the outcome of one source.
type SourceResult struct {
	Name string
	// Collected counts the items fetched successfully.
	Collected int
	// Failed lists the items whose figures could not be fetched; their
	// previous entries were kept.
	Failed []ItemError
}

// ItemError is the failure of one item of a source.
type ItemError struct {
	// Item names it: "issues acme/app", "releases backend",
	// "goal milestone: acme/app#3", "availability api".
	Item string
	Err  error
}

// SourceError reports the items of a source that failed. Collect returns
// one per failing source (joined with errors.Join) after writing what the
// other items and sources produced.
type SourceError struct {
	Source string
	// Total is the number of items the source was asked for.
	Total  int
	Failed []ItemError
}

func (e *SourceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d item%s failed (their previous figures were kept)", e.Source, len(e.Failed), e.Total, plural(e.Total))
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "\n  %s: %v", f.Item, f.Err)
	}
	return b.String()
}

// Unwrap returns the item errors, so errors.Is sees through a SourceError.
func (e *SourceError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// ErrFrozen matches (errors.Is) the *FrozenError Collect returns for a
// frozen month.
var ErrFrozen = errors.New("month is frozen")

// FrozenError refuses to re-collect a frozen month without Request.Force.
type FrozenError struct {
	// Path is the month's snapshot file; Reason says what froze it.
	Path, Reason string
}

func (e *FrozenError) Error() string {
	return fmt.Sprintf("%s is frozen: %s; a published figure must not change under readers, "+
		"so it is left as it is (run with --force to re-collect it anyway)", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrFrozen) true.
func (e *FrozenError) Is(target error) bool { return target == ErrFrozen }

// RequestError reports a request that cannot be carried out as asked: a
// malformed or future month, an unknown or unconfigured source. Nothing is
// fetched or written.
type RequestError struct {
	Msg string
}

func (e *RequestError) Error() string { return e.Msg }

func requestErrorf(format string, args ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, args...)}
}

// job is one item of a source: a name for people and the fetch that
// stores its answer.
type job struct {
	item  string
	fetch func(ctx context.Context) error
}

// Collect runs req. It returns a *RequestError for a bad request, a
// *FrozenError for a frozen month without Force, and, when some items
// failed, the joined *SourceError of each failing source alongside a Result
// whose snapshot holds everything else (written unless DryRun).
func (c *Collector) Collect(ctx context.Context, req Request) (*Result, error) {
	cfg := c.opts.Config
	loc := cfg.Location
	now := c.opts.Now()

	month := req.Month
	if month == "" {
		month = LastCompleteMonth(now, loc)
	}
	start, end, err := checkMonth(month, now, loc)
	if err != nil {
		return nil, err
	}
	sources, err := c.selectSources(req.Only)
	if err != nil {
		return nil, err
	}
	if end.After(now) {
		c.opts.Progress(Event{Kind: Note, Msg: fmt.Sprintf("note: %s has not ended: its figures stop at now and will change; collect it again after %s",
			month, end.Format("2006-01-02 15:04 MST"))})
	}

	store := snapshot.Store{Dir: c.opts.DataDir}
	path := store.Path(month)
	oldData, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	var old *snapshot.Snapshot
	if existed {
		// A file we cannot read is not merged into (and so not replaced):
		// its figures might be the only copy.
		old, err = store.Load(month)
		if err != nil {
			return nil, fmt.Errorf("%w (fix or move the file away before collecting %s)", err, month)
		}
	}

	report, err := c.loadReport(month)
	if err != nil {
		return nil, err
	}
	if reason := frozenReason(path, old, report, now); reason != "" && !req.Force {
		return nil, &FrozenError{Path: path, Reason: reason}
	}

	next := snapshot.New(month)
	if old != nil {
		next = clone(old)
	}

	res := &Result{Month: month, Path: path, Existed: existed}
	var errs []error
	for _, name := range sources {
		var jobs []job
		var m merger
		switch name {
		case GitHubSource:
			jobs, m = c.githubJobs(report, start, end)
		case GitLabSource:
			jobs, m = c.gitlabJobs(report, start, end)
		case PrometheusSource:
			jobs, m = c.prometheusJobs(month, start, end, old, req.Force)
		}
		if len(jobs) == 0 {
			if len(req.Only) > 0 {
				return nil, requestErrorf("source %s has nothing to collect for %s: %s", name, month, nothingFor(name))
			}
			continue
		}
		sr, err := c.run(ctx, name, jobs)
		if err != nil {
			return nil, err
		}
		res.Changes = append(res.Changes, m.merge(next)...)
		if len(sr.Failed) == 0 {
			next.Sources[name] = snapshot.SourceInfo{CollectedAt: now.UTC().Truncate(time.Second)}
		} else {
			errs = append(errs, &SourceError{Source: name, Total: len(jobs), Failed: sr.Failed})
		}
		res.Sources = append(res.Sources, sr)
	}
	if len(res.Sources) == 0 {
		return nil, requestErrorf("nothing to collect for %s: %s", month, c.nothingToDo())
	}

	data, err := next.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	res.Snapshot, res.Data = next, data
	res.Changed = !bytes.Equal(data, oldData)

	collected := 0
	for _, sr := range res.Sources {
		collected += sr.Collected
	}
	// Writing a file when nothing at all was fetched would only create an
	// empty snapshot (or rewrite an old one unchanged).
	if !req.DryRun && res.Changed && collected > 0 {
		if err := snapshot.WriteFileAtomic(path, data, 0o644); err != nil {
			return nil, fmt.Errorf("write snapshot: %w", err)
		}
		res.Written = true
	}
	return res, errors.Join(errs...)
}

// run fetches every job of a source, reporting progress. It returns an
// error only when ctx ends: an interrupted run writes nothing.
func (c *Collector) run(ctx context.Context, name string, jobs []job) (SourceResult, error) {
	sr := SourceResult{Name: name}
	total := len(jobs)
	c.opts.Progress(Event{Kind: SourceStart, Source: name, Total: total})
	for i, j := range jobs {
		c.opts.Progress(Event{Kind: ItemStart, Source: name, Item: j.item, Done: i, Total: total})
		err := j.fetch(ctx)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return sr, fmt.Errorf("collect %s interrupted at %s, nothing written: %w", name, j.item, ctxErr)
		}
		if err != nil {
			sr.Failed = append(sr.Failed, ItemError{Item: j.item, Err: err})
		} else {
			sr.Collected++
		}
		c.opts.Progress(Event{Kind: ItemDone, Source: name, Item: j.item, Done: i + 1, Total: total, Err: err})
	}
	c.opts.Progress(Event{Kind: SourceDone, Source: name, Done: sr.Collected, Total: total})
	return sr, nil
}

// selectSources resolves Request.Only against the configured sources.
func (c *Collector) selectSources(only []string) ([]string, error) {
	configured := map[string]bool{
		GitHubSource:     c.opts.GitHub != nil,
		GitLabSource:     c.opts.GitLab != nil,
		PrometheusSource: c.opts.Prometheus != nil,
	}
	if len(only) == 0 {
		var out []string
		for _, n := range SourceNames {
			if configured[n] {
				out = append(out, n)
			}
		}
		return out, nil
	}
	want := map[string]bool{}
	for _, n := range only {
		n = strings.TrimSpace(n)
		if _, known := configured[n]; !known {
			return nil, requestErrorf("unknown source %q (sources: %s)", n, strings.Join(SourceNames, ", "))
		}
		if !configured[n] {
			return nil, requestErrorf("source %s is not configured: %s", n, howToConfigure(n))
		}
		want[n] = true
	}
	var out []string
	for _, n := range SourceNames {
		if want[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

func howToConfigure(source string) string {
	switch source {
	case PrometheusSource:
		return "set prometheus.url in config.toml"
	case GitLabSource:
		return "add [[gitlab.projects]] or [[tracks]] with project to config.toml"
	}
	return "add [[github.repositories]] or [[tracks]] to config.toml, or goals with milestone/issue to the report"
}

func (c *Collector) nothingToDo() string {
	var why []string
	for _, n := range SourceNames {
		switch {
		case n == GitLabSource && (c.opts.GitLab == nil || !usesGitLab(c.opts.Config)):
			// GitLab is for the sites that use it; naming it to every
			// other site would only be noise.
		case n == GitHubSource && c.opts.GitHub == nil, n == PrometheusSource && c.opts.Prometheus == nil:
			why = append(why, n+" is not configured ("+howToConfigure(n)+")")
		default:
			why = append(why, nothingFor(n))
		}
	}
	return strings.Join(why, "; ")
}

// usesGitLab reports whether the config names anything on GitLab.
func usesGitLab(cfg *config.Config) bool {
	return len(cfg.GitLab.Projects) > 0 || slices.ContainsFunc(cfg.Tracks, func(t config.Track) bool { return t.Project != "" })
}

func nothingFor(source string) string {
	switch source {
	case PrometheusSource:
		return "prometheus has no [[components]] in config.toml"
	case GitLabSource:
		return "gitlab has no projects or tracks in config.toml and the report references no GitLab milestone or issue"
	}
	return "github has no repositories or tracks in config.toml and the report references no milestone or issue"
}

// loadReport reads the month's report, content/reports/YYYY-MM.md, or
// returns nil when there is none. Only that file is read: report files are
// named after their month, so no other file can hold the month's report,
// and a broken report of another month must not stop collection.
func (c *Collector) loadReport(month string) (*content.Report, error) {
	if c.opts.ReportsDir == "" {
		return nil, nil
	}
	path := filepath.Join(c.opts.ReportsDir, month+".md")
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	r, err := content.ParseReport(path, src, c.opts.Config.Location)
	if err != nil {
		// Without the report we can tell neither whether the month is
		// published (frozen) nor which goals to look up.
		return nil, err
	}
	return r, nil
}

// frozenReason says why the month may not be overwritten, or "".
func frozenReason(path string, old *snapshot.Snapshot, r *content.Report, now time.Time) string {
	var why []string
	if r != nil && !r.Draft && !r.Date.After(now) {
		why = append(why, fmt.Sprintf("its report %s was published on %s", r.Path, r.Date.Format("2006-01-02 15:04 MST")))
	}
	if old != nil && old.Frozen {
		why = append(why, fmt.Sprintf(`%s says "frozen": true`, filepath.Base(path)))
	}
	return strings.Join(why, " and ")
}

// clone deep-copies a snapshot through its encoding so that merging never
// aliases the old file's slices.
func clone(s *snapshot.Snapshot) *snapshot.Snapshot {
	b, err := s.Encode()
	if err != nil {
		panic(fmt.Sprintf("collect: encode snapshot: %v", err)) // only plain data: cannot fail
	}
	c, err := snapshot.Decode("", b)
	if err != nil {
		panic(fmt.Sprintf("collect: decode own encoding: %v", err))
	}
	return c
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
