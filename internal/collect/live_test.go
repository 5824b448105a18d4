package collect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

const liveConfig = `
title = "Acme operations"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[prometheus]
url = "http://127.0.0.1:9090"

[[components]]
id = "api"
[[components]]
id = "web"
[[components]]
id = "db"

[live]
stale_after = "15m"
heartbeat = "5m"

[[live.rules]]
component = "api"
alerts = 'alertname="APIDown"'
description = "API probes failing"

[[live.rules]]
component = "api"
alerts = 'alertname="APISlow"'
status = "degraded_performance"

[[live.rules]]
component = "web"
query = 'avg_over_time(probe_success{component="web"}[5m])'
thresholds = [{ below = 0.99, status = "partial_outage" }, { below = 0.5, status = "major_outage" }]
description = "Web probes failing"
`

// fakeLive answers each rule from a table keyed by "component/rule index".
type fakeLive struct {
	mu    sync.Mutex
	state map[string]snapshot.LiveComponent // by component + status
	err   error
}

func (f *fakeLive) set(component, status string, since time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state == nil {
		f.state = map[string]snapshot.LiveComponent{}
	}
	f.state[component] = snapshot.LiveComponent{Component: component, Status: status, Since: since, Signal: component + " failing"}
}

func (f *fakeLive) Live(_ context.Context, rule config.LiveRule, _ time.Time) (snapshot.LiveComponent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return snapshot.LiveComponent{}, f.err
	}
	st, ok := f.state[rule.Component]
	// Only the rule whose status matches fires (query rules always may).
	if !ok || st.Status == "operational" || rule.Alerts != "" && rule.Status != st.Status {
		return snapshot.LiveComponent{Component: rule.Component, Status: "operational"}, nil
	}
	if rule.Description != "" {
		st.Signal = rule.Description
	}
	return st, nil
}

type liveSite struct {
	dir string
	cfg *config.Config
	src *fakeLive
	now time.Time
}

func newLiveSite(t *testing.T) *liveSite {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), []byte(liveConfig), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"data", "content/reports"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &liveSite{dir: dir, cfg: cfg, src: &fakeLive{}, now: time.Date(2026, 12, 2, 2, 9, 30, 0, time.UTC)}
}

func (s *liveSite) check(t *testing.T) (*LiveResult, error) {
	t.Helper()
	return Live(context.Background(), LiveOptions{
		Config: s.cfg, DataDir: filepath.Join(s.dir, "data"), ReportsDir: filepath.Join(s.dir, "content/reports"),
		Source: s.src, Now: func() time.Time { return s.now },
	})
}

func (s *liveSite) tick(t *testing.T, d time.Duration) *LiveResult {
	t.Helper()
	s.now = s.now.Add(d)
	res, err := s.check(t)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func statusOf(l *snapshot.Live, id string) string {
	c, _ := l.Component(id)
	return c.Status
}

func TestLiveDetectsAndRecovers(t *testing.T) {
	s := newLiveSite(t)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 2, h, m, 0, 0, time.UTC) }

	res := s.tick(t, 30*time.Second) // 02:10
	if got := len(res.Live.Components); got != 2 {
		t.Fatalf("components = %d, want api and web (db has no rule)", got)
	}
	if statusOf(res.Live, "api") != "operational" || !res.Live.CheckedAt.Equal(at(2, 10)) {
		t.Fatalf("first check: %+v", res.Live)
	}
	first := res.Live.CheckedAt

	// A quiet minute keeps the shown check time: nothing to publish.
	res = s.tick(t, time.Minute)
	if !res.Live.CheckedAt.Equal(first) || !res.Live.LastCheck.Equal(at(2, 11)) || len(res.Changes) != 0 {
		t.Fatalf("quiet check moved CheckedAt or reported changes: %+v %+v", res.Live, res.Changes)
	}
	// ... until the heartbeat.
	res = s.tick(t, 4*time.Minute) // 02:15
	if !res.Live.CheckedAt.Equal(at(2, 15)) {
		t.Fatalf("heartbeat: CheckedAt = %v, want 02:15", res.Live.CheckedAt)
	}

	// The API alert has been active since 02:14 (ALERTS_FOR_STATE).
	s.src.set("api", "major_outage", at(2, 14))
	res = s.tick(t, time.Minute) // 02:16
	api, _ := res.Live.Component("api")
	if api.Status != "major_outage" || !api.Since.Equal(at(2, 14)) || api.Signal != "API probes failing" {
		t.Fatalf("api = %+v", api)
	}
	if len(res.Changes) != 1 || !res.Live.CheckedAt.Equal(at(2, 16)) {
		t.Fatalf("changes %+v, checked %v", res.Changes, res.Live.CheckedAt)
	}
	if len(res.Live.Disruptions) != 1 || res.Live.Disruptions[0].ID != "20261202T021400Z-api" {
		t.Fatalf("disruptions = %+v", res.Live.Disruptions)
	}
	if len(res.Months) != 1 || res.Months[0] != "2026-12" {
		t.Fatalf("months = %v", res.Months)
	}

	// Web joins the disruption; the API recovers first, then web.
	s.src.set("web", "partial_outage", time.Time{})
	s.tick(t, time.Minute) // 02:17
	s.src.set("api", "operational", time.Time{})
	res = s.tick(t, 3*time.Minute) // 02:20
	if statusOf(res.Live, "api") != "operational" || len(res.Live.Disruptions) != 1 {
		t.Fatalf("after api recovery: %+v", res.Live)
	}
	if api, _ := res.Live.Component("api"); !api.Since.Equal(at(2, 20)) {
		t.Errorf("api operational since %v, want 02:20", api.Since)
	}
	s.src.set("web", "operational", time.Time{})
	res = s.tick(t, 5*time.Minute) // 02:25
	if len(res.Live.Disruptions) != 0 {
		t.Fatalf("ended disruption still in live.json: %+v", res.Live.Disruptions)
	}

	snap, err := snapshot.Store{Dir: filepath.Join(s.dir, "data")}.Load("2026-12")
	if err != nil || snap == nil {
		t.Fatalf("month snapshot: %v %v", snap, err)
	}
	if len(snap.Disruptions) != 1 {
		t.Fatalf("month disruptions = %+v", snap.Disruptions)
	}
	d := snap.Disruptions[0]
	if !d.Start.Equal(at(2, 14)) || !d.End.Equal(at(2, 25)) || d.Status != "major_outage" || len(d.Components) != 2 {
		t.Fatalf("disruption = %+v", d)
	}
	if c := d.Components[0]; c.Component != "api" || !c.End.Equal(at(2, 20)) {
		t.Errorf("api part = %+v", c)
	}
	if c := d.Components[1]; c.Component != "web" || !c.Start.Equal(at(2, 17)) || !c.End.Equal(at(2, 25)) || c.Signal != "Web probes failing" {
		t.Errorf("web part = %+v", c)
	}
}

