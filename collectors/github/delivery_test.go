package github

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// Commits of testdata/commits.json, the history of acme/app that the
// deployments, runs and tags of the other fixtures point into.
const (
	shaA1    = "8b5dfea298039d4f524903a129f95298a35588ab" // direct commit, 2026-09-30T21:00Z
	shaR150  = "7e4e86a4f1e86f25369ef1640caf74bce6b5efa5" // tag v1.5.0
	shaR160  = "e42a84c7e72a60fab2ed163f1796278372f029b5" // tag v1.6.0
	shaR170  = "9b20f4d791413a6bb71f995ebd48717986297242" // tag v1.7.0
	shaR180  = "4a09a1c5cfbd8fd981d1a858574a6be58d4c46a4" // tag v1.8.0, direct
	shaR181  = "7c1dff952d929cf230a38e58111ebb8c3aae5aa8" // tag v1.8.1, direct (the test merge of unmerged #17)
	shaR190  = "44ad16b0819dd45447e65e251eded3306fba78a7" // tag v1.9.0, direct
	sha9001  = "5d4ba44e778561a4927899d78b8ad6f731559315" // squash of #10
	sha9002  = "c0af30a77aa72ff1a71ebeb604a3f5ae01e1e6da" // merge of #11 (branch commits B1, B2)
	sha9003  = "fd725f673d38fdba343bda3b2b1ee5968eed5a3e" // squash of #12
	sha9004  = "034e49ce6bff1d002903b25722176b9de092de62" // direct, committer clock ahead
	sha9005  = "c4528b12c0581e2d63285f369dd6eb97a1dc4364" // squash of #15
	sha9006  = "9131555c6f4b67152897a8fc66b7bcd2de2e5891" // direct
	shaRun41 = "5afedd9fa835dcfc22190159be073ffba13ce98a" // direct
	shaRun42 = "0cf2811149f00daf68b232f8f342cba23910a0e1" // direct
	shaRun43 = "4c859b3b0dff241561b6fb889c9b79ac89ea9837" // squash of #13
	shaRun45 = "308b1efe844096c5b181080473aeeac042583de2" // squash of #14
	shaRun48 = "9d236def6d19bdb5ab1e9b3ee980a309c72b07e6" // direct
	shaRun49 = "1557c1f2293ee0e462cfa49044a2f8b531798815" // squash of #16
)

func chg(ref, at string, lead float64) snapshot.Change {
	return snapshot.Change{Ref: ref, At: ts(at), LeadSeconds: lead}
}

func dep(name, url, ref, sha, at, status string, changes ...snapshot.Change) snapshot.Deployment {
	if changes == nil {
		changes = []snapshot.Change{}
	}
	return snapshot.Deployment{Name: name, URL: url, Ref: ref, SHA: sha, At: ts(at), Status: status, Changes: changes}
}

const (
	ok     = snapshot.DeploySuccess
	failed = snapshot.DeployFailed
)

// pullPages are the closed pull requests listed by last update, three to a
// page: the third reaches #9, updated before the look-back, and the fourth
// is never asked for.
var pullPages = []string{
	"/repos/acme/app/pulls?direction=desc&per_page=100&sort=updated&state=closed",
	"/repos/acme/app/pulls?direction=desc&page=2&per_page=100&sort=updated&state=closed",
	"/repos/acme/app/pulls?direction=desc&page=3&per_page=100&sort=updated&state=closed",
}

// laterDeploys are the production deployments of October 2026 from 9004 on.
var laterDeploys = []snapshot.Deployment{
	// The first of 9004's two success statuses counts; its own
	// commit is dated 8 minutes after it finished: lead 0.
	dep("main (034e49c)", "https://ci.example.com/deploys/9004", "main", sha9004, "2026-10-05T14:12:00Z", ok,
		chg("0cf2811", "2026-10-03T09:50:00Z", 188520), // 2d 4h 22m
		chg("#13", "2026-10-04T08:50:00Z", 105720),     // 1d 5h 22m
		chg("034e49c", "2026-10-05T14:20:00Z", 0)),
	dep("v1.5.0 (c4528b1)", "https://ci.example.com/deploys/9005/log", "v1.5.0", sha9005, "2026-10-10T09:40:00Z", ok,
		chg("#14", "2026-10-08T14:55:00Z", 153900), // 1d 18h 45m
		chg("#15", "2026-10-10T08:30:00Z", 4200)),  // 1h 10m
	// Failed before any success; 9008 finished after the month.
	dep("v1.5.1 (9131555)", fakeWeb+"/acme/app/commit/"+sha9006, "v1.5.1", sha9006, "2026-10-15T09:20:00Z", failed),
}

