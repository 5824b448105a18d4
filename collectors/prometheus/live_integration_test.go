package prometheus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/prometheus"
	"github.com/bulletin-dev/bulletin/collectors/prometheus/promtest"
	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

// apiProbe is the gauge the target serves; Prometheus adds the job and
// instance labels to it, and the alerts inherit them.
const apiProbe = `probe_success{component="api"}`

// liveRules are the rules the real Prometheus evaluates every second.
// Watchdog always fires, as in kube-prometheus: once it does, the rule
// manager is running and has restored its state, so that ALERTS can be
// trusted to say what fires.
const liveRules = `groups:
  - name: api
    rules:
      - alert: Watchdog
        expr: vector(1)
      - alert: APIDown
        expr: probe_success{component="api"} == 0
        for: 0s
        labels:
          severity: page
      - alert: APIDownSustained
        expr: probe_success{component="api"} == 0
        for: 2s
`

// await calls cond every 100ms until it returns true, and fails the test
// when it has not within the given time. cond may call t.Fatal. The time
// it took is logged: with -v, the phases of a slow run show.
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

// TestLiveRealPrometheus runs live rules against a real Prometheus that
// scrapes a target the test controls and evaluates real alerting rules:
// healthy, failing (the alerts fire, the SLI drops), recovered, then gone.
func TestLiveRealPrometheus(t *testing.T) {
	t.Parallel() // mostly waiting for Prometheus
	ctx := context.Background()
	target := promtest.NewTarget(t)
	target.Set(apiProbe, 1)
	srv := promtest.StartScraping(t, promtest.ScrapeConfig{Targets: []string{target.Addr}, Rules: liveRules})
	t.Logf("%s at %s", srv.Version, srv.URL)
	const timeout = 2 * time.Second
	c := newCollector(t, prometheus.Options{URL: srv.URL, Timeout: timeout})

	down := alertRule(t, `alertname="APIDown"`, "major_outage")
	sustained := alertRule(t, `alertname="APIDownSustained"`, "partial_outage")
	anyAPI := alertRule(t, `component="api"`, "major_outage") // both, not Watchdog
	sli := config.LiveRule{Component: "api", Query: `avg_over_time(probe_success{component="api"}[10s])`,
		Thresholds: []config.LiveThreshold{{Below: 0.95, Status: "degraded_performance"}}}
	all := map[string]config.LiveRule{"down": down, "sustained": sustained, "anyAPI": anyAPI, "sli": sli}

	live := func(rule config.LiveRule, at time.Time) snapshot.LiveComponent {
		t.Helper()
		got, err := c.Live(ctx, rule, at)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	operational := func(at time.Time) []string {
		t.Helper()
		var failing []string
		for name, r := range all {
			if got := live(r, at); got.Status != "operational" || got.Signal != "" || !got.Since.IsZero() {
				failing = append(failing, name+": "+got.Status)
			}
		}
		return failing
	}

	// Healthy: the probe is in, the rules run, nothing of the API fires.
	watchdog := alertRule(t, `alertname="Watchdog"`, "major_outage")
	await(t, 15*time.Second, "probe scraped and Watchdog firing", func() bool {
		v, ok, err := srv.Value(ctx, apiProbe)
		if err != nil {
			t.Fatal(err)
		}
		return ok && v == 1 && live(watchdog, time.Now()).Status == "major_outage"
	})
	if failing := operational(time.Now()); len(failing) > 0 {
		t.Fatalf("healthy API: %v, want all operational", failing)
	}

	// Down: APIDown fires at the first evaluation that sees the 0.
	flip := time.Now()
	target.Set(apiProbe, 0)
	var got snapshot.LiveComponent
	var at time.Time
	await(t, 20*time.Second, "APIDown firing", func() bool {
		at = time.Now()
		got = live(down, at)
		return got.Status != "operational"
	})
	if got.Status != "major_outage" || got.Signal != "Alert APIDown firing" {
		t.Errorf("down = %+v, want major_outage, Alert APIDown firing", got)
	}
	if got.Since.Before(flip.Truncate(time.Second)) || got.Since.After(at) {
		t.Errorf("down since %v, want between the flip %v and the check %v", got.Since, flip, at)
	}
	activation := got.Since
	// APIDownSustained became active at the same evaluation and is pending
	// for two seconds: at the same instant it does not count.
	if at.Before(activation.Add(2 * time.Second)) {
		if s := live(sustained, at); s.Status != "operational" {
			t.Errorf("pending APIDownSustained: %+v, want operational", s)
		}
		if a := live(anyAPI, at); a.Status != "major_outage" || a.Signal != "Alert APIDown firing" || !a.Since.Equal(activation) {
			t.Errorf("API alerts while APIDownSustained is pending: %+v, want APIDown's alone", a)
		}
	} else {
		t.Logf("APIDown seen only at %v, 2s after its activation %v: pending state not checked", at, activation)
	}

	await(t, 20*time.Second, "APIDownSustained firing", func() bool {
		at = time.Now()
		got = live(sustained, at)
		return got.Status != "operational"
	})
	// Since is the activation, from ALERTS_FOR_STATE, not the firing.
	if got.Status != "partial_outage" || got.Since.Before(flip.Truncate(time.Second)) || got.Since.After(at.Add(-2*time.Second)) {
		t.Errorf("sustained = %+v at %v, want partial_outage since between the flip %v and 2s before", got, at, flip)
	}
	if a := live(anyAPI, at); a.Status != "major_outage" || a.Signal != "Alerts APIDown, APIDownSustained firing" || a.Since.After(got.Since) {
		t.Errorf("API alerts = %+v, want both, since %v or before", a, got.Since)
	}
	await(t, 20*time.Second, "SLI below 0.95", func() bool {
		got = live(sli, time.Now())
		return got.Status != "operational"
	})
	if got.Status != "degraded_performance" || !strings.HasPrefix(got.Signal, sli.Query+" is ") || !strings.HasSuffix(got.Signal, ", below 0.95") || !got.Since.IsZero() {
		t.Errorf("sli = %+v", got)
	}

	// Up again: the alerts resolve, and the SLI recovers once its 10s
	// window holds no failed probe.
	target.Set(apiProbe, 1)
	var failing []string
	await(t, 20*time.Second, "all operational again", func() bool {
		failing = operational(time.Now())
		return len(failing) == 0
	})

	// Gone: every rule fails at once, naming its query.
	srv.Stop()
	for name, r := range all {
		start := time.Now()
		got, err := c.Live(ctx, r, start)
		took := time.Since(start)
		if err == nil {
			t.Errorf("%s: no error after Prometheus stopped; got %+v", name, got)
			continue
		}
		query := r.Query
		if query == "" {
			query = "ALERTS{alertstate=\"firing\","
		}
		for _, w := range []string{`query prometheus "` + strings.ReplaceAll(query, `"`, `\"`), "connection refused"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", name, err, w)
			}
		}
		if took >= timeout {
			t.Errorf("%s: error after %s, want it at once (timeout %s)", name, took, timeout)
		}
	}
}
