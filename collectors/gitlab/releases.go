package gitlab

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Releases lists the releases of track (a track with Project set) that
// ended in [start, end), with their durations, and summarizes them with
// snapshot.Summarize and the track's outlier factor. A release belongs to
// the month in which it ended (went live), wherever it started; what start
// and end mean depends on the track's source:
//
//   - deployments: a successful deployment of the project (to
//     track.Environment when set) starts when it is created and ends when
//     its job finished (deployable.finished_at).
//   - pipelines: a successful pipeline (of track.Branch, a branch or tag,
//     when set) starts at started_at and ends at finished_at.
//   - releases: a release starts at created_at and ends at released_at;
//     upcoming releases (released_at still ahead) end later.
//
// Deployments and pipelines created more than Options.Lookback before start
// are left out. Releases are sorted by end time; a track without releases
// has an empty, non-nil list.
func (c *Client) Releases(ctx context.Context, t config.Track, start, end time.Time) (snapshot.Track, error) {
	out := snapshot.Track{Track: t.ID, Name: t.Name, Provider: snapshot.ProviderGitLab, Source: t.Source, Releases: []snapshot.Release{}}
	if out.Name == "" {
		out.Name = t.ID
	}
	wrap := func(err error) error {
		return fmt.Errorf("releases of track %q (%s of %s): %w", t.ID, t.Source, t.Project, err)
	}
	if !end.After(start) {
		return out, wrap(fmt.Errorf("period end %s is not after its start %s", end.Format(time.RFC3339), start.Format(time.RFC3339)))
	}
	evs, err := c.events(ctx, t, start, end, false)
	if err != nil {
		return out, wrap(err)
	}
	for _, e := range evs {
		if e.start.Before(start.Add(-c.lookback)) && t.Source != config.SourceReleases {
			continue
		}
		out.Releases = append(out.Releases, snapshot.Release{
			Name:            e.name,
			URL:             e.url,
			Start:           e.start,
			End:             e.end,
			DurationSeconds: math.Max(e.end.Sub(e.start).Seconds(), 0),
		})
	}
	out.Summary = snapshot.Summarize(out.Releases, t.OutlierFactor)
	return out, nil
}

// event is one deployment, pipeline or release of a track, successful or
// failed.
type event struct {
	id         int64 // deployment or pipeline id
	name, url  string
	ref, sha   string
	start, end time.Time // UTC
	status     string    // snapshot.DeploySuccess or snapshot.DeployFailed
}

// events returns the track's successful (and, with failed, failed) events
// that ended in [lo, hi), sorted by end and name. GitLab's canceled,
// skipped and still running ones are left out.
func (c *Client) events(ctx context.Context, t config.Track, lo, hi time.Time, failed bool) ([]event, error) {
	if err := checkPath(t.Project); err != nil {
		return nil, err
	}
	var evs []event
	var err error
	switch t.Source {
	case config.SourceDeployments:
		evs, err = c.deployments(ctx, t, lo, failed)
	case config.SourcePipelines:
		evs, err = c.pipelines(ctx, t, lo, failed)
	case config.SourceReleases:
		evs, err = c.releases(ctx, t, lo)
	default:
		err = fmt.Errorf("unknown source %q (want %s, %s or %s)", t.Source,
			config.SourceDeployments, config.SourcePipelines, config.SourceReleases)
	}
	if err != nil {
		return nil, err
	}
	kept := evs[:0]
	for _, e := range evs {
		if !e.end.Before(lo) && e.end.Before(hi) {
			kept = append(kept, e)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if !kept[i].end.Equal(kept[j].end) {
			return kept[i].end.Before(kept[j].end)
		}
		return kept[i].name < kept[j].name
	})
	return kept, nil
}

// status maps a GitLab deployment or pipeline status to the snapshot's;
// ok is false for those left out.
func status(s string, failed bool) (string, bool) {
	switch s {
	case "success":
		return snapshot.DeploySuccess, true
	case "failed":
		return snapshot.DeployFailed, failed
	}
	return "", false
}

