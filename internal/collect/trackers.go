package collect

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/dora"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// tracker is what the month asks of GitHub or of GitLab besides their
// issue counts: release tracks, their production deployments and goals.
type tracker interface {
	ReleaseSource
	DeliverySource
	GoalSource
}

// trackerSections are the sections of the snapshot a tracker fills, each
// limited to the tracker's own entries so that collecting GitHub leaves
// GitLab's entries as they are, and the other way round.
type trackerSections struct {
	issues   *section[snapshot.RepoIssues]
	releases *section[snapshot.Track]
	delivery *section[snapshot.Delivery]
	goals    *section[snapshot.Goal]
}

func (c *Collector) newTrackerSections(provider string) trackerSections {
	cfg := c.opts.Config
	trackRank := func(id string) int {
		i := slices.IndexFunc(cfg.Tracks, func(t config.Track) bool { return t.ID == id })
		if i < 0 {
			return len(cfg.Tracks)
		}
		return i
	}
	ts := trackerSections{
		issues: newSection("issues",
			func(s *snapshot.Snapshot) *[]snapshot.RepoIssues { return &s.Issues },
			func(r snapshot.RepoIssues) string { return issuesKey(r.Provider, r.Repository) }),
		releases: newSection("releases",
			func(s *snapshot.Snapshot) *[]snapshot.Track { return &s.Releases },
			func(t snapshot.Track) string { return t.Track }),
		delivery: newSection("delivery",
			func(s *snapshot.Snapshot) *[]snapshot.Delivery { return &s.Delivery },
			func(d snapshot.Delivery) string { return d.Track }),
		goals: newSection("goals",
			func(s *snapshot.Snapshot) *[]snapshot.Goal { return &s.Goals },
			func(g snapshot.Goal) string { return g.Ref }),
	}
	ts.issues.owns = func(r snapshot.RepoIssues) bool { return r.Provider == provider }
	ts.releases.owns = func(t snapshot.Track) bool { return t.Provider == provider }
	ts.releases.rank = func(t snapshot.Track) int { return trackRank(t.Track) }
	ts.delivery.owns = func(d snapshot.Delivery) bool { return d.Provider == provider }
	ts.delivery.rank = func(d snapshot.Delivery) int { return trackRank(d.Track) }
	ts.goals.owns = func(g snapshot.Goal) bool { return g.Provider == provider }
	return ts
}

func (ts trackerSections) merger() merger {
	return merger{ts.issues, ts.releases, ts.delivery, ts.goals}
}

// issuesKey names a repository's or project's issue counts in a run's
// changes: GitLab's are prefixed, so a GitLab project and a GitHub
// repository of the same path stay apart.
func issuesKey(provider, path string) string {
	if provider == snapshot.ProviderGitLab {
		return "gitlab:" + path
	}
	return path
}

// githubJobs lists the GitHub items of the month: every configured
// repository and GitHub track (its releases and its delivery), and every
// goal reference of the month's report that is not GitLab's.
func (c *Collector) githubJobs(report *content.Report, start, end time.Time) ([]job, merger) {
	gh := c.opts.GitHub
	if gh == nil {
		return nil, nil
	}
	ts := c.newTrackerSections(snapshot.ProviderGitHub)
	var jobs []job
	for _, repo := range c.opts.Config.GitHub.Repositories {
		ts.issues.keys = append(ts.issues.keys, repo.Name)
		jobs = append(jobs, job{item: "issues " + repo.Name, fetch: func(ctx context.Context) error {
			r, err := gh.Issues(ctx, repo, start, end)
			if err != nil {
				return err
			}
			// Keyed by the config's name whatever the source echoes, so
			// the next merge finds the entry again.
			r.Repository, r.Provider = repo.Name, snapshot.ProviderGitHub
			ts.issues.fresh[repo.Name] = r
			return nil
		}})
	}
	jobs = append(jobs, c.trackerJobs(config.ProviderGitHub, gh, ts, report, start, end)...)
	return jobs, ts.merger()
}

// gitlabJobs lists the GitLab items of the month: every configured project
// and GitLab track, and the report's GitLab goal references.
func (c *Collector) gitlabJobs(report *content.Report, start, end time.Time) ([]job, merger) {
	gl := c.opts.GitLab
	if gl == nil {
		return nil, nil
	}
	ts := c.newTrackerSections(snapshot.ProviderGitLab)
	var jobs []job
	for _, p := range c.opts.Config.GitLab.Projects {
		key := issuesKey(snapshot.ProviderGitLab, p.Path)
		ts.issues.keys = append(ts.issues.keys, key)
		jobs = append(jobs, job{item: "issues " + key, fetch: func(ctx context.Context) error {
			r, err := gl.Issues(ctx, p, start, end)
			if err != nil {
				return err
			}
			r.Repository, r.Provider = p.Path, snapshot.ProviderGitLab
			ts.issues.fresh[key] = r
			return nil
		}})
	}
	jobs = append(jobs, c.trackerJobs(config.ProviderGitLab, gl, ts, report, start, end)...)
	return jobs, ts.merger()
}

