// Package config loads and validates a site's config.toml: the site's
// identity, its environments, and what the collectors, the status page and
// the publisher work on. Secrets never live here; they come from the
// environment of the command that needs them.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/tomlpos"
)

// Config is a site's configuration after environment overrides are applied.
type Config struct {
	Title       string `toml:"title"`
	Description string `toml:"description"`
	Language    string `toml:"language"`
	// TimeZone is an IANA zone name; it sets month boundaries and the zone
	// in which times are displayed.
	TimeZone string `toml:"timezone"`
	BaseURL  string `toml:"base_url"`
	Theme    string `toml:"theme"`
	// FeedLimit caps the number of items per feed.
	FeedLimit int `toml:"feed_limit"`
	// UnsafeHTML lets raw HTML in markdown through to the page.
	UnsafeHTML bool `toml:"unsafe_html"`
	// PercentPrecision is the number of decimals shown for availability;
	// values are floored so any downtime never shows as 100%.
	PercentPrecision int `toml:"percent_precision"`
	// Copyright is shown in the footer and feeds.
	Copyright string `toml:"copyright"`
	// FeedIDHost is the host name in the ids of feed entries (tag: URIs,
	// RFC 4151); the production base_url's host by default. No
	// environment overrides it, and a site that moves to another host
	// keeps it, so that readers never see its entries twice.
	FeedIDHost string `toml:"feed_id_host"`

	// Env holds per-environment overrides, selected by --env or BULLETIN_ENV.
	Env map[string]EnvOverride `toml:"env"`

	Status     Status      `toml:"status"`
	GitHub     GitHub      `toml:"github"`
	GitLab     GitLab      `toml:"gitlab"`
	Prometheus Prometheus  `toml:"prometheus"`
	Groups     []Group     `toml:"groups"`
	Components []Component `toml:"components"`
	Tracks     []Track     `toml:"tracks"`
	Publish    Publish     `toml:"publish"`
	Live       Live        `toml:"live"`

	// Environment is the name of the environment the overrides came from.
	Environment string `toml:"-"`
	// ProductionURL is the top-level base_url, before the environment's
	// override: where the production site is.
	ProductionURL string `toml:"-"`
	// ProductionStatusURL is status.base_url before the environment's
	// override.
	ProductionStatusURL string `toml:"-"`
	// Banner is the text of the banner every page of a build for an
	// environment other than production and development shows; empty for
	// those two, and when the environment sets show_banner = false.
	Banner string `toml:"-"`
	// Location is the loaded TimeZone.
	Location *time.Location `toml:"-"`
	// Path is the file the config was read from; Lines maps keys to lines.
	Path  string        `toml:"-"`
	Lines tomlpos.Index `toml:"-"`
}

// EnvOverride is the set of settings an environment may change.
type EnvOverride struct {
	BaseURL    string `toml:"base_url"`
	Title      string `toml:"title"`
	UnsafeHTML *bool  `toml:"unsafe_html"`
	// Banner replaces DefaultBanner; ShowBanner = false leaves the banner
	// out (it is on by default).
	Banner     string `toml:"banner"`
	ShowBanner *bool  `toml:"show_banner"`
	// StatusBaseURL replaces status.base_url, so that a staging site
	// links to its own status site.
	StatusBaseURL string `toml:"status_base_url"`
}

// DefaultBanner is the banner of an environment that sets no text.
const DefaultBanner = "This is the staging site: changes are tested here before production."

// Status configures the status page.
type Status struct {
	// Path is where the status page is published, "/status/" by default.
	Path string `toml:"path"`
	// Title of the status page; the site title plus " status" by default.
	Title string `toml:"title"`
	// Days of uptime history shown per component (default 90).
	Days int `toml:"days"`
	// PastDays is how many days, today included, the status page lists
	// under "Past incidents" (default 15, as Statuspage).
	PastDays int `toml:"past_days"`
	// BaseURL, when set, makes the status side a site of its own at that
	// URL ("https://status.example.com/"), built into StatusSiteDir of the
	// output and published by the targets with site = "status": the
	// status page at its root, the Statuspage API at /api/v2/, incident
	// pages at /incidents/<slug>/, with its own copy of the stylesheet, so
	// that it stays up when the main site is down. Path is then where the
	// main site keeps a page that sends readers there.
	BaseURL string `toml:"base_url"`
}

