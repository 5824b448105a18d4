package cli

import (
	"bytes"
	"crypto/sha1"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/gitlab/gitlabtest"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// The example site's GitLab project: the Orbit Docs team's edge proxy,
// infra/edge-proxy on their self-managed GitLab, deployed to the
// "production" environment (a "staging" deployment precedes each). Its
// history is a schedule with a few events a year, so that every DORA case
// shows up on the example site:
//
//   - deployments on Tuesdays and Thursdays at 09:00 UTC, each shipping
//     one to three merge requests merged hours or days before;
//   - no deployments in December 2025 (a change freeze): a month whose
//     keys are "—";
//   - 11 August 2026: the morning's deployment is rolled back at 13:00
//     (a deployment of the previous commit);
//   - 22 October 2026: an afternoon deployment fails at 15:06 and is
//     retried successfully at 17:10; the morning's counts as failed;
//   - 5 March 2026: a deployment is canceled (left out);
//   - 17 November 2026: the deployment that the incident of 18 November
//     names in caused_by.
//
// Issues are opened on the 3rd, 9th, 16th and 22nd of each month and
// closed five days later, but every fifth stays open; milestone %4 holds
// the issues opened since September.

// exGitLabPath is the example's GitLab project.
const exGitLabPath = "infra/edge-proxy"

// exGitLabToken is the GITLAB_TOKEN of the example tests.
const exGitLabToken = "glpat-ExampleTokenThatMustNeverLeak42"

// exGitLabProject builds the project's history up to the end of November 2026.
func exGitLabProject() gitlabtest.Project {
	p := gitlabtest.Project{ID: 41, Path: exGitLabPath}
	sha := func(n int) string {
		return fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprintf("infra/edge-proxy commit %d", n))))
	}
	refs := map[string]string{} // commit to tag
	first := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	freezeFrom := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	freezeTo := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// How long before its deployment each merge request was merged, in
	// minutes, cycled through.
	leads := []int{180, 1560, 300, 2990, 90, 1200, 420, 45, 4320, 600}

	depID, mrIID, commit, lead := 7000, 100, 0, 0
	prevSHA := ""
	addMRs := func(deployedAt time.Time, n int) []int {
		var iids []int
		for range n {
			mrIID++
			merged := deployedAt.Add(-time.Duration(leads[lead%len(leads)]) * time.Minute)
			lead++
			p.MergeRequests = append(p.MergeRequests, gitlabtest.MergeRequest{
				IID: mrIID, Title: fmt.Sprintf("Edge change %d", mrIID), State: "merged",
				CreatedAt: merged.Add(-26 * time.Hour), MergedAt: &merged, SHA: sha(1000 + mrIID),
			})
			iids = append(iids, mrIID)
		}
		return iids
	}
	deploy := func(env, status string, created, finished time.Time, sha string, mrs []int) {
		depID++
		p.Deployments = append(p.Deployments, gitlabtest.Deployment{
			ID: depID, Environment: env, Ref: refs[sha], SHA: sha, Status: status,
			CreatedAt: created, FinishedAt: finished, MergeRequests: mrs,
		})
	}
	for day := first; day.Before(last); day = day.AddDate(0, 0, 1) {
		wd := day.Weekday()
		if wd != time.Tuesday && wd != time.Thursday {
			continue
		}
		if !day.Before(freezeFrom) && day.Before(freezeTo) {
			continue
		}
		at := day.Add(9 * time.Hour)
		commit++
		s := sha(commit)
		refs[s] = day.Format("2006.01.02") // calendar versions
		deploy("staging", "success", at.Add(-20*time.Hour), at.Add(-20*time.Hour+9*time.Minute), s, nil)
		if day.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)) {
			deploy("production", "canceled", at, at.Add(3*time.Minute), s, nil)
			continue
		}
		finished := at.Add(time.Duration(11+commit%7) * time.Minute)
		deploy("production", "success", at, finished, s, addMRs(finished, 1+commit%3))
		switch {
		case day.Equal(time.Date(2026, 8, 11, 0, 0, 0, 0, time.UTC)):
			// Rolled back to the previous commit at 13:00.
			deploy("production", "success", day.Add(13*time.Hour), day.Add(13*time.Hour+8*time.Minute), prevSHA, nil)
			s = prevSHA // live again; Thursday ships the fix
		case day.Equal(time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC)):
			commit++
			s = sha(commit)
			refs[s] = day.Format("2006.01.02") + ".1"
			deploy("production", "failed", day.Add(15*time.Hour), day.Add(15*time.Hour+6*time.Minute), s, nil)
			retried := day.Add(17*time.Hour + 10*time.Minute)
			deploy("production", "success", day.Add(17*time.Hour), retried, s, addMRs(retried, 1))
		}
		prevSHA = s
	}

	iid := 0
	for m := first; m.Before(last); m = m.AddDate(0, 1, 0) {
		for _, d := range []int{3, 9, 16, 22} {
			iid++
			created := m.AddDate(0, 0, d-1).Add(10 * time.Hour)
			is := gitlabtest.Issue{IID: iid, Title: fmt.Sprintf("Edge issue %d", iid), State: "opened", CreatedAt: created}
			if iid%5 != 0 {
				closed := created.AddDate(0, 0, 5)
				if closed.Before(last) {
					is.State, is.ClosedAt = "closed", &closed
				}
			}
			if !created.Before(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) {
				is.Milestone = 4
			}
			p.Issues = append(p.Issues, is)
		}
		// One merge request a month is closed without being merged, one
		// opened on the 27th stays open.
		mrIID++
		created, closed := m.AddDate(0, 0, 24), m.AddDate(0, 0, 26)
		p.MergeRequests = append(p.MergeRequests, gitlabtest.MergeRequest{IID: mrIID, Title: "Abandoned idea", State: "closed", CreatedAt: created, ClosedAt: &closed})
		mrIID++
		p.MergeRequests = append(p.MergeRequests, gitlabtest.MergeRequest{IID: mrIID, Title: "Draft: next step", State: "opened", CreatedAt: m.AddDate(0, 0, 26)})
	}
	p.Milestones = []gitlabtest.Milestone{
		{ID: 904, IID: 3, Title: "Edge proxy on Envoy 1.32", State: "closed", Due: "2026-08-31"},
		{ID: 905, IID: 4, Title: "Edge proxy serves HTTP/3", State: "active", Due: "2026-12-18"},
	}
	return p
}

