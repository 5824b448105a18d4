package collect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func TestLastCompleteMonth(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		want string
	}{
		{"just after midnight in Berlin", time.Date(2026, 11, 1, 0, 30, 0, 0, berlin), berlin, "2026-10"},
		{"still October in UTC, November in Berlin", time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), berlin, "2026-10"},
		{"last minute of October in Berlin", time.Date(2026, 10, 31, 23, 59, 0, 0, berlin), berlin, "2026-09"},
		{"same instant read in UTC", time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), time.UTC, "2026-09"},
		{"January goes back a year", time.Date(2027, 1, 15, 0, 0, 0, 0, berlin), berlin, "2026-12"},
		{"March 31 is not confused by AddDate overflow", time.Date(2026, 3, 31, 12, 0, 0, 0, berlin), berlin, "2026-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LastCompleteMonth(tt.now, tt.loc); got != tt.want {
				t.Errorf("LastCompleteMonth(%v) = %s, want %s", tt.now, got, tt.want)
			}
		})
	}
}

func TestCollectDefaultMonthAtZoneBoundary(t *testing.T) {
	// 2026-10-31 23:30 UTC is 2026-11-01 00:30 in Berlin: October is over.
	s := newSite(t)
	c := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC))
	res, err := c.Collect(context.Background(), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Month != "2026-10" || !res.Written || res.Path != s.dataPath("2026-10") {
		t.Fatalf("month %s written %v at %s", res.Month, res.Written, res.Path)
	}
	snap := s.readSnapshot(t, "2026-10")
	if len(snap.Issues) != 3 || len(snap.Releases) != 1 || len(snap.Availability) != 2 {
		t.Errorf("snapshot: %d issues, %d tracks, %d components", len(snap.Issues), len(snap.Releases), len(snap.Availability))
	}
	for _, src := range []string{GitHubSource, PrometheusSource} {
		if got := snap.Sources[src].CollectedAt; !got.Equal(time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)) {
			t.Errorf("sources[%s].collected_at = %v", src, got)
		}
	}
}

func TestCollectMergesPerSource(t *testing.T) {
	tests := []struct {
		name    string
		only    []string
		fresh   []string // sections that must hold generation 2
		touched []string // sources whose collected_at must move
	}{
		{"prometheus only keeps github", []string{"prometheus"}, []string{"availability"}, []string{"prometheus"}},
		{"github only keeps prometheus", []string{"github"}, []string{"issues", "releases", "delivery", "goal"}, []string{"github"}},
		{"both", nil, []string{"issues", "releases", "delivery", "goal", "availability"}, []string{"github", "prometheus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t)
			s.writeReport(t, "2026-10", "date: 2026-11-20\ngoals:\n  - title: PG16\n    status: done\n    milestone: acme/app#3\n")
			s.writeSnapshot(t, oldSnapshot(t, s))

			gh, prom := &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}
			res, err := s.collector(t, gh, prom, nov3).Collect(context.Background(), Request{Month: "2026-10", Only: tt.only})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Written {
				t.Fatal("not written")
			}
			snap := s.readSnapshot(t, "2026-10")
			for item, gen := range gens(snap) {
				section := strings.Fields(item)[0]
				want := 1
				if slices.Contains(tt.fresh, section) {
					want = 2
				}
				if gen != want {
					t.Errorf("%s: generation %d, want %d", item, gen, want)
				}
			}
			if len(gens(snap)) != 8 {
				t.Errorf("items %v, want 3 repos, 1 track (releases and delivery), 1 goal, 2 components", gens(snap))
			}
			for _, src := range []string{GitHubSource, PrometheusSource} {
				want := oldTime
				if slices.Contains(tt.touched, src) {
					want = nov3
				}
				if got := snap.Sources[src].CollectedAt; !got.Equal(want) {
					t.Errorf("sources[%s] = %v, want %v", src, got, want)
				}
			}
			if len(tt.only) == 1 && tt.only[0] == "prometheus" && len(gh.calls) != 0 {
				t.Errorf("github was asked %v", gh.calls)
			}
		})
	}
}