// StatusSiteDir is the directory of the output (public/_status/) that
// holds the status site when status.base_url is set.
const StatusSiteDir = "_status"

// GitHub configures the GitHub collector. The token comes from GITHUB_TOKEN.
type GitHub struct {
	// APIURL is the REST API base URL; set it for GitHub Enterprise
	// (https://ghe.example.com/api/v3/). Defaults to https://api.github.com/.
	APIURL string `toml:"api_url"`
	// CacheDir holds conditional-request caches (ETags), relative to the site.
	CacheDir string `toml:"cache_dir"`
	// Timeout bounds each request, as a Go duration ("30s").
	Timeout string `toml:"timeout"`
	// LookbackDays is how many days before a month a release may have
	// started and still be found (deployments and workflow runs are
	// listed from then); 0 means 14.
	LookbackDays int          `toml:"lookback_days"`
	Repositories []Repository `toml:"repositories"`
}

// GitLab configures the GitLab collector (gitlab.com or self-managed). The
// token comes from GITLAB_TOKEN.
type GitLab struct {
	// APIURL is the REST API base: https://gitlab.com/api/v4/ (the default)
	// or a self-managed instance, possibly under a path prefix, such as
	// https://git.example.com/gitlab/api/v4/ ("/api/v4/" is added when
	// missing).
	APIURL string `toml:"api_url"`
	// Timeout bounds each request, as a Go duration ("30s").
	Timeout string `toml:"timeout"`
	// LookbackDays is how many days before a month a release may have
	// started and still be found; 0 means 14.
	LookbackDays int             `toml:"lookback_days"`
	Projects     []GitLabProject `toml:"projects"`
}

// GitLabProject is a tracked GitLab project.
type GitLabProject struct {
	// Path is the project's full path, "group/project" or
	// "group/subgroup/project".
	Path string `toml:"path"`
	// Labels, when set, restrict the issue and merge-request counts to
	// those with all of them.
	Labels []string `toml:"labels"`
}

// Repository is a tracked GitHub repository.
type Repository struct {
	// Name is "owner/repo".
	Name string `toml:"name"`
	// Labels, when set, restrict the issue counts to issues with all of them.
	Labels []string `toml:"labels"`
}

// Prometheus configures the Prometheus collector.
type Prometheus struct {
	// URL of the Prometheus (or compatible) HTTP API.
	URL string `toml:"url"`
	// HTTPConfigFile is a prometheus/common HTTPClientConfig YAML file
	// (basic_auth, authorization, tls_config, proxy_url, ...).
	HTTPConfigFile string `toml:"http_config_file"`
	// Timeout bounds each query, as a Go duration.
	Timeout string `toml:"timeout"`
	// ExcludeMaintenance removes scheduled maintenance windows from the
	// availability figures (default true).
	ExcludeMaintenance *bool `toml:"exclude_maintenance"`
	// Exclude lists further intervals to leave out of availability.
	Exclude []Interval `toml:"exclude"`
}

// Interval is a time range, optionally limited to some components.
type Interval struct {
	Start      time.Time `toml:"start"`
	End        time.Time `toml:"end"`
	Components []string  `toml:"components"`
	Reason     string    `toml:"reason"`
}

// Group is a named set of components on the status page.
type Group struct {
	ID          string `toml:"id"`
	Name        string `toml:"name"`
	Description string `toml:"description"`
}

// Component is a part of the service whose availability is tracked.
type Component struct {
	ID          string `toml:"id"`
	Name        string `toml:"name"`
	Group       string `toml:"group"`
	Description string `toml:"description"`
	// SLO is the availability target in percent, e.g. 99.9.
	SLO float64 `toml:"slo"`
	// Query is the PromQL availability SLI. It may use $__range (the
	// evaluation window) and must return a single 0..1 ratio. Empty means
	// the fraction of successful blackbox probes over the window:
	// sum(sum_over_time(probe_success{component="<id>"}[$__range])) /
	// sum(count_over_time(probe_success{component="<id>"}[$__range])).
	Query string `toml:"query"`
	// Hidden components are collected but not shown on the status page.
	Hidden bool `toml:"hidden"`
}