// deployPages are the three pages of production deployments, three to a
// page, and the statuses of those created from 2026-09-30T21:40Z on: the
// third page reaches 9000, created before any look-back used here.
var deployPages = []string{
	"/repos/acme/app/deployments?environment=production&per_page=100",
	"/repos/acme/app/deployments/9008/statuses?per_page=100",
	"/repos/acme/app/deployments/9006/statuses?per_page=100",
	"/repos/acme/app/deployments?environment=production&page=2&per_page=100",
	"/repos/acme/app/deployments/9005/statuses?per_page=100",
	"/repos/acme/app/deployments/9005/statuses?page=2&per_page=100",
	"/repos/acme/app/deployments/9004/statuses?per_page=100",
	"/repos/acme/app/deployments/9003/statuses?per_page=100",
	"/repos/acme/app/deployments?environment=production&page=3&per_page=100",
}

// fakeWeb stands for the fake's web address in expected links.
const fakeWeb = "WEB"

func cmpPath(base, head string, page int) string {
	p := "/repos/acme/app/compare/" + base + "..." + head + "?"
	if page > 1 {
		p += fmt.Sprintf("page=%d&", page)
	}
	return p + "per_page=100"
}

func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// The expected deployments and lead times are worked out by hand from
// testdata/ for October 2026 (Europe/Berlin, so 2026-09-30T22:00Z to
// 2026-10-31T23:00Z), with the default 14-day look-back (from
// 2026-09-16T22:00Z). Every lead time is the difference of two literal
// times, in seconds.
func TestDelivery(t *testing.T) {
	const web = fakeWeb
	tests := []struct {
		name     string
		track    config.Track
		lookback time.Duration
		want     []snapshot.Deployment
		requests []string // paths, in order
	}{
		{
			name:  "deployments",
			track: config.Track{ID: "backend", Name: "Backend", Repository: fakeRepo, Source: config.SourceDeployments, Environment: "production"},
			want: append([]snapshot.Deployment{
				// 9001 (success 2026-09-30T20:10Z) is the base. #11 is a true
				// merge: its branch commits B1 and B2 are part of it.
				dep("v1.4.9 (c0af30a)", "https://ci.example.com/deploys/9002/log", "v1.4.9", sha9002, "2026-09-30T22:30:00Z", ok,
					chg("8b5dfea", "2026-09-30T21:00:00Z", 5400), // 22:30 − 21:00
					chg("#11", "2026-09-30T21:20:00Z", 4200)),    // 22:30 − 21:20
				dep("fd725f6", web+"/acme/app/commit/"+sha9003, sha9003, sha9003, "2026-10-02T08:05:00Z", ok,
					chg("5afedd9", "2026-09-30T21:45:00Z", 123600), // 1d 10h 20m
					chg("4a09a1c", "2026-10-01T11:00:00Z", 75900),  // 21h 5m
					chg("#12", "2026-10-02T07:30:00Z", 2100)),      // 35m
			}, laterDeploys...),
			requests: cat(deployPages, []string{
				"/repos/acme/app/deployments/9002/statuses?per_page=100",
				"/repos/acme/app/deployments/9001/statuses?per_page=100",
			}, pullPages, []string{
				cmpPath(sha9001, sha9002, 1), cmpPath(sha9001, sha9002, 2), // four commits, three to a page
				cmpPath(sha9002, sha9003, 1),
				cmpPath(sha9003, sha9004, 1),
				cmpPath(sha9004, sha9005, 1),
			}),
		},
		{
			// A 20-minute look-back: deployments created before
			// 2026-09-30T21:40Z (9001, 9002) are not listed, so 9003 has no
			// base and ships nothing known.
			name:     "deployments, short look-back",
			track:    config.Track{ID: "backend", Name: "Backend", Repository: fakeRepo, Source: config.SourceDeployments, Environment: "production"},
			lookback: 20 * time.Minute,
			want: append([]snapshot.Deployment{
				dep("fd725f6", web+"/acme/app/commit/"+sha9003, sha9003, sha9003, "2026-10-02T08:05:00Z", ok),
			}, laterDeploys...),
			// The pull requests are listed until one was updated before
			// 2026-09-30T21:40Z: #11, on the third page.
			requests: cat(deployPages, pullPages, []string{
				cmpPath(sha9003, sha9004, 1),
				cmpPath(sha9004, sha9005, 1),
			}),
		},
		{
			name:  "workflow runs",
			track: config.Track{ID: "frontend", Name: "Frontend", Repository: fakeRepo, Source: config.SourceWorkflowRuns, Workflow: "deploy.yml", Branch: "main"},
			want: []snapshot.Deployment{
				// Run #40 was created before the look-back: #41 has no base.
				dep("#41 (5afedd9)", "https://github.com/acme/app/actions/runs/501", "main", shaRun41, "2026-09-30T22:05:00Z", ok),
				dep("#42 (0cf2811)", "https://github.com/acme/app/actions/runs/502", "main", shaRun42, "2026-10-03T10:09:10Z", ok,
					chg("4a09a1c", "2026-10-01T11:00:00Z", 169750), // 1d 23h 9m 10s
					chg("#12", "2026-10-02T07:30:00Z", 95950),      // 1d 2h 39m 10s
					chg("0cf2811", "2026-10-03T09:50:00Z", 1150)),  // 19m 10s
				dep("#43 (4c859b3)", "https://github.com/acme/app/actions/runs/503", "main", shaRun43, "2026-10-04T09:04:00Z", failed),
				dep("#45 (308b1ef)", "https://github.com/acme/app/actions/runs/505", "main", shaRun45, "2026-10-08T15:10:00Z", ok,
					chg("#13", "2026-10-04T08:50:00Z", 368400),     // 4d 6h 20m
					chg("034e49c", "2026-10-05T14:20:00Z", 262200), // 3d 50m
					chg("#14", "2026-10-08T14:55:00Z", 900)),       // 15m
				// #50 was cancelled: left out. #51 timed out: failed.
				dep("#51 (9131555)", "https://github.com/acme/app/actions/runs/511", "main", sha9006, "2026-10-16T10:30:00Z", failed),
				dep("#48 (9d236de)", "https://github.com/acme/app/actions/runs/508", "main", shaRun48, "2026-10-20T09:30:02Z", ok,
					chg("#15", "2026-10-10T08:30:00Z", 867602),     // 10d 1h 2s
					chg("9131555", "2026-10-15T08:45:00Z", 434702), // 5d 45m 2s
					chg("9d236de", "2026-10-20T07:50:00Z", 6002)),  // 1h 40m 2s
				dep("#49 (1557c1f)", "https://github.com/acme/app/actions/runs/509", "main", shaRun49, "2026-10-25T12:08:01Z", ok,
					chg("7c1dff9", "2026-10-20T09:55:00Z", 439981), // 5d 2h 13m 1s
					chg("#16", "2026-10-25T11:55:00Z", 781)),       // 13m 1s
			},
			// Nine completed runs on main created in the window (#41 to
			// #46, #50, #51): three pages.
			requests: cat([]string{
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&per_page=100&status=completed",
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&page=2&per_page=100&status=completed",
				"/repos/acme/app/actions/workflows/deploy.yml/runs?branch=main&created=2026-09-17T00%3A00%3A00%2B02%3A00..2026-10-31T23%3A59%3A59%2B01%3A00&exclude_pull_requests=true&page=3&per_page=100&status=completed",
			}, pullPages, []string{
				cmpPath(shaRun41, shaRun42, 1),
				cmpPath(shaRun42, shaRun45, 1),
				cmpPath(shaRun45, shaRun48, 1),
				cmpPath(shaRun48, shaRun49, 1),
			}),
		},
		{
			name:  "releases",
			track: config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases},
			// v1.6.0 was published before the look-back: v1.7.0 has no base.
			want: wantReleases,
			requests: cat([]string{
				"/repos/acme/app/releases?per_page=100",
				"/repos/acme/app/releases?page=2&per_page=100",
				"/repos/acme/app/releases?page=3&per_page=100",
				"/repos/acme/app/commits/v1.7.0?",
				"/repos/acme/app/commits/v1.8.0?",
				"/repos/acme/app/commits/v1.8.1?",
				"/repos/acme/app/commits/v1.9.0?",
				"/repos/acme/app/commits/v1.5.0?",
			}, pullPages, releaseCompares),
		},
		{
			// A 30-day look-back (from 2026-08-31T22:00Z) reaches v1.6.0,
			// published 2026-09-05: its tag is resolved and it is the base
			// of v1.7.0; it is not in the list. The pull requests are
			// listed to the end (#8 was updated 2026-09-01).
			name:     "releases, 30-day look-back",
			track:    config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases},
			lookback: 30 * 24 * time.Hour,
			want: append([]snapshot.Deployment{
				dep("v1.7.0", "https://github.com/acme/app/releases/tag/v1.7.0", "v1.7.0", shaR170, "2026-10-01T08:00:00Z", ok,
					chg("9b20f4d", "2026-09-25T08:00:00Z", 518400)), // 6d
			}, wantReleases[1:]...),
			requests: cat([]string{
				"/repos/acme/app/releases?per_page=100",
				"/repos/acme/app/releases?page=2&per_page=100",
				"/repos/acme/app/releases?page=3&per_page=100",
				"/repos/acme/app/commits/v1.6.0?",
				"/repos/acme/app/commits/v1.7.0?",
				"/repos/acme/app/commits/v1.8.0?",
				"/repos/acme/app/commits/v1.8.1?",
				"/repos/acme/app/commits/v1.9.0?",
				"/repos/acme/app/commits/v1.5.0?",
			}, pullPages, []string{
				"/repos/acme/app/pulls?direction=desc&page=4&per_page=100&sort=updated&state=closed",
				cmpPath(shaR160, shaR170, 1),
			}, releaseCompares),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := f.client(t, func(o *Options) { o.Lookback = tt.lookback })
			from, to := month(t, "2026-10")
			got, err := c.Delivery(context.Background(), tt.track, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want := snapshot.Delivery{Track: tt.track.ID, Name: cmp.Or(tt.track.Name, tt.track.ID), LeadTimeFrom: "merge", Deployments: tt.want}
			for i := range want.Deployments {
				want.Deployments[i].URL = strings.Replace(want.Deployments[i].URL, web, f.srv.URL, 1)
			}
			if !equalJSON(t, got, want) {
				t.Error("delivery differs")
			}
			f.checkSent(t, tt.requests)
		})
	}
}

