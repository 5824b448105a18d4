package dora

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// fixture is one track's deployments from late September to early
// November 2026, as a collector returns them, and the site's incidents.
// The hand-computed October figures are in TestCompute.
func fixture(tb testing.TB) (snapshot.Delivery, []*content.Incident) {
	tb.Helper()
	dep := func(name, sha, when, status string, leads ...float64) snapshot.Deployment {
		d := snapshot.Deployment{Name: name, Ref: name, SHA: sha, At: at(tb, when), Status: status, Changes: []snapshot.Change{}}
		for _, l := range leads {
			d.Changes = append(d.Changes, snapshot.Change{Ref: "!1", At: d.At.Add(-time.Duration(l) * time.Second), LeadSeconds: l})
		}
		return d
	}
	raw := snapshot.Delivery{Track: "backend", Name: "Backend", Provider: snapshot.ProviderGitLab, LeadTimeFrom: "merge",
		Deployments: []snapshot.Deployment{
			dep("v5.11.0", "aaaaaaa1111", "2026-09-28T10:00:00Z", snapshot.DeploySuccess, 100),
			// Followed within the window by an incident on api: failed.
			dep("v5.12.0", "bbbbbbb2222", "2026-10-02T10:00:00Z", snapshot.DeploySuccess, 3600, 7200),
			// Named by an incident's caused_by two weeks later; also
			// followed by a failed attempt, but caused_by wins.
			dep("v5.13.0", "ccccccc3333", "2026-10-05T10:00:00Z", snapshot.DeploySuccess, 86400),
			dep("v5.13.1", "ddddddd4444", "2026-10-05T12:00:00Z", snapshot.DeployFailed),
			// Rolled back to v5.13.0 two hours later.
			dep("v5.13.2", "eeeeeee5555", "2026-10-06T09:00:00Z", snapshot.DeploySuccess, 172800),
			dep("v5.13.0 again", "ccccccc3333", "2026-10-06T11:00:00Z", snapshot.DeploySuccess, 999999),
			// An incident on api two days later: outside the window.
			dep("v5.14.0", "fffffff6666", "2026-10-10T10:00:00Z", snapshot.DeploySuccess, 1800),
			// A redeploy of the live commit: not a rollback.
			dep("v5.14.0 redeploy", "fffffff6666", "2026-10-11T09:00:00Z", snapshot.DeploySuccess),
			// Followed by a failed attempt in November, within the window.
			dep("v5.14.1", "ggggggg7777", "2026-10-31T22:00:00Z", snapshot.DeploySuccess, 600),
			dep("v5.15.0", "hhhhhhh8888", "2026-11-01T05:00:00Z", snapshot.DeployFailed),
		}}
	inc := func(slug, started string, minutes int, cause content.Cause, comps ...string) *content.Incident {
		i := &content.Incident{Slug: slug, Title: slug, Impact: content.ImpactMajor, Started: at(tb, started), Components: comps, CausedBy: cause}
		if minutes > 0 {
			i.Resolved = i.Started.Add(time.Duration(minutes) * time.Minute)
		}
		return i
	}
	incidents := []*content.Incident{
		inc("2026-10-20-api-errors", "2026-10-20T08:00:00Z", 180, content.Cause{Track: "backend", Release: "v5.13.0"}, "web"),
		inc("2026-10-02-api-slow", "2026-10-02T20:00:00Z", 30, content.Cause{}, "api"),
		inc("2026-10-12-api-down", "2026-10-12T10:00:00Z", 120, content.Cause{}, "api"),
		// Not linked to backend: another component, another track.
		inc("2026-10-03-web", "2026-10-03T10:00:00Z", 60, content.Cause{}, "web"),
		inc("2026-10-07-ui", "2026-10-07T10:00:00Z", 600, content.Cause{Track: "frontend", Release: "v1"}, "web"),
		// Linked but unresolved: no restore.
		inc("2026-10-30-api-open", "2026-10-30T10:00:00Z", 0, content.Cause{}, "api"),
		// Linked, resolved, but in September.
		inc("2026-09-29-api", "2026-09-29T01:00:00Z", 600, content.Cause{}, "api"),
	}
	return raw, incidents
}

func ptr(v float64) *float64 { return &v }