// Track is a stream of releases whose durations are watched.
type Track struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// Repository is the GitHub repository ("owner/name") of the track;
	// Project the GitLab project path instead. Exactly one is set.
	Repository string `toml:"repository"`
	Project    string `toml:"project"`
	// Source is one of "deployments", "workflow_runs" (GitHub), "pipelines"
	// (GitLab) or "releases".
	Source string `toml:"source"`
	// Workflow names the workflow file (source workflow_runs).
	Workflow string `toml:"workflow"`
	// Environment filters deployments (source deployments).
	Environment string `toml:"environment"`
	// Branch filters workflow runs (source workflow_runs) and pipelines
	// (source pipelines, where it may also be a tag).
	Branch string `toml:"branch"`
	// Components are the status-page components the track's releases
	// serve: an incident on one of them that starts within FailureWindow
	// after a deployment counts that deployment as a failed change, and
	// its time to restore counts for the track.
	Components []string `toml:"components"`
	// FailureWindow is how long after a deployment a failed deployment, a
	// rollback or an incident on Components marks it as a failed change,
	// as a Go duration; "" means DefaultFailureWindow.
	FailureWindow string `toml:"failure_window"`
	// OutlierFactor marks a release as an outlier when it took longer than
	// this multiple of the median (default 3).
	OutlierFactor float64 `toml:"outlier_factor"`
	// Target is the duration the team aims to release within, as a Go
	// duration ("3h"): the report then says "4 of 5 under 3h". Empty
	// means the report measures against the outlier threshold.
	Target string `toml:"target"`
	// ShowMean adds the mean duration to the report's sentence, for teams
	// that quote averages.
	ShowMean bool `toml:"show_mean"`
}

// Source kinds of a release track.
const (
	SourceDeployments  = "deployments"
	SourceWorkflowRuns = "workflow_runs"
	SourcePipelines    = "pipelines"
	SourceReleases     = "releases"
)

// Providers a track's releases come from.
const (
	ProviderGitHub = "github"
	ProviderGitLab = "gitlab"
)

// DefaultFailureWindow is a track's failure window when it sets none.
const DefaultFailureWindow = 24 * time.Hour

// Provider returns the service the track's releases come from: gitlab when
// the track names a project, github otherwise.
func (t Track) Provider() string {
	if t.Project != "" {
		return ProviderGitLab
	}
	return ProviderGitHub
}

// Location returns the repository or project the track's releases are in.
func (t Track) Location() string {
	if t.Project != "" {
		return t.Project
	}
	return t.Repository
}

// TargetDuration returns the track's target, 0 when it has none
// (Validate has checked the value).
func (t Track) TargetDuration() time.Duration {
	d, _ := time.ParseDuration(t.Target)
	return d
}

// Window returns the track's failure window (DefaultFailureWindow when
// unset; Validate has checked the value).
func (t Track) Window() time.Duration {
	if d, err := time.ParseDuration(t.FailureWindow); err == nil && d > 0 {
		return d
	}
	return DefaultFailureWindow
}

// Default values applied by Load.
const (
	DefaultFeedLimit        = 20
	DefaultPercentPrecision = 2
	DefaultOutlierFactor    = 3
	DefaultStatusDays       = 90
	DefaultGitHubAPI        = "https://api.github.com/"
	DefaultGitLabAPI        = "https://gitlab.com/api/v4/"
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Load reads the config file at path and applies the overrides of the named
// environment. An empty env means "production". Problems are reported as a
// *diag.ListError with a line for each. When the file decodes but fails
// validation (an unknown key, a bad value), the Config is returned alongside
// the error, so that bulletin check can go on to report the problems of the
// content too; everything else must treat the error as fatal.
func Load(path, env string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, src, env)
}

