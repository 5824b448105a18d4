package github

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Releases lists the releases of track that ended in [start, end), with
// their durations, and summarizes them with Summarize and the track's
// outlier factor. A release belongs to the month in which it ended (went
// live), wherever it started; what start and end mean depends on the
// track's source:
//
//   - deployments: a deployment of the repository (of track.Environment
//     when set) starts when it is created and ends at its first "success"
//     status; deployments never successful are left out. Deployments created
//     more than Options.Lookback before start are not looked at.
//   - workflow_runs: a successful, completed run of the workflow file
//     track.Workflow (on track.Branch when set) starts at run_started_at and
//     ends at updated_at, the last change of a completed run. Runs created
//     more than Options.Lookback before start are not looked at.
//   - releases: a published release starts at created_at and ends at
//     published_at; drafts are left out, pre-releases count. GitHub
//     documents created_at as the date of the commit the release was made
//     from, so this measures commit to publication.
//
// Releases are sorted by end time; a track without releases has an empty,
// non-nil list.
func (c *Client) Releases(ctx context.Context, track config.Track, start, end time.Time) (snapshot.Track, error) {
	out := snapshot.Track{Track: track.ID, Name: trackName(track), Source: track.Source, Releases: []snapshot.Release{}}
	owner, name, wrap, err := trackScope("releases", track, start, end)
	if err != nil {
		return out, err
	}
	w := window{start: start, end: end, from: start.Add(-c.lookback)}
	var rels []snapshot.Release
	switch track.Source {
	case config.SourceDeployments:
		rels, err = c.deployments(ctx, owner, name, track.Environment, w)
	case config.SourceWorkflowRuns:
		if track.Workflow == "" {
			return out, wrap(fmt.Errorf("no workflow file named"))
		}
		rels, err = c.workflowRuns(ctx, owner, name, track, w)
	case config.SourceReleases:
		rels, err = c.releases(ctx, owner, name, w)
	default:
		err = unknownSource(track.Source)
	}
	if err != nil {
		return out, wrap(err)
	}
	sort.SliceStable(rels, func(i, j int) bool {
		if !rels[i].End.Equal(rels[j].End) {
			return rels[i].End.Before(rels[j].End)
		}
		return rels[i].Name < rels[j].Name
	})
	out.Releases = append(out.Releases, rels...)
	out.Summary = Summarize(out.Releases, track.OutlierFactor)
	return out, nil
}

// trackName is a track's display name: its name, or else its id.
func trackName(t config.Track) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID
}

// trackScope checks a track's repository and the period [start, end), and
// returns the repository's owner and name and a wrapper that names what
// is collected of which track in errors; errors it returns are wrapped.
func trackScope(what string, t config.Track, start, end time.Time) (owner, name string, wrap func(error) error, err error) {
	wrap = func(err error) error {
		return fmt.Errorf("%s of track %q (%s of %s): %w", what, t.ID, t.Source, t.Repository, err)
	}
	if owner, name, err = splitRepo(t.Repository); err != nil {
		return "", "", wrap, wrap(err)
	}
	if !end.After(start) {
		return "", "", wrap, wrap(fmt.Errorf("period end %s is not after its start %s", end.Format(time.RFC3339), start.Format(time.RFC3339)))
	}
	return owner, name, wrap, nil
}

func unknownSource(src string) error {
	return fmt.Errorf("unknown source %q (want %s, %s or %s)", src,
		config.SourceDeployments, config.SourceWorkflowRuns, config.SourceReleases)
}

// window is the period collected and how far back a release may start.
type window struct {
	start, end time.Time // releases ending in [start, end) count
	from       time.Time // earliest creation looked at
}

func (w window) ends(t time.Time) bool { return !t.Before(w.start) && t.Before(w.end) }

func release(name, url string, start, end time.Time) snapshot.Release {
	start, end = start.UTC(), end.UTC()
	return snapshot.Release{
		Name:            name,
		URL:             url,
		Start:           start,
		End:             end,
		DurationSeconds: math.Max(end.Sub(start).Seconds(), 0),
	}
}

