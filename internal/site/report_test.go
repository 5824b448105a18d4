package site

import (
	"strings"
	"testing"
)

// TestReportSections checks what the golden report must show, so that an
// -update cannot silently bless a page that lost a section.
func TestReportSections(t *testing.T) {
	files := renderSite(t, fixture, "", Options{})
	full := string(files["reports/2026/10/index.html"])
	for _, want := range []string{
		`<h1>October 2026: Postgres 16 &amp; a DNS outage</h1>`,
		`<time datetime="2026-11-03T09:00:00&#43;01:00">3 November 2026</time>`,
		`<h2 id="tldr">TL;DR</h2>`,
		// Goals: status badges, tracker state and milestone progress.
		`<span class="badge status-done">Done</span> <span class="goal-title">Migrate to Postgres 16</span> · <a class="tracker" href="https://github.com/acme/app/milestone/3">acme/app#3</a> <span class="tracker-state">closed</span> · <span class="progress">10/10 issues closed</span>`,
		`<span class="badge status-pushed">Pushed to next month</span>`,
		`<span class="badge status-dropped">Dropped</span>`,
		`<span class="badge status-pending">Not reviewed yet</span>`,
		`<br><span class="note">The asset build is the rest.</span>`,
		`<h3>Goals for next month</h3>`,
		`<span class="goal-title">Add a second DNS provider</span>`,
		// Issues: counts, the label filter, a 12-month chart with a text
		// alternative and a table fallback.
		`<h2 id="issues">Issues</h2>`,
		`<a href="https://github.com/acme/app"><span class="nowrap">acme</span>/<wbr><span class="nowrap">app</span></a> <span class="labels">(bug)</span></th><td data-label="Opened">15</td><td data-label="Closed">21</td><td data-label="Open at month end">34</td><td data-label="Pull requests opened / merged or closed">25 / 24</td>`,
		`<title id="issues-acme-app-t">Issues opened and closed in acme/app, last 12 months</title>`,
		`<details class="chart-data">`,
		// A month without issue counts is marked, not drawn as zero.
		`<th scope="row">Aug</th><td>no data</td><td>no data</td>`,
		// Release watch: the sentence, the stats and the outlier named.
		`<h2 id="releases">Release watch</h2>`,
		`5 backend releases, median 1h 30m, 90% within 1d. 4 of 5 took under 4h 30m; 1 outlier, the slowest taking 1d.`,
		`Outliers: <a href="https://github.com/acme/app/actions/runs/3">v1.2.0</a> (1d)`,
		`1 frontend release, taking 1h 15m.`,
		// Uptime: availability against the target, budget, coverage,
		// maintenance excluded, and a component without data.
		`<h2 id="uptime">Uptime</h2>`,
		`<th scope="row">Public API</th><td data-label="Availability" class="misses">99.77%</td><td data-label="Target">99.90%</td>`,
		`<th scope="row">Mail relay</th><td data-label="Availability" class="">no data</td>`,
		`Left out of the availability: Postgres 16 switch-over (2h)`,
		`<li class="day major" title="Oct 14: 93.06%">`,
		`<li class="day no-data" title="Oct 21: No data">`,
		`title="Oct 5: 99.90% (data for 75% of the day)"`,
		// Narrative: figures resolved, markdown extensions, raw HTML off.
		`<span class="figure" title="uptime.api">99.77%</span>`,
		`<span class="figure" title="releases.backend.median">1h 30m</span>`,
		`&ldquo;Quotes&rdquo; &ndash; and <del>strike</del>`,
		`<a href="https://example.org">https://example.org</a>`,
		`{{&lt; figure &#34;uptime.api&#34; &gt;}}`,
		`<!-- raw HTML omitted -->`,
		`class="footnotes"`,
		// Announcements: December's change coming up, with where to try
		// it; October's change landed (the cancelled one is not listed:
		// TestReportAnnouncements).
		`<h2 id="coming-up">Coming up</h2>`,
		`<span class="badge kind-breaking-change">Breaking change</span> <a href="https://ops.acme.example/announcements/2026-12-15-tls-1-0-off/">TLS 1.0 and 1.1 are turned off on 15 December</a> · effective <time datetime="2026-12-15T09:00:00&#43;01:00">15 Dec 2026, 09:00 CET</time> · <span class="status">in testing — try it in staging: <a href="https://staging.api.acme.example/">https://staging.api.acme.example/</a></span> · affects Public API</li>`,
		`<h2 id="landed">Landed</h2>`,
		`<span class="badge kind-notice">Notice</span> <a href="https://ops.acme.example/announcements/2026-10-14-mail-relay-ipv6/">The mail relay sends over IPv6</a>`,
		// The pager links the neighbouring months.
		`<a rel="prev" href="/reports/2026/09/">← September 2026</a>`,
	} {
		if !strings.Contains(full, want) {
			t.Errorf("report-full lacks %s", want)
		}
	}
	// Components in config order, then those only the snapshot knows.
	if a, d, m := strings.Index(full, ">Public API<"), strings.Index(full, ">Database<"), strings.Index(full, ">Mail relay<"); !(a < d && d < m) {
		t.Errorf("uptime rows not in config order: api %d, db %d, mail %d", a, d, m)
	}

	empty := string(files["reports/2026/08/index.html"])
	for _, section := range []string{`id="issues"`, `id="releases"`, `id="uptime"`, `<svg`} {
		if strings.Contains(empty, section) {
			t.Errorf("report without data has %s", section)
		}
	}
	for _, want := range []string{`<h3>Goals for next month</h3>`, `We have no figures for August`, `<a rel="next" href="/reports/2026/09/">September 2026 →</a>`} {
		if !strings.Contains(empty, want) {
			t.Errorf("report without data lacks %s", want)
		}
	}
}