// Parse is Load on an in-memory file; path is only used in messages.
func Parse(path string, src []byte, env string) (*Config, error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	var raw map[string]any
	if _, err := toml.Decode(string(src), &raw); err != nil {
		return nil, tomlError(path, err)
	}
	c := &Config{Path: path, Lines: tomlpos.Build(string(src))}
	if _, err := toml.Decode(string(src), c); err != nil {
		// The decoder blames a type mismatch on the last key it read,
		// in words of Go types: name the value and its own line.
		if m, ok := tomlpos.FindMismatch(raw, c); ok {
			return nil, &diag.ListError{Errs: []*diag.Error{diag.Errorf(path, c.Lines.Line(m.Key), "%s: %s where %s is expected", m.Key, m.Got, m.Want)}}
		}
		return nil, tomlError(path, err)
	}
	var problems diag.List
	for _, k := range tomlpos.Unknown(raw, c) {
		problems.Addf(path, c.Lines.Line(k), "unknown key %q", k)
	}
	if env == "" {
		env = "production"
	}
	c.Environment = env
	c.ProductionURL = c.BaseURL
	c.ProductionStatusURL = c.Status.BaseURL
	o, ok := c.Env[env]
	if !ok && env != "production" && env != "development" {
		// A mistyped --env would otherwise build with production's URLs.
		known := "none is defined"
		if len(c.Env) > 0 {
			known = "defined: " + strings.Join(slices.Sorted(maps.Keys(c.Env)), ", ")
		}
		problems.Addf(path, 0, "unknown environment %q: no [env.%s] table (%s; production and development need none)", env, env, known)
	}
	if ok {
		if o.BaseURL != "" {
			c.BaseURL = o.BaseURL
		}
		if o.Title != "" {
			c.Title = o.Title
		}
		if o.UnsafeHTML != nil {
			c.UnsafeHTML = *o.UnsafeHTML
		}
		if o.StatusBaseURL != "" {
			c.Status.BaseURL = o.StatusBaseURL
		}
		if env != "production" && env != "development" && (o.ShowBanner == nil || *o.ShowBanner) {
			c.Banner = cmp.Or(o.Banner, DefaultBanner)
		}
	}
	c.defaults()
	c.validate(&problems)
	if err := problems.Err(); err != nil {
		return c, err
	}
	return c, nil
}

func tomlError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &diag.ListError{Errs: []*diag.Error{diag.Errorf(path, pe.Position.Line, "%s", pe.Message)}}
	}
	// Type mismatches read "toml: line N (last key ...): msg".
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d", &line); scanErr == nil {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return &diag.ListError{Errs: []*diag.Error{diag.Errorf(path, line, "%s", msg)}}
}

