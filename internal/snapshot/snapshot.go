// Package snapshot defines data/YYYY-MM.json, the frozen figures of one
// month, and data/live.json, what the latest live check found (live.go).
//
// It is the only thing passed from collect to build: collectors write a
// Snapshot, the site reads it. The schema is versioned by the "schema" field;
// readers refuse versions they do not know. Lists are always written as []
// (never null) so that tools reading the JSON need no null checks.
//
// Durations are seconds (float), ratios are 0..1 fractions, times are RFC 3339.
package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/bulletin-dev/bulletin/internal/atomicfile"
	"github.com/bulletin-dev/bulletin/internal/digest"
)

// Version is the schema version this package reads and writes.
const Version = 1

// Sources named in Snapshot.Sources.
const (
	SourceGitHub     = "github"
	SourceGitLab     = "gitlab"
	SourcePrometheus = "prometheus"
)

// Providers named in the Provider fields of issues, releases, goals and
// delivery entries. An empty Provider means GitHub, so that files written
// before GitLab was supported keep their bytes and their meaning.
const (
	ProviderGitHub = ""
	ProviderGitLab = "gitlab"
)

// Snapshot holds the figures of one month.
type Snapshot struct {
	Schema int `json:"schema"`
	// Month is "YYYY-MM".
	Month string `json:"month"`
	// Frozen snapshots are not overwritten by collect without --force.
	Frozen bool `json:"frozen"`
	// Sources records, per source, when it was last collected successfully.
	Sources map[string]SourceInfo `json:"sources"`

	Issues       []RepoIssues   `json:"issues"`
	Releases     []Track        `json:"releases"`
	Availability []Availability `json:"availability"`
	Goals        []Goal         `json:"goals"`
	// Disruptions are what the automatic checks (collect --only live)
	// detected in the month, by start; omitted when there were none, so
	// months collected before live checks keep their bytes.
	Disruptions []Disruption `json:"disruptions,omitempty"`
	// Delivery holds the DORA keys of each release track, computed at
	// collect time; omitted when no track has them, so months collected
	// before keep their bytes.
	Delivery []Delivery `json:"delivery,omitempty"`
	// Source is the digest of the file the snapshot was read from (zero
	// for one made in memory): what pages built from it depend on.
	Source digest.Key `json:"-"`
}

// SourceInfo describes one collection run of a source.
type SourceInfo struct {
	CollectedAt time.Time `json:"collected_at"`
}

// RepoIssues counts issues and pull requests of one repository in the month.
type RepoIssues struct {
	// Repository is "owner/name" (GitHub) or the project path (GitLab).
	Repository string `json:"repository"`
	// Provider is ProviderGitLab for a GitLab project, "" for GitHub.
	Provider string `json:"provider,omitempty"`
	// Labels the counts were filtered by; empty means all issues.
	Labels []string `json:"labels"`
	// Opened and Closed count issues (not pull requests) created and closed
	// within the month; OpenAtEnd counts those open at the month's end.
	Opened    int `json:"opened"`
	Closed    int `json:"closed"`
	OpenAtEnd int `json:"open_at_end"`
	// PullRequests are the same counts for pull requests (GitLab: merge
	// requests, where Closed counts those merged).
	PullRequests Counts `json:"pull_requests"`
}

// Counts are opened / closed / open-at-end figures.
type Counts struct {
	Opened    int `json:"opened"`
	Closed    int `json:"closed"`
	OpenAtEnd int `json:"open_at_end"`
}

// Track holds the releases of one release track in the month.
type Track struct {
	// Track is the id from config.toml; Name its display name.
	Track string `json:"track"`
	Name  string `json:"name"`
	// Provider is ProviderGitLab for a GitLab track, "" for GitHub.
	Provider string `json:"provider,omitempty"`
	// Source is deployments, workflow_runs, pipelines or releases.
	Source   string    `json:"source"`
	Releases []Release `json:"releases"`
	Summary  Summary   `json:"summary"`
}