// deployments lists the deployments to the track's environment updated
// since lo: a deployment that finished at or after lo was updated then.
func (c *Client) deployments(ctx context.Context, t config.Track, lo time.Time, failed bool) ([]event, error) {
	opts := &gl.ListProjectDeploymentsOptions{
		ListOptions:  gl.ListOptions{PerPage: perPage},
		OrderBy:      ptr("updated_at"),
		Sort:         ptr("asc"),
		UpdatedAfter: &lo,
	}
	if t.Environment != "" {
		opts.Environment = ptr(t.Environment)
	}
	if !failed {
		opts.Status = ptr("success")
	}
	var out []event
	err := each(ctx, func(o ...gl.RequestOptionFunc) ([]*gl.Deployment, *gl.Response, error) {
		return c.api.Deployments.ListProjectDeployments(t.Project, opts, o...)
	}, func(d *gl.Deployment) bool {
		st, ok := status(d.Status, failed)
		if !ok || d.CreatedAt == nil {
			return true
		}
		done := d.Deployable.FinishedAt
		if done == nil {
			done = d.UpdatedAt
		}
		if done == nil {
			return true
		}
		out = append(out, event{
			id:     d.ID,
			name:   refName(d.Ref, d.SHA),
			url:    d.Deployable.Pipeline.WebURL,
			ref:    d.Ref,
			sha:    d.SHA,
			start:  d.CreatedAt.UTC(),
			end:    done.UTC(),
			status: st,
		})
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list deployments: %w", err)
	}
	return out, nil
}

// pipelines lists the pipelines of the track's ref updated since lo, and
// asks each for its start and finish times, which the list leaves out.
func (c *Client) pipelines(ctx context.Context, t config.Track, lo time.Time, failed bool) ([]event, error) {
	opts := &gl.ListProjectPipelinesOptions{
		ListOptions:  gl.ListOptions{PerPage: perPage},
		UpdatedAfter: &lo,
	}
	if t.Branch != "" {
		opts.Ref = ptr(t.Branch)
	}
	if !failed {
		opts.Status = ptr(gl.Success)
	}
	var ids []int64
	err := each(ctx, func(o ...gl.RequestOptionFunc) ([]*gl.PipelineInfo, *gl.Response, error) {
		return c.api.Pipelines.ListProjectPipelines(t.Project, opts, o...)
	}, func(p *gl.PipelineInfo) bool {
		if _, ok := status(p.Status, failed); ok {
			ids = append(ids, p.ID)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list pipelines: %w", err)
	}
	var out []event
	for _, id := range ids {
		p, _, err := c.api.Pipelines.GetPipeline(t.Project, id, gl.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("get pipeline %d: %w", id, err)
		}
		st, ok := status(p.Status, failed)
		if !ok || p.FinishedAt == nil {
			continue
		}
		began := p.StartedAt
		if began == nil {
			began = p.CreatedAt
		}
		if began == nil {
			continue
		}
		n := p.IID
		if n == 0 {
			n = p.ID
		}
		out = append(out, event{
			id:     p.ID,
			name:   fmt.Sprintf("#%d (%s)", n, shortSHA(p.SHA)),
			url:    p.WebURL,
			ref:    p.Ref,
			sha:    p.SHA,
			start:  began.UTC(),
			end:    p.FinishedAt.UTC(),
			status: st,
		})
	}
	return out, nil
}

// releases lists the project's releases newest first by released_at until
// one was released before lo.
func (c *Client) releases(ctx context.Context, t config.Track, lo time.Time) ([]event, error) {
	opts := &gl.ListReleasesOptions{
		ListOptions: gl.ListOptions{PerPage: perPage},
		OrderBy:     ptr("released_at"),
		Sort:        ptr("desc"),
	}
	var out []event
	err := each(ctx, func(o ...gl.RequestOptionFunc) ([]*gl.Release, *gl.Response, error) {
		return c.api.Releases.ListReleases(t.Project, opts, o...)
	}, func(r *gl.Release) bool {
		if r.ReleasedAt == nil || r.CreatedAt == nil {
			return true
		}
		if r.ReleasedAt.Before(lo) {
			return false
		}
		n := r.TagName
		if n == "" {
			n = r.Name
		}
		out = append(out, event{
			name:   n,
			url:    r.Links.Self,
			ref:    r.TagName,
			sha:    r.Commit.ID,
			start:  r.CreatedAt.UTC(),
			end:    r.ReleasedAt.UTC(),
			status: snapshot.DeploySuccess,
		})
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	return out, nil
}

// refName names a deployment by its ref and commit: "v1.4.2 (9f3c2e1a)",
// or just the short commit when the ref is the commit.
func refName(ref, sha string) string {
	switch {
	case ref == "" || (sha != "" && len(ref) >= 7 && len(ref) <= len(sha) && sha[:len(ref)] == ref):
		return shortSHA(sha)
	case sha == "":
		return ref
	default:
		return ref + " (" + shortSHA(sha) + ")"
	}
}

// shortSHA is GitLab's short form of a commit: its first eight characters.
func shortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}