// wantReleases are the releases of October 2026 with the default look-back.
var wantReleases = []snapshot.Deployment{
	dep("v1.7.0", "https://github.com/acme/app/releases/tag/v1.7.0", "v1.7.0", shaR170, "2026-10-01T08:00:00Z", ok),
	dep("v1.8.0", "https://github.com/acme/app/releases/tag/v1.8.0", "v1.8.0", shaR180, "2026-10-14T12:00:00Z", ok,
		chg("#10", "2026-09-30T19:00:00Z", 1184400),      // 13d 17h
		chg("8b5dfea", "2026-09-30T21:00:00Z", 1177200),  // 13d 15h
		chg("#11", "2026-09-30T21:20:00Z", 1176000),      // 13d 14h 40m
		chg("5afedd9", "2026-09-30T21:45:00Z", 1174500),  // 13d 14h 15m
		chg("4a09a1c", "2026-10-01T11:00:00Z", 1126800)), // 13d 1h
	// #17 was closed unmerged: its merge_commit_sha, the tag's
	// commit, counts as a direct commit.
	dep("v1.8.1", "https://github.com/acme/app/releases/tag/v1.8.1", "v1.8.1", shaR181, "2026-10-20T10:30:00Z", ok,
		chg("#12", "2026-10-02T07:30:00Z", 1566000),     // 18d 3h
		chg("0cf2811", "2026-10-03T09:50:00Z", 1471200), // 17d 40m
		chg("#13", "2026-10-04T08:50:00Z", 1388400),     // 16d 1h 40m
		chg("034e49c", "2026-10-05T14:20:00Z", 1282200), // 14d 20h 10m
		chg("#14", "2026-10-08T14:55:00Z", 1020900),     // 11d 19h 35m
		chg("#15", "2026-10-10T08:30:00Z", 871200),      // 10d 2h
		chg("9131555", "2026-10-15T08:45:00Z", 438300),  // 5d 1h 45m
		chg("9d236de", "2026-10-20T07:50:00Z", 9600),    // 2h 40m
		chg("7c1dff9", "2026-10-20T09:55:00Z", 2100)),   // 35m
	dep("v1.9.0", "https://github.com/acme/app/releases/tag/v1.9.0", "v1.9.0", shaR190, "2026-10-28T15:00:00Z", ok,
		chg("#16", "2026-10-25T11:55:00Z", 270300),     // 3d 3h 5m
		chg("44ad16b", "2026-10-28T08:55:00Z", 21900)), // 6h 5m
	// An old commit published last: behind v1.9.0, nothing new.
	dep("v1.5.0", "https://github.com/acme/app/releases/tag/v1.5.0", "v1.5.0", shaR150, "2026-10-30T10:00:00Z", ok),
}