func TestLiveWorstRuleWins(t *testing.T) {
	s := newLiveSite(t)
	s.src.set("api", "degraded_performance", time.Time{})
	res := s.tick(t, 30*time.Second)
	if api, _ := res.Live.Component("api"); api.Status != "degraded_performance" || api.Signal != "api failing" {
		t.Fatalf("api = %+v", api)
	}
}

func TestLiveFailureKeepsPrevious(t *testing.T) {
	s := newLiveSite(t)
	s.src.set("api", "major_outage", time.Time{})
	s.tick(t, 30*time.Second)
	path := snapshot.LivePath(filepath.Join(s.dir, "data"))
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s.src.err = errors.New("connection refused")
	s.now = s.now.Add(time.Minute)
	_, err = s.check(t)
	if err == nil || !strings.Contains(err.Error(), "live rule 1 (component api): connection refused") {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Error("a failed check changed live.json")
	}
}

func TestLiveFrozenMonthUntouched(t *testing.T) {
	s := newLiveSite(t)
	frozen := snapshot.New("2026-12")
	frozen.Frozen = true
	path := snapshot.Store{Dir: filepath.Join(s.dir, "data")}.Path("2026-12")
	if err := snapshot.Write(path, frozen); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	s.src.set("api", "major_outage", time.Time{})
	res := s.tick(t, 30*time.Second)
	if len(res.Months) != 0 {
		t.Errorf("wrote to frozen month: %v", res.Months)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("frozen snapshot changed")
	}
}

func TestLiveCorruptPreviousStartsAfresh(t *testing.T) {
	s := newLiveSite(t)
	path := snapshot.LivePath(filepath.Join(s.dir, "data"))
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := s.tick(t, 30*time.Second)
	if statusOf(res.Live, "api") != "operational" {
		t.Fatalf("live = %+v", res.Live)
	}
	if _, err := snapshot.ReadLive(filepath.Join(s.dir, "data")); err != nil {
		t.Fatalf("rewritten live.json unreadable: %v", err)
	}
}

// TestLiveSinceStable: an alert that was pending before the component
// last recovered fires; the state it enters dates from the check, and
// stays so at the next checks, agreeing with its disruption.
func TestLiveSinceStable(t *testing.T) {
	s := newLiveSite(t)
	at := func(h, m, sec int) time.Time { return time.Date(2026, 12, 2, h, m, sec, 0, time.UTC) }
	s.src.set("api", "major_outage", at(2, 10, 0))
	s.tick(t, 30*time.Second) // 02:10
	s.src.set("api", "operational", time.Time{})
	s.tick(t, time.Minute) // 02:11, recovered
	// Another alert, active (pending) since 02:10:30, fires by 02:12.
	s.src.set("api", "major_outage", at(2, 10, 30))
	for _, now := range []time.Time{at(2, 12, 0), at(2, 13, 0), at(2, 19, 0)} {
		res := s.tick(t, now.Sub(s.now))
		api, _ := res.Live.Component("api")
		if !api.Since.Equal(at(2, 12, 0)) {
			t.Errorf("%s: api since %s, want 02:12:00, when the check found it", now.Format("15:04"), api.Since.Format("15:04:05"))
		}
		if len(res.Live.Disruptions) != 1 || !res.Live.Disruptions[0].Start.Equal(api.Since) {
			t.Errorf("%s: disruptions %+v, want one since %s", now.Format("15:04"), res.Live.Disruptions, api.Since.Format("15:04:05"))
		}
	}
}

func TestLiveDisruptionKeepsWorstSignal(t *testing.T) {
	s := newLiveSite(t)
	s.src.set("api", "major_outage", time.Time{})
	s.tick(t, 30*time.Second)
	s.src.set("api", "degraded_performance", time.Time{})
	res := s.tick(t, time.Minute)
	if len(res.Live.Disruptions) != 1 {
		t.Fatalf("disruptions = %+v", res.Live.Disruptions)
	}
	part := res.Live.Disruptions[0].Components[0]
	if part.Status != "major_outage" || part.Signal != "API probes failing" {
		t.Errorf("part = %+v, want the worst status with its signal", part)
	}
	if api, _ := res.Live.Component("api"); api.Status != "degraded_performance" || api.Signal != "api failing" {
		t.Errorf("current state = %+v", api)
	}
}