// Release is one release and how long it took.
type Release struct {
	Name            string    `json:"name"`
	URL             string    `json:"url,omitempty"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	DurationSeconds float64   `json:"duration_seconds"`
}

// Duration returns the release's duration.
func (r Release) Duration() time.Duration { return seconds(r.DurationSeconds) }

// Summary condenses a track's releases.
type Summary struct {
	Count         int     `json:"count"`
	MedianSeconds float64 `json:"median_seconds"`
	P90Seconds    float64 `json:"p90_seconds"`
	MaxSeconds    float64 `json:"max_seconds"`
	MeanSeconds   float64 `json:"mean_seconds"`
	// OutlierFactor is the multiple of the median above which a release is
	// an outlier; Outliers names those releases, slowest first.
	OutlierFactor float64  `json:"outlier_factor"`
	Outliers      []string `json:"outliers"`
}

// Availability of one component over the month.
type Availability struct {
	Component string `json:"component"`
	// Ratio is the availability over the covered part of the month (0..1);
	// nil when there was no data at all.
	Ratio *float64 `json:"ratio"`
	// Coverage is the fraction of the month for which data exists.
	Coverage float64 `json:"coverage"`
	// SLO is the target ratio (0..1), 0 when none is set.
	SLO float64 `json:"slo"`
	// ErrorBudgetRemaining is the fraction of the month's error budget left
	// (1 = untouched, 0 = spent, negative = overspent); nil without SLO or data.
	ErrorBudgetRemaining *float64 `json:"error_budget_remaining"`
	// Excluded lists the intervals left out of the figures (maintenance).
	Excluded []Excluded `json:"excluded"`
	Daily    []Day      `json:"daily"`
}

// Excluded is an interval left out of availability.
type Excluded struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"`
}

// Day is one day's availability in the site's time zone.
type Day struct {
	// Date is "YYYY-MM-DD" in the site's time zone.
	Date string `json:"date"`
	// Ratio is nil when the day has no data.
	Ratio    *float64 `json:"ratio"`
	Coverage float64  `json:"coverage"`
}

// Goal is the tracker state of a goal referenced from a report.
type Goal struct {
	// Ref is the reference as written in the report, e.g. "milestone: acme/app#3".
	Ref string `json:"ref"`
	// Kind is "milestone" or "issue".
	Kind       string `json:"kind"`
	Repository string `json:"repository"`
	// Provider is ProviderGitLab for a GitLab milestone or issue.
	Provider string     `json:"provider,omitempty"`
	Number   int        `json:"number"`
	Title    string     `json:"title"`
	State    string     `json:"state"`
	URL      string     `json:"url"`
	Closed   int        `json:"closed"`
	Total    int        `json:"total"`
	Due      *time.Time `json:"due"`
	ClosedAt *time.Time `json:"closed_at"`
}

// Delivery holds the four DORA keys of one release track in the month and
// the deployments they were computed from. A track's releases are its
// production deployments.
type Delivery struct {
	// Track is the id from config.toml; Name its display name.
	Track    string `json:"track"`
	Name     string `json:"name"`
	Provider string `json:"provider,omitempty"`
	// LeadTimeFrom says where a change's lead time starts: "merge" (the
	// merge of its pull or merge request) or "commit" (its commit time,
	// when the change came without one).
	LeadTimeFrom string `json:"lead_time_from"`
	// FailureWindowSeconds is how long after a deployment a failed
	// deployment, a rollback or an incident marks it as a failed change.
	FailureWindowSeconds float64 `json:"failure_window_seconds"`
	// Deployments are those that finished in the month, by time. (A
	// collector's Delivery answers every attempt of the period it was
	// asked for; internal/dora keeps the month's.)
	Deployments []Deployment `json:"deployments"`
	Keys        Keys         `json:"keys"`
}

// Deployment statuses.
const (
	DeploySuccess = "success"
	DeployFailed  = "failed"
)

// Deployment is one attempt to deploy to production.
type Deployment struct {
	// Name is how people call it: "v5.13.0 (9f3c2e1)", "#812 (9f3c2e1)".
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	// Ref is the branch or tag deployed; SHA the commit.
	Ref string `json:"ref,omitempty"`
	SHA string `json:"sha,omitempty"`
	// At is when it finished (succeeded or failed).
	At time.Time `json:"at"`
	// Status is DeploySuccess or DeployFailed.
	Status string `json:"status"`
	// Rollback is set on a successful deployment of a commit that an
	// earlier deployment had already shipped: it ships no new change.
	Rollback bool `json:"rollback,omitempty"`
	// Changes are the changes this deployment shipped first.
	Changes []Change `json:"changes"`
	// Failure says why the deployment counts as a failed change ("" when
	// it does not): "incident 2026-10-14-web-outage", "rolled back by
	// #815", "followed by failed deployment #814".
	Failure string `json:"failure,omitempty"`
}