func TestCollectPartialFailureKeepsOldFigures(t *testing.T) {
	s := newSite(t)
	s.writeReport(t, "2026-10", "date: 2026-11-20\ngoals:\n  - title: PG16\n    status: done\n    milestone: acme/app#3\n")
	s.writeSnapshot(t, oldSnapshot(t, s))

	boom := errors.New("GET /repos/acme/web/issues: 502 Bad Gateway")
	gh := &fakeGitHub{gen: 2, fail: map[string]error{"issues acme/web": boom}}
	prom := &fakePrometheus{gen: 2, fail: map[string]error{"web": errors.New("query prometheus: connection refused")}}
	res, err := s.collector(t, gh, prom, nov3).Collect(context.Background(), Request{Month: "2026-10"})

	var se *SourceError
	if !errors.As(err, &se) {
		t.Fatalf("error %v, want a *SourceError", err)
	}
	if !errors.Is(err, boom) {
		t.Errorf("errors.Is does not reach the cause: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"github: 1 of 6 items failed", "issues acme/web: GET /repos/acme/web/issues: 502 Bad Gateway",
		"prometheus: 1 of 2 items failed", "availability web: query prometheus: connection refused"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if res == nil || !res.Written {
		t.Fatalf("the items that succeeded were not written: %+v", res)
	}
	snap := s.readSnapshot(t, "2026-10")
	want := map[string]int{
		"issues acme/app": 2, "issues acme/web": 1, "issues acme/infra": 2,
		"releases backend": 2, "delivery backend": 2, "goal milestone: acme/app#3": 2,
		"availability api": 2, "availability web": 1,
	}
	if got := gens(snap); !mapsEqual(got, want) {
		t.Errorf("generations %v\nwant %v", got, want)
	}
	for _, src := range []string{GitHubSource, PrometheusSource} {
		if got := snap.Sources[src].CollectedAt; !got.Equal(oldTime) {
			t.Errorf("sources[%s] moved to %v although an item failed", src, got)
		}
	}
	var kept []string
	for _, ch := range res.Changes {
		if ch.Kind == Kept {
			kept = append(kept, ch.Section+" "+ch.Item)
		}
	}
	if !slices.Equal(kept, []string{"issues acme/web", "availability web"}) {
		t.Errorf("kept %v", kept)
	}
}

// TestCollectLessDataKeepsOldFigures: a Prometheus that answers, but with
// less of the month than the snapshot has (a new URL, a fresh data
// directory, retention), must not replace the figures; --force may.
func TestCollectLessDataKeepsOldFigures(t *testing.T) {
	for _, cov := range []float64{0, 0.4} {
		s := newSite(t)
		s.writeSnapshot(t, oldSnapshot(t, s))
		prom := &fakePrometheus{gen: 2, coverage: &cov}
		res, err := s.collector(t, &fakeGitHub{gen: 2}, prom, nov3).Collect(context.Background(), Request{Month: "2026-10", Only: []string{PrometheusSource}})
		if !errors.Is(err, ErrLessData) {
			t.Fatalf("coverage %v: err = %v, want ErrLessData", cov, err)
		}
		for _, want := range []string{"availability api:", "Prometheus has data for " + snapshot.FormatPercent(cov, 1) + " of the month, the snapshot for 100.0%", "--force"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("coverage %v: error does not say %q:\n%v", cov, want, err)
			}
		}
		if res != nil && res.Written {
			t.Errorf("coverage %v: the snapshot was rewritten", cov)
		}
		if got := gens(s.readSnapshot(t, "2026-10")); got["availability api"] != 1 || got["availability web"] != 1 {
			t.Errorf("coverage %v: figures %v, want the old ones", cov, got)
		}
		// Forced, the new figures replace the old.
		res, err = s.collector(t, &fakeGitHub{gen: 2}, prom, nov3).Collect(context.Background(), Request{Month: "2026-10", Only: []string{PrometheusSource}, Force: true})
		if err != nil || !res.Written {
			t.Fatalf("coverage %v, forced: err %v, result %+v", cov, err, res)
		}
		for _, a := range s.readSnapshot(t, "2026-10").Availability {
			if a.Coverage != cov {
				t.Errorf("coverage %v, forced: %s has coverage %v", cov, a.Component, a.Coverage)
			}
		}
	}
	// More data than before is just an update.
	s := newSite(t)
	half := 0.5
	c := s.collector(t, &fakeGitHub{gen: 1}, &fakePrometheus{gen: 1, coverage: &half}, oldTime)
	if _, err := c.Collect(context.Background(), Request{Month: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, nov3).Collect(context.Background(), Request{Month: "2026-10"}); err != nil {
		t.Errorf("more coverage than before: %v", err)
	}
}

func TestCollectFailureWithoutPreviousFigures(t *testing.T) {
	s := newSite(t)
	boom := errors.New("401 Bad credentials")
	gh := &fakeGitHub{gen: 2, fail: map[string]error{"issues acme/app": boom, "issues acme/web": boom, "issues acme/infra": boom, "releases backend": boom}}
	res, err := s.collector(t, gh, &fakePrometheus{gen: 2}, nov3).Collect(context.Background(), Request{Month: "2026-10"})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	snap := s.readSnapshot(t, "2026-10")
	if len(snap.Issues) != 0 || len(snap.Availability) != 2 {
		t.Errorf("issues %v availability %v", snap.Issues, snap.Availability)
	}
	if _, ok := snap.Sources["github"]; ok {
		t.Error("github recorded as collected")
	}
	if !slices.ContainsFunc(res.Changes, func(c Change) bool { return c.Kind == Missing && c.Item == "acme/app" }) {
		t.Errorf("changes %v do not list acme/app as missing", res.Changes)
	}
}

func TestCollectNothingSucceededWritesNothing(t *testing.T) {
	s := newSite(t)
	down := errors.New("connection refused")
	prom := &fakePrometheus{fail: map[string]error{"api": down, "web": down}}
	res, err := s.collector(t, nil, prom, nov3).Collect(context.Background(), Request{Month: "2026-10"})
	if !errors.Is(err, down) {
		t.Fatalf("error %v", err)
	}
	if res.Written {
		t.Error("written")
	}
	if _, err := os.Stat(s.dataPath("2026-10")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an empty snapshot was created: %v", err)
	}
}

func TestCollectFrozen(t *testing.T) {
	tests := []struct {
		name   string
		report string // front matter of the month's report, "" for none
		frozen bool   // "frozen": true in the file
		want   string // part of the refusal, "" when collect may proceed
	}{
		{"published report", "date: 2026-11-03\n", false, filepath.Join("content", "reports", "2026-10.md") + " was published on 2026-11-03 00:00 CET"},
		{"frozen in the file", "", true, `2026-10.json says "frozen": true`},
		{"both", "date: 2026-11-02\n", true, `published on 2026-11-02 00:00 CET and 2026-10.json says "frozen": true`},
		{"draft report", "date: 2026-11-03\ndraft: true\n", false, ""},
		{"report dated after now", "date: 2026-11-04\n", false, ""},
		{"no report", "", false, ""},
	}
	for _, tt := range tests {
		for _, force := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/force=%v", tt.name, force), func(t *testing.T) {
				s := newSite(t)
				if tt.report != "" {
					s.writeReport(t, "2026-10", tt.report)
				}
				old := oldSnapshot(t, s)
				old.Frozen = tt.frozen
				before := s.writeSnapshot(t, old)

				res, err := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, nov3).Collect(context.Background(), Request{Month: "2026-10", Force: force})
				after, rerr := os.ReadFile(s.dataPath("2026-10"))
				if rerr != nil {
					t.Fatal(rerr)
				}
				if tt.want != "" && !force {
					if !errors.Is(err, ErrFrozen) {
						t.Fatalf("error %v, want ErrFrozen", err)
					}
					for _, part := range []string{tt.want, "--force", "must not change"} {
						if !strings.Contains(err.Error(), part) {
							t.Errorf("refusal %q does not say %q", err, part)
						}
					}
					if string(after) != string(before) {
						t.Error("frozen file changed")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !res.Written || gens(res.Snapshot)["issues acme/app"] != 2 {
					t.Fatalf("not overwritten: %+v", res)
				}
				if got := s.readSnapshot(t, "2026-10"); got.Frozen != tt.frozen {
					t.Errorf("frozen = %v after --force, want it kept as %v", got.Frozen, tt.frozen)
				}
			})
		}
	}
}