// updateExample rewrites the example site's data/ from the fake GitLab
// (go test ./internal/cli -run TestExampleGitLabCollect -update-example).
var updateExample = flag.Bool("update-example", false, "rewrite the example site's data/ GitLab entries from the fake GitLab")

// exGitLabMonths are the months of the example's data/ that hold GitLab
// figures: the twelve months the October report's trends show, and
// November.
var exGitLabMonths = []string{"2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
	"2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}

// exCollectedAt is when the example's months were collected: 06:00 UTC on
// the 1st of the next month.
func exCollectedAt(month string) time.Time {
	m, _ := time.Parse("2006-01", month)
	return m.AddDate(0, 1, 0).Add(6 * time.Hour)
}

// exWithGitLab points the example copy's [gitlab] at srv.
func exWithGitLab(tb testing.TB, dir string, srv *gitlabtest.Server) {
	tb.Helper()
	cfgPath := filepath.Join(dir, "config.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte(exSetKey(tb, string(cfg), "gitlab", "api_url", srv.URL)), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestExampleGitLabCollect is issue 17's "done means": on the example site,
// `bulletin collect --only gitlab` against a fake GitLab (a self-managed
// one, under /gitlab/api/v4/) writes the GitLab entries of data/ exactly as
// the repository holds them, for every month, and leaves every other entry
// of the files as it was. October's figures are also checked against
// values computed here from the project's history, by the DORA
// definitions, independently of internal/dora.
func TestExampleGitLabCollect(t *testing.T) {
	project := exGitLabProject()
	srv := gitlabtest.Start(t, gitlabtest.Options{
		BasePath: "/gitlab/api/v4/", Token: exGitLabToken, PageSize: 20, WebURL: "https://git.orbitdocs.example/gitlab"}, project)
	dir := exCopyExample(t)
	exWithGitLab(t, dir, srv)

	for _, month := range exGitLabMonths {
		r := newExRunner(exCollectedAt(month))
		if code := r.run(t, "collect", "--source", dir, "--month", month, "--force", "--only", "gitlab"); code != 0 {
			t.Fatalf("collect %s: exit %d\n%s", month, code, r.stderr.String())
		}
		if !strings.Contains(r.stderr.String(), "gitlab: ") || strings.Contains(r.all.String(), exGitLabToken) {
			t.Errorf("%s: no request count, or the token was printed:\n%s", month, r.stderr.String())
		}
		got, err := os.ReadFile(filepath.Join(dir, "data", month+".json"))
		if err != nil {
			t.Fatal(err)
		}
		repoPath := filepath.Join("..", "..", "data", month+".json")
		if *updateExample {
			if err := os.WriteFile(repoPath, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(repoPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("collect --only gitlab of %s differs from data/%s.json (run with -update-example and review the diff): %s",
				month, month, firstLineDiff(want, got))
		}
	}
	for _, req := range srv.Requests() {
		if req.Token != exGitLabToken {
			t.Errorf("%s %s sent without the token", req.Method, req.Path)
		}
	}
	exAssertNotStored(t, dir, exGitLabToken)

	oct, err := snapshot.Read(filepath.Join(dir, "data", "2026-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	exCheckGitLabOctober(t, oct, project)
}

// exCheckGitLabOctober checks October's GitLab entries against the
// project's history.
func exCheckGitLabOctober(t *testing.T, s *snapshot.Snapshot, p gitlabtest.Project) {
	t.Helper()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start, end := time.Date(2026, 10, 1, 0, 0, 0, 0, berlin), time.Date(2026, 11, 1, 0, 0, 0, 0, berlin)
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }

	// Issues and merge requests.
	var opened, closed, openAtEnd int
	for _, is := range p.Issues {
		if in(is.CreatedAt) {
			opened++
		}
		if is.ClosedAt != nil && in(*is.ClosedAt) {
			closed++
		}
		if is.CreatedAt.Before(end) && (is.ClosedAt == nil || !is.ClosedAt.Before(end)) {
			openAtEnd++
		}
	}
	var mrOpened, mrMerged, mrOpenAtEnd int
	for _, mr := range p.MergeRequests {
		if in(mr.CreatedAt) {
			mrOpened++
		}
		if mr.MergedAt != nil && in(*mr.MergedAt) {
			mrMerged++
		}
		done := mr.MergedAt
		if done == nil {
			done = mr.ClosedAt
		}
		if mr.CreatedAt.Before(end) && (done == nil || !done.Before(end)) {
			mrOpenAtEnd++
		}
	}
	ri, ok := s.RepoOf(snapshot.ProviderGitLab, exGitLabPath)
	if !ok {
		t.Fatalf("no GitLab issue counts for %s", exGitLabPath)
	}
	if got, want := [6]int{ri.Opened, ri.Closed, ri.OpenAtEnd, ri.PullRequests.Opened, ri.PullRequests.Closed, ri.PullRequests.OpenAtEnd},
		[6]int{opened, closed, openAtEnd, mrOpened, mrMerged, mrOpenAtEnd}; got != want {
		t.Errorf("October counts %v, want %v (issues opened, closed, open; merge requests opened, merged, open)", got, want)
	}

	// The DORA keys: production deployments that finished in October.
	merged := map[int]time.Time{}
	for _, mr := range p.MergeRequests {
		if mr.MergedAt != nil {
			merged[mr.IID] = *mr.MergedAt
		}
	}
	var deploys int
	var leads []float64
	for _, d := range p.Deployments {
		if d.Environment != "production" || d.Status != "success" || !in(d.FinishedAt) {
			continue
		}
		deploys++
		for _, iid := range d.MergeRequests {
			leads = append(leads, d.FinishedAt.Sub(merged[iid]).Seconds())
		}
	}
	sort.Float64s(leads)
	median := leads[len(leads)/2]
	if len(leads)%2 == 0 {
		median = (leads[len(leads)/2-1] + leads[len(leads)/2]) / 2
	}
	p90 := leads[int(math.Ceil(0.9*float64(len(leads))))-1]

	var edge *snapshot.Delivery
	for i := range s.Delivery {
		if s.Delivery[i].Track == "edge" {
			edge = &s.Delivery[i]
		}
	}
	if edge == nil {
		t.Fatal("no delivery entry for track edge")
	}
	k := edge.Keys
	// 9 scheduled deployments and the retry of 22 October; the morning of
	// the 22nd failed as a change (a failed deployment followed it within
	// the 24-hour window). No incident on the web component began within
	// 24 hours of an edge deployment (14 October's began 27 hours after
	// the 13th's).
	if deploys != 10 || k.Deployments != deploys || k.FailedChanges != 1 || k.ChangeFailureRate == nil || *k.ChangeFailureRate != 0.1 {
		t.Errorf("deployments %d (history: %d), failed %d, rate %v; want 10, 1, 0.1", k.Deployments, deploys, k.FailedChanges, k.ChangeFailureRate)
	}
	if math.Abs(k.PerWeek-10/(31.0/7)) > 1e-9 {
		t.Errorf("per week %v, want %v", k.PerWeek, 10/(31.0/7))
	}
	if k.Changes != len(leads) || k.LeadTimeMedianSeconds == nil || *k.LeadTimeMedianSeconds != median || k.LeadTimeP90Seconds == nil || *k.LeadTimeP90Seconds != p90 {
		t.Errorf("changes %d, lead time median %v p90 %v; want %d, %v, %v", k.Changes, k.LeadTimeMedianSeconds, k.LeadTimeP90Seconds, len(leads), median, p90)
	}
	// The one incident on the edge proxy's component (web) that began in
	// October: DNS, 14 October 12:05–13:45 UTC.
	if k.Restores != 1 || k.TimeToRestoreSeconds == nil || *k.TimeToRestoreSeconds != 100*60 {
		t.Errorf("restores %d, time to restore %v; want 1, 6000 s", k.Restores, k.TimeToRestoreSeconds)
	}
	var failed []string
	for _, d := range edge.Deployments {
		if d.Failure != "" {
			failed = append(failed, d.At.Format("01-02 15:04")+" "+d.Failure)
		}
	}
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "10-22 09:") || !strings.Contains(failed[0], "followed by failed deployment") {
		t.Errorf("failed changes %q, want the morning of 22 October, followed by a failed deployment", failed)
	}
}

// firstLineDiff names the first line where got differs from want.
func firstLineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, wl, gl)
		}
	}
	return "no difference"
}