// Change is one change a deployment shipped.
type Change struct {
	// Ref names it: "!42" (merge request), "#17" (pull request) or a
	// short commit.
	Ref string `json:"ref"`
	// At is when the change was merged (or committed, see
	// Delivery.LeadTimeFrom); LeadSeconds the time from At to the
	// deployment.
	At          time.Time `json:"at"`
	LeadSeconds float64   `json:"lead_seconds"`
}

// Keys are the four DORA keys of a month. A key without data is nil
// (shown as "—"), never 0 or NaN.
type Keys struct {
	// Deployments counts the successful production deployments,
	// rollbacks excluded (a redeploy of the live commit counts, though it
	// ships no change); PerWeek is that count over the month's length in
	// weeks.
	Deployments int     `json:"deployments"`
	PerWeek     float64 `json:"deployments_per_week"`
	// Changes counts the changes with a lead time; LeadTime* are the
	// median and nearest-rank p90 of their lead times.
	Changes               int      `json:"changes"`
	LeadTimeMedianSeconds *float64 `json:"lead_time_median_seconds"`
	LeadTimeP90Seconds    *float64 `json:"lead_time_p90_seconds"`
	// FailedChanges counts the deployments with a Failure;
	// ChangeFailureRate is FailedChanges / Deployments (nil without
	// deployments).
	FailedChanges     int      `json:"failed_changes"`
	ChangeFailureRate *float64 `json:"change_failure_rate"`
	// Restores counts the track's resolved incidents that started in the
	// month; TimeToRestoreSeconds is their mean time to resolve (the
	// incidents' MTTR), nil without any.
	Restores             int      `json:"restores"`
	TimeToRestoreSeconds *float64 `json:"time_to_restore_seconds"`
}

// New returns an empty snapshot for month ("YYYY-MM").
func New(month string) *Snapshot {
	s := &Snapshot{Schema: Version, Month: month}
	s.normalize()
	return s
}

var monthPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// ValidMonth reports whether s is a "YYYY-MM" month.
func ValidMonth(s string) bool { return monthPattern.MatchString(s) }

// FileName returns the file name of a month's snapshot, "2026-10.json".
func FileName(month string) string { return month + ".json" }

// Read decodes the snapshot file at path.
func Read(path string) (*Snapshot, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, b)
}

// Decode decodes a snapshot; path is used in messages. Unknown fields and
// unknown schema versions are errors, so a typo in a hand-edited file does
// not silently drop a figure.
func Decode(path string, b []byte) (*Snapshot, error) {
	s, rest, err := decodeFast(b)
	if err != nil {
		// The standard library's decoder says what is wrong, and where.
		if s, rest, err = decodeStd(path, b); err != nil {
			return nil, err
		}
	}
	if s.Schema != Version {
		return nil, schemaError(path, s.Schema)
	}
	if rest = bytes.TrimSpace(rest); len(rest) > 0 {
		line := 1 + bytes.Count(b[:len(b)-len(rest)], []byte("\n"))
		return nil, fmt.Errorf("%s:%d: unexpected data after the snapshot", path, line)
	}
	if !ValidMonth(s.Month) {
		return nil, fmt.Errorf("%s: month %q is not of the form YYYY-MM", path, s.Month)
	}
	if err := check(path, b, s); err != nil {
		return nil, err
	}
	s.normalize()
	s.Source = digest.Bytes(b)
	return s, nil
}

// decodeFast decodes with goccy/go-json, about four times as fast as
// encoding/json: years of months with daily figures are the largest cost
// of a build that changed little. It is only trusted to accept: FuzzDecode
// holds it to decoding whatever it accepts exactly as encoding/json does,
// and anything it rejects goes to decodeStd for encoding/json's verdict
// and message. rest is what follows the object.
func decodeFast(b []byte) (s *Snapshot, rest []byte, err error) {
	dec := gojson.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	s = new(Snapshot)
	if err := dec.Decode(s); err != nil {
		return nil, nil, err
	}
	return s, b[dec.InputOffset():], nil
}

// decodeStd decodes with encoding/json, whose errors name the file and
// line.
func decodeStd(path string, b []byte) (s *Snapshot, rest []byte, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	s = new(Snapshot)
	if err := dec.Decode(s); err != nil {
		// A file of another schema may fail to decode as this one: say
		// that rather than what did not fit.
		var probe struct {
			Schema int `json:"schema"`
		}
		if json.Unmarshal(b, &probe) == nil && probe.Schema != Version {
			return nil, nil, schemaError(path, probe.Schema)
		}
		return nil, nil, jsonError(path, b, err)
	}
	return s, b[dec.InputOffset():], nil
}

