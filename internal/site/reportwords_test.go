package site

import (
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// TestReportWords: what issue 15 found wrong in the reports' words, each
// in one site: a maintenance window named once, the error budget with the
// same precision in the table as in the text, a goal reviewed as done
// whose milestone is still open, a draft that is not yet published, and
// the archive page without a second heading.
func TestReportWords(t *testing.T) {
	dir := writeArchive(t, `
-- config.toml --
title = "T"
base_url = "https://t.example/"
[[components]]
id = "cdn"
name = "CDN"
slo = 99.9
-- content/reports/2026-10.md --
---
title: October
date: 2026-11-02
goals:
  - {title: Edge, status: done, milestone: acme/app#3}
---

Budget left: {{< figure "uptime.cdn.budget" >}}.
-- content/reports/2026-11.md --
---
title: November
date: 2027-01-01
draft: true
---
-- data/2026-10.json --
{"schema": 1, "month": "2026-10", "frozen": false, "sources": {}, "issues": [], "releases": [],
 "availability": [{"component": "cdn", "ratio": 0.995522, "coverage": 1, "slo": 0.999, "error_budget_remaining": -3.478,
   "excluded": [{"start": "2026-10-20T20:00:00Z", "end": "2026-10-20T22:00:00Z", "reason": "maintenance: CDN migration"},
                {"start": "2026-10-21T20:00:00Z", "end": "2026-10-21T20:30:00Z", "reason": "excluded in config.toml"}],
   "daily": [{"date": "2026-10-20", "ratio": 1, "coverage": 1}]}],
 "goals": [{"ref": "milestone: acme/app#3", "kind": "milestone", "repository": "acme/app", "number": 3, "title": "Edge", "state": "open", "url": "https://github.com/acme/app/milestone/3", "closed": 9, "total": 14, "due": null, "closed_at": null}]}
`)
	files := renderSite(t, dir, "", Options{Drafts: true, Future: true})
	oct := string(files["reports/2026/10/index.html"])
	for _, want := range []string{
		`Left out of the availability: CDN migration (maintenance, 2h); excluded in config.toml (30m)`,
		`<span class="figure" title="uptime.cdn.budget">-347.80%</span>`,
		`</span> -347.80%</td>`,
		`<span class="progress">9/14 issues closed</span> · <span class="warn">the milestone is still open</span>`,
	} {
		if !strings.Contains(oct, want) {
			t.Errorf("October lacks %s", want)
		}
	}
	if strings.Contains(oct, "maintenance: CDN") || strings.Contains(oct, "-348%") {
		t.Error("October still doubles the maintenance label or rounds the budget differently from its text")
	}
	nov := string(files["reports/2026/11/index.html"])
	if !strings.Contains(nov, `Draft, to be published <time datetime="2027-01-01T00:00:00Z">1 January 2027</time>`) || strings.Contains(nov, "Published <time") {
		t.Errorf("a draft says it is published:\n%.600s", nov[strings.Index(nov, `class="byline"`):])
	}
	archive := string(files["reports/index.html"])
	if !strings.Contains(archive, `<h1 id="archive">All reports</h1>`) || strings.Contains(archive, `>Archive</h2>`) {
		t.Error(`the archive page heads its list twice ("All reports", then "Archive")`)
	}
	if home := string(files["index.html"]); !strings.Contains(home, `<h2 id="archive">Archive</h2>`) {
		t.Error("the home page lost its archive heading")
	}
}

func TestReleaseSentence(t *testing.T) {
	h := func(x float64) snapshot.Release { return snapshot.Release{Name: "r", DurationSeconds: x * 3600} }
	track := func(rels ...snapshot.Release) snapshot.Track {
		return snapshot.Track{Name: "backend", Releases: rels, Summary: snapshot.Summarize(rels, 3)}
	}
	five := track(h(1), h(1.5), h(2), h(2.5), h(24))
	tests := []struct {
		name string
		t    snapshot.Track
		cfg  config.Track
		want string
	}{
		{"outlier threshold", five, config.Track{},
			"5 backend releases, median 2h, 90% within 1d. 4 of 5 took under 6h; 1 outlier, the slowest taking 1d."},
		{"a target the team chose", five, config.Track{Target: "3h"},
			"5 backend releases, median 2h, 90% within 1d. 4 of 5 under 3h; 1 over, taking 1d."},
		{"two over the target", five, config.Track{Target: "2h"},
			"5 backend releases, median 2h, 90% within 1d. 3 of 5 under 2h; 2 over, the slowest taking 1d."},
		{"all within the target, with the mean", five, config.Track{Target: "24h", ShowMean: true},
			"5 backend releases, median 2h, 90% within 1d. 5 of 5 under 1d. They averaged 6h 12m."},
		{"the mean without a target", track(h(1), h(1.5)), config.Track{ShowMean: true},
			"2 backend releases, median 1h 15m, 90% within 1h 30m. The slowest took 1h 30m. They averaged 1h 15m."},
	}
	for _, tt := range tests {
		if got := releaseSentence(tt.t, tt.cfg); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestPathHTML(t *testing.T) {
	for in, want := range map[string]string{
		"orbit-docs/server":  `<span class="nowrap">orbit-docs</span>/<wbr><span class="nowrap">server</span>`,
		"infra/ops/edge-<x>": `<span class="nowrap">infra</span>/<wbr><span class="nowrap">ops</span>/<wbr><span class="nowrap">edge-&lt;x&gt;</span>`,
	} {
		if got := string(pathHTML(in)); got != want {
			t.Errorf("pathHTML(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestRestOfMonth(t *testing.T) {
	day := func(d string) snapshot.Day { return snapshot.Day{Date: d} }
	if got := restOfMonth("2026-11", []snapshot.Day{day("2026-11-01"), day("2026-11-28")}); len(got) != 2 ||
		got[0].Date != "2026-11-29" || got[1].Title != "Nov 30: No data" || got[1].Level != "no-data" {
		t.Errorf("November collected on the 28th: %+v, want the 29th and 30th as no data", got)
	}
	if got := restOfMonth("2026-10", []snapshot.Day{day("2026-10-31")}); len(got) != 0 {
		t.Errorf("a complete month gets %d extra days", len(got))
	}
	if got := restOfMonth("2026-10", nil); got != nil {
		t.Errorf("no daily figures: %+v, want none", got)
	}
}
