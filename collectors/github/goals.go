package github

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Goal kinds a reference can name.
const (
	GoalMilestone = "milestone"
	GoalIssue     = "issue"
)

var refPattern = regexp.MustCompile(`^\s*([A-Za-z]+)\s*:\s*([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)\s*#\s*([0-9]+)\s*$`)

// ParseRef splits a goal reference such as "milestone: acme/app#3" or
// "issue: acme/app#42" into its kind ("milestone" or "issue"), repository
// and number. The kind is case-insensitive and spaces around the parts are
// allowed.
func ParseRef(ref string) (kind, repo string, number int, err error) {
	m := refPattern.FindStringSubmatch(ref)
	if m == nil {
		return "", "", 0, fmt.Errorf("goal reference %q: want \"milestone: owner/repo#N\" or \"issue: owner/repo#N\"", ref)
	}
	kind = strings.ToLower(m[1])
	if kind != GoalMilestone && kind != GoalIssue {
		return "", "", 0, fmt.Errorf("goal reference %q: unknown kind %q (want milestone or issue)", ref, m[1])
	}
	number, err = strconv.Atoi(m[3])
	if err != nil || number <= 0 {
		return "", "", 0, fmt.Errorf("goal reference %q: %q is not a positive number", ref, m[3])
	}
	return kind, m[2], number, nil
}

// Goal returns the tracker state of a goal reference (see ParseRef). For a
// milestone: its title, state, closed and total issue counts (closed plus
// open), due date, page and closing time. For an issue: its title, state,
// page and closing time, with Closed/Total 1/1 once closed and 0/1 before.
func (c *Client) Goal(ctx context.Context, ref string) (snapshot.Goal, error) {
	kind, repo, n, err := ParseRef(ref)
	if err != nil {
		return snapshot.Goal{}, err
	}
	owner, name, err := splitRepo(repo)
	if err != nil {
		return snapshot.Goal{}, fmt.Errorf("goal %q: %w", ref, err)
	}
	g := snapshot.Goal{Ref: ref, Kind: kind, Repository: repo, Number: n}
	switch kind {
	case GoalMilestone:
		m, _, err := c.api().Issues.GetMilestone(ctx, owner, name, n)
		if err != nil {
			return snapshot.Goal{}, fmt.Errorf("goal %q: get milestone: %w", ref, err)
		}
		g.Title, g.State, g.URL = m.GetTitle(), m.GetState(), m.GetHTMLURL()
		g.Closed = m.GetClosedIssues()
		g.Total = m.GetOpenIssues() + m.GetClosedIssues()
		g.Due = utc(m.DueOn)
		g.ClosedAt = utc(m.ClosedAt)
	case GoalIssue:
		is, _, err := c.api().Issues.Get(ctx, owner, name, n)
		if err != nil {
			return snapshot.Goal{}, fmt.Errorf("goal %q: get issue: %w", ref, err)
		}
		g.Title, g.State, g.URL = is.GetTitle(), is.GetState(), is.GetHTMLURL()
		g.Total = 1
		if is.GetState() == "closed" {
			g.Closed = 1
		}
		g.ClosedAt = utc(is.ClosedAt)
	}
	return g, nil
}

func utc(ts *gh.Timestamp) *time.Time {
	if ts == nil || ts.IsZero() {
		return nil
	}
	t := ts.UTC()
	return &t
}