func TestCollectDryRunWritesNothing(t *testing.T) {
	t.Run("no file", func(t *testing.T) {
		s := newSite(t)
		res, err := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, nov3).Collect(context.Background(), Request{Month: "2026-10", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Written || !res.Changed || res.Existed {
			t.Errorf("written %v changed %v existed %v", res.Written, res.Changed, res.Existed)
		}
		if _, err := os.Stat(filepath.Join(s.dir, "data")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("data/ was created: %v", err)
		}
		if _, err := snapshot.Decode("dry-run", res.Data); err != nil {
			t.Errorf("dry-run output is not a snapshot: %v", err)
		}
	})
	t.Run("existing file", func(t *testing.T) {
		s := newSite(t)
		before := s.writeSnapshot(t, oldSnapshot(t, s))
		res, err := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, nov3).Collect(context.Background(), Request{Month: "2026-10", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		after, err := os.ReadFile(s.dataPath("2026-10"))
		if err != nil {
			t.Fatal(err)
		}
		if string(after) != string(before) || res.Written {
			t.Error("dry run changed the file")
		}
		if !strings.Contains(string(res.Data), `"opened": 2`) {
			t.Errorf("dry-run data lacks the new figures:\n%s", res.Data)
		}
		entries, _ := os.ReadDir(filepath.Join(s.dir, "data"))
		if len(entries) != 1 {
			t.Errorf("data/ holds %d entries, want only the snapshot", len(entries))
		}
	})
}

func TestCollectUnchangedIsNotRewritten(t *testing.T) {
	s := newSite(t)
	c := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, nov3)
	if _, err := c.Collect(context.Background(), Request{Month: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(s.dataPath("2026-10"))
	res, err := c.Collect(context.Background(), Request{Month: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed || res.Written {
		t.Errorf("identical re-run: changed %v written %v", res.Changed, res.Written)
	}
	for _, ch := range res.Changes {
		if ch.Kind != Unchanged {
			t.Errorf("change %v on an identical re-run", ch)
		}
	}
	after, _ := os.Stat(s.dataPath("2026-10"))
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("file rewritten")
	}
}

func TestCollectGoalsFromReport(t *testing.T) {
	s := newSite(t)
	s.writeReport(t, "2026-10", `date: 2026-11-20
draft: true
goals:
  - title: PG16
    status: done
    milestone: acme/app#3
  - title: No tracker
    status: pushed
  - title: Same milestone again
    status: in-progress
    milestone: acme/app#3
next_goals:
  - Plain next goal
  - title: Faster releases
    issue: acme/web#42
`)
	// Another month's broken report must not matter.
	s.writeReport(t, "2026-09", "date: [\n")
	old := oldSnapshot(t, s)
	old.Goals = append(old.Goals, snapshot.Goal{Ref: "issue: acme/app#1", Kind: "issue", State: "closed"})
	s.writeSnapshot(t, old)

	gh := &fakeGitHub{gen: 2}
	res, err := s.collector(t, gh, nil, nov3).Collect(context.Background(), Request{Month: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	for _, call := range gh.calls {
		if ref, ok := strings.CutPrefix(call, "goal "); ok {
			asked = append(asked, ref)
		}
	}
	if want := []string{"milestone: acme/app#3", "issue: acme/web#42"}; !slices.Equal(asked, want) {
		t.Errorf("goals asked %q, want %q", asked, want)
	}
	var refs []string
	for _, g := range s.readSnapshot(t, "2026-10").Goals {
		refs = append(refs, g.Ref)
	}
	if want := []string{"issue: acme/web#42", "milestone: acme/app#3"}; !slices.Equal(refs, want) {
		t.Errorf("goals in file %q, want %q (the goal dropped from the report removed)", refs, want)
	}
	if !slices.Contains(res.Changes, Change{Section: "goals", Item: "issue: acme/app#1", Kind: Removed}) {
		t.Errorf("changes %v lack the removed goal", res.Changes)
	}
}

func TestCollectBrokenMonthReport(t *testing.T) {
	s := newSite(t)
	s.writeReport(t, "2026-10", "date: 2026-11-20\ngoals:\n  - title: x\n    status: finished\n")
	_, err := s.collector(t, &fakeGitHub{}, nil, nov3).Collect(context.Background(), Request{Month: "2026-10"})
	if err == nil || !strings.Contains(err.Error(), "2026-10.md:6: unknown goal status") {
		t.Fatalf("error %v, want the report's line", err)
	}
	if _, err := os.Stat(s.dataPath("2026-10")); !errors.Is(err, os.ErrNotExist) {
		t.Error("written despite the broken report")
	}
}

func TestCollectUnreadableSnapshotIsNotReplaced(t *testing.T) {
	s := newSite(t)
	if err := os.MkdirAll(filepath.Join(s.dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := []byte("{\"schema\": 1,\n\"month\": \"2026-10\",\n\"isues\": []}\n")
	if err := os.WriteFile(s.dataPath("2026-10"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.collector(t, &fakeGitHub{gen: 2}, &fakePrometheus{gen: 2}, nov3).Collect(context.Background(), Request{Month: "2026-10", Force: true})
	if err == nil || !strings.Contains(err.Error(), "isues") || !strings.Contains(err.Error(), "move the file away") {
		t.Fatalf("error %v", err)
	}
	after, _ := os.ReadFile(s.dataPath("2026-10"))
	if string(after) != string(bad) {
		t.Error("unreadable file replaced")
	}
}

func TestCollectExclusionWindows(t *testing.T) {
	s := newSite(t)
	berlin := s.cfg.Location
	maint := Window{Start: time.Date(2026, 10, 31, 23, 0, 0, 0, berlin), End: time.Date(2026, 11, 1, 1, 0, 0, 0, berlin), Components: []string{"api"}, Reason: "DB upgrade"}
	all := Window{Start: time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 10, 1, 0, 0, 0, time.UTC), Reason: "network"}
	before := Window{Start: time.Date(2026, 9, 30, 20, 0, 0, 0, berlin), End: time.Date(2026, 10, 1, 0, 0, 0, 0, berlin), Reason: "ends as October begins"}
	after := Window{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, berlin), End: time.Date(2026, 11, 1, 2, 0, 0, 0, berlin), Reason: "starts as October ends"}
	prom := &fakePrometheus{gen: 2}
	c, err := New(Options{Config: s.cfg, DataDir: filepath.Join(s.dir, "data"), Prometheus: prom, Exclude: []Window{maint, all, before, after}, Now: func() time.Time { return nov3 }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Collect(context.Background(), Request{Month: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"api": {"DB upgrade", "network"}, "web": {"network"}}
	for _, call := range prom.calls {
		var reasons []string
		for _, w := range call.exclude {
			reasons = append(reasons, w.Reason)
		}
		if call.month != "2026-10" || !slices.Equal(reasons, want[call.comp]) {
			t.Errorf("%s: month %s windows %q, want %q", call.comp, call.month, reasons, want[call.comp])
		}
	}
	if len(prom.calls) != 2 {
		t.Errorf("%d calls", len(prom.calls))
	}
}

func TestCollectRequestErrors(t *testing.T) {
	tests := []struct {
		name    string
		req     Request
		gh      bool
		prom    bool
		wantMsg string
	}{
		{"malformed month", Request{Month: "2026-13"}, true, true, `month "2026-13" is not of the form YYYY-MM`},
		{"future month", Request{Month: "2026-12"}, true, true, "month 2026-12 has not begun yet (it starts 2026-12-01 00:00 CET)"},
		{"unknown source", Request{Only: []string{"jira"}}, true, true, `unknown source "jira" (sources: github, gitlab, prometheus)`},
		{"unconfigured source", Request{Only: []string{"prometheus"}}, true, false, "source prometheus is not configured: set prometheus.url"},
		{"nothing configured", Request{}, false, false, "nothing to collect for 2026-10: github is not configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t)
			var gh GitHub
			var prom Prometheus
			if tt.gh {
				gh = &fakeGitHub{}
			}
			if tt.prom {
				prom = &fakePrometheus{}
			}
			_, err := s.collector(t, gh, prom, nov3).Collect(context.Background(), tt.req)
			var re *RequestError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %v, want a RequestError saying %q", err, tt.wantMsg)
			}
		})
	}
}

func TestCollectSourceWithNothingToDo(t *testing.T) {
	s := newSite(t)
	s.cfg.GitHub.Repositories, s.cfg.Tracks = nil, nil
	c := s.collector(t, &fakeGitHub{}, &fakePrometheus{gen: 2}, nov3)
	_, err := c.Collect(context.Background(), Request{Month: "2026-10", Only: []string{"github"}})
	if err == nil || !strings.Contains(err.Error(), "source github has nothing to collect for 2026-10") {
		t.Fatalf("error %v", err)
	}
	// Chosen by default, an idle source is skipped and the others run.
	res, err := c.Collect(context.Background(), Request{Month: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sources) != 1 || res.Sources[0].Name != "prometheus" {
		t.Errorf("sources %+v", res.Sources)
	}
}

func TestCollectCurrentMonthIsNoted(t *testing.T) {
	s := newSite(t)
	var notes []string
	c, err := New(Options{Config: s.cfg, DataDir: filepath.Join(s.dir, "data"), Prometheus: &fakePrometheus{gen: 2},
		Now: func() time.Time { return nov3 }, Progress: func(e Event) {
			if e.Kind == Note {
				notes = append(notes, e.Msg)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Collect(context.Background(), Request{Month: "2026-11", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "2026-11 has not ended") || !strings.Contains(notes[0], "2026-12-01 00:00 CET") {
		t.Errorf("notes %q", notes)
	}
}

// cancelling cancels its context when asked for a given repository, as a
// Ctrl-C during that request would.
type cancelling struct {
	fakeGitHub
	at     string
	cancel context.CancelFunc
}

func (c *cancelling) Issues(ctx context.Context, repo config.Repository, start, end time.Time) (snapshot.RepoIssues, error) {
	if repo.Name == c.at {
		c.cancel()
		return snapshot.RepoIssues{}, ctx.Err()
	}
	return c.fakeGitHub.Issues(ctx, repo, start, end)
}

func TestCollectInterruptedWritesNothing(t *testing.T) {
	s := newSite(t)
	before := s.writeSnapshot(t, oldSnapshot(t, s))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gh := &cancelling{fakeGitHub: fakeGitHub{gen: 2}, at: "acme/web", cancel: cancel}
	prom := &fakePrometheus{gen: 2}
	_, err := s.collector(t, gh, prom, nov3).Collect(ctx, Request{Month: "2026-10"})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted at issues acme/web, nothing written") {
		t.Fatalf("error %v", err)
	}
	after, _ := os.ReadFile(s.dataPath("2026-10"))
	if string(after) != string(before) {
		t.Error("file changed by an interrupted run")
	}
	if len(prom.calls) != 0 {
		t.Errorf("prometheus asked after the interrupt: %v", prom.calls)
	}
}

func TestNewRequiresConfigAndDataDir(t *testing.T) {
	s := newSite(t)
	for name, o := range map[string]Options{
		"no config":   {DataDir: "data"},
		"no data dir": {Config: s.cfg},
		"no location": {Config: &config.Config{}, DataDir: "data"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(o); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
