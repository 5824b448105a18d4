package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/collectors/prometheus/promtest"
)

// TestLiveCycleRealPrometheus runs the minute cycle's commands as cron
// does, against a real Prometheus scraping a probe the test flips: the
// alert fires → live.json → the status page, the API and the 503 page say
// so; it resolves → they return; Prometheus is killed → the check fails,
// live.json stays, and a later build says the checks are stale.
func TestLiveCycleRealPrometheus(t *testing.T) {
	t.Parallel() // mostly waiting for Prometheus
	ctx := context.Background()
	target := promtest.NewTarget(t)
	target.Set(`probe_success{component="api"}`, 1)
	srv := promtest.StartScraping(t, promtest.ScrapeConfig{Targets: []string{target.Addr}, Rules: `groups:
  - name: api
    rules:
      - alert: Watchdog
        expr: vector(1)
      - alert: APIDown
        expr: probe_success{component="api"} == 0
`})
	dir := writeSite(t, reportSite)
	cfgPath := filepath.Join(dir, "config.toml")
	extra := fmt.Sprintf("\n[prometheus]\nurl = %q\ntimeout = \"2s\"\n\n[[live.rules]]\ncomponent = \"api\"\nalerts = 'alertname=\"APIDown\"'\ndescription = \"API probes failing\"\n", srv.URL)
	if err := os.WriteFile(cfgPath, []byte(readFile(t, cfgPath)+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	now := func() string { return time.Now().UTC().Format(time.RFC3339) }
	public := filepath.Join(dir, "public")
	apiStatus := func() string {
		t.Helper()
		var s struct {
			Components []struct{ Name, Status string }
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(public, "status", "api", "v2", "summary.json"))), &s); err != nil {
			t.Fatal(err)
		}
		for _, c := range s.Components {
			if c.Name == "API" {
				return c.Status
			}
		}
		t.Fatal("no API in summary.json")
		return ""
	}
	// cycle checks until live.json says want, then builds.
	cycle := func(want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := bulletin(t, dir, now(), "collect", "--only", "live", "-q")
			if r.code != 0 || r.stdout != "" || r.stderr != "" {
				t.Fatalf("collect --only live -q: exit %d, printed %q %q", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(readFile(t, filepath.Join(dir, "data", "live.json")), `"status": "`+want+`"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("live.json never said %s:\n%s", want, readFile(t, filepath.Join(dir, "data", "live.json")))
			}
			time.Sleep(200 * time.Millisecond)
		}
		if r := bulletin(t, dir, now(), "build", "-q"); r.code != 0 || r.stdout+r.stderr != "" {
			t.Fatalf("build -q: exit %d, printed %q %q", r.code, r.stdout, r.stderr)
		}
	}

	deadline := time.Now().Add(20 * time.Second)
	for {
		_, ok, err := srv.Value(ctx, `ALERTS{alertname="Watchdog",alertstate="firing"}`)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Prometheus never evaluated its rules")
		}
		time.Sleep(200 * time.Millisecond)
	}
	cycle("operational")
	if apiStatus() != "operational" || strings.Contains(readFile(t, filepath.Join(public, "status", "index.html")), `id="detected"`) {
		t.Fatal("healthy API shown as detected")
	}

	target.Set(`probe_success{component="api"}`, 0)
	cycle("major_outage")
	page := readFile(t, filepath.Join(public, "status", "index.html"))
	if !strings.Contains(page, `id="detected"`) || !strings.Contains(page, "API probes failing") || !strings.Contains(page, "Checked automatically at") {
		t.Error("status page does not show the detection")
	}
	if apiStatus() != "major_outage" {
		t.Errorf("summary.json: API %s, want major_outage", apiStatus())
	}
	if p := readFile(t, filepath.Join(public, "errors", "503.html")); !strings.Contains(p, "API: Major outage since") {
		t.Error("503 page does not show the detection")
	}
	if b := readFile(t, filepath.Join(public, "status", "badges", "api.svg")); !strings.Contains(b, "major outage") {
		t.Error("API badge does not show the outage")
	}

	target.Set(`probe_success{component="api"}`, 1)
	cycle("operational")
	if apiStatus() != "operational" || strings.Contains(readFile(t, filepath.Join(public, "status", "index.html")), `id="detected"`) {
		t.Error("recovered API still shown down")
	}
	if !strings.Contains(readFile(t, filepath.Join(public, "status", "feed.xml")), "Ended after") {
		t.Error("the status feed lacks the ended disruption")
	}

	srv.Stop()
	live := filepath.Join(dir, "data", "live.json")
	before := readFile(t, live)
	if r := bulletin(t, dir, now(), "collect", "--only", "live", "-q"); r.code != 1 || !strings.Contains(r.stderr, "live check failed") {
		t.Fatalf("with Prometheus gone: exit %d\n%s", r.code, r.stderr)
	}
	if readFile(t, live) != before {
		t.Error("a failed check changed live.json")
	}
	later := time.Now().Add(20 * time.Minute).UTC().Format(time.RFC3339)
	if r := bulletin(t, dir, later, "build", "-q"); r.code != 0 {
		t.Fatalf("build: %s", r.stderr)
	}
	if !strings.Contains(readFile(t, filepath.Join(public, "status", "index.html")), "Automatic checks are stale.") {
		t.Error("status page does not say the checks are stale")
	}
}
