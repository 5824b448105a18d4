package github

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// LeadTimeFromMerge is the Delivery.LeadTimeFrom of GitHub tracks: a
// change's lead time starts at the merge of its pull request, or at its
// committer date when it came without one.
const LeadTimeFromMerge = "merge"

// Delivery lists the production deployment attempts of a GitHub track that
// finished in [from, to), by time, with the changes each successful one
// shipped first: the raw material of the DORA keys. It fills Track, Name,
// LeadTimeFrom and Deployments; Keys, Rollback, Failure and
// FailureWindowSeconds are left zero for internal/dora to compute.
//
// What a deployment attempt is depends on the track's source:
//
//   - deployments: a deployment (of track.Environment when set) finishes
//     at its first "success" status (DeploySuccess) or its first "failure"
//     or "error" status (DeployFailed), whichever comes first; inactive,
//     queued, pending and in_progress statuses are ignored, and a deployment
//     with neither is left out.
//   - workflow_runs: a completed run of track.Workflow (on track.Branch
//     when set) finishes at updated_at; conclusion success is a success,
//     failure and timed_out a failure. Cancelled, skipped, neutral,
//     action_required and stale runs deployed nothing and tried nothing
//     that failed in production, so they are left out.
//   - releases: a published, non-draft release (pre-releases included) is
//     a success at published_at; releases have no notion of failure. Its
//     commit is its tag's, asked of GitHub for each release that matters.
//
// As in Releases, deployments and runs created more than Options.Lookback
// before from are not listed.
//
// The changes of a successful deployment are the commits between the
// previous successful deployment's commit and its own (git log
// prev..this), grouped into pull requests: a commit that is the merge
// commit of a pull request merged within the look-back, and the commits a
// merge commit brings in from its pull request's branch, make one change
// "#N" from the pull request's merged_at; any other commit is a change of
// its own, named by its short SHA, from its committer date. So is the
// merge commit of a pull request last updated before the look-back (its
// committer date is then the merge time for merges made on GitHub), and
// each but the last commit of a rebase merge, whose committer date is
// the time of the rebase. A change already shipped by an earlier
// deployment of the month is not counted again (a redeploy after a
// rollback ships nothing new). The lead time is the deployment's time
// minus the change's, clamped at 0: a committer clock ahead of the
// deployment's would otherwise give a negative lead. A successful
// deployment without an earlier successful one within the look-back has
// no known base, hence empty Changes, as do failed ones.
//
// Cost in requests, per track and month (P = 100 items per page):
// deployments: ceil(deployments created since from−lookback / P) pages,
// plus one statuses page per deployment created in [from−lookback, to);
// workflow_runs: ceil(completed runs created in [from−lookback, to) / P)
// (more when over 1,000 runs force the range to be split); releases: every
// page of releases, plus one tag lookup per release published in
// [from−lookback, to) that is deployed in the month or is the one right
// before it. Then, when at least one deployment has a base: ceil(closed
// pull requests updated since from−lookback / P) pages, and for each
// successful deployment with a base at another commit ceil(commits
// shipped / P) compare pages (at least one). GitHub limits an unpaged
// comparison to 250 commits; paged, as here, it has no such limit.
func (c *Client) Delivery(ctx context.Context, t config.Track, from, to time.Time) (snapshot.Delivery, error) {
	out := snapshot.Delivery{Track: t.ID, Name: trackName(t), LeadTimeFrom: LeadTimeFromMerge, Deployments: []snapshot.Deployment{}}
	owner, name, wrap, err := trackScope("delivery", t, from, to)
	if err != nil {
		return out, err
	}
	// Attempts that finished within the look-back before the month are
	// listed too: the last successful one is the base of the month's first.
	back := from.Add(-c.lookback)
	w := window{start: back, end: to, from: back}
	api := c.api()
	var deps []snapshot.Deployment
	switch t.Source {
	case config.SourceDeployments:
		deps, err = c.deployAttempts(ctx, api, owner, name, t.Environment, w)
	case config.SourceWorkflowRuns:
		if t.Workflow == "" {
			return out, wrap(fmt.Errorf("no workflow file named"))
		}
		deps, err = c.runAttempts(ctx, api, owner, name, t, w)
	case config.SourceReleases:
		deps, err = c.releaseAttempts(ctx, api, owner, name, from, w)
	default:
		err = unknownSource(t.Source)
	}
	if err != nil {
		return out, wrap(err)
	}
	sortDeployments(deps)
	var (
		prs     map[string]*gh.PullRequest // by merge commit, listed when first needed
		base    string                     // SHA of the last successful deployment
		shipped = map[string]bool{}        // change refs counted already
	)
	for _, d := range deps {
		if d.Status != snapshot.DeploySuccess {
			if !d.At.Before(from) {
				out.Deployments = append(out.Deployments, d)
			}
			continue
		}
		if d.At.Before(from) {
			base = d.SHA
			continue
		}
		if base != "" && d.SHA != "" && d.SHA != base { // a redeploy of the base ships nothing
			if prs == nil {
				if prs, err = mergedPulls(ctx, api, owner, name, back); err != nil {
					return out, wrap(err)
				}
			}
			commits, err := compare(ctx, api, owner, name, base, d.SHA)
			if err != nil {
				return out, wrap(err)
			}
			d.Changes = changes(commits, prs, d.At, shipped)
		}
		base = d.SHA
		out.Deployments = append(out.Deployments, d)
	}
	return out, nil
}