func schemaError(path string, schema int) error {
	return fmt.Errorf("%s: schema %d is not supported (this bulletin reads schema %d)", path, schema, Version)
}

func jsonError(path string, b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	msg := err.Error()
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		// Say it in the file's terms, not the Go types'.
		off = te.Offset
		msg = fmt.Sprintf("%s: %s where %s is expected", te.Field, jsonKind(te.Value), goKind(te.Type))
	default:
		if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			msg = "unknown field " + name
			if i := bytes.Index(b, []byte(name)); i >= 0 {
				off = int64(i)
			}
		}
	}
	if off >= 0 {
		line := 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n"))
		return fmt.Errorf("%s:%d: %s", path, line, msg)
	}
	return fmt.Errorf("%s: %s", path, msg)
}

// jsonKind names a kind of JSON value as encoding/json's errors give it.
func jsonKind(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "object":
		return "an object"
	case v == "array":
		return "a list"
	case v == "bool":
		return "true or false"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return v
}

// goKind names what a JSON value must be to decode into t.
func goKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		if t == reflect.TypeFor[time.Time]() {
			return "a time (RFC 3339)"
		}
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// normalize replaces nil lists and maps by empty ones and sorts lists into
// their canonical order, so that encoding is deterministic.
func (s *Snapshot) normalize() {
	if s.Sources == nil {
		s.Sources = map[string]SourceInfo{}
	}
	if s.Issues == nil {
		s.Issues = []RepoIssues{}
	}
	for i := range s.Issues {
		if s.Issues[i].Labels == nil {
			s.Issues[i].Labels = []string{}
		}
	}
	if s.Releases == nil {
		s.Releases = []Track{}
	}
	for i := range s.Releases {
		if s.Releases[i].Releases == nil {
			s.Releases[i].Releases = []Release{}
		}
		if s.Releases[i].Summary.Outliers == nil {
			s.Releases[i].Summary.Outliers = []string{}
		}
	}
	if s.Availability == nil {
		s.Availability = []Availability{}
	}
	for i := range s.Availability {
		if s.Availability[i].Daily == nil {
			s.Availability[i].Daily = []Day{}
		}
		if s.Availability[i].Excluded == nil {
			s.Availability[i].Excluded = []Excluded{}
		}
	}
	if s.Goals == nil {
		s.Goals = []Goal{}
	}
	for i := range s.Delivery {
		d := &s.Delivery[i]
		if d.Deployments == nil {
			d.Deployments = []Deployment{}
		}
		for j := range d.Deployments {
			if d.Deployments[j].Changes == nil {
				d.Deployments[j].Changes = []Change{}
			}
		}
	}
	sort.SliceStable(s.Issues, func(i, j int) bool {
		a, b := s.Issues[i], s.Issues[j]
		if a.Repository != b.Repository {
			return a.Repository < b.Repository
		}
		return a.Provider < b.Provider // GitHub ("") first
	})
	sort.SliceStable(s.Goals, func(i, j int) bool { return s.Goals[i].Ref < s.Goals[j].Ref })
	for i := range s.Disruptions {
		normalizeDisruption(&s.Disruptions[i])
	}
	sortDisruptions(s.Disruptions)
}

// Encode returns the canonical JSON encoding of s, indented, ending in a newline.
func (s *Snapshot) Encode() ([]byte, error) {
	s.normalize()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Write stores s at path atomically: it writes a temporary file in the same
// directory and renames it over path, so a reader (or a crash) never sees a
// half-written snapshot.
func Write(path string, s *Snapshot) error {
	b, err := s.Encode()
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return WriteFileAtomic(path, b, 0o644)
}

// WriteFileAtomic writes data to path through a temporary file, synced,
// and a rename: readers and a crash see the old file or the new one.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	return atomicfile.Write(path, data, perm, atomicfile.Durable)
}

// Store reads the snapshots of a data directory.
type Store struct {
	Dir string
}

// Path returns the file path of month's snapshot.
func (st Store) Path(month string) string { return filepath.Join(st.Dir, FileName(month)) }

// Load returns month's snapshot, or (nil, nil) when there is none.
func (st Store) Load(month string) (*Snapshot, error) {
	s, err := Read(st.Path(month))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if s.Month != month {
		return nil, fmt.Errorf("%s: month %q does not match the file name", st.Path(month), s.Month)
	}
	return s, nil
}

