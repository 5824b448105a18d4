package gitlab

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Goal kinds a reference can name.
const (
	GoalMilestone = "milestone"
	GoalIssue     = "issue"
)

var refPattern = regexp.MustCompile(`^\s*([A-Za-z]+)\s*:\s*([A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)+)\s*([#%])\s*([0-9]+)\s*$`)

// ParseRef splits a goal reference into its kind ("milestone" or "issue"),
// project path and number, in GitLab's own reference syntax:
// "milestone: group/sub/project%3" names the milestone with iid 3 and
// "issue: group/project#42" the issue with iid 42; "milestone:
// group/project#3" is accepted for a milestone too. The kind is
// case-insensitive and spaces around the parts are allowed.
func ParseRef(ref string) (kind, project string, number int, err error) {
	m := refPattern.FindStringSubmatch(ref)
	if m == nil {
		return "", "", 0, fmt.Errorf("goal reference %q: want \"milestone: group/project%%N\" or \"issue: group/project#N\"", ref)
	}
	kind = strings.ToLower(m[1])
	switch {
	case kind != GoalMilestone && kind != GoalIssue:
		return "", "", 0, fmt.Errorf("goal reference %q: unknown kind %q (want milestone or issue)", ref, m[1])
	case kind == GoalIssue && m[3] == "%":
		return "", "", 0, fmt.Errorf("goal reference %q: %% names a milestone; an issue is group/project#N", ref)
	}
	number, err = strconv.Atoi(m[4])
	if err != nil || number <= 0 {
		return "", "", 0, fmt.Errorf("goal reference %q: %q is not a positive number", ref, m[4])
	}
	return kind, m[2], number, nil
}

// Goal returns the tracker state of a goal reference (see ParseRef). For a
// milestone: its title, state ("active" is reported as "open", "closed" as
// such), closed and total issue counts (from the milestone's issues), due
// date and page. For an issue: its title, state ("opened" is reported as
// "open"), page and closing time, with Closed/Total 1/1 once closed and 0/1
// before.
func (c *Client) Goal(ctx context.Context, ref string) (snapshot.Goal, error) {
	kind, project, n, err := ParseRef(ref)
	if err != nil {
		return snapshot.Goal{}, err
	}
	g := snapshot.Goal{Ref: ref, Kind: kind, Repository: project, Provider: snapshot.ProviderGitLab, Number: n}
	switch kind {
	case GoalMilestone:
		err = c.milestone(ctx, project, n, &g)
	case GoalIssue:
		var is *gl.Issue
		is, _, err = c.api.Issues.GetIssue(project, int64(n), gl.WithContext(ctx))
		if err != nil {
			err = fmt.Errorf("get issue: %w", err)
			break
		}
		g.Title, g.State, g.URL = is.Title, openState(is.State), is.WebURL
		g.Total = 1
		if is.State == "closed" {
			g.Closed = 1
		}
		g.ClosedAt = utc(is.ClosedAt)
	}
	if err != nil {
		return snapshot.Goal{}, fmt.Errorf("goal %q: %w", ref, err)
	}
	return g, nil
}

// milestone fills g from the project milestone with iid n. The API's
// milestone routes take its global id, so the milestone is first found by
// iid.
func (c *Client) milestone(ctx context.Context, project string, iid int, g *snapshot.Goal) error {
	ms, _, err := c.api.Milestones.ListMilestones(project, &gl.ListMilestonesOptions{IIDs: &[]int64{int64(iid)}}, gl.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("get milestone: %w", err)
	}
	if len(ms) == 0 {
		return fmt.Errorf("get milestone: %s has no milestone %%%d", project, iid)
	}
	m := ms[0]
	g.Title, g.State, g.URL = m.Title, openState(m.State), m.WebURL
	if m.DueDate != nil {
		d := time.Time(*m.DueDate).UTC()
		g.Due = &d
	}
	err = each(ctx, func(o ...gl.RequestOptionFunc) ([]*gl.Issue, *gl.Response, error) {
		return c.api.Milestones.GetMilestoneIssues(project, m.ID, &gl.GetMilestoneIssuesOptions{ListOptions: gl.ListOptions{PerPage: perPage}}, o...)
	}, func(is *gl.Issue) bool {
		g.Total++
		if is.State == "closed" {
			g.Closed++
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("list issues of milestone %%%d: %w", iid, err)
	}
	return nil
}

// openState reports GitLab's "active" (milestones) and "opened" (issues)
// as "open", the state GitHub goals have, so that reports read the same.
func openState(s string) string {
	if s == "active" || s == "opened" {
		return "open"
	}
	return s
}
