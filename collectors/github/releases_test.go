package github

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func rel(name, url, start, end string) snapshot.Release {
	return snapshot.Release{Name: name, URL: url, Start: ts(start), End: ts(end), DurationSeconds: ts(end).Sub(ts(start)).Seconds()}
}

// equalJSON compares two values by their JSON encoding, as the snapshot
// file will hold them.
func equalJSON(tb testing.TB, got, want any) bool {
	tb.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if string(g) != string(w) {
		tb.Logf("got:\n%s\nwant:\n%s", g, w)
		return false
	}
	return true
}

// The expected releases are worked out by hand from testdata/: which
// deployments, runs and releases end inside October 2026 (Europe/Berlin),
// and which are left out (ended before the month or after it, never
// succeeded, another environment or branch, a draft).
func TestReleases(t *testing.T) {
	const web = "WEB" // replaced by the fake's web address
	tests := []struct {
		name     string
		track    config.Track
		runsCap  int
		want     []snapshot.Release
		summary  snapshot.Summary
		requests []string // paths, in order
	}{
		{
			name:  "deployments",
			track: config.Track{ID: "backend", Name: "Backend", Repository: fakeRepo, Source: config.SourceDeployments, Environment: "production", OutlierFactor: 2},
			want: []snapshot.Release{
				rel("v1.4.9 (c0af30a)", "https://ci.example.com/deploys/9002/log", "2026-09-30T21:30:00Z", "2026-09-30T22:30:00Z"),
				rel("fd725f6", web+"/acme/app/commit/fd725f673d38fdba343bda3b2b1ee5968eed5a3e", "2026-10-02T08:00:00Z", "2026-10-02T08:05:00Z"),
				rel("main (034e49c)", "https://ci.example.com/deploys/9004", "2026-10-05T14:00:00Z", "2026-10-05T14:12:00Z"),
				rel("v1.5.0 (c4528b1)", "https://ci.example.com/deploys/9005/log", "2026-10-10T09:00:00Z", "2026-10-10T09:40:00Z"),
			},
			summary: snapshot.Summary{Count: 4, MedianSeconds: 1560, P90Seconds: 3600, MaxSeconds: 3600, MeanSeconds: 1755,
				OutlierFactor: 2, Outliers: []string{"v1.4.9 (c0af30a)"}},
			// Three pages of production deployments (the third reaches past
			// the look-back, so the fourth is never asked for), then the
			// statuses of each deployment created within the window; 9005
			// has two pages of them.
			requests: []string{
				"/repos/acme/app/deployments?environment=production&per_page=100",
				"/repos/acme/app/deployments/9008/statuses?per_page=100",
				"/repos/acme/app/deployments/9006/statuses?per_page=100",
				"/repos/acme/app/deployments?environment=production&page=2&per_page=100",
				"/repos/acme/app/deployments/9005/statuses?per_page=100",
				"/repos/acme/app/deployments/9005/statuses?page=2&per_page=100",
				"/repos/acme/app/deployments/9004/statuses?per_page=100",
				"/repos/acme/app/deployments/9003/statuses?per_page=100",
				"/repos/acme/app/deployments?environment=production&page=3&per_page=100",
				"/repos/acme/app/deployments/9002/statuses?per_page=100",
				"/repos/acme/app/deployments/9001/statuses?per_page=100",
			},
		},
		{
			name:  "workflow runs",
			track: config.Track{ID: "frontend", Name: "Frontend", Repository: fakeRepo, Source: config.SourceWorkflowRuns, Workflow: "deploy.yml", Branch: "main", OutlierFactor: 3},
			want:  wantRuns,
			summary: snapshot.Summary{Count: 5, MedianSeconds: 540, P90Seconds: 5400, MaxSeconds: 5400, MeanSeconds: 1559,
				OutlierFactor: 3, Outliers: []string{"#48 (9d236de)"}},
			requests: []string{
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&per_page=100&status=success",
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&page=2&per_page=100&status=success",
			},
		},
		{
			name:    "workflow runs beyond the result cap",
			track:   config.Track{ID: "frontend", Name: "Frontend", Repository: fakeRepo, Source: config.SourceWorkflowRuns, Workflow: "deploy.yml", Branch: "main", OutlierFactor: 3},
			runsCap: 4,
			want:    wantRuns,
			summary: snapshot.Summary{Count: 5, MedianSeconds: 540, P90Seconds: 5400, MaxSeconds: 5400, MeanSeconds: 1559,
				OutlierFactor: 3, Outliers: []string{"#48 (9d236de)"}},
			// Six runs match but only four can be listed: the range is
			// halved, and each half fits.
			requests: []string{
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&per_page=100&status=success",
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-09T12%3A29%3A59%2B02%3A00&exclude_pull_requests=true&per_page=100&status=success",
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-10-09T12%3A30%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&per_page=100&status=success",
			},
		},
		{
			name:  "releases",
			track: config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases, OutlierFactor: 3},
			want: []snapshot.Release{
				rel("v1.7.0", "https://github.com/acme/app/releases/tag/v1.7.0", "2026-09-25T08:00:00Z", "2026-10-01T08:00:00Z"),
				rel("v1.8.0", "https://github.com/acme/app/releases/tag/v1.8.0", "2026-10-01T12:00:00Z", "2026-10-14T12:00:00Z"),
				rel("v1.8.1", "https://github.com/acme/app/releases/tag/v1.8.1", "2026-10-20T10:00:00Z", "2026-10-20T10:30:00Z"),
				rel("v1.9.0", "https://github.com/acme/app/releases/tag/v1.9.0", "2026-10-28T09:00:00Z", "2026-10-28T15:00:00Z"),
				rel("v1.5.0", "https://github.com/acme/app/releases/tag/v1.5.0", "2026-07-01T00:00:00Z", "2026-10-30T10:00:00Z"),
			},
			summary: snapshot.Summary{Count: 5, MedianSeconds: 518400, P90Seconds: 10490400, MaxSeconds: 10490400, MeanSeconds: 2431080,
				OutlierFactor: 3, Outliers: []string{"v1.5.0"}},
			// Every page: the oldest commit (v1.5.0) was published last.
			requests: []string{
				"/repos/acme/app/releases?per_page=100",
				"/repos/acme/app/releases?page=2&per_page=100",
				"/repos/acme/app/releases?page=3&per_page=100",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t, nil)
			if tt.runsCap != 0 {
				f.runsCap, c.runsCap = tt.runsCap, tt.runsCap
			}
			start, end := month(t, "2026-10")
			got, err := c.Releases(context.Background(), tt.track, start, end)
			if err != nil {
				t.Fatal(err)
			}
			name := tt.track.Name
			if name == "" {
				name = tt.track.ID
			}
			want := snapshot.Track{Track: tt.track.ID, Name: name, Source: tt.track.Source, Releases: tt.want, Summary: tt.summary}
			for i := range want.Releases {
				want.Releases[i].URL = strings.Replace(want.Releases[i].URL, web, f.srv.URL, 1)
			}
			if !equalJSON(t, got, want) {
				t.Error("releases differ")
			}
			f.checkSent(t, tt.requests)
		})
	}
}