func TestCompute(t *testing.T) {
	raw, incidents := fixture(t)
	track := config.Track{ID: "backend", Components: []string{"api"}}
	type dep struct {
		Name     string
		Rollback bool
		Failure  string
		Changes  int
	}
	tests := []struct {
		month string
		deps  []dep
		keys  snapshot.Keys
		bands Bands
	}{
		{"2026-10", []dep{
			{"v5.12.0", false, "incident 2026-10-02-api-slow", 2},
			{"v5.13.0", false, "incident 2026-10-20-api-errors", 1},
			{"v5.13.1", false, "", 0},
			{"v5.13.2", false, "rolled back by v5.13.0 again", 1},
			{"v5.13.0 again", true, "", 0},
			{"v5.14.0", false, "", 1},
			{"v5.14.0 redeploy", false, "", 0},
			{"v5.14.1", false, "followed by failed deployment v5.15.0", 1},
		}, snapshot.Keys{
			Deployments: 6, PerWeek: 6 / (31.0 / 7),
			// 600 1800 3600 7200 86400 172800: the median is the mean of
			// 3600 and 7200; the nearest rank of p90 is ⌈5.4⌉ = 6.
			Changes: 6, LeadTimeMedianSeconds: ptr(5400), LeadTimeP90Seconds: ptr(172800),
			FailedChanges: 4, ChangeFailureRate: ptr(4.0 / 6),
			// api-slow 30m, api-down 2h, api-errors (caused_by) 3h.
			Restores: 3, TimeToRestoreSeconds: ptr((30 + 120 + 180) * 60 / 3),
		}, Bands{Frequency: High, LeadTime: Elite, FailureRate: Low, Restore: High}},
		{"2026-11", []dep{{"v5.15.0", false, "", 0}}, snapshot.Keys{},
			Bands{Frequency: Low}},
		{"2026-12", nil, snapshot.Keys{}, Bands{}},
	}
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			start, end, err := snapshot.MonthRange(tt.month, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			got := Compute(raw, Input{Track: track, Start: start, End: end, Incidents: incidents})
			var deps []dep
			for _, d := range got.Deployments {
				deps = append(deps, dep{d.Name, d.Rollback, d.Failure, len(d.Changes)})
			}
			if !reflect.DeepEqual(deps, tt.deps) {
				t.Errorf("deployments:\n got %+v\nwant %+v", deps, tt.deps)
			}
			if got.Deployments == nil {
				t.Error("deployments nil, want empty")
			}
			if !reflect.DeepEqual(got.Keys, tt.keys) {
				t.Errorf("keys:\n got %s\nwant %s", show(got.Keys), show(tt.keys))
			}
			if b := BandsOf(got); b != tt.bands {
				t.Errorf("bands %+v, want %+v", b, tt.bands)
			}
			if got.FailureWindowSeconds != 86400 || got.Track != "backend" || got.LeadTimeFrom != "merge" || got.Provider != snapshot.ProviderGitLab {
				t.Errorf("entry fields: %+v", got)
			}
		})
	}
	if raw.Deployments[5].Rollback || len(raw.Deployments[5].Changes) != 1 {
		t.Error("Compute changed its input")
	}
}

// TestComputeWindow: the failure window is the track's, both ends
// included, and caused_by finds a deployment by commit prefix of at least
// seven characters, regardless of the window.
func TestComputeWindow(t *testing.T) {
	start, end, _ := snapshot.MonthRange("2026-10", time.UTC)
	raw := snapshot.Delivery{Track: "api", Deployments: []snapshot.Deployment{
		{Name: "#1", SHA: "1111111aaaa", At: at(t, "2026-10-01T10:00:00Z"), Status: snapshot.DeploySuccess},
		{Name: "#2", SHA: "2222222bbbb", At: at(t, "2026-10-01T11:00:00Z"), Status: snapshot.DeployFailed},
		{Name: "#3", SHA: "3333333cccc", At: at(t, "2026-10-05T10:00:00Z"), Status: snapshot.DeploySuccess},
		{Name: "#4", SHA: "4444444dddd", At: at(t, "2026-10-06T10:00:00Z"), Status: snapshot.DeploySuccess},
	}}
	for _, tt := range []struct {
		name, window string
		cause        string
		want         []string
	}{
		{"default window of 24h", "", "", []string{"followed by failed deployment #2", "", "", ""}},
		{"30m misses the failed attempt", "30m", "", []string{"", "", "", ""}},
		{"exactly the window", "1h", "", []string{"followed by failed deployment #2", "", "", ""}},
		{"commit prefix", "30m", "3333333", []string{"", "", "incident x", ""}},
		{"too short a prefix", "30m", "333333", []string{"", "", "", ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var incs []*content.Incident
			if tt.cause != "" {
				incs = append(incs, &content.Incident{Slug: "x", Started: at(t, "2026-10-28T10:00:00Z"), CausedBy: content.Cause{Track: "api", Release: tt.cause}})
			}
			got := Compute(raw, Input{Track: config.Track{ID: "api", FailureWindow: tt.window}, Start: start, End: end, Incidents: incs})
			var reasons []string
			for _, d := range got.Deployments {
				reasons = append(reasons, d.Failure)
			}
			if !reflect.DeepEqual(reasons, tt.want) {
				t.Errorf("failures %q, want %q", reasons, tt.want)
			}
		})
	}
}

