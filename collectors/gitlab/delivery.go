package gitlab

import (
	"context"
	"fmt"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Lead-time starts, for snapshot.Delivery.LeadTimeFrom.
const (
	LeadTimeFromMerge  = "merge"
	LeadTimeFromCommit = "commit"
)

// Delivery returns the raw material of the DORA keys of track (a track with
// Project set) in [from, to): every production deployment that finished in
// the period, successful or failed, sorted by At, and the changes each
// successful one shipped. What a deployment is follows the track's source,
// as for Releases; GitLab's canceled (and skipped) deployments and
// pipelines are left out, as they neither shipped nor failed a change.
//
// Changes, with their lead times to the deployment's At:
//
//   - deployments: the merge requests GitLab links to the deployment
//     (GET /projects/:id/deployments/:deployment_id/merge_requests), each
//     "!iid" from its merged_at; LeadTimeFrom is "merge".
//   - pipelines and releases: the commits between the SHA of the previous
//     successful one and this one's (GET /projects/:id/repository/compare),
//     each a short commit from its committed_date; LeadTimeFrom is
//     "commit".
//
// A successful deployment with no earlier successful one within
// Options.Lookback before from has no Changes: what it shipped first cannot
// be told (GitLab links every earlier merge request to an environment's
// first deployment), and guessing would invent lead times.
//
// Track, Name, Provider and LeadTimeFrom are filled; Keys, each
// deployment's Rollback and Failure, and FailureWindowSeconds are left zero
// for internal/dora to compute.
func (c *Client) Delivery(ctx context.Context, t config.Track, from, to time.Time) (snapshot.Delivery, error) {
	out := snapshot.Delivery{Track: t.ID, Name: t.Name, Provider: snapshot.ProviderGitLab, Deployments: []snapshot.Deployment{}}
	if out.Name == "" {
		out.Name = t.ID
	}
	out.LeadTimeFrom = LeadTimeFromCommit
	if t.Source == config.SourceDeployments {
		out.LeadTimeFrom = LeadTimeFromMerge
	}
	wrap := func(err error) error {
		return fmt.Errorf("delivery of track %q (%s of %s): %w", t.ID, t.Source, t.Project, err)
	}
	if !to.After(from) {
		return out, wrap(fmt.Errorf("period end %s is not after its start %s", to.Format(time.RFC3339), from.Format(time.RFC3339)))
	}
	evs, err := c.events(ctx, t, from.Add(-c.lookback), to, true)
	if err != nil {
		return out, wrap(err)
	}
	var prev *event // the latest successful one before e
	for i := range evs {
		e := &evs[i]
		if e.end.Before(from) {
			if e.status == snapshot.DeploySuccess {
				prev = e
			}
			continue
		}
		d := snapshot.Deployment{Name: e.name, URL: e.url, Ref: e.ref, SHA: e.sha, At: e.end, Status: e.status, Changes: []snapshot.Change{}}
		if e.status == snapshot.DeploySuccess {
			if prev != nil {
				if d.Changes, err = c.changes(ctx, t, *prev, *e); err != nil {
					return out, wrap(err)
				}
			}
			prev = e
		}
		out.Deployments = append(out.Deployments, d)
	}
	return out, nil
}

// changes lists what e shipped since prev.
func (c *Client) changes(ctx context.Context, t config.Track, prev, e event) ([]snapshot.Change, error) {
	out := []snapshot.Change{}
	if t.Source == config.SourceDeployments {
		err := each(ctx, func(o ...gl.RequestOptionFunc) ([]*gl.MergeRequest, *gl.Response, error) {
			return c.api.DeploymentMergeRequests.ListDeploymentMergeRequests(t.Project, e.id,
				&gl.ListMergeRequestsOptions{ListOptions: gl.ListOptions{PerPage: perPage}}, o...)
		}, func(mr *gl.MergeRequest) bool {
			if mr.MergedAt != nil {
				out = append(out, change(fmt.Sprintf("!%d", mr.IID), *mr.MergedAt, e.end))
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("list merge requests of deployment %s: %w", e.name, err)
		}
		return out, nil
	}
	if prev.sha == "" || e.sha == "" || prev.sha == e.sha {
		return out, nil
	}
	cmp, _, err := c.api.Repositories.Compare(t.Project, &gl.CompareOptions{From: ptr(prev.sha), To: ptr(e.sha)}, gl.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("compare %s...%s for %s: %w", shortSHA(prev.sha), shortSHA(e.sha), e.name, err)
	}
	for _, cm := range cmp.Commits {
		at := cm.CommittedDate
		if at == nil {
			at = cm.CreatedAt
		}
		if at == nil {
			continue
		}
		ref := cm.ShortID
		if ref == "" {
			ref = shortSHA(cm.ID)
		}
		out = append(out, change(ref, *at, e.end))
	}
	return out, nil
}

func change(ref string, at, deployed time.Time) snapshot.Change {
	at = at.UTC()
	return snapshot.Change{Ref: ref, At: at, LeadSeconds: deployed.Sub(at).Seconds()}
}
