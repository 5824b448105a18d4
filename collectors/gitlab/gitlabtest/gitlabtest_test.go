package gitlabtest

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestServer checks the fake's contract with its users: the base path,
// the token, encoded project paths, pagination and total headers, the
// rate-limit headers, injections and the request log.
func TestServer(t *testing.T) {
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	p := Project{Path: "ops/infra/site"}
	for i := 1; i <= 5; i++ {
		p.Issues = append(p.Issues, Issue{IID: i, Title: "t", State: "opened", CreatedAt: day.Add(time.Duration(i) * time.Hour)})
	}
	s := Start(t, Options{BasePath: "/gitlab/api/v4/", Token: "tok", TotalCap: 4}, p)
	issues := s.URL + "projects/ops%2Finfra%2Fsite/issues?per_page=100"

	tests := []struct {
		name, url, token string
		status           int
		header           map[string]string // "" value: header absent
		body             string            // substring
	}{
		{name: "no token", url: issues, status: 401, body: `{"message":"401 Unauthorized"}`},
		{name: "outside the base path", url: s.Root + "/api/v4/projects/ops%2Finfra%2Fsite/issues", token: "tok", status: 404},
		{name: "unknown project", url: s.URL + "projects/ops%2Fgone/issues", token: "tok", status: 404, body: "404 Project Not Found"},
		{name: "first page, total over the cap left out", url: issues, token: "tok", status: 200,
			header: map[string]string{"X-Page": "1", "X-Per-Page": "2", "X-Next-Page": "2", "X-Total": "", "X-Total-Pages": "", "RateLimit-Limit": "2000"},
			body:   `"iid":1`},
		{name: "last page", url: issues + "&page=3", token: "tok", status: 200,
			header: map[string]string{"X-Page": "3", "X-Next-Page": "", "X-Prev-Page": "2"}, body: `"iid":5`},
		{name: "filtered under the cap has totals", url: issues + "&created_after=2026-11-02T04:00:00Z", token: "tok", status: 200,
			header: map[string]string{"X-Total": "2", "X-Total-Pages": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, tt.url, tt.token)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.body) {
				t.Fatalf("%d %s; want %d with %q", resp.StatusCode, body, tt.status, tt.body)
			}
			for k, v := range tt.header {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if resp.StatusCode == 200 {
				var items []map[string]any
				if err := json.Unmarshal([]byte(body), &items); err != nil {
					t.Fatal(err)
				}
			}
		})
	}

	s.Inject(Injection{Path: "/issues", Status: 429, Header: http.Header{"Retry-After": {"7"}}})
	resp, _ := get(t, issues, "tok")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("injected 429: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, _ := get(t, issues, "tok"); resp.StatusCode != 200 {
		t.Errorf("the injection applied twice: %d", resp.StatusCode)
	}
	reqs := s.Requests()
	if len(reqs) != len(tests)+2 {
		t.Fatalf("%d requests logged, want %d", len(reqs), len(tests)+2)
	}
	last := reqs[len(reqs)-1]
	if last.Path != "projects/ops%2Finfra%2Fsite/issues" || last.Token != "tok" || last.Status != 200 || last.Query.Get("per_page") != "100" {
		t.Errorf("last request logged as %+v", last)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the server's answers")

// TestShapes keeps one answer of each endpoint in testdata/shapes.golden,
// indented, so that its JSON can be read against GitLab's API
// documentation; -update rewrites it.
func TestShapes(t *testing.T) {
	t0 := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	merged := t0.Add(2 * time.Hour)
	p := Project{
		Path:          "ops/site",
		Issues:        []Issue{{IID: 42, Title: "Rotate certs", State: "opened", Labels: []string{"ops"}, CreatedAt: t0, Milestone: 3}},
		MergeRequests: []MergeRequest{{IID: 7, Title: "Rotate", State: "merged", CreatedAt: t0, MergedAt: &merged, SHA: "9f3c2e1a77aa"}},
		Deployments:   []Deployment{{ID: 812, Environment: "production", Ref: "main", SHA: "9f3c2e1a77aa", Status: "success", CreatedAt: merged, FinishedAt: merged.Add(5 * time.Minute), MergeRequests: []int{7}}},
		Pipelines:     []Pipeline{{ID: 900, IID: 90, Ref: "main", SHA: "9f3c2e1a77aa", Status: "success", CreatedAt: merged, StartedAt: merged, FinishedAt: merged.Add(10 * time.Minute)}},
		Releases:      []Release{{TagName: "v1.0.0", SHA: "9f3c2e1a77aa", CreatedAt: merged, ReleasedAt: merged.Add(time.Hour)}},
		Milestones:    []Milestone{{ID: 9001, IID: 3, Title: "Q4", State: "active", Due: "2026-12-31"}},
		Commits:       []Commit{{SHA: "0123456789ab", Title: "one", CommittedDate: t0}, {SHA: "9f3c2e1a77aa", Title: "two", CommittedDate: merged}},
	}
	s := Start(t, Options{Now: func() time.Time { return t0 }}, p)
	var out strings.Builder
	for _, path := range []string{
		"issues", "issues/42", "merge_requests", "deployments", "deployments/812/merge_requests",
		"pipelines", "pipelines/900", "releases", "milestones?iids[]=3", "milestones/9001/issues",
		"repository/compare?from=0123456789ab&to=9f3c2e1a77aa",
	} {
		_, body := get(t, s.URL+"projects/ops%2Fsite/"+path, "")
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := json.MarshalIndent(v, "", "  ")
		fmt.Fprintf(&out, "GET /api/v4/projects/ops%%2Fsite/%s\n%s\n\n", path, b)
	}
	got := strings.ReplaceAll(out.String(), s.Root, "https://gitlab.example.com")
	const golden = "testdata/shapes.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("answers differ from %s (go test -run TestShapes -update to accept):\n%s", golden, got)
	}
}
