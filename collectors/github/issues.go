package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Issues counts the issues and, separately, the pull requests of repo that
// were opened in [start, end), closed in [start, end), and open at end. When
// repo.Labels is set, only issues and pull requests carrying every one of
// those labels count.
//
// The counts come from the Search API's total_count, one request per figure
// (six per repository), whatever the repository's size. Listing
// /repos/{owner}/{repo}/issues instead would cost more and still be no
// simpler: its since parameter filters on updated_at, not on creation or
// closing, and "open at the end of the month" needs every issue created
// before the end that was not closed by then, which for a busy repository is
// thousands of items, pull requests mixed in, re-read every month. Search
// has its own quota (30 requests a minute with a token, 10 without), which
// the transport paces; and its 1,000-result cap limits only the items one
// can page through, while total_count stays exact beyond it (requests here
// ask for one item per page and read none).
//
// Qualifiers, as GitHub's search syntax defines them:
//
//   - is:issue / is:pr keeps the two apart; the endpoint returns both
//     otherwise.
//   - A range a..b is inclusive at both ends and timestamps have whole
//     seconds, so [start, end) is written created:start..(end-1s).
//   - Open at end is created:<end -closed:<end. A "-" before a qualifier
//     excludes exactly the results the qualifier matches; an issue still
//     open has no closed date, is not matched by closed:<end, and so stays,
//     as does one closed at or after end. (The same figure could be had as
//     count(created:<end) - count(closed:<end), at one more request.)
//   - One label:"name" qualifier per label requires all of them; a comma
//     list (label:a,b) would mean any of them.
//
// Search sees issues as they are now: labels, and closing dates of issues
// reopened and closed again since, are today's. Past months are therefore
// best collected soon after they end, which is what a frozen snapshot keeps.
func (c *Client) Issues(ctx context.Context, repo config.Repository, start, end time.Time) (snapshot.RepoIssues, error) {
	out := snapshot.RepoIssues{Repository: repo.Name, Labels: append([]string{}, repo.Labels...)}
	if _, _, err := splitRepo(repo.Name); err != nil {
		return out, fmt.Errorf("issues: %w", err)
	}
	if !end.After(start) {
		return out, fmt.Errorf("issues of %s: period end %s is not after its start %s", repo.Name, end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	queries, err := issueQueries(repo, start, end)
	if err != nil {
		return out, fmt.Errorf("issues of %s: %w", repo.Name, err)
	}
	counts := make([]int, len(queries))
	for i, q := range queries {
		n, err := c.count(ctx, q)
		if err != nil {
			return out, fmt.Errorf("issues of %s: %w", repo.Name, err)
		}
		counts[i] = n
	}
	out.Opened, out.Closed, out.OpenAtEnd = counts[0], counts[1], counts[2]
	out.PullRequests = snapshot.Counts{Opened: counts[3], Closed: counts[4], OpenAtEnd: counts[5]}
	return out, nil
}

// issueQueries returns the six search queries of Issues: opened, closed and
// open at end, for issues and then for pull requests.
func issueQueries(repo config.Repository, start, end time.Time) ([]string, error) {
	var b strings.Builder
	b.WriteString("repo:" + repo.Name)
	for _, l := range repo.Labels {
		if l == "" || strings.ContainsRune(l, '"') {
			return nil, fmt.Errorf("label %q cannot be searched for (empty or containing a double quote)", l)
		}
		b.WriteString(` label:"` + l + `"`)
	}
	scope := b.String()
	last := end.Add(-time.Second) // inclusive upper bound of [start, end) at GitHub's one-second precision
	in := searchTime(start) + ".." + searchTime(last)
	var qs []string
	for _, kind := range []string{"is:issue", "is:pr"} {
		qs = append(qs,
			scope+" "+kind+" created:"+in,
			scope+" "+kind+" closed:"+in,
			scope+" "+kind+" created:<"+searchTime(end)+" -closed:<"+searchTime(end),
		)
	}
	return qs, nil
}

// searchTime writes t as GitHub's search syntax wants date-times:
// ISO 8601 with seconds and a UTC offset, keeping t's own zone.
func searchTime(t time.Time) string { return t.Format("2006-01-02T15:04:05Z07:00") }

// count returns the number of issues matching q.
func (c *Client) count(ctx context.Context, q string) (int, error) {
	res, _, err := c.api().Search.Issues(ctx, q, &gh.SearchOptions{ListOptions: gh.ListOptions{PerPage: 1}})
	if err != nil {
		return 0, fmt.Errorf("search %q: %w", q, err)
	}
	if res.GetIncompleteResults() {
		// A count from a search that timed out on GitHub's side is too low;
		// better no figure than a wrong one.
		return 0, fmt.Errorf("search %q: %w", q, errIncomplete)
	}
	if res.Total == nil {
		return 0, fmt.Errorf("search %q: answer has no total_count", q)
	}
	return *res.Total, nil
}

var errIncomplete = errors.New("GitHub returned incomplete results (its search timed out); try again later")
