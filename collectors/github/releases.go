package github

import (
	"context"
	"fmt"
	"math"
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
	out := snapshot.Track{Track: track.ID, Name: track.Name, Source: track.Source, Releases: []snapshot.Release{}}
	if out.Name == "" {
		out.Name = track.ID
	}
	wrap := func(err error) error {
		return fmt.Errorf("releases of track %q (%s of %s): %w", track.ID, track.Source, track.Repository, err)
	}
	owner, name, err := splitRepo(track.Repository)
	if err != nil {
		return out, wrap(err)
	}
	if !end.After(start) {
		return out, wrap(fmt.Errorf("period end %s is not after its start %s", end.Format(time.RFC3339), start.Format(time.RFC3339)))
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
		err = fmt.Errorf("unknown source %q (want %s, %s or %s)", track.Source,
			config.SourceDeployments, config.SourceWorkflowRuns, config.SourceReleases)
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
	opts := &gh.DeploymentsListOptions{Environment: env, ListOptions: gh.ListOptions{PerPage: perPage}}
	var out []snapshot.Release
	for {
		deps, resp, err := api.Repositories.ListDeployments(ctx, owner, name, opts)
		if err != nil {
			return nil, fmt.Errorf("list deployments: %w", err)
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
			done, link, ok, err := c.firstSuccess(ctx, api, owner, name, d.GetID())
			if err != nil {
				return nil, err
			}
			if !ok || !w.ends(done) {
				continue
			}
			if link == "" && d.GetSHA() != "" {
				link = fmt.Sprintf("%s/%s/%s/commit/%s", c.web, owner, name, d.GetSHA())
			}
			out = append(out, release(deploymentName(d), link, created, done))
		}
		if older || resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// firstSuccess returns the time of a deployment's first "success" status
// and the link that status gives to its log or target.
func (c *Client) firstSuccess(ctx context.Context, api *gh.Client, owner, name string, id int64) (at time.Time, link string, ok bool, err error) {
	opts := &gh.ListOptions{PerPage: perPage}
	for {
		sts, resp, err := api.Repositories.ListDeploymentStatuses(ctx, owner, name, id, opts)
		if err != nil {
			return at, "", false, fmt.Errorf("list statuses of deployment %d: %w", id, err)
		}
		for _, s := range sts {
			if s.GetState() != "success" {
				continue
			}
			t := s.GetCreatedAt().Time
			if !ok || t.Before(at) {
				at, ok = t, true
				link = s.GetLogURL()
				if link == "" {
					link = s.GetTargetURL()
				}
			}
		}
		if resp.NextPage == 0 {
			return at, link, ok, nil
		}
		opts.Page = resp.NextPage
	}
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
	seen := map[int64]bool{}
	var out []snapshot.Release
	err := c.runsCreated(ctx, c.api(), owner, name, track, w.from, w.end.Add(-time.Second), w, seen, &out)
	return out, err
}

// runsCreated collects the runs created in [lo, hi] (whole seconds). The
// workflow-runs API returns at most 1,000 runs for a filtered query; when a
// range holds more, it is split in halves until each half fits.
func (c *Client) runsCreated(ctx context.Context, api *gh.Client, owner, name string, track config.Track, lo, hi time.Time, w window, seen map[int64]bool, out *[]snapshot.Release) error {
	opts := &gh.ListWorkflowRunsOptions{
		Branch:              track.Branch,
		Status:              "success",
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
				return fmt.Errorf("workflow %s: more than %d successful runs created at %s; GitHub cannot list them all", track.Workflow, c.runsCap, searchTime(lo))
			}
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if err := c.runsCreated(ctx, api, owner, name, track, lo, mid, w, seen, out); err != nil {
				return err
			}
			return c.runsCreated(ctx, api, owner, name, track, mid.Add(time.Second), hi, w, seen, out)
		}
		for _, r := range runs.WorkflowRuns {
			if seen[r.GetID()] || r.GetStatus() != "completed" || r.GetConclusion() != "success" {
				continue
			}
			seen[r.GetID()] = true
			began := r.GetRunStartedAt().Time
			if began.IsZero() {
				began = r.GetCreatedAt().Time
			}
			done := r.GetUpdatedAt().Time
			if !w.ends(done) {
				continue
			}
			*out = append(*out, release(fmt.Sprintf("#%d (%s)", r.GetRunNumber(), shortSHA(r.GetHeadSHA())), r.GetHTMLURL(), began, done))
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
	api := c.api()
	opts := &gh.ListOptions{PerPage: perPage}
	var out []snapshot.Release
	for {
		rels, resp, err := api.Repositories.ListReleases(ctx, owner, name, opts)
		if err != nil {
			return nil, fmt.Errorf("list releases: %w", err)
		}
		for _, r := range rels {
			if r.GetDraft() || r.PublishedAt == nil {
				continue
			}
			done := r.GetPublishedAt().Time
			if !w.ends(done) {
				continue
			}
			n := r.GetTagName()
			if n == "" {
				n = r.GetName()
			}
			out = append(out, release(n, r.GetHTMLURL(), r.GetCreatedAt().Time, done))
		}
		if resp.NextPage == 0 {
			return out, nil
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
