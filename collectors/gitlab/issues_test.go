package gitlab

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// TestIssues checks the counts against the fixture's hand-counted figures,
// on gitlab.com's base path and a self-managed one with a prefix, following
// Link or X-Next-Page, with and without X-Total.
func TestIssues(t *testing.T) {
	all := snapshot.RepoIssues{
		Repository: testProject, Provider: snapshot.ProviderGitLab, Labels: []string{},
		Opened: 4, Closed: 3, OpenAtEnd: 3,
		PullRequests: snapshot.Counts{Opened: 4, Closed: 2, OpenAtEnd: 3},
	}
	labelled := snapshot.RepoIssues{
		Repository: testProject, Provider: snapshot.ProviderGitLab, Labels: []string{"ops", "infra"},
		Opened: 2, Closed: 2, OpenAtEnd: 1,
		PullRequests: snapshot.Counts{Opened: 2, Closed: 1, OpenAtEnd: 1},
	}
	tests := []struct {
		name   string
		opts   gitlabtest.Options
		base   func(srv *gitlabtest.Server) string
		labels []string
		want   snapshot.RepoIssues
	}{
		{name: "gitlab.com base", want: all},
		{name: "labels: all of them", labels: []string{"ops", "infra"}, want: labelled},
		{name: "self-managed under a prefix, /api/v4/ added",
			opts: gitlabtest.Options{BasePath: "/gitlab/api/v4/"},
			base: func(srv *gitlabtest.Server) string { return srv.Root + "/gitlab" }, want: all},
		{name: "self-managed, full API URL", opts: gitlabtest.Options{BasePath: "/gitlab/api/v4/"}, want: all},
		{name: "X-Next-Page only", opts: gitlabtest.Options{OmitLink: true}, want: all},
		{name: "no X-Total above the cap: counted by listing", opts: gitlabtest.Options{TotalCap: 1}, want: all},
		{name: "no X-Total, labels", opts: gitlabtest.Options{TotalCap: 1, OmitLink: true}, labels: []string{"ops", "infra"}, want: labelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, tt.opts, nil)
			if tt.base != nil {
				c, err := New(Options{BaseURL: tt.base(e.srv), Token: testToken})
				if err != nil {
					t.Fatal(err)
				}
				e.client = c
			}
			got, err := e.client.Issues(context.Background(), config.GitLabProject{Path: testProject, Labels: tt.labels}, nov, dec)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			reqs := e.srv.Requests()
			paged := false
			for _, r := range reqs {
				if r.Token != testToken || r.Status != 200 {
					t.Errorf("request %s %s: token %q, status %d", r.Method, r.Path, r.Token, r.Status)
				}
				if !strings.HasPrefix(r.Path, "projects/ops%2Finfra%2Fsite/") {
					t.Errorf("request path %q does not name the project by its encoded path", r.Path)
				}
				if r.Query.Get("page") == "2" {
					paged = true
				}
			}
			if !paged {
				t.Error("no second page was asked for")
			}
		})
	}
}

func TestIssuesErrors(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		labels []string
		want   string
	}{
		{"missing project", "ops/missing", nil, "issues of ops/missing: list opened: 404 Not Found"},
		{"not a full path", "site", nil, `issues: project "site" is not a full path`},
		{"label with a comma", testProject, []string{"a,b"}, `issues of ops/infra/site: label "a,b" cannot be filtered by`},
		{"label GitLab reads as a wildcard", testProject, []string{"Any"}, `label "Any" cannot be filtered by`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, gitlabtest.Options{}, nil)
			_, err := e.client.Issues(context.Background(), config.GitLabProject{Path: tt.path, Labels: tt.labels}, nov, dec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