// sortDeployments orders deployments by time, then name.
func sortDeployments(deps []snapshot.Deployment) {
	sort.SliceStable(deps, func(i, j int) bool {
		if !deps[i].At.Equal(deps[j].At) {
			return deps[i].At.Before(deps[j].At)
		}
		return deps[i].Name < deps[j].Name
	})
}

// deployAttempts lists the deployments that succeeded or failed in w.
func (c *Client) deployAttempts(ctx context.Context, api *gh.Client, owner, name, env string, w window) ([]snapshot.Deployment, error) {
	var out []snapshot.Deployment
	err := eachDeployment(ctx, api, owner, name, env, w, func(d *gh.Deployment) error {
		s, err := firstStatus(ctx, api, owner, name, d.GetID(), "success", "failure", "error")
		if err != nil || s == nil || !w.ends(s.GetCreatedAt().Time) {
			return err
		}
		status := snapshot.DeploySuccess
		if s.GetState() != "success" {
			status = snapshot.DeployFailed
		}
		out = append(out, attempt(deploymentName(d), c.deploymentLink(owner, name, d, s), d.GetRef(), d.GetSHA(), s.GetCreatedAt().Time, status))
		return nil
	})
	return out, err
}

// runAttempts lists the completed runs that succeeded or failed in w.
func (c *Client) runAttempts(ctx context.Context, api *gh.Client, owner, name string, t config.Track, w window) ([]snapshot.Deployment, error) {
	var out []snapshot.Deployment
	err := c.eachRun(ctx, api, owner, name, t, "completed", w, func(r *gh.WorkflowRun) {
		var status string
		switch r.GetConclusion() {
		case "success":
			status = snapshot.DeploySuccess
		case "failure", "timed_out":
			status = snapshot.DeployFailed
		default:
			return
		}
		if r.GetStatus() != "completed" || !w.ends(r.GetUpdatedAt().Time) {
			return
		}
		out = append(out, attempt(runName(r), r.GetHTMLURL(), r.GetHeadBranch(), r.GetHeadSHA(), r.GetUpdatedAt().Time, status))
	})
	return out, err
}

// releaseAttempts lists the releases published in w and resolves the tags
// of those that matter: the releases of the month and the last one before
// it, the base of the month's first.
func (c *Client) releaseAttempts(ctx context.Context, api *gh.Client, owner, name string, from time.Time, w window) ([]snapshot.Deployment, error) {
	var out []snapshot.Deployment
	err := eachPublished(ctx, api, owner, name, func(r *gh.RepositoryRelease) {
		if at := r.GetPublishedAt().Time; w.ends(at) {
			out = append(out, attempt(releaseName(r), r.GetHTMLURL(), r.GetTagName(), "", at, snapshot.DeploySuccess))
		}
	})
	if err != nil {
		return nil, err
	}
	sortDeployments(out)
	first := sort.Search(len(out), func(i int) bool { return !out[i].At.Before(from) })
	out = out[max(first-1, 0):]
	for i := range out {
		if out[i].Ref == "" {
			continue
		}
		sha, _, err := api.Repositories.GetCommitSHA1(ctx, owner, name, out[i].Ref, "")
		if err != nil {
			return nil, fmt.Errorf("commit of tag %s: %w", out[i].Ref, err)
		}
		if !isSHA(sha) {
			return nil, fmt.Errorf("commit of tag %s: GitHub answered %.60q, not a commit SHA", out[i].Ref, sha)
		}
		out[i].SHA = sha
	}
	return out, nil
}

// isSHA tells whether s is a full SHA-1 or SHA-256 commit id.
func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

