package site

import (
	"strings"
	"testing"
)

// TestReportGitLabProject: a GitLab project's counts sit beside a GitHub
// repository of the same path, each linked to its own host (a
// self-managed GitLab under a path keeps the path), each with its own
// 12-month chart; the header then says merge requests too, and a GitLab
// milestone is written as GitLab writes it (group/project%N).
func TestReportGitLabProject(t *testing.T) {
	dir := writeArchive(t, `
-- config.toml --
title = "T"
base_url = "https://t.example/"
[gitlab]
api_url = "https://git.example.com/gitlab/api/v4/"
-- content/reports/2026-10.md --
---
title: October
date: 2026-11-02
goals:
  - {title: Edge, status: done, milestone: infra/edge%2}
  - {title: App, status: done, milestone: acme/app#3}
---
-- data/2026-09.json --
{"schema": 1, "month": "2026-09", "frozen": false, "sources": {}, "releases": [], "availability": [], "goals": [],
 "issues": [
  {"repository": "acme/app", "provider": "gitlab", "labels": [], "opened": 7, "closed": 6, "open_at_end": 5, "pull_requests": {"opened": 0, "closed": 0, "open_at_end": 0}}
 ]}
-- data/2026-10.json --
{"schema": 1, "month": "2026-10", "frozen": false, "sources": {}, "releases": [], "availability": [],
 "issues": [
  {"repository": "acme/app", "labels": [], "opened": 1, "closed": 2, "open_at_end": 3, "pull_requests": {"opened": 4, "closed": 5, "open_at_end": 6}},
  {"repository": "acme/app", "provider": "gitlab", "labels": [], "opened": 11, "closed": 12, "open_at_end": 13, "pull_requests": {"opened": 14, "closed": 15, "open_at_end": 16}}
 ],
 "goals": [
  {"ref": "milestone: infra/edge%2", "kind": "milestone", "repository": "infra/edge", "provider": "gitlab", "number": 2, "title": "Edge", "state": "closed", "url": "https://git.example.com/gitlab/infra/edge/-/milestones/2", "closed": 4, "total": 4, "due": null, "closed_at": null},
  {"ref": "milestone: acme/app#3", "kind": "milestone", "repository": "acme/app", "number": 3, "title": "App", "state": "closed", "url": "https://github.com/acme/app/milestone/3", "closed": 1, "total": 1, "due": null, "closed_at": null}
 ]}
`)
	files := renderSite(t, dir, "", Options{})
	page := string(files["reports/2026/10/index.html"])
	for _, want := range []string{
		`<th scope="col">Pull or merge requests opened / merged or closed</th>`,
		`<a href="https://github.com/acme/app"><span class="nowrap">acme</span>/<wbr><span class="nowrap">app</span></a></th><td data-label="Opened">1</td><td data-label="Closed">2</td><td data-label="Open at month end">3</td><td data-label="Pull or merge requests opened / merged or closed">4 / 5</td>`,
		`<a href="https://git.example.com/gitlab/acme/app"><span class="nowrap">acme</span>/<wbr><span class="nowrap">app</span></a></th><td data-label="Opened">11</td><td data-label="Closed">12</td><td data-label="Open at month end">13</td><td data-label="Pull or merge requests opened / merged or closed">14 / 15</td>`,
		`<title id="issues-gitlab-acme-app-t">`,
		`<title id="issues-acme-app-t">`,
		`<th scope="row">Sep</th><td>7</td><td>6</td>`, // the GitLab project's September, not GitHub's
		`<a class="tracker" href="https://git.example.com/gitlab/infra/edge/-/milestones/2">infra/edge%2</a>`,
		`<a class="tracker" href="https://github.com/acme/app/milestone/3">acme/app#3</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if strings.Count(page, `<th scope="row">Sep</th><td>7</td>`) != 1 {
		t.Errorf("September's GitLab figures appear in %d charts, want 1", strings.Count(page, `<th scope="row">Sep</th><td>7</td>`))
	}
}
