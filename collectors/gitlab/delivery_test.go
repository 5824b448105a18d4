package gitlab

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// dep is an expected deployment in the fixture's notation: "name at
// status" and its changes as "ref at lead-seconds".
type dep struct {
	what    string
	changes []string
}

// TestDelivery checks each source's deployments and changes against
// values worked out by hand from the fixture (see fixture_test.go).
func TestDelivery(t *testing.T) {
	tests := []struct {
		name     string
		track    config.Track
		from     time.Time
		lookback time.Duration
		leadFrom string
		want     []dep
	}{
		{
			// #99 (created before the look-back, finished on the 1st)
			// counts here: it finished in the month. Its predecessor is
			// #100 (October 25th), but GitLab links no merge request to
			// it. Canceled #105 and staging's #102 are left out.
			name:     "deployments: merge requests, failed ones kept",
			track:    config.Track{ID: "site", Project: testProject, Source: config.SourceDeployments, Environment: "production"},
			leadFrom: LeadTimeFromMerge,
			want: []dep{
				{"main (c0ffee01) 11-01 10:00:00 success", nil},
				// !1 merged 11-02 10:00, deployed 11-03 12:10: 26h10m.
				{"main (c0ffee03) 11-03 12:10:00 success", []string{"!1 11-02 10:00:00 94200"}},
				{"main (c0ffee04) 11-10 12:03:00 failed", nil},
				// !2 merged 11-10 10:00, deployed 11-11 10:00: a day.
				{"main (c0ffee05) 11-11 10:00:00 success", []string{"!2 11-10 10:00:00 86400"}},
			},
		},
		{
			// From the 3rd, with a day's look-back: #99 of the 1st is too
			// early to count as #101's predecessor, so #101's changes are
			// unknown, though GitLab links !1 to it.
			name:     "deployments: the first without a predecessor has no changes",
			track:    config.Track{ID: "site", Project: testProject, Source: config.SourceDeployments, Environment: "production"},
			from:     at("11-03 00:00:00"),
			lookback: 24 * time.Hour,
			leadFrom: LeadTimeFromMerge,
			want: []dep{
				{"main (c0ffee03) 11-03 12:10:00 success", nil},
				{"main (c0ffee04) 11-10 12:03:00 failed", nil},
				{"main (c0ffee05) 11-11 10:00:00 success", []string{"!2 11-10 10:00:00 86400"}},
			},
		},
		{
			// #50 (c1, October 30th) is #51's predecessor; #54's is #51, the
			// failed #52 in between shipped nothing.
			name:     "pipelines: commits compared with the previous success",
			track:    config.Track{ID: "ci", Project: testProject, Source: config.SourcePipelines, Branch: "main"},
			leadFrom: LeadTimeFromCommit,
			want: []dep{
				{"#51 (c0ffee03) 11-04 09:22:00 success", []string{
					"c0ffee02 11-01 10:00:00 256920", // 2d 23h22m
					"c0ffee03 11-02 10:00:00 170520", // 1d 23h22m
				}},
				{"#52 (c0ffee04) 11-05 09:04:00 failed", nil},
				{"#54 (c0ffee05) 11-06 10:30:00 success", []string{
					"c0ffee04 11-04 10:00:00 174600", // 2d 30m
					"c0ffee05 11-05 10:00:00 88200",  // 1d 30m
				}},
			},
		},
		{
			name:     "releases: commits since the previous release",
			track:    config.Track{ID: "rel", Project: testProject, Source: config.SourceReleases},
			leadFrom: LeadTimeFromCommit,
			want: []dep{
				{"v1.1.0 11-08 12:00:00 success", []string{
					"c0ffee02 11-01 10:00:00 612000", // 7d 2h
					"c0ffee03 11-02 10:00:00 525600", // 6d 2h
					"c0ffee04 11-04 10:00:00 352800", // 4d 2h
				}},
				{"v1.2.0 11-20 18:00:00 success", []string{"c0ffee05 11-05 10:00:00 1324800"}}, // 15d 8h
			},
		},
		{
			name:     "releases: none before, none in the look-back",
			track:    config.Track{ID: "rel", Project: testProject, Source: config.SourceReleases},
			from:     at("11-08 00:00:00"),
			lookback: time.Hour,
			leadFrom: LeadTimeFromCommit,
			want: []dep{
				{"v1.1.0 11-08 12:00:00 success", nil},
				{"v1.2.0 11-20 18:00:00 success", []string{"c0ffee05 11-05 10:00:00 1324800"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, gitlabtest.Options{}, func(o *Options) { o.Lookback = tt.lookback })
			from := nov
			if !tt.from.IsZero() {
				from = tt.from
			}
			got, err := e.client.Delivery(context.Background(), tt.track, from, dec)
			if err != nil {
				t.Fatal(err)
			}
			if got.Track != tt.track.ID || got.Name != tt.track.ID || got.Provider != snapshot.ProviderGitLab || got.LeadTimeFrom != tt.leadFrom {
				t.Errorf("delivery header %+v", got)
			}
			if got.FailureWindowSeconds != 0 || !reflect.DeepEqual(got.Keys, snapshot.Keys{}) {
				t.Errorf("keys or failure window filled in: %+v", got)
			}
			var deps []dep
			for _, d := range got.Deployments {
				x := dep{what: fmt.Sprintf("%s %s %s", d.Name, d.At.Format("01-02 15:04:05"), d.Status)}
				for _, c := range d.Changes {
					x.changes = append(x.changes, fmt.Sprintf("%s %s %.0f", c.Ref, c.At.Format("01-02 15:04:05"), c.LeadSeconds))
				}
				deps = append(deps, x)
				if d.Changes == nil || d.Rollback || d.Failure != "" || d.SHA == "" || d.Ref == "" || d.At.Location() != time.UTC {
					t.Errorf("deployment %+v", d)
				}
				if tt.track.Source != config.SourceReleases && !strings.HasPrefix(d.URL, e.srv.Root+"/ops/infra/site/-/pipelines/") {
					t.Errorf("deployment %s: URL %q", d.Name, d.URL)
				}
			}
			if !reflect.DeepEqual(deps, tt.want) {
				t.Errorf("deployments\n got %q\nwant %q", deps, tt.want)
			}
		})
	}
}