func TestBandsOf(t *testing.T) {
	one := []snapshot.Deployment{{}}
	hour, d := 3600.0, 86400.0
	for _, tt := range []struct {
		name string
		in   snapshot.Delivery
		want Bands
	}{
		{"nothing", snapshot.Delivery{}, Bands{}},
		{"daily", snapshot.Delivery{Deployments: one, Keys: snapshot.Keys{Deployments: 31, PerWeek: 7}}, Bands{Frequency: Elite}},
		{"weekly", snapshot.Delivery{Deployments: one, Keys: snapshot.Keys{Deployments: 5, PerWeek: 1}}, Bands{Frequency: High}},
		{"monthly", snapshot.Delivery{Deployments: one, Keys: snapshot.Keys{Deployments: 1, PerWeek: 0.23}}, Bands{Frequency: Medium}},
		{"lead just under a day, rate 5%, restore under 1h", snapshot.Delivery{Keys: snapshot.Keys{
			LeadTimeMedianSeconds: ptr(d - 1), ChangeFailureRate: ptr(1.0 / 20), TimeToRestoreSeconds: ptr(hour - 1)}},
			Bands{LeadTime: Elite, FailureRate: Elite, Restore: Elite}},
		{"lead a day, rate 10%, restore 1h", snapshot.Delivery{Keys: snapshot.Keys{
			LeadTimeMedianSeconds: ptr(d), ChangeFailureRate: ptr(0.1), TimeToRestoreSeconds: ptr(hour)}},
			Bands{LeadTime: High, FailureRate: High, Restore: High}},
		{"lead a week, rate 15%, restore a day", snapshot.Delivery{Keys: snapshot.Keys{
			LeadTimeMedianSeconds: ptr(7 * d), ChangeFailureRate: ptr(3.0 / 20), TimeToRestoreSeconds: ptr(d)}},
			Bands{LeadTime: High, FailureRate: Medium, Restore: Medium}},
		{"lead 30 days, restore a week", snapshot.Delivery{Keys: snapshot.Keys{
			LeadTimeMedianSeconds: ptr(30 * d), ChangeFailureRate: ptr(0.151), TimeToRestoreSeconds: ptr(7 * d)}},
			Bands{LeadTime: Medium, FailureRate: Low, Restore: Medium}},
		{"beyond", snapshot.Delivery{Keys: snapshot.Keys{
			LeadTimeMedianSeconds: ptr(30*d + 1), ChangeFailureRate: ptr(0), TimeToRestoreSeconds: ptr(7*d + 1)}},
			Bands{LeadTime: Low, FailureRate: Elite, Restore: Low}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := BandsOf(tt.in); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func show(k snapshot.Keys) string {
	f := func(p *float64) any {
		if p == nil {
			return "nil"
		}
		return *p
	}
	return fmt.Sprintf("{deployments %d per week %v changes %d median %v p90 %v failed %d rate %v restores %d ttr %v}",
		k.Deployments, k.PerWeek, k.Changes, f(k.LeadTimeMedianSeconds), f(k.LeadTimeP90Seconds),
		k.FailedChanges, f(k.ChangeFailureRate), k.Restores, f(k.TimeToRestoreSeconds))
}