func (c *Config) defaults() {
	if c.Language == "" {
		c.Language = "en"
	}
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	if c.Theme == "" {
		c.Theme = "default"
	}
	if c.FeedLimit == 0 {
		c.FeedLimit = DefaultFeedLimit
	}
	if c.PercentPrecision == 0 {
		c.PercentPrecision = DefaultPercentPrecision
	}
	if c.BaseURL != "" && !strings.HasSuffix(c.BaseURL, "/") {
		c.BaseURL += "/"
	}
	if c.Status.BaseURL != "" && !strings.HasSuffix(c.Status.BaseURL, "/") {
		c.Status.BaseURL += "/"
	}
	if c.ProductionStatusURL != "" && !strings.HasSuffix(c.ProductionStatusURL, "/") {
		c.ProductionStatusURL += "/"
	}
	if c.ProductionURL != "" && !strings.HasSuffix(c.ProductionURL, "/") {
		c.ProductionURL += "/"
	}
	if c.FeedIDHost == "" {
		if u, err := url.Parse(c.ProductionURL); err == nil {
			c.FeedIDHost = strings.ToLower(u.Hostname())
		}
	}
	if c.Status.Path == "" {
		c.Status.Path = "/status/"
	}
	if !strings.HasPrefix(c.Status.Path, "/") {
		c.Status.Path = "/" + c.Status.Path
	}
	if !strings.HasSuffix(c.Status.Path, "/") {
		c.Status.Path += "/"
	}
	if c.Status.Title == "" {
		c.Status.Title = c.Title + " status"
	}
	if c.Status.PastDays == 0 {
		c.Status.PastDays = 15
	}
	if c.Status.Days == 0 {
		c.Status.Days = DefaultStatusDays
	}
	if c.GitHub.APIURL == "" {
		c.GitHub.APIURL = DefaultGitHubAPI
	}
	if c.GitHub.CacheDir == "" {
		c.GitHub.CacheDir = ".cache/github"
	}
	if c.GitLab.APIURL == "" {
		c.GitLab.APIURL = DefaultGitLabAPI
	}
	if c.Prometheus.ExcludeMaintenance == nil {
		t := true
		c.Prometheus.ExcludeMaintenance = &t
	}
	for i := range c.Tracks {
		if c.Tracks[i].OutlierFactor == 0 {
			c.Tracks[i].OutlierFactor = DefaultOutlierFactor
		}
		if c.Tracks[i].Name == "" {
			c.Tracks[i].Name = c.Tracks[i].ID
		}
	}
	for i := range c.Components {
		if c.Components[i].Name == "" {
			c.Components[i].Name = c.Components[i].ID
		}
	}
	c.Publish.defaults()
	c.Live.defaults()
}

