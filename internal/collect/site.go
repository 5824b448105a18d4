package collect

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/github"
	"github.com/bulletin-dev/bulletin/collectors/gitlab"
	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// SiteOptions describe a site to collect for with the real collectors.
type SiteOptions struct {
	// Config is the site's loaded configuration.
	Config *config.Config
	// Dir is the site directory: data/ and content/ are in it, and the
	// relative paths of Config are resolved against it.
	Dir string
	// GitHubToken authenticates GitHub requests; "" asks anonymously.
	GitHubToken string
	// GitLabToken authenticates GitLab requests; "" asks anonymously
	// (enough for public projects on gitlab.com).
	GitLabToken string
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Progress receives an event per step, the collectors' notes among
	// them; nil discards them.
	Progress func(Event)
}

// Site collects the months of one site from GitHub, GitLab and Prometheus. It is
// the part of the package that knows the real collectors: it wires them to
// a Collector as its sources.
type Site struct {
	opts SiteOptions
	gh   *lazyGitHub
	gl   *lazyGitLab
}

// NewSite returns a Site. Nothing is created until Collect needs it.
func NewSite(opts SiteOptions) *Site {
	s := &Site{opts: opts}
	s.gh = &lazyGitHub{opts: github.Options{
		BaseURL:  opts.Config.GitHub.APIURL,
		Token:    opts.GitHubToken,
		CacheDir: s.path(opts.Config.GitHub.CacheDir),
		Timeout:  duration(opts.Config.GitHub.Timeout),
		Lookback: time.Duration(opts.Config.GitHub.LookbackDays) * 24 * time.Hour,
		Logf:     s.logf,
	}}
	s.gl = &lazyGitLab{opts: gitlab.Options{
		BaseURL:  opts.Config.GitLab.APIURL,
		Token:    opts.GitLabToken,
		Timeout:  duration(opts.Config.GitLab.Timeout),
		Lookback: time.Duration(opts.Config.GitLab.LookbackDays) * 24 * time.Hour,
		Logf:     s.logf,
	}}
	return s
}

// Collect collects as Collector.Collect does. Prometheus is set up only
// when it is configured and req asks for it; an error setting it up, or
// reading the maintenance windows its figures leave out, comes before
// anything is collected, with a nil Result.
func (s *Site) Collect(ctx context.Context, req Request) (*Result, error) {
	cfg := s.opts.Config
	opts := Options{
		Config:     cfg,
		DataDir:    s.path("data"),
		ReportsDir: s.path(filepath.Join("content", "reports")),
		GitHub:     s.gh,
		GitLab:     s.gl,
		Now:        s.opts.Now,
		Progress:   s.opts.Progress,
	}
	if len(cfg.Tracks) > 0 && (len(req.Only) == 0 || slices.Contains(req.Only, GitHubSource) || slices.Contains(req.Only, GitLabSource)) {
		// The DORA keys link incidents to deployments: without them the
		// change failure rate and time to restore would be wrong.
		incs, err := content.LoadIncidents(s.path(filepath.Join("content", "incidents")), cfg)
		if err != nil {
			return nil, err
		}
		opts.Incidents = incs
	}
	if cfg.Prometheus.URL != "" && (len(req.Only) == 0 || slices.Contains(req.Only, PrometheusSource)) {
		p, err := s.prometheus()
		if err != nil {
			return nil, err
		}
		opts.Prometheus = promSource{p}
		if opts.Exclude, err = exclusions(cfg, s.path(filepath.Join("content", "maintenance"))); err != nil {
			return nil, err
		}
	}
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	return c.Collect(ctx, req)
}

// Live runs one live check (see Live) with the Prometheus of the site's
// config; notes go to Progress. Without [prometheus] url it is a
// *RequestError.
func (s *Site) Live(ctx context.Context) (*LiveResult, error) {
	opts := LiveOptions{
		Config:     s.opts.Config,
		DataDir:    s.path("data"),
		ReportsDir: s.path(filepath.Join("content", "reports")),
		Now:        s.opts.Now,
		Logf:       s.logf,
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if s.opts.Config.Prometheus.URL != "" && len(s.opts.Config.Live.Rules) > 0 {
		p, err := s.prometheus()
		if err != nil {
			return nil, err
		}
		opts.Source = p
	}
	return Live(ctx, opts)
}

// prometheus returns a collector for the site's Prometheus.
func (s *Site) prometheus() (*prometheus.Collector, error) {
	cfg := s.opts.Config
	p, err := prometheus.New(prometheus.Options{
		URL:            cfg.Prometheus.URL,
		HTTPConfigFile: s.path(cfg.Prometheus.HTTPConfigFile),
		Timeout:        duration(cfg.Prometheus.Timeout),
		// The collector's lines name it already ("prometheus: query ...").
		Logf: s.logf,
	})
	if err != nil {
		return nil, fmt.Errorf("prometheus: %w", err)
	}
	return p, nil
}

// GitHubStats returns the GitHub client's request counts, and false when
// no client was created (no GitHub item was collected).
func (s *Site) GitHubStats() (github.Stats, bool) {
	if s.gh.client == nil {
		return github.Stats{}, false
	}
	return s.gh.client.Stats(), true
}

// GitLabStats returns the GitLab client's request counts, and false when
// no client was created (no GitLab item was collected).
func (s *Site) GitLabStats() (gitlab.Stats, bool) {
	if s.gl.client == nil {
		return gitlab.Stats{}, false
	}
	return s.gl.client.Stats(), true
}

// path resolves a path of the site: relative ones against its directory.
func (s *Site) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.opts.Dir, p)
}