// deployments lists deployments newest first (GitHub's order) until they
// are older than the look-back, and asks each candidate for its statuses.
func (c *Client) deployments(ctx context.Context, owner, name, env string, w window) ([]snapshot.Release, error) {
	api := c.api()
	var out []snapshot.Release
	err := eachDeployment(ctx, api, owner, name, env, w, func(d *gh.Deployment) error {
		s, err := firstStatus(ctx, api, owner, name, d.GetID(), "success")
		if err != nil || s == nil || !w.ends(s.GetCreatedAt().Time) {
			return err
		}
		out = append(out, release(deploymentName(d), c.deploymentLink(owner, name, d, s), d.GetCreatedAt().Time, s.GetCreatedAt().Time))
		return nil
	})
	return out, err
}

// eachDeployment calls fn for each deployment (of env when set) created in
// [w.from, w.end), newest first, and stops listing at the first page that
// reaches past w.from.
func eachDeployment(ctx context.Context, api *gh.Client, owner, name, env string, w window, fn func(*gh.Deployment) error) error {
	opts := &gh.DeploymentsListOptions{Environment: env, ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		deps, resp, err := api.Repositories.ListDeployments(ctx, owner, name, opts)
		if err != nil {
			return fmt.Errorf("list deployments: %w", err)
		}
		older := false
		for _, d := range deps {
			created := d.GetCreatedAt().Time
			if created.Before(w.from) {
				older = true
				continue
			}
			if !created.Before(w.end) {
				continue // started after the period: cannot have ended in it
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		if older || resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// firstStatus returns a deployment's earliest status in one of states, or
// nil when it has none.
func firstStatus(ctx context.Context, api *gh.Client, owner, name string, id int64, states ...string) (*gh.DeploymentStatus, error) {
	opts := &gh.ListOptions{PerPage: perPage}
	var first *gh.DeploymentStatus
	for {
		sts, resp, err := api.Repositories.ListDeploymentStatuses(ctx, owner, name, id, opts)
		if err != nil {
			return nil, fmt.Errorf("list statuses of deployment %d: %w", id, err)
		}
		for _, s := range sts {
			if !slices.Contains(states, s.GetState()) {
				continue
			}
			if first == nil || s.GetCreatedAt().Time.Before(first.GetCreatedAt().Time) {
				first = s
			}
		}
		if resp.NextPage == 0 {
			return first, nil
		}
		opts.Page = resp.NextPage
	}
}

// deploymentLink links a deployment to the log or target its status gives,
// or else to its commit.
func (c *Client) deploymentLink(owner, name string, d *gh.Deployment, s *gh.DeploymentStatus) string {
	if link := s.GetLogURL(); link != "" {
		return link
	}
	if link := s.GetTargetURL(); link != "" {
		return link
	}
	if d.GetSHA() != "" {
		return fmt.Sprintf("%s/%s/%s/commit/%s", c.web, owner, name, d.GetSHA())
	}
	return ""
}

// deploymentName names a deployment by its ref and commit: "v1.4.2
// (9f3c2e1)", or just the short commit when the ref is the commit.
func deploymentName(d *gh.Deployment) string {
	ref, sha := d.GetRef(), d.GetSHA()
	switch {
	case ref == "" || (sha != "" && strings.HasPrefix(sha, ref)):
		return shortSHA(sha)
	case sha == "":
		return ref
	default:
		return ref + " (" + shortSHA(sha) + ")"
	}
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// workflowRuns lists the successful runs of the track's workflow created
// between the look-back and the end of the period.
func (c *Client) workflowRuns(ctx context.Context, owner, name string, track config.Track, w window) ([]snapshot.Release, error) {
	var out []snapshot.Release
	err := c.eachRun(ctx, c.api(), owner, name, track, "success", w, func(r *gh.WorkflowRun) {
		if r.GetStatus() != "completed" || r.GetConclusion() != "success" {
			return
		}
		began := r.GetRunStartedAt().Time
		if began.IsZero() {
			began = r.GetCreatedAt().Time
		}
		done := r.GetUpdatedAt().Time
		if !w.ends(done) {
			return
		}
		out = append(out, release(runName(r), r.GetHTMLURL(), began, done))
	})
	return out, err
}

// runName names a workflow run by its number and commit: "#48 (9d236de)".
func runName(r *gh.WorkflowRun) string {
	return fmt.Sprintf("#%d (%s)", r.GetRunNumber(), shortSHA(r.GetHeadSHA()))
}

// eachRun calls fn once for each run of the track's workflow (on
// track.Branch when set) matching the status filter and created in
// [w.from, w.end).
func (c *Client) eachRun(ctx context.Context, api *gh.Client, owner, name string, track config.Track, status string, w window, fn func(*gh.WorkflowRun)) error {
	return c.runsCreated(ctx, api, owner, name, track, status, w.from, w.end.Add(-time.Second), map[int64]bool{}, fn)
}

// runsCreated lists the runs created in [lo, hi] (whole seconds). The
// workflow-runs API returns at most 1,000 runs for a filtered query; when a
// range holds more, it is split in halves until each half fits.
func (c *Client) runsCreated(ctx context.Context, api *gh.Client, owner, name string, track config.Track, status string, lo, hi time.Time, seen map[int64]bool, fn func(*gh.WorkflowRun)) error {
	opts := &gh.ListWorkflowRunsOptions{
		Branch:              track.Branch,
		Status:              status,
		Created:             searchTime(lo) + ".." + searchTime(hi),
		ExcludePullRequests: true,
		ListOptions:         gh.ListOptions{PerPage: perPage},
	}
	for {
		runs, resp, err := api.Actions.ListWorkflowRunsByFileName(ctx, owner, name, track.Workflow, opts)
		if err != nil {
			return fmt.Errorf("list runs of workflow %s created %s: %w", track.Workflow, opts.Created, err)
		}
		if opts.Page == 0 && runs.GetTotalCount() > c.runsCap {
			if !hi.After(lo) {
				return fmt.Errorf("workflow %s: more than %d %s runs created at %s; GitHub cannot list them all", track.Workflow, c.runsCap, status, searchTime(lo))
			}
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if err := c.runsCreated(ctx, api, owner, name, track, status, lo, mid, seen, fn); err != nil {
				return err
			}
			return c.runsCreated(ctx, api, owner, name, track, status, mid.Add(time.Second), hi, seen, fn)
		}
		for _, r := range runs.WorkflowRuns {
			if seen[r.GetID()] {
				continue
			}
			seen[r.GetID()] = true
			fn(r)
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// releases lists every release of the repository. The list has no date
// filter and follows created_at (a commit date), not the publication date,
// so stopping early could miss a release of an old commit published this
// month; repositories have few releases, and unchanged pages revalidate
// from the cache at no rate-limit cost.
func (c *Client) releases(ctx context.Context, owner, name string, w window) ([]snapshot.Release, error) {
	var out []snapshot.Release
	err := eachPublished(ctx, c.api(), owner, name, func(r *gh.RepositoryRelease) {
		if done := r.GetPublishedAt().Time; w.ends(done) {
			out = append(out, release(releaseName(r), r.GetHTMLURL(), r.GetCreatedAt().Time, done))
		}
	})
	return out, err
}

// releaseName names a release by its tag, or its title without one.
func releaseName(r *gh.RepositoryRelease) string {
	if n := r.GetTagName(); n != "" {
		return n
	}
	return r.GetName()
}

// eachPublished calls fn for every published release that is not a draft.
func eachPublished(ctx context.Context, api *gh.Client, owner, name string, fn func(*gh.RepositoryRelease)) error {
	opts := &gh.ListOptions{PerPage: perPage}
	for {
		rels, resp, err := api.Repositories.ListReleases(ctx, owner, name, opts)
		if err != nil {
			return fmt.Errorf("list releases: %w", err)
		}
		for _, r := range rels {
			if !r.GetDraft() && r.PublishedAt != nil {
				fn(r)
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}

// Summarize is snapshot.Summarize with config's default outlier factor
// for a factor of 0 or less; it stays for the callers of this package.
func Summarize(releases []snapshot.Release, outlierFactor float64) snapshot.Summary {
	if outlierFactor <= 0 {
		outlierFactor = config.DefaultOutlierFactor
	}
	return snapshot.Summarize(releases, outlierFactor)
}