func (c *Config) validate(p *diag.List) {
	at := func(key string) int { return c.Lines.Line(key) }
	if strings.TrimSpace(c.Title) == "" {
		p.Addf(c.Path, 0, "title is required")
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		p.Addf(c.Path, at("timezone"), "unknown time zone %q", c.TimeZone)
	} else {
		c.Location = loc
	}
	if c.BaseURL == "" {
		p.Addf(c.Path, at("base_url"), "base_url is required")
	} else if u, err := url.Parse(c.BaseURL); err != nil || !u.IsAbs() || u.Host == "" {
		key := "base_url"
		if _, ok := c.Env[c.Environment]; ok && c.Env[c.Environment].BaseURL != "" {
			key = "env." + c.Environment + ".base_url"
		}
		p.Addf(c.Path, at(key), "base_url %q is not an absolute URL", c.BaseURL)
	}
	if c.Lines.Line("feed_id_host") > 0 && !hostName.MatchString(c.FeedIDHost) {
		p.Addf(c.Path, at("feed_id_host"), "feed_id_host %q is not a host name (such as ops.example.org)", c.FeedIDHost)
	}
	if c.FeedLimit < 0 {
		p.Addf(c.Path, at("feed_limit"), "feed_limit must be positive")
	}
	if c.PercentPrecision < 0 || c.PercentPrecision > 6 {
		p.Addf(c.Path, at("percent_precision"), "percent_precision must be between 0 and 6")
	}
	if err := checkURLPath(c.Status.Path); err != nil {
		p.Addf(c.Path, at("status.path"), "status.path %q: %v", c.Status.Path, err)
	}
	if c.Status.BaseURL != "" {
		key := "status.base_url"
		if o, ok := c.Env[c.Environment]; ok && o.StatusBaseURL != "" {
			key = "env." + c.Environment + ".status_base_url"
		}
		if err := checkStatusURL(c.Status.BaseURL, c.BaseURL); err != nil {
			p.Addf(c.Path, at(key), "status.base_url %q %v", c.Status.BaseURL, err)
		}
	}
	if c.Status.Days < 1 || c.Status.Days > 366 {
		p.Addf(c.Path, at("status.days"), "status.days must be between 1 and 366")
	}
	if c.Status.PastDays < 1 || c.Status.PastDays > 90 {
		p.Addf(c.Path, at("status.past_days"), "status.past_days must be between 1 and 90")
	}
	if _, err := url.Parse(c.GitHub.APIURL); err != nil {
		p.Addf(c.Path, at("github.api_url"), "github.api_url: %v", err)
	}
	if u, err := url.Parse(c.GitLab.APIURL); err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		p.Addf(c.Path, at("gitlab.api_url"), "gitlab.api_url %q: want an absolute http(s) URL such as %s", c.GitLab.APIURL, DefaultGitLabAPI)
	}
	for _, d := range []struct{ key, v string }{{"github.timeout", c.GitHub.Timeout}, {"gitlab.timeout", c.GitLab.Timeout}, {"prometheus.timeout", c.Prometheus.Timeout}} {
		if d.v == "" {
			continue
		}
		if _, err := time.ParseDuration(d.v); err != nil {
			p.Addf(c.Path, at(d.key), "%s: %q is not a duration such as \"30s\"", d.key, d.v)
		}
	}
	if c.GitHub.LookbackDays < 0 || c.GitHub.LookbackDays > 366 {
		p.Addf(c.Path, at("github.lookback_days"), "github.lookback_days must be between 0 (the default, 14) and 366")
	}
	if c.GitLab.LookbackDays < 0 || c.GitLab.LookbackDays > 366 {
		p.Addf(c.Path, at("gitlab.lookback_days"), "gitlab.lookback_days must be between 0 (the default, 14) and 366")
	}
	projects := map[string]bool{}
	for i, pr := range c.GitLab.Projects {
		key := fmt.Sprintf("gitlab.projects.%d.path", i)
		if !ValidProjectPath(pr.Path) {
			p.Addf(c.Path, at(key), "project %q is not a GitLab project path such as group/project or group/subgroup/project", pr.Path)
		}
		if projects[pr.Path] {
			p.Addf(c.Path, at(key), "project %q listed twice", pr.Path)
		}
		projects[pr.Path] = true
	}
	repos := map[string]bool{}
	for i, r := range c.GitHub.Repositories {
		key := fmt.Sprintf("github.repositories.%d.name", i)
		if !validRepo(r.Name) {
			p.Addf(c.Path, at(key), "repository %q is not of the form owner/name", r.Name)
		}
		if repos[r.Name] {
			p.Addf(c.Path, at(key), "repository %q listed twice", r.Name)
		}
		repos[r.Name] = true
	}
	groups := map[string]bool{}
	for i, g := range c.Groups {
		key := fmt.Sprintf("groups.%d.id", i)
		if !idPattern.MatchString(g.ID) {
			p.Addf(c.Path, at(key), "group id %q must be lowercase letters, digits, - or _", g.ID)
		}
		if groups[g.ID] {
			p.Addf(c.Path, at(key), "group %q defined twice", g.ID)
		}
		groups[g.ID] = true
	}
	comps := map[string]bool{}
	for i, comp := range c.Components {
		key := fmt.Sprintf("components.%d", i)
		if !idPattern.MatchString(comp.ID) {
			p.Addf(c.Path, at(key+".id"), "component id %q must be lowercase letters, digits, - or _", comp.ID)
		}
		if comps[comp.ID] {
			p.Addf(c.Path, at(key+".id"), "component %q defined twice", comp.ID)
		}
		comps[comp.ID] = true
		if comp.Group != "" && !groups[comp.Group] {
			p.Addf(c.Path, at(key+".group"), "component %q: unknown group %q", comp.ID, comp.Group)
		}
		if comp.SLO != 0 && (comp.SLO <= 0 || comp.SLO >= 100) {
			p.Addf(c.Path, at(key+".slo"), "component %q: slo %v must be a percentage between 0 and 100 (exclusive)", comp.ID, comp.SLO)
		}
	}
	for i, iv := range c.Prometheus.Exclude {
		key := fmt.Sprintf("prometheus.exclude.%d", i)
		if !iv.End.After(iv.Start) {
			p.Addf(c.Path, at(key+".end"), "excluded interval ends before it starts")
		}
		for _, id := range iv.Components {
			if !comps[id] {
				p.Addf(c.Path, at(key+".components"), "unknown component %q", id)
			}
		}
	}
	tracks := map[string]bool{}
	for i, t := range c.Tracks {
		key := fmt.Sprintf("tracks.%d", i)
		if !idPattern.MatchString(t.ID) {
			p.Addf(c.Path, at(key+".id"), "track id %q must be lowercase letters, digits, - or _", t.ID)
		}
		if tracks[t.ID] {
			p.Addf(c.Path, at(key+".id"), "track %q defined twice", t.ID)
		}
		tracks[t.ID] = true
		c.validateTrackSource(p, key, t)
		for _, id := range t.Components {
			if !comps[id] {
				p.Addf(c.Path, at(key+".components"), "track %q: unknown component %q", t.ID, id)
			}
		}
		if t.Target != "" {
			if d, err := time.ParseDuration(t.Target); err != nil || d <= 0 {
				p.Addf(c.Path, at(key+".target"), "track %q: target %q is not a positive duration such as \"3h\"", t.ID, t.Target)
			}
		}
		if t.FailureWindow != "" {
			if d, err := time.ParseDuration(t.FailureWindow); err != nil || d <= 0 {
				p.Addf(c.Path, at(key+".failure_window"), "track %q: failure_window %q is not a positive duration such as \"24h\"", t.ID, t.FailureWindow)
			}
		}
		if t.OutlierFactor <= 1 {
			p.Addf(c.Path, at(key+".outlier_factor"), "track %q: outlier_factor must be greater than 1", t.ID)
		}
	}
	c.Publish.validate(c, p)
	c.Live.validate(c, p)
}