// logf reports a collector's log line as a Note.
func (s *Site) logf(format string, args ...any) {
	if s.opts.Progress != nil {
		s.opts.Progress(Event{Kind: Note, Msg: fmt.Sprintf(format, args...)})
	}
}

// duration parses a duration config.Validate has already checked; "" is 0,
// the collector's default.
func duration(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}

// exclusions returns the intervals left out of availability: the
// configured ones and, unless prometheus.exclude_maintenance is false, the
// maintenance windows that do not count against availability. A broken
// maintenance file stops the run: without it the figures would be wrong.
func exclusions(cfg *config.Config, maintenanceDir string) ([]Window, error) {
	intervals := append([]config.Interval{}, cfg.Prometheus.Exclude...)
	for i := range intervals {
		if intervals[i].Reason == "" {
			intervals[i].Reason = "excluded in config.toml"
		}
	}
	if cfg.Prometheus.ExcludeMaintenance == nil || *cfg.Prometheus.ExcludeMaintenance {
		ms, err := content.LoadMaintenance(maintenanceDir, cfg)
		if err != nil {
			return nil, err
		}
		intervals = append(intervals, content.Exclusions(ms)...)
	}
	out := make([]Window, len(intervals))
	for i, iv := range intervals {
		out[i] = Window{Start: iv.Start, End: iv.End, Components: iv.Components, Reason: iv.Reason}
	}
	return out, nil
}

// promSource adapts the Prometheus collector to Prometheus.
type promSource struct{ c *prometheus.Collector }

func (p promSource) Availability(ctx context.Context, comp config.Component, month string, loc *time.Location, exclude []Window) (snapshot.Availability, error) {
	ws := make([]prometheus.Window, len(exclude))
	for i, w := range exclude {
		ws[i] = prometheus.Window{Start: w.Start, End: w.End, Components: w.Components, Reason: w.Reason}
	}
	return p.c.Availability(ctx, comp, month, loc, ws)
}

// lazyGitHub creates the GitHub client on first use, so that a site that
// does not use GitHub gets no cache directory and no "no token" warning.
// A client that cannot be created fails each item, and the other source
// still runs.
type lazyGitHub struct {
	opts   github.Options
	once   sync.Once
	client *github.Client
	err    error
}

func (l *lazyGitHub) get() (*github.Client, error) {
	l.once.Do(func() {
		l.client, l.err = github.New(l.opts)
		if l.err != nil {
			l.err = fmt.Errorf("github: %w", l.err)
		}
	})
	return l.client, l.err
}

func (l *lazyGitHub) Issues(ctx context.Context, repo config.Repository, start, end time.Time) (snapshot.RepoIssues, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.RepoIssues{}, err
	}
	return c.Issues(ctx, repo, start, end)
}

func (l *lazyGitHub) Releases(ctx context.Context, track config.Track, start, end time.Time) (snapshot.Track, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Track{}, err
	}
	return c.Releases(ctx, track, start, end)
}

func (l *lazyGitHub) Goal(ctx context.Context, ref string) (snapshot.Goal, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Goal{}, err
	}
	return c.Goal(ctx, ref)
}

func (l *lazyGitHub) Delivery(ctx context.Context, track config.Track, from, to time.Time) (snapshot.Delivery, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Delivery{}, err
	}
	return c.Delivery(ctx, track, from, to)
}

// lazyGitLab creates the GitLab client on first use, as lazyGitHub does.
type lazyGitLab struct {
	opts   gitlab.Options
	once   sync.Once
	client *gitlab.Client
	err    error
}

func (l *lazyGitLab) get() (*gitlab.Client, error) {
	l.once.Do(func() {
		l.client, l.err = gitlab.New(l.opts)
		if l.err != nil {
			l.err = fmt.Errorf("gitlab: %w", l.err)
		}
	})
	return l.client, l.err
}

func (l *lazyGitLab) Issues(ctx context.Context, p config.GitLabProject, start, end time.Time) (snapshot.RepoIssues, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.RepoIssues{}, err
	}
	return c.Issues(ctx, p, start, end)
}

func (l *lazyGitLab) Releases(ctx context.Context, track config.Track, start, end time.Time) (snapshot.Track, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Track{}, err
	}
	return c.Releases(ctx, track, start, end)
}

func (l *lazyGitLab) Delivery(ctx context.Context, track config.Track, from, to time.Time) (snapshot.Delivery, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Delivery{}, err
	}
	return c.Delivery(ctx, track, from, to)
}

func (l *lazyGitLab) Goal(ctx context.Context, ref string) (snapshot.Goal, error) {
	c, err := l.get()
	if err != nil {
		return snapshot.Goal{}, err
	}
	return c.Goal(ctx, ref)
}
