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

// rel is an expected release: name, start and end in the fixture's
// notation, and the duration in seconds.
type rel struct {
	name, start, end string
	secs             float64
}

func TestReleases(t *testing.T) {
	tests := []struct {
		name  string
		track config.Track
		want  []rel
		sum   snapshot.Summary
	}{
		{
			// Left out: staging, failed, canceled, October's, December's,
			// and #99, created before the two-week look-back.
			name:  "deployments to production",
			track: config.Track{ID: "site", Project: testProject, Source: config.SourceDeployments, Environment: "production"},
			want: []rel{
				{"main (c0ffee03)", "11-03 12:00:00", "11-03 12:10:00", 600},
				{"main (c0ffee05)", "11-11 09:00:00", "11-11 10:00:00", 3600},
			},
			sum: snapshot.Summary{Count: 2, MedianSeconds: 2100, P90Seconds: 3600, MaxSeconds: 3600, MeanSeconds: 2100, OutlierFactor: 3, Outliers: []string{}},
		},
		{
			name:  "deployments to any environment",
			track: config.Track{ID: "site", Project: testProject, Source: config.SourceDeployments, OutlierFactor: 2},
			want: []rel{
				{"main (c0ffee03)", "11-03 11:00:00", "11-03 11:02:00", 120},
				{"main (c0ffee03)", "11-03 12:00:00", "11-03 12:10:00", 600},
				{"main (c0ffee05)", "11-11 09:00:00", "11-11 10:00:00", 3600},
			},
			sum: snapshot.Summary{Count: 3, MedianSeconds: 600, P90Seconds: 3600, MaxSeconds: 3600, MeanSeconds: 1440, OutlierFactor: 2, Outliers: []string{"main (c0ffee05)"}},
		},
		{
			name:  "pipelines of main",
			track: config.Track{ID: "ci", Name: "CI", Project: testProject, Source: config.SourcePipelines, Branch: "main"},
			want: []rel{
				{"#51 (c0ffee03)", "11-04 09:02:00", "11-04 09:22:00", 1200},
				{"#54 (c0ffee05)", "11-06 09:00:00", "11-06 10:30:00", 5400},
			},
			sum: snapshot.Summary{Count: 2, MedianSeconds: 3300, P90Seconds: 5400, MaxSeconds: 5400, MeanSeconds: 3300, OutlierFactor: 3, Outliers: []string{}},
		},
		{
			// v2.0.0 was released at the very start of December.
			name:  "releases",
			track: config.Track{ID: "rel", Project: testProject, Source: config.SourceReleases},
			want: []rel{
				{"v1.1.0", "11-07 12:00:00", "11-08 12:00:00", 86400},
				{"v1.2.0", "11-20 12:00:00", "11-20 18:00:00", 21600},
			},
			sum: snapshot.Summary{Count: 2, MedianSeconds: 54000, P90Seconds: 86400, MaxSeconds: 86400, MeanSeconds: 54000, OutlierFactor: 3, Outliers: []string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, gitlabtest.Options{}, nil)
			got, err := e.client.Releases(context.Background(), tt.track, nov, dec)
			if err != nil {
				t.Fatal(err)
			}
			name := tt.track.Name
			if name == "" {
				name = tt.track.ID
			}
			if got.Track != tt.track.ID || got.Name != name || got.Provider != snapshot.ProviderGitLab || got.Source != tt.track.Source {
				t.Errorf("track header %+v", got)
			}
			var rels []rel
			for _, r := range got.Releases {
				rels = append(rels, rel{r.Name, r.Start.Format("01-02 15:04:05"), r.End.Format("01-02 15:04:05"), r.DurationSeconds})
				if r.URL == "" || !strings.HasPrefix(r.URL, e.srv.Root+"/ops/infra/site/-/") {
					t.Errorf("release %s: URL %q", r.Name, r.URL)
				}
			}
			if !reflect.DeepEqual(rels, tt.want) {
				t.Errorf("releases\n got %v\nwant %v", rels, tt.want)
			}
			if !reflect.DeepEqual(got.Summary, tt.sum) {
				t.Errorf("summary %+v, want %+v", got.Summary, tt.sum)
			}
		})
	}
}

func TestReleasesErrors(t *testing.T) {
	tests := []struct {
		name  string
		track config.Track
		want  string
	}{
		{"unknown source", config.Track{ID: "x", Project: testProject, Source: "workflow_runs"},
			`releases of track "x" (workflow_runs of ops/infra/site): unknown source "workflow_runs"`},
		{"missing project", config.Track{ID: "x", Project: "ops/gone", Source: config.SourcePipelines},
			`releases of track "x" (pipelines of ops/gone): list pipelines: 404 Not Found`},
		{"not a path", config.Track{ID: "x", Project: "gone", Source: config.SourceReleases},
			`releases of track "x" (releases of gone): project "gone" is not a full path`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, gitlabtest.Options{}, nil)
			_, err := e.client.Releases(context.Background(), tt.track, nov, dec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			_, err = e.client.Delivery(context.Background(), tt.track, nov, dec)
			want := strings.Replace(tt.want, "releases of track", "delivery of track", 1)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("delivery error = %v, want it to contain %q", err, want)
			}
		})
	}
	e := start(t, gitlabtest.Options{}, nil)
	if _, err := e.client.Releases(context.Background(), config.Track{ID: "x", Project: testProject, Source: config.SourceReleases}, dec, nov); err == nil {
		t.Error("a period ending before its start gave no error")
	}
}