// LoadAll reads every YYYY-MM.json in the directory, keyed by month. A
// missing directory is an empty store. Every bad file is reported.
func (st Store) LoadAll() (map[string]*Snapshot, error) {
	entries, err := os.ReadDir(st.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*Snapshot{}, nil
	}
	if err != nil {
		return nil, err
	}
	var months, strays []string
	for _, e := range entries {
		month, ok := strings.CutSuffix(e.Name(), ".json")
		switch {
		case e.IsDir() || !ok || e.Name() == LiveFile || strings.HasPrefix(e.Name(), "."):
		case ValidMonth(month):
			months = append(months, month)
		default:
			// data/2026-13.json or data/notes.json would be ignored
			// without a word.
			strays = append(strays, e.Name())
		}
	}
	// Years of months with daily figures are mostly JSON decoding: read
	// several at a time. Errors come back in month order regardless.
	snaps := make([]*Snapshot, len(months))
	errs := make([]error, len(months))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(months)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(months); i = int(next.Add(1)) - 1 {
				snaps[i], errs[i] = st.Load(months[i])
			}
		})
	}
	wg.Wait()
	out := make(map[string]*Snapshot, len(months))
	var all []error
	for i, m := range months {
		if errs[i] == nil {
			out[m] = snaps[i]
		}
		// One error per problem, not per file.
		if j, ok := errs[i].(interface{ Unwrap() []error }); ok {
			all = append(all, j.Unwrap()...)
		} else if errs[i] != nil {
			all = append(all, errs[i])
		}
	}
	for _, name := range strays {
		all = append(all, fmt.Errorf("%s: not a month's snapshot: name it YYYY-MM.json (or move it out of %s)", filepath.Join(st.Dir, name), st.Dir))
	}
	return out, errors.Join(all...)
}

// Component returns the availability of the component with id.
func (s *Snapshot) Component(id string) (Availability, bool) {
	for _, a := range s.Availability {
		if a.Component == id {
			return a, true
		}
	}
	return Availability{}, false
}

// Repo returns the issue counts of repository name.
func (s *Snapshot) Repo(name string) (RepoIssues, bool) {
	for _, r := range s.Issues {
		if r.Repository == name {
			return r, true
		}
	}
	return RepoIssues{}, false
}

// RepoOf returns the issue counts of a repository (provider "", GitHub)
// or project (ProviderGitLab) in the snapshot.
func (s *Snapshot) RepoOf(provider, name string) (RepoIssues, bool) {
	for _, r := range s.Issues {
		if r.Repository == name && r.Provider == provider {
			return r, true
		}
	}
	return RepoIssues{}, false
}

// Short is how the tracker writes a reference to the goal: "acme/app#3",
// or "infra/edge%3" for a GitLab milestone.
func (g Goal) Short() string {
	sep := "#"
	if g.Provider == ProviderGitLab && g.Kind == "milestone" {
		sep = "%"
	}
	return g.Repository + sep + strconv.Itoa(g.Number)
}

// TrackByID returns the release track with id.
func (s *Snapshot) TrackByID(id string) (Track, bool) {
	for _, t := range s.Releases {
		if t.Track == id {
			return t, true
		}
	}
	return Track{}, false
}

// DeliveryByTrack returns the delivery entry of the track with id.
func (s *Snapshot) DeliveryByTrack(id string) (Delivery, bool) {
	for _, d := range s.Delivery {
		if d.Track == id {
			return d, true
		}
	}
	return Delivery{}, false
}

// Goal returns the tracker state recorded for ref.
func (s *Snapshot) Goal(ref string) (Goal, bool) {
	for _, g := range s.Goals {
		if g.Ref == ref {
			return g, true
		}
	}
	return Goal{}, false
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Month parsing helpers.

// MonthStart returns the first instant of month ("YYYY-MM") in loc.
func MonthStart(month string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("month %q: want YYYY-MM", month)
	}
	return t, nil
}

// MonthRange returns [start, end) of month in loc.
func MonthRange(month string, loc *time.Location) (start, end time.Time, err error) {
	start, err = MonthStart(month, loc)
	if err != nil {
		return start, end, err
	}
	return start, start.AddDate(0, 1, 0), nil
}

// PrevMonth returns the month before month ("2026-01" -> "2025-12").
func PrevMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, -1, 0).Format("2006-01")
}

// NextMonth returns the month after month.
func NextMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}