// releaseCompares are the comparisons of v1.7.0 to v1.8.0, v1.8.0 to v1.8.1,
// v1.8.1 to v1.9.0 and v1.9.0 to v1.5.0, three commits to a page.
var releaseCompares = []string{
	cmpPath(shaR170, shaR180, 1), cmpPath(shaR170, shaR180, 2), cmpPath(shaR170, shaR180, 3), // seven commits
	cmpPath(shaR180, shaR181, 1), cmpPath(shaR180, shaR181, 2), cmpPath(shaR180, shaR181, 3), // nine
	cmpPath(shaR181, shaR190, 1),
	cmpPath(shaR190, shaR150, 1),
}

// TestDeliveryCost checks the request cost of a month's Delivery stated on
// Delivery, for one track of each source, with three items to a page
// instead of 100:
//
//	deployments:   3 deployment pages + 8 status pages (7 deployments, one
//	               with two pages) + 3 pull pages + 5 compare pages = 19
//	workflow_runs: 3 run pages + 3 pull pages + 4 compare pages = 10
//	releases:      3 release pages + 5 tags + 3 pull pages + 8 compare pages = 19
//
// and that collecting the month again over the ETag cache sends as many
// requests, all answered 304 Not Modified, at no rate-limit cost. Already
// in the first run, the three tracks of one repository ask for the same
// pull-request pages, which cost once: 48 − 2·3 = 42 count.
func TestDeliveryCost(t *testing.T) {
	f := newFake(t)
	c := f.client(t, func(o *Options) { o.CacheDir = t.TempDir() })
	from, to := month(t, "2026-10")
	tracks := []struct {
		track config.Track
		cost  int64
	}{
		{config.Track{ID: "backend", Repository: fakeRepo, Source: config.SourceDeployments, Environment: "production"}, 19},
		{config.Track{ID: "frontend", Repository: fakeRepo, Source: config.SourceWorkflowRuns, Workflow: "deploy.yml", Branch: "main"}, 10},
		{config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases}, 19},
	}
	for _, run := range []string{"first", "again"} {
		for _, tr := range tracks {
			before := c.Stats()
			if _, err := c.Delivery(context.Background(), tr.track, from, to); err != nil {
				t.Fatal(err)
			}
			after := c.Stats()
			if n := after.Requests - before.Requests; n != tr.cost {
				t.Errorf("%s run, %s: %d requests, want %d", run, tr.track.Source, n, tr.cost)
			}
			if run == "again" {
				if n := after.NotModified - before.NotModified; n != tr.cost {
					t.Errorf("again, %s: %d answers 304, want all %d", tr.track.Source, n, tr.cost)
				}
			}
		}
	}
	f.mu.Lock()
	used := f.used["core"]
	f.mu.Unlock()
	if used != 42 {
		t.Errorf("rate limit used %d, want 42 (the first run, pull pages once)", used)
	}
}

