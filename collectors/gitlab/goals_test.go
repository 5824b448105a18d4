package gitlab

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref     string
		kind    string
		project string
		n       int
		wantErr string
	}{
		{ref: "milestone: ops/infra/site%3", kind: GoalMilestone, project: "ops/infra/site", n: 3},
		{ref: "milestone: ops/site#3", kind: GoalMilestone, project: "ops/site", n: 3},
		{ref: "  Issue :ops/my.site_2 # 42 ", kind: GoalIssue, project: "ops/my.site_2", n: 42},
		{ref: "issue: ops/site%42", wantErr: "% names a milestone"},
		{ref: "epic: ops/site#1", wantErr: `unknown kind "epic"`},
		{ref: "milestone: site%3", wantErr: `want "milestone: group/project%N" or "issue: group/project#N"`},
		{ref: "milestone: ops/site", wantErr: "want"},
		{ref: "issue: ops/site#0", wantErr: `"0" is not a positive number`},
		{ref: "issue: ops//site#1", wantErr: "want"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			kind, project, n, err := ParseRef(tt.ref)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.ref) {
					t.Fatalf("error = %v, want it to name the ref and contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || kind != tt.kind || project != tt.project || n != tt.n {
				t.Fatalf("ParseRef = %q, %q, %d, %v", kind, project, n, err)
			}
		})
	}
}

func TestGoal(t *testing.T) {
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	closed := at("11-30 23:59:59")
	tests := []struct {
		ref  string
		want snapshot.Goal
		path string // of the page
	}{
		{ref: "milestone: ops/infra/site%3", path: "/ops/infra/site/-/milestones/3",
			want: snapshot.Goal{Kind: GoalMilestone, Number: 3, Title: "Q4 hardening", State: "open", Closed: 2, Total: 3, Due: &due}},
		{ref: "milestone: ops/infra/site#4", path: "/ops/infra/site/-/milestones/4",
			want: snapshot.Goal{Kind: GoalMilestone, Number: 4, Title: "Empty", State: "closed"}},
		{ref: "issue: ops/infra/site#3", path: "/ops/infra/site/-/issues/3",
			want: snapshot.Goal{Kind: GoalIssue, Number: 3, Title: "first second of November", State: "closed", Closed: 1, Total: 1, ClosedAt: &closed}},
		{ref: "issue: ops/infra/site#6", path: "/ops/infra/site/-/issues/6",
			want: snapshot.Goal{Kind: GoalIssue, Number: 6, Title: "still open", State: "open", Total: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			e := start(t, gitlabtest.Options{BasePath: "/gitlab/api/v4/"}, nil)
			got, err := e.client.Goal(context.Background(), tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			w.Ref, w.Repository, w.Provider, w.URL = tt.ref, testProject, snapshot.ProviderGitLab, e.srv.Root+"/gitlab"+tt.path
			if !equalGoal(got, w) {
				t.Errorf("got  %+v\nwant %+v", got, w)
			}
		})
	}
}

func equalGoal(a, b snapshot.Goal) bool {
	eq := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	if !eq(a.Due, b.Due) || !eq(a.ClosedAt, b.ClosedAt) {
		return false
	}
	a.Due, a.ClosedAt, b.Due, b.ClosedAt = nil, nil, nil, nil
	return a == b
}

func TestGoalErrors(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"milestone: ops/infra/site%7", `goal "milestone: ops/infra/site%7": get milestone: ops/infra/site has no milestone %7`},
		{"issue: ops/infra/site#77", `goal "issue: ops/infra/site#77": get issue: 404 Not Found`},
		{"issue: ops/gone#1", `goal "issue: ops/gone#1": get issue: 404 Not Found`},
		{"issue ops/site#1", `goal reference "issue ops/site#1": want`},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			e := start(t, gitlabtest.Options{}, nil)
			_, err := e.client.Goal(context.Background(), tt.ref)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
