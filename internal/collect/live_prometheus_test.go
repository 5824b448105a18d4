package collect_test

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

	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/collectors/prometheus/promtest"
	"github.com/bulletin-dev/bulletin/internal/collect"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

const apiProbe = `probe_success{component="api"}`

// Watchdog always fires: once it does, the rule manager runs and has
// restored its state.
const promRules = `groups:
  - name: api
    rules:
      - alert: Watchdog
        expr: vector(1)
      - alert: APIDown
        expr: probe_success{component="api"} == 0
        for: 0s
`

// The API has two signals: its probes, through the APIDown alert, and an
// Apdex score with a threshold, set apart so that the test decides which
// fails first.
const promLiveConfig = `
title = "Acme operations"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[prometheus]
url = %q

[[components]]
id = "api"
[[components]]
id = "web"

[[live.rules]]
component = "api"
alerts = 'alertname="APIDown"'
description = "API probes failing"

[[live.rules]]
component = "api"
query = 'min(apdex_score{component="api"})'
thresholds = [{ below = 0.5, status = "degraded_performance" }]
description = "API slow"
`

const apdex = `apdex_score{component="api"}`

// await calls cond every 100ms until it returns true, and fails the test
// when it has not within the given time. The time it took is logged.
func await(tb testing.TB, within time.Duration, what string, cond func() bool) {
	tb.Helper()
	const every = 100 * time.Millisecond
	start := time.Now()
	deadline := start.Add(within)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for range int(within/every) + 1 {
		if cond() {
			tb.Logf("%s after %s", what, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			break
		}
		<-tick.C
	}
	tb.Fatalf("%s: not within %s", what, within)
}

// TestLiveRealPrometheus runs the live check with the Prometheus collector
// against a real Prometheus that scrapes a probe the test flips: the
// detection in live.json, the disruption in the month's snapshot, the
// recovery, and a failed check once Prometheus is gone, which leaves
// data/ as it was.
func TestLiveRealPrometheus(t *testing.T) {
	t.Parallel() // mostly waiting for Prometheus
	ctx := context.Background()
	target := promtest.NewTarget(t)
	target.Set(apiProbe, 1)
	target.Set(apdex, 0.95)
	srv := promtest.StartScraping(t, promtest.ScrapeConfig{Targets: []string{target.Addr}, Rules: promRules})

	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), fmt.Appendf(nil, promLiveConfig, srv.URL), "")
	if err != nil {
		t.Fatal(err)
	}
	dataDir, reportsDir := filepath.Join(dir, "data"), filepath.Join(dir, "content", "reports")
	for _, d := range []string{dataDir, reportsDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const timeout = 2 * time.Second
	src, err := prometheus.New(prometheus.Options{URL: cfg.Prometheus.URL, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	check := func() (*collect.LiveResult, error) {
		return collect.Live(ctx, collect.LiveOptions{Config: cfg, DataDir: dataDir, ReportsDir: reportsDir, Source: src, Now: time.Now})
	}
	mustCheck := func() *collect.LiveResult {
		t.Helper()
		res, err := check()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	api := func(res *collect.LiveResult) snapshot.LiveComponent {
		t.Helper()
		c, ok := res.Live.Component("api")
		if !ok {
			t.Fatalf("no api in %+v", res.Live)
		}
		return c
	}

	// Healthy.
	await(t, 15*time.Second, "probe scraped and Watchdog firing", func() bool {
		probe, ok1, err1 := srv.Value(ctx, apiProbe)
		_, ok2, err2 := srv.Value(ctx, `ALERTS{alertname="Watchdog",alertstate="firing"}`)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		return ok1 && probe == 1 && ok2
	})
	res := mustCheck()
	if a := api(res); a.Status != "operational" || len(res.Live.Components) != 1 || len(res.Live.Disruptions) != 0 || len(res.Months) != 0 {
		t.Fatalf("healthy: %+v, months %v", res.Live, res.Months)
	}

	// Down: APIDown fires; the disruption starts at its activation.
	flip := time.Now()
	target.Set(apiProbe, 0)
	await(t, 20*time.Second, "api down", func() bool {
		res = mustCheck()
		return api(res).Status != "operational"
	})
	down := api(res)
	if down.Status != "major_outage" || down.Signal != "API probes failing" {
		t.Fatalf("api = %+v, want major_outage from APIDown", down)
	}
	if down.Since.Before(flip.Truncate(time.Second)) || down.Since.After(res.Live.CheckedAt) {
		t.Errorf("api down since %v, want between the flip %v and the check %v", down.Since, flip, res.Live.CheckedAt)
	}
	id := snapshot.DisruptionID(down.Since, "api")
	month := down.Since.In(cfg.Location).Format("2006-01")
	if len(res.Live.Disruptions) != 1 || res.Live.Disruptions[0].ID != id || !res.Live.Disruptions[0].Ongoing() {
		t.Errorf("live disruptions = %+v, want %s ongoing", res.Live.Disruptions, id)
	}
	if !slices.Equal(res.Months, []string{month}) {
		t.Errorf("months written = %v, want %s", res.Months, month)
	}
	onDisk, err := snapshot.ReadLive(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := onDisk.Component("api"); a != down {
		t.Errorf("live.json has api %+v, want %+v", a, down)
	}
	d := monthDisruption(t, dataDir, month, id)
	if !d.Ongoing() || !d.Start.Equal(down.Since) || d.Status != "major_outage" {
		t.Errorf("%s disruption = %+v, want ongoing major_outage since %v", month, d, down.Since)
	}

	// The API gets slow too: the worse status stays.
	target.Set(apdex, 0.3)
	await(t, 20*time.Second, "Apdex below 0.5", func() bool {
		got, err := src.Live(ctx, cfg.Live.Rules[1], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return got.Status != "operational"
	})
	res = mustCheck()
	if a := api(res); a != down || len(res.Changes) != 0 {
		t.Errorf("slow as well: api = %+v, changes %+v; want %+v unchanged", a, res.Changes, down)
	}

	// The probes recover: APIDown resolves, the Apdex keeps the API
	// degraded, and the disruption goes on.
	target.Set(apiProbe, 1)
	await(t, 20*time.Second, "APIDown resolved", func() bool {
		res = mustCheck()
		return api(res).Status != "major_outage"
	})
	if a := api(res); a.Status != "degraded_performance" || a.Signal != "API slow" || !a.Since.Equal(res.Live.CheckedAt) {
		t.Errorf("api = %+v, want degraded_performance, API slow, since the check %v", a, res.Live.CheckedAt)
	}
	if len(res.Live.Disruptions) != 1 || res.Live.Disruptions[0].ID != id || res.Live.Disruptions[0].Status != "major_outage" {
		t.Errorf("live disruptions = %+v, want %s going on", res.Live.Disruptions, id)
	}

	// Fast again: the disruption ends.
	target.Set(apdex, 0.95)
	await(t, 20*time.Second, "api operational", func() bool {
		res = mustCheck()
		return api(res).Status == "operational"
	})
	up := api(res)
	if !up.Since.Equal(res.Live.CheckedAt) || len(res.Live.Disruptions) != 0 || !slices.Equal(res.Months, []string{month}) {
		t.Errorf("recovered: %+v, months %v; want api operational since the check, no disruption, %s written", res.Live, res.Months, month)
	}
	d = monthDisruption(t, dataDir, month, id)
	if d.Ongoing() || !d.End.Equal(up.Since) || d.Status != "major_outage" || len(d.Components) != 1 {
		t.Fatalf("%s disruption = %+v, want major_outage ended at %v", month, d, up.Since)
	}
	if c := d.Components[0]; c.Component != "api" || !c.Start.Equal(down.Since) || !c.End.Equal(up.Since) || c.Status != "major_outage" {
		t.Errorf("api part = %+v", c)
	}

	// Gone: the check fails at once, naming both rules, and changes no
	// file.
	before := readDir(t, dataDir)
	srv.Stop()
	start := time.Now()
	_, err = check()
	took := time.Since(start)
	if err == nil {
		t.Fatal("no error after Prometheus stopped")
	}
	for _, w := range []string{
		`live rule 1 (component api): query prometheus "ALERTS{alertstate=\"firing\",alertname=\"APIDown\"}"`,
		`live rule 2 (component api): query prometheus "min(apdex_score{component=\"api\"})"`,
		"connection refused",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if took >= timeout {
		t.Errorf("error after %s, want it at once (timeout %s)", took, timeout)
	}
	after := readDir(t, dataDir)
	for name, b := range before {
		if after[name] != b {
			t.Errorf("failed check changed %s", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("failed check left %d files in data/, want %d", len(after), len(before))
	}
}

// monthDisruption returns disruption id of month's snapshot in dataDir.
func monthDisruption(tb testing.TB, dataDir, month, id string) snapshot.Disruption {
	tb.Helper()
	s, err := snapshot.Store{Dir: dataDir}.Load(month)
	if err != nil || s == nil {
		tb.Fatalf("snapshot %s: %v, %v", month, s, err)
	}
	d, ok := s.Disruption(id)
	if !ok {
		tb.Fatalf("snapshot %s has no disruption %s: %+v", month, id, s.Disruptions)
	}
	return d
}

// readDir returns the files of dir by name.
func readDir(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}
