package status

import (
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func liveCfg(tb testing.TB) *config.Config {
	tb.Helper()
	src := testConfig + `
[live]
stale_after = "10m"
heartbeat = "5m"
[[live.rules]]
component = "dns"
alerts = 'alertname="DNSDown"'
[[live.rules]]
component = "web"
query = 'avg_over_time(probe_success{component="web"}[5m])'
thresholds = [{ below = 0.99, status = "degraded_performance" }]
`
	cfg, err := config.Parse("config.toml", []byte(src), "")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func TestApplyLive(t *testing.T) {
	cfg := liveCfg(t)
	now := ts(t, "2026-12-02T03:12:30Z")
	since := ts(t, "2026-12-02T03:10:00Z")
	live := &snapshot.Live{
		Schema: 1, CheckedAt: ts(t, "2026-12-02T03:12:00Z"), LastCheck: ts(t, "2026-12-02T03:12:00Z"),
		Components: []snapshot.LiveComponent{
			{Component: "dns", Status: "major_outage", Since: since, Signal: "DNS probes failing"},
			{Component: "web", Status: "operational", Since: ts(t, "2026-11-01T00:00:00Z")},
		},
		Disruptions: []snapshot.Disruption{{ID: "20261202T031000Z-dns", Start: since, Status: "major_outage",
			Components: []snapshot.DisruptionComponent{{Component: "dns", Status: "major_outage", Start: since, Signal: "DNS probes failing"}}}},
	}
	tests := []struct {
		name      string
		now       time.Time
		silences  []*content.Silence
		dns       string
		indicator string
		stale     bool
		detected  int
		barLevel  string
	}{
		{"detected", now, nil, content.MajorOutage, IndicatorMajor, false, 1, LevelCritical},
		{"stale keeps the last known state", now.Add(11 * time.Minute), nil, content.MajorOutage, IndicatorMajor, true, 1, LevelCritical},
		{"silenced", now, []*content.Silence{{Slug: "s", Component: "dns", Status: "operational", Reason: "probe broken", Start: since, Until: now.Add(time.Hour)}}, content.Operational, IndicatorNone, false, 0, LevelNoData},
		{"silence expired", now, []*content.Silence{{Slug: "s", Component: "dns", Status: "operational", Reason: "probe broken", Start: since, Until: now.Add(-time.Second)}}, content.MajorOutage, IndicatorMajor, false, 1, LevelCritical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compute(cfg, nil, nil, nil, tt.now)
			if p.Overall.Indicator != IndicatorNone {
				t.Fatalf("before live: %v", p.Overall)
			}
			ApplyLive(p, cfg, live, tt.silences, nil)
			dns, _ := p.Component("dns")
			if dns.Status != tt.dns || p.Overall.Indicator != tt.indicator {
				t.Errorf("dns %s, overall %v; want %s, %s", dns.Status, p.Overall, tt.dns, tt.indicator)
			}
			if p.Live.Stale != tt.stale || len(p.Detected) != tt.detected {
				t.Errorf("stale %v detected %d; want %v %d", p.Live.Stale, len(p.Detected), tt.stale, tt.detected)
			}
			if dns.Live == nil || !dns.Live.Since.Equal(since) {
				t.Errorf("dns live = %+v", dns.Live)
			}
			last := dns.Bars[len(dns.Bars)-1]
			if last.Level != tt.barLevel || len(last.Detected) != map[bool]int{true: 1}[tt.barLevel == LevelCritical] {
				t.Errorf("today's bar %s %v, want %s", last.Level, last.Detected, tt.barLevel)
			}
			if web, _ := p.Component("web"); web.Status != content.Operational || web.Live == nil {
				t.Errorf("web = %s %+v", web.Status, web.Live)
			}
			if db, _ := p.Component("db"); db.Live != nil {
				t.Errorf("db has no rules but got %+v", db.Live)
			}
			if !p.UpdatedAt.Equal(since.In(p.Location)) && tt.dns != content.Operational {
				t.Errorf("UpdatedAt = %v, want the detection's start", p.UpdatedAt)
			}
		})
	}

	// Without live.json the page is as Compute made it.
	p := Compute(cfg, nil, nil, nil, now)
	ApplyLive(p, cfg, nil, nil, nil)
	if p.Live != nil || p.Overall.Indicator != IndicatorNone {
		t.Errorf("nil live changed the page: %+v", p.Overall)
	}
}

// TestRecoveryUpdatesComponent: a component whose detected disruption
// ended was last changed when it recovered. Its updated_at (components.json,
// the component page's sitemap date) went back to its last incident's time
// instead, so every recovery changed the sitemap back and the API said the
// component had not changed since.
func TestRecoveryUpdatesComponent(t *testing.T) {
	cfg := liveCfg(t)
	start, end := ts(t, "2026-12-02T03:10:00Z"), ts(t, "2026-12-02T03:40:00Z")
	dc := snapshot.DisruptionComponent{Component: "dns", Status: "major_outage", Start: start, End: end, Signal: "DNS probes failing"}
	live := &snapshot.Live{
		Schema: 1, CheckedAt: ts(t, "2026-12-02T04:00:00Z"), LastCheck: ts(t, "2026-12-02T04:00:00Z"),
		Components:  []snapshot.LiveComponent{{Component: "dns", Status: "operational", Since: end}},
		Disruptions: []snapshot.Disruption{{ID: "20261202T031000Z-dns", Start: start, End: end, Status: "major_outage", Components: []snapshot.DisruptionComponent{dc}}},
	}
	for _, tt := range []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"after the recovery", ts(t, "2026-12-02T04:00:30Z"), end},
		{"before the recovery, as of an earlier build", ts(t, "2026-12-02T03:20:00Z"), start},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Compute(cfg, nil, nil, nil, tt.now)
			ApplyLive(p, cfg, live, nil, nil)
			dns, _ := p.Component("dns")
			if !dns.UpdatedAt.Equal(tt.want) {
				t.Errorf("dns UpdatedAt = %v, want %v", dns.UpdatedAt, tt.want)
			}
			if web, _ := p.Component("web"); !web.UpdatedAt.Before(start) {
				t.Errorf("web, which was not disrupted, UpdatedAt = %v", web.UpdatedAt)
			}
		})
	}
}
