package github

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref    string
		kind   string
		repo   string
		number int
		err    string
	}{
		{ref: "milestone: acme/app#3", kind: "milestone", repo: "acme/app", number: 3},
		{ref: "issue: acme/app#42", kind: "issue", repo: "acme/app", number: 42},
		{ref: "  Issue:acme/app.js # 7 ", kind: "issue", repo: "acme/app.js", number: 7},
		{ref: "milestone: my-org/my_repo.v2#12", kind: "milestone", repo: "my-org/my_repo.v2", number: 12},
		{ref: "pr: acme/app#3", err: `unknown kind "pr"`},
		{ref: "milestone: acme#3", err: `want "milestone: owner/repo#N"`},
		{ref: "milestone: acme/app", err: `want "milestone: owner/repo#N"`},
		{ref: "milestone: acme/app#0", err: `"0" is not a positive number`},
		{ref: "milestone: acme/app/x#1", err: `want "milestone: owner/repo#N"`},
		{ref: "", err: `want "milestone: owner/repo#N"`},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			kind, repo, n, err := ParseRef(tt.ref)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseRef(%q) error = %v, want %q", tt.ref, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kind != tt.kind || repo != tt.repo || n != tt.number {
				t.Errorf("ParseRef(%q) = %s, %s, %d", tt.ref, kind, repo, n)
			}
		})
	}
}

func TestGoal(t *testing.T) {
	due := time.Date(2026, 12, 31, 8, 0, 0, 0, time.UTC)
	closed := time.Date(2026, 10, 10, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		ref      string
		want     snapshot.Goal
		err      string
		requests int
	}{
		{
			ref: "milestone: acme/app#3",
			want: snapshot.Goal{Ref: "milestone: acme/app#3", Kind: "milestone", Repository: "acme/app", Number: 3,
				Title: "Q4 reliability", State: "open", URL: "https://github.com/acme/app/milestone/3", Closed: 8, Total: 12, Due: &due},
			requests: 1,
		},
		{
			ref: "issue: acme/app#101",
			want: snapshot.Goal{Ref: "issue: acme/app#101", Kind: "issue", Repository: "acme/app", Number: 101,
				Title: "Login page times out behind the proxy", State: "open", URL: "https://github.com/acme/app/issues/101", Closed: 0, Total: 1},
			requests: 1,
		},
		{
			ref: "issue: acme/app#102",
			want: snapshot.Goal{Ref: "issue: acme/app#102", Kind: "issue", Repository: "acme/app", Number: 102,
				Title: "Dark mode toggle resets on reload", State: "closed", URL: "https://github.com/acme/app/issues/102", Closed: 1, Total: 1, ClosedAt: &closed},
			requests: 1,
		},
		{ref: "milestone: acme/app#4", err: `goal "milestone: acme/app#4": get milestone: GET `, requests: 1},
		{ref: "issue: acme/gone#1", err: `goal "issue: acme/gone#1": get issue: GET `, requests: 1},
		{ref: "epic: acme/app#1", err: `unknown kind "epic"`, requests: 0},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			f := newFake(t)
			got, err := f.client(t, nil).Goal(context.Background(), tt.ref)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if !equalJSON(t, got, tt.want) {
				t.Error("goal differs")
			}
			if n := len(f.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}
