package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadValid(t *testing.T) {
	c, err := Load("testdata/valid.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://ops.example.org/" {
		t.Errorf("BaseURL = %q, want trailing slash added", c.BaseURL)
	}
	if c.Location.String() != "Europe/Berlin" {
		t.Errorf("Location = %v", c.Location)
	}
	if c.FeedLimit != DefaultFeedLimit || c.Status.Path != "/status/" || c.Status.Days != 90 {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.Tracks[0].OutlierFactor != DefaultOutlierFactor || c.Tracks[0].Name != "backend" {
		t.Errorf("track defaults not applied: %+v", c.Tracks[0])
	}
	if got := c.AbsURL("/reports/2026/10/"); got != "https://ops.example.org/reports/2026/10/" {
		t.Errorf("AbsURL = %q", got)
	}

	s, err := Load("testdata/valid.toml", "staging")
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "https://staging.example.org/ops/" || s.BasePath() != "/ops/" || s.Environment != "staging" {
		t.Errorf("staging override: base %q path %q env %q", s.BaseURL, s.BasePath(), s.Environment)
	}
	// Feed ids are production's in every environment.
	if c.FeedIDHost != "ops.example.org" || s.FeedIDHost != "ops.example.org" {
		t.Errorf("feed_id_host %q in production, %q in staging, want the production host", c.FeedIDHost, s.FeedIDHost)
	}
}

func TestUnknownEnvironment(t *testing.T) {
	_, err := Load("testdata/valid.toml", "stagin")
	want := `testdata/valid.toml: unknown environment "stagin": no [env.stagin] table (defined: staging; production and development need none)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	for _, env := range []string{"production", "development"} {
		if _, err := Load("testdata/valid.toml", env); err != nil {
			t.Errorf("%s: %v", env, err)
		}
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := map[string]string{
		"invalid-unknown-key.toml":         `testdata/invalid-unknown-key.toml:3: unknown key "titel"`,
		"invalid-unknown-nested.toml":      `testdata/invalid-unknown-nested.toml:9: unknown key "components.1.slo_target"`,
		"invalid-timezone.toml":            `testdata/invalid-timezone.toml:3: unknown time zone "Mars/Olympus"`,
		"invalid-group.toml":               `testdata/invalid-group.toml:5: component "api": unknown group "nope"`,
		"invalid-duplicate-component.toml": `testdata/invalid-duplicate-component.toml:6: component "api" defined twice`,
		"invalid-track-source.toml":        `testdata/invalid-track-source.toml:6: track "be": source "ci" must be one of deployments, workflow_runs, releases`,
		"invalid-type.toml":                `testdata/invalid-type.toml:3: feed_limit: text "many" where a whole number is expected`,
		"invalid-type-components.toml":     `testdata/invalid-type-components.toml:14: components.2.slo: text "high" where a number is expected`,
		"invalid-syntax.toml":              `testdata/invalid-syntax.toml:2: strings cannot contain newlines`,
		"invalid-base-url.toml":            `testdata/invalid-base-url.toml:2: base_url "/relative/" is not an absolute URL`,
		"invalid-feed-id-host.toml":        `testdata/invalid-feed-id-host.toml:3: feed_id_host "https://ops.example.org/" is not a host name (such as ops.example.org)`,
		"invalid-slo.toml":                 `testdata/invalid-slo.toml:5: component "api": slo 100 must be a percentage between 0 and 100 (exclusive)`,
		"invalid-status-path.toml":         `testdata/invalid-status-path.toml:6: status.path "/../../escape/": segment ".." leaves the site`,
		"invalid-lookback.toml":            `testdata/invalid-lookback.toml:4: github.lookback_days must be between 0 (the default, 14) and 366`,
		"invalid-past-days.toml":           `testdata/invalid-past-days.toml:4: status.past_days must be between 1 and 90`,
		"invalid-cors-origin.toml":         `testdata/invalid-cors-origin.toml:4: publish.cors_origins: "https://widgets.example.com/embed" is not an origin: give scheme and host only, such as "https://example.com"`,
		"invalid-status-base-url.toml":     `testdata/invalid-status-base-url.toml:4: status.base_url "https://ops.example.org/status/" is inside base_url "https://ops.example.org/" (or holds it): give the status site a host of its own, such as "https://status.example.com/"; to keep it on the main site, leave status.base_url out and set status.path`,
		"invalid-status-target.toml":       `testdata/invalid-status-target.toml:7: publish target "status" publishes the status site, but there is none: set status.base_url to the status site's URL`,
		"invalid-status-no-target.toml":    `testdata/invalid-status-no-target.toml:4: status.base_url is set, but no publish target has site = "status": add one, such as [publish.targets.status] url = "s3://status-bucket?region=…" site = "status"`,
		"invalid-target-site.toml":         `testdata/invalid-target-site.toml:5: publish target "www": site "docs" must be "main" or "status"`,
		"invalid-live-component.toml":      `testdata/invalid-live-component.toml:7: live rule: unknown component "dns2" (known: api)`,
		"invalid-live-matcher.toml":        `testdata/invalid-live-matcher.toml:12: live rule for "api": alerts: "alertname=APIDown": value of label alertname: expected a quoted value at "APIDown"`,
		"invalid-live-regexp.toml":         "testdata/invalid-live-regexp.toml:9: live rule for \"api\": alerts: \"severity=~\\\"page|(crit\\\"\": regular expression of label severity: error parsing regexp: missing closing ): `^(?:page|(crit)$`",
		"invalid-live-threshold.toml":      `testdata/invalid-live-threshold.toml:8: live rule for "api": threshold status "down" must be one of degraded_performance, partial_outage, major_outage`,
		"invalid-live-heartbeat.toml":      `testdata/invalid-live-heartbeat.toml:5: live.heartbeat (5m0s) must be shorter than live.stale_after (5m0s), or a quiet page would read as stale`,
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", file), "")
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestLoadReportsAllProblems(t *testing.T) {
	src := "title = \"\"\nbase_url = \"https://x.org/\"\ntimezone = \"Nowhere\"\n[[components]]\nid = \"Bad ID\"\n"
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, "")
	if err == nil {
		t.Fatal("no error")
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
		t.Errorf("got %d problems, want 3:\n%v", n, err)
	}
}

func TestParseMatchers(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`alertname="APIDown"`, `alertname="APIDown"`},
		{`{component="api", severity=~'page|critical'}`, `component="api",severity=~"page|critical"`},
		{"job!=`x\\y`,instance!~\"a\\\"b\"", `job!="x\\y",instance!~"a\"b"`},
		{` a = "1" , `, `a="1"`},
	}
	for _, tt := range tests {
		ms, err := ParseMatchers(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		var parts []string
		for _, m := range ms {
			parts = append(parts, m.String())
		}
		if got := strings.Join(parts, ","); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{``, `{}`, `a`, `a="x" b="y"`, `1a="x"`, `a=="x"`, `a="x`, `{a="x"`} {
		if _, err := ParseMatchers(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestGitLab(t *testing.T) {
	c, err := Load("testdata/valid-gitlab.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	site, app := c.Tracks[0], c.Tracks[1]
	if site.Provider() != ProviderGitLab || site.Location() != "infra/ops/site" || site.Window() != 6*time.Hour {
		t.Errorf("gitlab track: provider %q location %q window %v", site.Provider(), site.Location(), site.Window())
	}
	if app.Provider() != ProviderGitHub || app.Location() != "acme/app" || app.Window() != DefaultFailureWindow {
		t.Errorf("github track: provider %q location %q window %v", app.Provider(), app.Location(), app.Window())
	}
	if c.GitLab.Projects[0].Labels[0] != "ops" {
		t.Errorf("projects = %+v", c.GitLab.Projects)
	}
	d, err := Load("testdata/valid.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.GitLab.APIURL != DefaultGitLabAPI {
		t.Errorf("default gitlab.api_url = %q", d.GitLab.APIURL)
	}

	_, err = Load("testdata/invalid-gitlab.toml", "")
	want := []string{
		`testdata/invalid-gitlab.toml:4: gitlab.api_url "gitlab.example.com": want an absolute http(s) URL such as https://gitlab.com/api/v4/`,
		`testdata/invalid-gitlab.toml:5: gitlab.lookback_days must be between 0 (the default, 14) and 366`,
		`testdata/invalid-gitlab.toml:6: gitlab.timeout: "soon" is not a duration such as "30s"`,
		`testdata/invalid-gitlab.toml:8: project "infra" is not a GitLab project path such as group/project or group/subgroup/project`,
		`testdata/invalid-gitlab.toml:12: project "infra/ops/site" listed twice`,
		`testdata/invalid-gitlab.toml:18: track "both": set repository (GitHub) or project (GitLab), not both`,
		`testdata/invalid-gitlab.toml:22: track "gl": project "infra/-app" is not a GitLab project path such as group/project or group/subgroup/project`,
		`testdata/invalid-gitlab.toml:23: track "gl": source "workflow_runs" must be one of deployments, pipelines, releases for a GitLab project`,
		`testdata/invalid-gitlab.toml:24: track "gl": workflow is a GitHub setting; a GitLab track uses source = "pipelines" with branch`,
		`testdata/invalid-gitlab.toml:25: track "gl": unknown component "dns"`,
		`testdata/invalid-gitlab.toml:26: track "gl": failure_window "0s" is not a positive duration such as "24h"`,
		`testdata/invalid-gitlab.toml:27: track "gl": target "soon" is not a positive duration such as "3h"`,
	}
	if err == nil {
		t.Fatal("invalid-gitlab.toml loaded")
	}
	got := strings.Split(err.Error(), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

func TestStatusSiteURLs(t *testing.T) {
	src := "title = \"x\"\nbase_url = \"https://ops.example.org/\"\n[status]\nbase_url = \"https://status.example.org\"\n" +
		"[env.staging]\nbase_url = \"https://staging.example.org/\"\nstatus_base_url = \"https://status.staging.example.org/\"\n"
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, url string }{
		{"/status/", "https://status.example.org/"},
		{"/status/history/2026-10/", "https://status.example.org/history/2026-10/"},
		{"status/api/v2/summary.json", "https://status.example.org/api/v2/summary.json"},
		{"/incidents/dns/", "https://status.example.org/incidents/dns/"},
		{"incidents/dns/", "https://status.example.org/incidents/dns/"},
		{"/reports/2026/10/", "https://ops.example.org/reports/2026/10/"},
		{"/statusx/", "https://ops.example.org/statusx/"},
		{"/", "https://ops.example.org/"},
	}
	for _, tt := range tests {
		if got := c.AbsURL(tt.path); got != tt.url {
			t.Errorf("AbsURL(%q) = %q, want %q", tt.path, got, tt.url)
		}
	}
	s, err := Load(path, "staging")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.AbsURL("/status/"); got != "https://status.staging.example.org/" {
		t.Errorf("staging: AbsURL(/status/) = %q", got)
	}
	for u, want := range map[string]string{
		"https://status.staging.example.org/history/": "https://status.example.org/history/",
		"https://staging.example.org/reports/":        "https://ops.example.org/reports/",
		"https://elsewhere.example/":                  "https://elsewhere.example/",
	} {
		if got := s.ProductionURLOf(u); got != want {
			t.Errorf("staging: ProductionURLOf(%q) = %q, want %q", u, got, want)
		}
	}
	// Without status.base_url nothing moves.
	c.Status.BaseURL = ""
	if got := c.AbsURL("/incidents/dns/"); got != "https://ops.example.org/incidents/dns/" {
		t.Errorf("without status.base_url: %q", got)
	}
}