var wantRuns = []snapshot.Release{
	rel("#41 (5afedd9)", "https://github.com/acme/app/actions/runs/501", "2026-09-30T21:50:05Z", "2026-09-30T22:05:00Z"),
	rel("#42 (0cf2811)", "https://github.com/acme/app/actions/runs/502", "2026-10-03T10:00:10Z", "2026-10-03T10:09:10Z"),
	rel("#45 (308b1ef)", "https://github.com/acme/app/actions/runs/505", "2026-10-08T15:02:00Z", "2026-10-08T15:10:00Z"),
	rel("#48 (9d236de)", "https://github.com/acme/app/actions/runs/508", "2026-10-20T08:00:02Z", "2026-10-20T09:30:02Z"),
	rel("#49 (1557c1f)", "https://github.com/acme/app/actions/runs/509", "2026-10-25T12:00:01Z", "2026-10-25T12:08:01Z"),
}

// TestReleasesEmpty checks that a track without releases in the month is an
// empty list, not null, and that its summary is zero.
func TestReleasesEmpty(t *testing.T) {
	f := newFake(t)
	start, end := month(t, "2026-06")
	got, err := f.client(t, nil).Releases(context.Background(),
		config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases, OutlierFactor: 3}, start, end)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if !strings.Contains(string(b), `"releases":[]`) || !strings.Contains(string(b), `"outliers":[]`) || got.Summary.Count != 0 {
		t.Errorf("empty track encodes as %s", b)
	}
}

func TestReleasesErrors(t *testing.T) {
	start, end := month(t, "2026-10")
	tests := []struct {
		name  string
		track config.Track
		want  string
	}{
		{"unknown source", config.Track{ID: "x", Repository: fakeRepo, Source: "tags"}, `releases of track "x" (tags of acme/app): unknown source "tags"`},
		{"missing repository", config.Track{ID: "x", Repository: "acme/gone", Source: config.SourceDeployments}, `releases of track "x" (deployments of acme/gone): list deployments: GET`},
		{"unknown workflow", config.Track{ID: "x", Repository: fakeRepo, Source: config.SourceWorkflowRuns, Workflow: "nope.yml"}, "list runs of workflow nope.yml"},
		{"no workflow", config.Track{ID: "x", Repository: fakeRepo, Source: config.SourceWorkflowRuns}, "no workflow file named"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			_, err := f.client(t, nil).Releases(context.Background(), tt.track, start, end)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
