package gitlab

import (
	"context"
	"fmt"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Issues counts the issues and, separately, the merge requests of project
// p that were opened in [start, end), closed (merge requests: merged) in
// [start, end), and open at end. When p.Labels is set, only those carrying
// every one of the labels count (GitLab's labels=a,b means all of them).
//
// GitLab's list filters have no closed_after or merged_after, and its
// created_after / created_before are inclusive at both ends, so each figure
// is had from the narrowest query GitLab allows, filtered exactly here:
//
//   - opened: the items with created_after=start&created_before=end,
//     kept when created in [start, end);
//   - closed / merged: state=closed (merged) with updated_after=start, as
//     closing or merging updates an item, kept when closed_at (merged_at)
//     is in [start, end);
//   - open at end: the X-Total header of state=opened&created_before=end
//     with per_page=1 (one request, whatever the project's size), corrected
//     with the items updated since end (updated_after=end): minus those
//     still open that were created at end itself, plus those closed or
//     merged now that were created before end and closed at or after it.
//
// The lists cost a request per 100 items of the month's activity and of
// what changed since end; the open backlog, the one large set, is never
// listed. GitLab leaves X-Total out when there are more than 10,000
// results; the backlog is then counted by listing it.
//
// GitLab sees items as they are now: labels, and closing times of items
// reopened and closed again since, are today's; past months are best
// collected soon after they end, which is what a frozen snapshot keeps.
func (c *Client) Issues(ctx context.Context, p config.GitLabProject, start, end time.Time) (snapshot.RepoIssues, error) {
	out := snapshot.RepoIssues{Repository: p.Path, Provider: snapshot.ProviderGitLab, Labels: append([]string{}, p.Labels...)}
	if err := checkPath(p.Path); err != nil {
		return out, fmt.Errorf("issues: %w", err)
	}
	if !end.After(start) {
		return out, fmt.Errorf("issues of %s: period end %s is not after its start %s", p.Path, end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	for _, l := range p.Labels {
		// GitLab reads labels=None and labels=Any as "no label" and "some
		// label", and splits the list at commas.
		if l == "" || strings.Contains(l, ",") || strings.EqualFold(l, "none") || strings.EqualFold(l, "any") {
			return out, fmt.Errorf("issues of %s: label %q cannot be filtered by (empty, None, Any or containing a comma)", p.Path, l)
		}
	}
	var labels *gl.LabelOptions
	if len(p.Labels) > 0 {
		l := gl.LabelOptions(p.Labels)
		labels = &l
	}
	issues, err := c.counts(ctx, c.issueLister(p.Path, labels), "closed", start, end)
	if err != nil {
		return out, fmt.Errorf("issues of %s: %w", p.Path, err)
	}
	mrs, err := c.counts(ctx, c.mergeRequestLister(p.Path, labels), "merged", start, end)
	if err != nil {
		return out, fmt.Errorf("merge requests of %s: %w", p.Path, err)
	}
	out.Opened, out.Closed, out.OpenAtEnd = issues.Opened, issues.Closed, issues.OpenAtEnd
	out.PullRequests = mrs
	return out, nil
}

// item is what the counts need of an issue or a merge request.
type item struct {
	created *time.Time
	open    bool       // state "opened" now
	closed  *time.Time // closed_at, or merged_at for a merged merge request
	merged  *time.Time
}

// query is one list request of Issues, in the terms both endpoints share.
type query struct {
	state                                     string
	createdAfter, createdBefore, updatedAfter *time.Time
	perPage                                   int64
}

// lister lists one page of issues or merge requests.
type lister func(q query, opts ...gl.RequestOptionFunc) ([]item, *gl.Response, error)

func (c *Client) issueLister(pid string, labels *gl.LabelOptions) lister {
	return func(q query, opts ...gl.RequestOptionFunc) ([]item, *gl.Response, error) {
		o := &gl.ListProjectIssuesOptions{
			ListOptions:   gl.ListOptions{PerPage: q.perPage},
			Labels:        labels,
			CreatedAfter:  q.createdAfter,
			CreatedBefore: q.createdBefore,
			UpdatedAfter:  q.updatedAfter,
		}
		if q.state != "" {
			o.State = ptr(q.state)
		}
		is, resp, err := c.api.Issues.ListProjectIssues(pid, o, opts...)
		items := make([]item, len(is))
		for i, x := range is {
			items[i] = item{created: x.CreatedAt, open: x.State == "opened", closed: x.ClosedAt}
		}
		return items, resp, err
	}
}

func (c *Client) mergeRequestLister(pid string, labels *gl.LabelOptions) lister {
	return func(q query, opts ...gl.RequestOptionFunc) ([]item, *gl.Response, error) {
		o := &gl.ListProjectMergeRequestsOptions{
			ListOptions:   gl.ListOptions{PerPage: q.perPage},
			Labels:        labels,
			CreatedAfter:  q.createdAfter,
			CreatedBefore: q.createdBefore,
			UpdatedAfter:  q.updatedAfter,
		}
		if q.state != "" {
			o.State = ptr(q.state)
		}
		ms, resp, err := c.api.MergeRequests.ListProjectMergeRequests(pid, o, opts...)
		items := make([]item, len(ms))
		for i, x := range ms {
			it := item{created: x.CreatedAt, open: x.State == "opened", closed: x.ClosedAt, merged: x.MergedAt}
			if x.MergedAt != nil {
				it.closed = x.MergedAt
			}
			items[i] = it
		}
		return items, resp, err
	}
}

// counts computes the three figures of one kind; closedState is the state
// whose items count as closed in the period ("closed" or "merged").
func (c *Client) counts(ctx context.Context, list lister, closedState string, start, end time.Time) (snapshot.Counts, error) {
	var n snapshot.Counts
	err := c.scan(ctx, list, query{createdAfter: &start, createdBefore: &end}, func(it item) {
		if in(it.created, start, end) {
			n.Opened++
		}
	})
	if err != nil {
		return n, fmt.Errorf("list opened: %w", err)
	}
	err = c.scan(ctx, list, query{state: closedState, updatedAfter: &start}, func(it item) {
		at := it.closed
		if closedState == "merged" {
			at = it.merged
		}
		if in(at, start, end) {
			n.Closed++
		}
	})
	if err != nil {
		return n, fmt.Errorf("list %s: %w", closedState, err)
	}
	backlog, err := c.total(ctx, list, query{state: "opened", createdBefore: &end})
	if err != nil {
		return n, fmt.Errorf("count open: %w", err)
	}
	err = c.scan(ctx, list, query{updatedAfter: &end}, func(it item) {
		switch {
		case it.created == nil:
		case it.open && it.created.Equal(end):
			backlog-- // created_before is inclusive
		case !it.open && it.created.Before(end) && it.closed != nil && !it.closed.Before(end):
			backlog++
		}
	})
	if err != nil {
		return n, fmt.Errorf("list updated since the end: %w", err)
	}
	n.OpenAtEnd = backlog
	return n, nil
}

// scan calls f for every item q lists, page by page.
func (c *Client) scan(ctx context.Context, list lister, q query, f func(item)) error {
	q.perPage = perPage
	return each(ctx, func(opts ...gl.RequestOptionFunc) ([]item, *gl.Response, error) {
		return list(q, opts...)
	}, func(it item) bool { f(it); return true })
}

// total counts the items q lists from the X-Total header of a one-item
// page, or, when GitLab leaves the header out (above 10,000 results), by
// listing them all.
func (c *Client) total(ctx context.Context, list lister, q query) (int, error) {
	q.perPage = 1
	items, resp, err := list(q, gl.WithContext(ctx))
	if err != nil {
		return 0, err
	}
	if resp.Header.Get("X-Total") != "" {
		return int(resp.TotalItems), nil
	}
	if len(items) == 0 && resp.NextPage == 0 && resp.NextLink == "" {
		return 0, nil
	}
	n := 0
	err = c.scan(ctx, list, q, func(item) { n++ })
	return n, err
}