func attempt(name, url, ref, sha string, at time.Time, status string) snapshot.Deployment {
	return snapshot.Deployment{Name: name, URL: url, Ref: ref, SHA: sha, At: at.UTC(), Status: status, Changes: []snapshot.Change{}}
}

// mergedPulls lists the merged pull requests updated since back, by merge
// commit. GitHub lists closed pull requests by last update, newest first,
// so a pull request merged since back is on a page before the first one
// updated earlier; listing stops there.
func mergedPulls(ctx context.Context, api *gh.Client, owner, name string, back time.Time) (map[string]*gh.PullRequest, error) {
	opts := &gh.PullRequestListOptions{State: "closed", Sort: "updated", Direction: "desc", ListOptions: gh.ListOptions{PerPage: perPage}}
	out := map[string]*gh.PullRequest{}
	for {
		prs, resp, err := api.PullRequests.List(ctx, owner, name, opts)
		if err != nil {
			return nil, fmt.Errorf("list pull requests: %w", err)
		}
		older := false
		for _, pr := range prs {
			if pr.GetUpdatedAt().Time.Before(back) {
				older = true
				continue
			}
			if pr.MergedAt != nil && pr.GetMergeCommitSHA() != "" {
				out[pr.GetMergeCommitSHA()] = pr
			}
		}
		if older || resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// compare lists the commits reachable from head and not from base, every
// page of them: asked without paging, GitHub returns at most 250.
func compare(ctx context.Context, api *gh.Client, owner, name, base, head string) ([]*gh.RepositoryCommit, error) {
	opts := &gh.ListOptions{PerPage: perPage}
	var out []*gh.RepositoryCommit
	for {
		cmp, resp, err := api.Repositories.CompareCommits(ctx, owner, name, base, head, opts)
		if err != nil {
			return nil, fmt.Errorf("compare %s...%s: %w", shortSHA(base), shortSHA(head), err)
		}
		out = append(out, cmp.Commits...)
		if resp.NextPage == 0 || len(cmp.Commits) == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// changes groups the commits a deployment at "at" shipped into changes,
// leaving out those in shipped and adding the rest to it, by time.
func changes(commits []*gh.RepositoryCommit, prs map[string]*gh.PullRequest, at time.Time, shipped map[string]bool) []snapshot.Change {
	owner := pullOfCommit(commits, prs)
	out := []snapshot.Change{}
	seen := map[string]bool{}
	for _, c := range commits {
		ref, when := shortSHA(c.GetSHA()), c.GetCommit().GetCommitter().GetDate().Time
		if pr := owner[c.GetSHA()]; pr != nil {
			ref, when = fmt.Sprintf("#%d", pr.GetNumber()), pr.GetMergedAt().Time
		}
		if seen[ref] || shipped[ref] {
			continue
		}
		seen[ref] = true
		out = append(out, snapshot.Change{Ref: ref, At: when.UTC(), LeadSeconds: max(at.Sub(when).Seconds(), 0)})
	}
	for ref := range seen {
		shipped[ref] = true
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Ref < out[j].Ref
	})
	return out
}

// pullOfCommit maps each commit to the pull request it came with: a pull
// request's merge commit, and for a true merge the commits it brings in
// from the branch (reachable from its other parents, not from its first
// parent, within the compared commits). A squash or rebase merge keeps only
// the merge commit; the other commits of a rebase count on their own.
func pullOfCommit(commits []*gh.RepositoryCommit, prs map[string]*gh.PullRequest) map[string]*gh.PullRequest {
	parents := map[string][]string{}
	for _, c := range commits {
		parents[c.GetSHA()] = []string{}
		for _, p := range c.Parents {
			parents[c.GetSHA()] = append(parents[c.GetSHA()], p.GetSHA())
		}
	}
	reach := func(from []string) map[string]bool {
		got := map[string]bool{}
		for stack := from; len(stack) > 0; {
			sha := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, ok := parents[sha]; !ok || got[sha] {
				continue // outside the comparison, or seen
			}
			got[sha] = true
			stack = append(stack, parents[sha]...)
		}
		return got
	}
	out := map[string]*gh.PullRequest{}
	for _, c := range commits {
		pr := prs[c.GetSHA()]
		if pr == nil {
			continue
		}
		out[c.GetSHA()] = pr
		ps := parents[c.GetSHA()]
		if len(ps) < 2 {
			continue
		}
		mainline := reach(ps[:1])
		for sha := range reach(ps[1:]) {
			if !mainline[sha] && out[sha] == nil && prs[sha] == nil {
				out[sha] = pr
			}
		}
	}
	return out
}