// trackerJobs lists, for the tracks and goals of one provider, a releases
// and a delivery job per track and a job per goal reference.
func (c *Collector) trackerJobs(provider string, src tracker, ts trackerSections, report *content.Report, start, end time.Time) []job {
	cfg := c.opts.Config
	stored := snapshot.ProviderGitHub
	if provider == config.ProviderGitLab {
		stored = snapshot.ProviderGitLab
	}
	var jobs []job
	for _, track := range cfg.Tracks {
		if track.Provider() != provider {
			continue
		}
		ts.releases.keys = append(ts.releases.keys, track.ID)
		jobs = append(jobs, job{item: "releases " + track.ID, fetch: func(ctx context.Context) error {
			t, err := src.Releases(ctx, track, start, end)
			if err != nil {
				return err
			}
			t.Track, t.Provider = track.ID, stored
			ts.releases.fresh[track.ID] = t
			return nil
		}})
	}
	for _, track := range cfg.Tracks {
		if track.Provider() != provider {
			continue
		}
		ts.delivery.keys = append(ts.delivery.keys, track.ID)
		jobs = append(jobs, job{item: "delivery " + track.ID, fetch: func(ctx context.Context) error {
			from, to := c.deliveryWindow(provider, track, start, end)
			raw, err := src.Delivery(ctx, track, from, to)
			if err != nil {
				return err
			}
			raw.Track, raw.Provider = track.ID, stored
			if raw.Name == "" {
				raw.Name = track.Name
			}
			d := dora.Compute(raw, dora.Input{Track: track, Start: start, End: end, Incidents: c.opts.Incidents})
			ts.delivery.fresh[track.ID] = d
			return nil
		}})
	}
	for _, ref := range goalRefs(report) {
		if GoalProvider(cfg, ref) != provider {
			continue
		}
		ts.goals.keys = append(ts.goals.keys, ref)
		jobs = append(jobs, job{item: "goal " + ref, fetch: func(ctx context.Context) error {
			g, err := src.Goal(ctx, ref)
			if err != nil {
				return err
			}
			g.Ref, g.Provider = ref, stored
			ts.goals.fresh[ref] = g
			return nil
		}})
	}
	return jobs
}

// deliveryWindow is the span of deployments the DORA keys of a month need:
// from the look-back before the month (to know what was live, and so tell
// rollbacks and what each deployment shipped) to the failure window after
// it (a deployment late in the month may fail early in the next), but not
// beyond now.
func (c *Collector) deliveryWindow(provider string, track config.Track, start, end time.Time) (from, to time.Time) {
	days := c.opts.Config.GitHub.LookbackDays
	if provider == config.ProviderGitLab {
		days = c.opts.Config.GitLab.LookbackDays
	}
	if days == 0 {
		days = defaultLookbackDays
	}
	from = start.AddDate(0, 0, -days)
	to = end.Add(track.Window())
	if now := c.opts.Now(); to.After(now) {
		to = now
	}
	return from, to
}

// defaultLookbackDays is the collectors' default look-back.
const defaultLookbackDays = 14

// goalRefs returns the tracker references of the report's goals and next
// goals, each once, in report order. Next goals are included because the
// report shows them too, and their state at the month's end (e.g. a
// milestone already half done) is part of the record.
func goalRefs(r *content.Report) []string {
	if r == nil {
		return nil
	}
	var refs []string
	seen := map[string]bool{}
	for _, list := range [][]content.Goal{r.Goals, r.NextGoals} {
		for _, g := range list {
			if ref := g.Ref(); ref != "" && !seen[ref] {
				seen[ref] = true
				refs = append(refs, ref)
			}
		}
	}
	return refs
}

// GoalProvider says which tracker a goal reference ("milestone:
// group/project%3", "issue: acme/app#42") is looked up in: GitLab when it
// uses GitLab's milestone syntax (%), when its path has subgroups (GitHub
// paths are owner/name), or when its project is one of [[gitlab.projects]]
// or the project of a GitLab track; GitHub otherwise.
func GoalProvider(cfg *config.Config, ref string) string {
	_, target, _ := strings.Cut(ref, ":")
	target = strings.TrimSpace(target)
	path, _, hasPercent := strings.Cut(target, "%")
	if hasPercent {
		return config.ProviderGitLab
	}
	path, _, _ = strings.Cut(path, "#")
	if strings.Count(path, "/") >= 2 {
		return config.ProviderGitLab
	}
	for _, p := range cfg.GitLab.Projects {
		if p.Path == path {
			return config.ProviderGitLab
		}
	}
	for _, t := range cfg.Tracks {
		if t.Project == path {
			return config.ProviderGitLab
		}
	}
	return config.ProviderGitHub
}