// validateTrackSource checks where a track's releases come from: a GitHub
// repository or a GitLab project, and a source that service has.
func (c *Config) validateTrackSource(p *diag.List, key string, t Track) {
	at := func(key string) int { return c.Lines.Line(key) }
	switch {
	case t.Repository != "" && t.Project != "":
		p.Addf(c.Path, at(key+".project"), "track %q: set repository (GitHub) or project (GitLab), not both", t.ID)
		return
	case t.Project != "":
		if !ValidProjectPath(t.Project) {
			p.Addf(c.Path, at(key+".project"), "track %q: project %q is not a GitLab project path such as group/project or group/subgroup/project", t.ID, t.Project)
		}
		switch t.Source {
		case SourceDeployments, SourcePipelines, SourceReleases:
		default:
			p.Addf(c.Path, at(key+".source"), "track %q: source %q must be one of deployments, pipelines, releases for a GitLab project", t.ID, t.Source)
		}
		if t.Workflow != "" {
			p.Addf(c.Path, at(key+".workflow"), "track %q: workflow is a GitHub setting; a GitLab track uses source = \"pipelines\" with branch", t.ID)
		}
		return
	}
	if !validRepo(t.Repository) {
		p.Addf(c.Path, at(key+".repository"), "track %q: repository %q is not of the form owner/name", t.ID, t.Repository)
	}
	switch t.Source {
	case SourceDeployments, SourceReleases:
	case SourceWorkflowRuns:
		if t.Workflow == "" {
			p.Addf(c.Path, at(key+".source"), "track %q: source workflow_runs needs workflow (the workflow file name)", t.ID)
		}
	default:
		p.Addf(c.Path, at(key+".source"), "track %q: source %q must be one of deployments, workflow_runs, releases", t.ID, t.Source)
	}
}

// ValidProjectPath reports whether s is a GitLab project's full path: two
// or more segments ("group/project", "group/subgroup/project") of letters,
// digits, '_', '-' and '.', none starting with '-' or '.'.
func ValidProjectPath(s string) bool {
	parts := strings.Split(s, "/")
	if len(parts) < 2 {
		return false
	}
	for _, seg := range parts {
		if !projectSegment.MatchString(seg) {
			return false
		}
	}
	return true
}

var projectSegment = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

func validRepo(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && owner != "" && name != "" && !strings.Contains(name, "/")
}

// Component returns the component with the given id.
func (c *Config) Component(id string) (Component, bool) {
	for _, comp := range c.Components {
		if comp.ID == id {
			return comp, true
		}
	}
	return Component{}, false
}