func TestDeliveryErrors(t *testing.T) {
	from, to := month(t, "2026-10")
	deploys := config.Track{ID: "backend", Repository: fakeRepo, Source: config.SourceDeployments, Environment: "production"}
	releases := config.Track{ID: "app", Repository: fakeRepo, Source: config.SourceReleases}
	tests := []struct {
		name   string
		track  config.Track
		from   time.Time
		script func(f *fakeGitHub)
		want   string
	}{
		{name: "unknown source", track: config.Track{ID: "x", Repository: fakeRepo, Source: "tags"},
			want: `delivery of track "x" (tags of acme/app): unknown source "tags"`},
		{name: "bad repository", track: config.Track{ID: "x", Repository: "acme", Source: config.SourceReleases},
			want: `delivery of track "x" (releases of acme): repository "acme" is not of the form owner/name`},
		{name: "missing repository", track: config.Track{ID: "x", Repository: "acme/gone", Source: config.SourceDeployments},
			want: `delivery of track "x" (deployments of acme/gone): list deployments: GET`},
		{name: "no workflow", track: config.Track{ID: "x", Repository: fakeRepo, Source: config.SourceWorkflowRuns},
			want: "no workflow file named"},
		{name: "empty period", track: deploys, from: to, want: "is not after its start"},
		{name: "compare fails", track: deploys,
			script: func(f *fakeGitHub) { f.fail("/compare/"+sha9003+"..."+sha9004, status(http.StatusNotFound)) },
			want:   `delivery of track "backend" (deployments of acme/app): compare fd725f6...034e49c: GET`},
		{name: "pull requests fail", track: deploys,
			script: func(f *fakeGitHub) { f.fail("/pulls", status(http.StatusForbidden)) },
			want:   "list pull requests: GET"},
		{name: "tag unknown", track: releases,
			script: func(f *fakeGitHub) { f.fail("/commits/v1.8.0", status(http.StatusUnprocessableEntity)) },
			want:   `delivery of track "app" (releases of acme/app): commit of tag v1.8.0: GET`},
		{name: "tag answer not a SHA", track: releases,
			script: func(f *fakeGitHub) {
				f.fail("/commits/v1.8.0", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) })
			},
			want: `commit of tag v1.8.0: GitHub answered "<html>", not a commit SHA`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			if tt.script != nil {
				tt.script(f)
			}
			start := from
			if !tt.from.IsZero() {
				start = tt.from
			}
			_, err := f.client(t, func(o *Options) { o.MaxRetries = -1 }).Delivery(context.Background(), tt.track, start, to)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestChanges checks the grouping of compared commits into changes on
// small histories: a squash merge, a true merge with its branch commits, a
// rebase merge, direct commits, a change shipped by an earlier deployment
// and a committer clock ahead of the deployment.
func TestChanges(t *testing.T) {
	at := ts("2026-10-10T12:00:00Z")
	commit := func(sha, date string, parents ...string) *gh.RepositoryCommit {
		c := &gh.RepositoryCommit{SHA: gh.String(sha), Commit: &gh.Commit{Committer: &gh.CommitAuthor{Date: &gh.Timestamp{Time: ts(date)}}}}
		for _, p := range parents {
			c.Parents = append(c.Parents, &gh.Commit{SHA: gh.String(p)})
		}
		return c
	}
	pr := func(n int, merged string) *gh.PullRequest {
		return &gh.PullRequest{Number: gh.Int(n), MergedAt: &gh.Timestamp{Time: ts(merged)}}
	}
	tests := []struct {
		name    string
		commits []*gh.RepositoryCommit
		prs     map[string]*gh.PullRequest
		shipped []string
		want    []snapshot.Change
	}{
		{
			name:    "squash merge and direct commit",
			commits: []*gh.RepositoryCommit{commit("aaaaaaa1", "2026-10-10T09:00:00Z", "base"), commit("bbbbbbb1", "2026-10-10T10:00:00Z", "aaaaaaa1")},
			prs:     map[string]*gh.PullRequest{"bbbbbbb1": pr(7, "2026-10-10T10:00:00Z")},
			want:    []snapshot.Change{chg("aaaaaaa", "2026-10-10T09:00:00Z", 10800), chg("#7", "2026-10-10T10:00:00Z", 7200)},
		},
		{
			// The branch forks from the base, and a direct commit lands on
			// main meanwhile: it stays apart.
			name: "true merge takes its branch, not the mainline",
			commits: []*gh.RepositoryCommit{
				commit("b1", "2026-10-08T09:00:00Z", "base"),
				commit("m1", "2026-10-09T09:00:00Z", "base"),
				commit("b2", "2026-10-09T10:00:00Z", "b1"),
				commit("mm", "2026-10-10T11:00:00Z", "m1", "b2"),
			},
			prs:  map[string]*gh.PullRequest{"mm": pr(8, "2026-10-10T11:00:00Z")},
			want: []snapshot.Change{chg("m1", "2026-10-09T09:00:00Z", 97200), chg("#8", "2026-10-10T11:00:00Z", 3600)},
		},
		{
			// The branch merged main in before its own merge: the main
			// commit it brought in is still main's.
			name: "true merge of a branch that merged main",
			commits: []*gh.RepositoryCommit{
				commit("b1", "2026-10-08T09:00:00Z", "base"),
				commit("m1", "2026-10-09T09:00:00Z", "base"),
				commit("b2", "2026-10-09T10:00:00Z", "b1", "m1"),
				commit("mm", "2026-10-10T11:00:00Z", "m1", "b2"),
			},
			prs:  map[string]*gh.PullRequest{"mm": pr(8, "2026-10-10T11:00:00Z")},
			want: []snapshot.Change{chg("m1", "2026-10-09T09:00:00Z", 97200), chg("#8", "2026-10-10T11:00:00Z", 3600)},
		},
		{
			// A rebase merge: only the last commit is the merge commit.
			name:    "rebase merge",
			commits: []*gh.RepositoryCommit{commit("r1", "2026-10-10T11:30:00Z", "base"), commit("r2", "2026-10-10T11:30:00Z", "r1")},
			prs:     map[string]*gh.PullRequest{"r2": pr(9, "2026-10-10T11:30:00Z")},
			want:    []snapshot.Change{chg("#9", "2026-10-10T11:30:00Z", 1800), chg("r1", "2026-10-10T11:30:00Z", 1800)},
		},
		{
			name:    "shipped before: redeploy after a rollback",
			commits: []*gh.RepositoryCommit{commit("aaaaaaa1", "2026-10-10T09:00:00Z", "base"), commit("bbbbbbb1", "2026-10-10T10:00:00Z", "aaaaaaa1")},
			prs:     map[string]*gh.PullRequest{"bbbbbbb1": pr(7, "2026-10-10T10:00:00Z")},
			shipped: []string{"#7", "aaaaaaa"},
			want:    []snapshot.Change{},
		},
		{
			name:    "committer clock ahead",
			commits: []*gh.RepositoryCommit{commit("ccccccc1", "2026-10-10T12:05:00Z", "base")},
			want:    []snapshot.Change{chg("ccccccc", "2026-10-10T12:05:00Z", 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shipped := map[string]bool{}
			for _, r := range tt.shipped {
				shipped[r] = true
			}
			got := changes(tt.commits, tt.prs, at, shipped)
			if !equalJSON(t, got, tt.want) {
				t.Error("changes differ")
			}
			for _, c := range got {
				if !shipped[c.Ref] {
					t.Errorf("%s not marked shipped", c.Ref)
				}
			}
		})
	}
}