// Group returns the group with the given id.
func (c *Config) Group(id string) (Group, bool) {
	for _, g := range c.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// ComponentIDs returns the ids of all components, sorted.
func (c *Config) ComponentIDs() []string {
	ids := make([]string, len(c.Components))
	for i, comp := range c.Components {
		ids[i] = comp.ID
	}
	sort.Strings(ids)
	return ids
}

// AbsURL joins the base URL and a site path ("/reports/2026/10/"). With
// status.base_url set, the paths of the status site (StatusOwns) are
// joined to that URL instead, as StatusHostPath places them.
func (c *Config) AbsURL(path string) string {
	if c.StatusOwns(path) {
		return strings.TrimSuffix(c.Status.BaseURL, "/") + c.StatusHostPath(path)
	}
	return strings.TrimSuffix(c.BaseURL, "/") + "/" + strings.TrimPrefix(path, "/")
}

// ProductionURLOf returns the production URL of an absolute URL of this
// build (AbsURL): the same path at the production base_url, or at the
// production status.base_url for a page of the status site.
func (c *Config) ProductionURLOf(u string) string {
	if c.StatusSite() && c.ProductionStatusURL != "" {
		if rest, ok := strings.CutPrefix(u, c.Status.BaseURL); ok {
			return c.ProductionStatusURL + rest
		}
	}
	if rest, ok := strings.CutPrefix(u, c.BaseURL); ok {
		return c.ProductionURL + rest
	}
	return u
}

// StatusSite reports whether the status side is a site of its own
// (status.base_url is set).
func (c *Config) StatusSite() bool { return c.Status.BaseURL != "" }

// StatusOwns reports whether the site path belongs to the status site:
// with status.base_url set, the status page and what is below it, and the
// incident and maintenance pages (/incidents/); with it unset, nothing.
func (c *Config) StatusOwns(path string) bool {
	if !c.StatusSite() {
		return false
	}
	path = "/" + strings.TrimPrefix(path, "/")
	return strings.HasPrefix(path, c.Status.Path) || strings.HasPrefix(path, "/incidents/")
}

// StatusHostPath is where a path the status site owns is on its host:
// status.path is its root ("/status/history/" is "/history/"), and the
// incident pages keep their paths ("/incidents/<slug>/"), as on
// Statuspage.
func (c *Config) StatusHostPath(path string) string {
	path = "/" + strings.TrimPrefix(path, "/")
	if rest, ok := strings.CutPrefix(path, c.Status.Path); ok {
		return "/" + rest
	}
	return path
}

// BasePath is the path part of the base URL, "/" or e.g. "/ops/".
func (c *Config) BasePath() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// checkStatusURL returns an error unless status, status.base_url, is an
// absolute http(s) URL outside the main site's (base).
func checkStatusURL(status, base string) error {
	u, err := url.Parse(status)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("is not an absolute http or https URL such as \"https://status.example.com/\"")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("must be a scheme, host and path only")
	}
	b, err := url.Parse(base)
	if err != nil || base == "" {
		return nil // reported for base_url
	}
	inside := func(a, b *url.URL) bool { return strings.HasPrefix(a.Path+"/", strings.TrimSuffix(b.Path, "/")+"/") }
	if strings.EqualFold(u.Host, b.Host) && (inside(u, b) || inside(b, u)) {
		return fmt.Errorf("is inside base_url %q (or holds it): give the status site a host of its own, such as \"https://status.example.com/\"; to keep it on the main site, leave status.base_url out and set status.path", base)
	}
	return nil
}

// hostName is a DNS name in lower case, the authority of a tag: URI.
var hostName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// pathSegment is a segment of a site path that needs no escaping.
var pathSegment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// checkURLPath returns an error unless p, a path of the site such as
// "/status/", is one the build can write below its output directory: its
// segments are plain names, never "." or "..".
func checkURLPath(p string) error {
	if p == "/" {
		return nil // the site refuses it, as the home page's
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		switch {
		case seg == "":
			return errors.New("empty segment")
		case seg == "." || seg == "..":
			return fmt.Errorf("segment %q leaves the site", seg)
		case !pathSegment.MatchString(seg):
			return fmt.Errorf("segment %q: only letters, digits and - _ . ~ make a path", seg)
		}
	}
	return nil
}
