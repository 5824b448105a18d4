package status

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

const testConfig = `title = "Example Ops"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[[groups]]
id = "edge"
name = "Edge"
description = "What users reach first"

[[components]]
id = "dns"
name = "DNS"
group = "edge"
slo = 99.9

[[components]]
id = "db"
name = "Database"
description = "Primary Postgres"

[[components]]
id = "web"
name = "Website"
group = "edge"
slo = 99.5

[[components]]
id = "batch"
name = "Batch"
hidden = true
`

func testCfg(tb testing.TB, days int) *config.Config {
	tb.Helper()
	src := testConfig
	if days > 0 {
		src = strings.Replace(src, "[[groups]]", fmt.Sprintf("[status]\ndays = %d\n\n[[groups]]", days), 1)
	}
	cfg, err := config.Parse("config.toml", []byte(src), "")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func ts(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// incident builds an incident; each update is "RFC3339 status comp=status,...".
func incident(tb testing.TB, slug, impact, started, resolved string, comps []string, updates ...string) *content.Incident {
	tb.Helper()
	inc := &content.Incident{Slug: slug, Title: "Title of " + slug, Impact: impact, Started: ts(tb, started), Components: comps}
	if resolved != "" {
		inc.Resolved = ts(tb, resolved)
	}
	for _, u := range updates {
		f := strings.Fields(u)
		up := content.IncidentUpdate{At: ts(tb, f[0]), Status: f[1], Body: "Body of " + f[1]}
		if len(f) > 2 {
			for _, kv := range strings.Split(f[2], ",") {
				k, v, _ := strings.Cut(kv, "=")
				up.Components = append(up.Components, content.ComponentChange{Component: k, Status: v})
			}
		}
		inc.Updates = append(inc.Updates, up)
	}
	return inc
}

func window(tb testing.TB, slug, from, until string, comps []string, updates ...string) *content.Maintenance {
	tb.Helper()
	m := &content.Maintenance{Slug: slug, Title: "Window " + slug, ScheduledFor: ts(tb, from), ScheduledUntil: ts(tb, until), Components: comps}
	for _, u := range updates {
		f := strings.Fields(u)
		m.Updates = append(m.Updates, content.MaintenanceUpdate{At: ts(tb, f[0]), Status: f[1], Body: "Body of " + f[1]})
	}
	return m
}

func ratio(v float64) *float64 { return &v }

func TestComputeCurrentStatus(t *testing.T) {
	cfg := testCfg(t, 0)
	now := ts(t, "2026-10-14T10:00:00Z")
	dnsDown := incident(t, "dns-down", "major", "2026-10-14T09:00:00Z", "", []string{"dns", "web"},
		"2026-10-14T09:00:00Z investigating dns=major_outage,web=degraded_performance",
		"2026-10-14T09:30:00Z identified dns=partial_outage")
	old := incident(t, "old", "critical", "2026-10-01T09:00:00Z", "2026-10-01T10:00:00Z", []string{"db"},
		"2026-10-01T09:00:00Z investigating db=major_outage",
		"2026-10-01T10:00:00Z resolved db=operational")
	future := incident(t, "future", "critical", "2026-10-15T09:00:00Z", "", []string{"db"}, "2026-10-15T09:00:00Z investigating")
	dbWork := window(t, "db-work", "2026-10-14T09:45:00Z", "2026-10-14T11:00:00Z", []string{"db"}, "2026-10-10T08:00:00Z scheduled")
	later := window(t, "later", "2026-11-01T22:00:00Z", "2026-11-02T01:00:00Z", []string{"web"})

	p := Compute(cfg, []*content.Incident{future, dnsDown, old}, []*content.Maintenance{later, dbWork}, nil, now)

	got := map[string]string{}
	for _, c := range p.Components {
		got[c.ID] = c.Status
	}
	want := map[string]string{"dns": "partial_outage", "web": "degraded_performance", "db": "under_maintenance"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("component statuses %v, want %v", got, want)
	}
	if p.Overall != (Overall{IndicatorMajor, DescPartial}) {
		t.Errorf("overall %+v: the major incident raises partial_outage to major", p.Overall)
	}
	if len(p.Active) != 1 || p.Active[0] != dnsDown || len(p.Incidents) != 2 {
		t.Errorf("active %d, incidents %d (the future one is left out)", len(p.Active), len(p.Incidents))
	}
	if len(p.InProgress) != 1 || p.InProgress[0] != dbWork || len(p.Upcoming) != 1 || p.Upcoming[0] != later {
		t.Errorf("maintenance in progress %v, upcoming %v", p.InProgress, p.Upcoming)
	}
	if !p.UpdatedAt.Equal(ts(t, "2026-10-14T09:45:00Z")) || !p.Since.Equal(ts(t, "2026-10-01T09:00:00Z")) {
		t.Errorf("updated %v since %v: the latest event is the window opening", p.UpdatedAt, p.Since)
	}
	dns, _ := p.Component("dns")
	if !dns.UpdatedAt.Equal(ts(t, "2026-10-14T09:30:00Z")) || len(dns.Incidents) != 1 {
		t.Errorf("dns updated %v, incidents %d", dns.UpdatedAt, len(dns.Incidents))
	}
	if len(p.Sections) != 2 || p.Sections[0].ID != "edge" || len(p.Sections[0].Components) != 2 || p.Sections[0].Status != "partial_outage" || p.Sections[1].ID != "" || p.Sections[1].Components[0].ID != "db" {
		t.Errorf("sections: group where its first component is, with all members; got %d", len(p.Sections))
	}
	if _, ok := p.Component("batch"); ok {
		t.Error("hidden components are not on the page")
	}

	// The same inputs at a later time in the same state give the same
	// "last updated": nothing depends on the clock itself.
	p2 := Compute(cfg, []*content.Incident{future, dnsDown, old}, []*content.Maintenance{later, dbWork}, nil, now.Add(5*time.Minute))
	if !p2.UpdatedAt.Equal(p.UpdatedAt) {
		t.Errorf("updated at moved with the clock: %v", p2.UpdatedAt)
	}
}

func TestOverallRule(t *testing.T) {
	cfg := testCfg(t, 0)
	now := ts(t, "2026-10-14T10:00:00Z")
	all := []string{"dns", "web", "db"}
	tests := []struct {
		name   string
		incs   []*content.Incident
		ms     []*content.Maintenance
		want   Overall
		states string
	}{
		{"nothing", nil, nil, Overall{"none", "All Systems Operational"}, ""},
		{"degraded", []*content.Incident{incident(t, "a", "none", "2026-10-14T09:00:00Z", "", []string{"db"}, "2026-10-14T09:00:00Z investigating db=degraded_performance")},
			nil, Overall{"minor", "Partially Degraded Service"}, ""},
		{"partial outage", []*content.Incident{incident(t, "a", "none", "2026-10-14T09:00:00Z", "", []string{"db"}, "2026-10-14T09:00:00Z investigating db=partial_outage")},
			nil, Overall{"minor", "Minor Service Outage"}, ""},
		{"one major outage", []*content.Incident{incident(t, "a", "minor", "2026-10-14T09:00:00Z", "", []string{"db"}, "2026-10-14T09:00:00Z investigating db=major_outage")},
			nil, Overall{"major", "Partial System Outage"}, ""},
		{"all major outage", []*content.Incident{incident(t, "a", "critical", "2026-10-14T09:00:00Z", "", all)},
			nil, Overall{"critical", "Major System Outage"}, ""},
		{"impact without components", []*content.Incident{incident(t, "a", "critical", "2026-10-14T09:00:00Z", "", nil, "2026-10-14T09:00:00Z investigating")},
			nil, Overall{"critical", "Major System Outage"}, ""},
		{"minor impact on operational components", []*content.Incident{incident(t, "a", "minor", "2026-10-14T09:00:00Z", "", []string{"db"}, "2026-10-14T09:00:00Z identified db=operational")},
			nil, Overall{"minor", "Minor Service Outage"}, ""},
		{"resolved incident", []*content.Incident{incident(t, "a", "critical", "2026-10-14T08:00:00Z", "2026-10-14T09:00:00Z", all)},
			nil, Overall{"none", "All Systems Operational"}, ""},
		{"maintenance", nil, []*content.Maintenance{window(t, "w", "2026-10-14T09:00:00Z", "2026-10-14T11:00:00Z", []string{"db"})},
			Overall{"maintenance", "Service Under Maintenance"}, ""},
		{"incident beats maintenance", []*content.Incident{incident(t, "a", "minor", "2026-10-14T09:00:00Z", "", []string{"web"})},
			[]*content.Maintenance{window(t, "w", "2026-10-14T09:00:00Z", "2026-10-14T11:00:00Z", []string{"db"})},
			Overall{"minor", "Partially Degraded Service"}, ""},
		{"maintenance completed early", nil, []*content.Maintenance{window(t, "w", "2026-10-14T09:00:00Z", "2026-10-14T11:00:00Z", []string{"db"}, "2026-10-14T09:50:00Z completed")},
			Overall{"none", "All Systems Operational"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compute(cfg, tt.incs, tt.ms, nil, now)
			if p.Overall != tt.want {
				t.Errorf("got %+v, want %+v", p.Overall, tt.want)
			}
		})
	}
}

func daily(month string, comp string, days map[string]float64, coverage float64) *snapshot.Snapshot {
	s := snapshot.New(month)
	a := snapshot.Availability{Component: comp}
	for d, r := range days {
		a.Daily = append(a.Daily, snapshot.Day{Date: d, Ratio: ratio(r), Coverage: coverage})
	}
	s.Availability = append(s.Availability, a)
	return s
}

func TestBarsAndUptime(t *testing.T) {
	cfg := testCfg(t, 5)
	now := ts(t, "2026-10-14T10:00:00Z") // 12:00 in Berlin
	snaps := map[string]*snapshot.Snapshot{
		"2026-10": daily("2026-10", "dns", map[string]float64{
			"2026-10-10": 1,
			"2026-10-11": 0.9995, // ≥ 99.9: operational
			"2026-10-12": 0.995,  // ≥ 99.0 (ten budgets): minor
			"2026-10-13": 0.95,   // major
		}, 1),
	}
	outage := incident(t, "dns-down", "major", "2026-10-12T21:30:00Z", "2026-10-12T22:30:00Z", []string{"dns"},
		"2026-10-12T21:30:00Z investigating", "2026-10-12T22:30:00Z resolved")
	notice := incident(t, "notice", "none", "2026-10-10T08:00:00Z", "2026-10-10T09:00:00Z", []string{"dns"},
		"2026-10-10T08:00:00Z investigating", "2026-10-10T09:00:00Z resolved")
	work := window(t, "dns-work", "2026-10-14T06:00:00Z", "2026-10-14T07:00:00Z", []string{"dns"})
	p := Compute(cfg, []*content.Incident{outage, notice}, []*content.Maintenance{work}, snaps, now)
	dns, _ := p.Component("dns")
	var got []string
	for _, b := range dns.Bars {
		got = append(got, b.Date+" "+b.Level+" | "+b.Tooltip)
	}
	want := []string{
		"2026-10-10 operational | Oct 10: 100.00% — Title of notice (none, 1h)",
		"2026-10-11 operational | Oct 11: 99.95%",
		// 21:30Z–22:30Z on Oct 12 is 23:30–00:30 in Berlin: both days,
		// half an hour on each. The days were measured whole, so the
		// measurement decides their level, not the incident's impact.
		"2026-10-12 minor | Oct 12: 99.50% — Title of dns-down (major, 30m)",
		"2026-10-13 major | Oct 13: 95.00% — Title of dns-down (major, 30m)",
		"2026-10-14 maintenance | Oct 14: No data — Maintenance: Window dns-work",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bars:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Four 24h days with data, weighted equally.
	wantUptime := (1 + 0.9995 + 0.995 + 0.95) / 4
	if dns.Uptime == nil || math.Abs(*dns.Uptime-wantUptime) > 1e-12 || dns.UptimeText != "98.61%" {
		t.Errorf("uptime %v %q, want %v", dns.Uptime, dns.UptimeText, wantUptime)
	}
	web, _ := p.Component("web")
	if web.Uptime != nil || web.UptimeText != "No data" || web.Bars[0].Level != LevelNoData || web.Bars[0].Tooltip != "Oct 10: No data" {
		t.Errorf("no data: %+v", web.Bars[0])
	}
}

func TestBarsDST(t *testing.T) {
	// Europe/Berlin leaves summer time on 2026-10-25 (a 25-hour day) and
	// enters it on 2026-03-29 (a 23-hour day).
	tests := []struct {
		name, now, first, long string
		hours                  float64
	}{
		{"fall back", "2026-10-26T12:00:00Z", "2026-10-24", "2026-10-25", 25},
		{"spring forward", "2026-03-30T12:00:00Z", "2026-03-28", "2026-03-29", 23},
		// 23:30 UTC on Oct 26 is already Oct 27 in Berlin.
		{"late evening UTC", "2026-10-26T23:30:00Z", "2026-10-25", "2026-10-25", 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testCfg(t, 3)
			month := tt.long[:7]
			snaps := map[string]*snapshot.Snapshot{month: daily(month, "dns", map[string]float64{tt.long: 0.5}, 1)}
			// A second day at 1.0 with full coverage: the long/short day
			// weighs by its hours.
			other := tt.first
			if other == tt.long {
				other = "2026-10-26"
			}
			snaps[month].Availability[0].Daily = append(snaps[month].Availability[0].Daily, snapshot.Day{Date: other, Ratio: ratio(1), Coverage: 1})
			p := Compute(cfg, nil, nil, snaps, ts(t, tt.now))
			dns, _ := p.Component("dns")
			if dns.Bars[0].Date != tt.first || len(dns.Bars) != 3 {
				t.Fatalf("first bar %s, want %s", dns.Bars[0].Date, tt.first)
			}
			for _, b := range dns.Bars {
				h := b.End.Sub(b.Start).Hours()
				if b.Date == tt.long && h != tt.hours {
					t.Errorf("%s lasts %vh, want %v", b.Date, h, tt.hours)
				}
				if b.Start.In(cfg.Location).Format("15:04") != "00:00" || b.End.In(cfg.Location).Format("15:04") != "00:00" {
					t.Errorf("%s is not a calendar day: %v – %v", b.Date, b.Start, b.End)
				}
			}
			want := (0.5*tt.hours + 24) / (tt.hours + 24)
			if dns.Uptime == nil || math.Abs(*dns.Uptime-want) > 1e-12 {
				t.Errorf("uptime %v, want %v", dns.Uptime, want)
			}
		})
	}
}

func TestMonthly(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	incs := []*content.Incident{
		// 23:30 UTC on Sep 30 is Oct 1 in Berlin: counts in October.
		incident(t, "a", "major", "2026-09-30T23:30:00Z", "2026-10-01T01:30:00Z", nil),
		incident(t, "b", "minor", "2026-10-10T10:00:00Z", "2026-10-10T10:30:00Z", nil),
		incident(t, "c", "minor", "2026-10-31T22:00:00Z", "", nil),
		incident(t, "sept", "critical", "2026-09-30T21:00:00Z", "2026-09-30T22:00:00Z", nil),
		incident(t, "nov", "critical", "2026-10-31T23:30:00Z", "2026-11-01T00:00:00Z", nil),
	}
	s, err := Monthly("2026-10", loc, incs)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, inc := range s.Incidents {
		slugs = append(slugs, inc.Slug)
	}
	if strings.Join(slugs, ",") != "a,b,c" {
		t.Errorf("incidents %v", slugs)
	}
	if fmt.Sprint(s.ByImpact) != "[{none 0} {minor 2} {major 1} {critical 0}]" {
		t.Errorf("by impact %v", s.ByImpact)
	}
	if s.Resolved != 2 || s.Unresolved != 1 || s.TotalToResolve != 150*time.Minute || s.Longest.Slug != "a" || s.LongestToResolve != 2*time.Hour || s.MTTR != 75*time.Minute {
		t.Errorf("resolve figures %+v", s)
	}
	// October 2026 in Berlin has 31 days and one extra hour (DST ends).
	if s.MTBF != (31*24+1)*time.Hour/3 {
		t.Errorf("MTBF %v", s.MTBF)
	}
	empty, err := Monthly("2026-08", loc, incs)
	if err != nil || empty.MTBF != 0 || empty.MTTR != 0 || empty.Longest != nil || empty.Incidents == nil {
		t.Errorf("quiet month %+v %v", empty, err)
	}
	if _, err := Monthly("October", loc, incs); err == nil {
		t.Error("want an error for a bad month")
	}
}

func TestHistory(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	incs := []*content.Incident{
		incident(t, "aug", "minor", "2026-08-05T10:00:00Z", "2026-08-05T11:00:00Z", nil),
		incident(t, "oct", "minor", "2026-10-05T10:00:00Z", "", nil),
		incident(t, "oct2", "minor", "2026-10-06T10:00:00Z", "", nil),
		incident(t, "future", "minor", "2026-12-05T10:00:00Z", "", nil),
	}
	ms := []*content.Maintenance{
		window(t, "sep", "2026-09-30T22:30:00Z", "2026-09-30T23:30:00Z", nil), // Oct 1 in Berlin
		window(t, "next", "2026-11-20T22:00:00Z", "2026-11-20T23:00:00Z", nil),
	}
	h := History(loc, incs, ms, ts(t, "2026-11-02T12:00:00Z"))
	var got []string
	for _, m := range h {
		var items []string
		for _, i := range m.Incidents {
			items = append(items, i.Slug)
		}
		for _, w := range m.Maintenance {
			items = append(items, "m:"+w.Slug)
		}
		got = append(got, m.Month+"["+strings.Join(items, ",")+"]")
	}
	if want := "2026-11[] 2026-10[oct2,oct,m:sep] 2026-09[] 2026-08[aug]"; strings.Join(got, " ") != want {
		t.Errorf("history %s, want %s", strings.Join(got, " "), want)
	}
}

// TestDayLevel is the one rule for a day's colour (docs/status.md, "Daily
// bars"): the measurement decides where there is one; an incident raises
// the level only for the part of the day without data.
func TestDayLevel(t *testing.T) {
	tests := []struct {
		name string
		f    DayFacts
		want string
	}{
		{"no data", DayFacts{}, LevelNoData},
		{"at the SLO", DayFacts{Ratio: ratio(0.999), Coverage: 1}, LevelOperational},
		{"own SLO", DayFacts{Ratio: ratio(0.996), Coverage: 1, SLO: 0.995}, LevelOperational},
		{"ten budgets", DayFacts{Ratio: ratio(0.99), Coverage: 1}, LevelMinor},
		// web on 14 Oct and DNS on 2 Dec: one colour in the report and
		// on the status page.
		{"web 14 Oct", DayFacts{Ratio: ratio(0.9792), Coverage: 1}, LevelMajor},
		{"dns 2 Dec", DayFacts{Ratio: ratio(0.9726), Coverage: 1}, LevelMajor},
		{"a hundred budgets", DayFacts{Ratio: ratio(0.9), Coverage: 1}, LevelMajor},
		{"beyond a hundred budgets", DayFacts{Ratio: ratio(0.89), Coverage: 1}, LevelCritical},
		{"half the day down, loose SLO", DayFacts{Ratio: ratio(0.49), Coverage: 1, SLO: 0.99}, LevelCritical},
		{"coverage unknown counts as whole", DayFacts{Ratio: ratio(1), Raised: LevelMajor}, LevelOperational},
		{"a 40-second incident on a measured day", DayFacts{Ratio: ratio(1), Coverage: 1, Raised: LevelCritical}, LevelOperational},
		{"an incident on a partly measured day", DayFacts{Ratio: ratio(1), Coverage: 0.87, Raised: LevelMajor}, LevelMajor},
		{"a minor incident does not lower a measured major", DayFacts{Ratio: ratio(0.95), Coverage: 0.87, Raised: LevelMinor}, LevelMajor},
		{"an incident on a day without data", DayFacts{Raised: LevelCritical}, LevelCritical},
		{"maintenance", DayFacts{Ratio: ratio(1), Coverage: 1, Maintenance: true}, LevelMaintenance},
		{"maintenance without data", DayFacts{Maintenance: true}, LevelMaintenance},
		{"maintenance on a bad day", DayFacts{Ratio: ratio(0.99), Coverage: 1, Maintenance: true}, LevelMinor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DayLevel(tt.f); got != tt.want {
				t.Errorf("DayLevel(%+v) = %s, want %s", tt.f, got, tt.want)
			}
		})
	}
}

// TestBarsHonest: a measured day at 100% stays green though a 40-second
// incident touched it, and says so; a partly measured day says how much
// of it has data and takes the impact of an incident that touched it; a
// day without data takes the impact whole.
func TestBarsHonest(t *testing.T) {
	cfg := testCfg(t, 3)
	now := ts(t, "2026-10-14T10:00:00Z")
	s := snapshot.New("2026-10")
	s.Availability = []snapshot.Availability{{Component: "dns", Daily: []snapshot.Day{
		{Date: "2026-10-12", Ratio: ratio(1), Coverage: 1},
		{Date: "2026-10-13", Ratio: ratio(1), Coverage: 0.87},
	}}}
	blip := incident(t, "blip", "critical", "2026-10-12T08:00:00Z", "2026-10-12T08:00:40Z", []string{"dns"},
		"2026-10-12T08:00:00Z investigating", "2026-10-12T08:00:40Z resolved")
	gap := incident(t, "gap", "major", "2026-10-13T08:00:00Z", "2026-10-13T08:20:00Z", []string{"dns"},
		"2026-10-13T08:00:00Z investigating", "2026-10-13T08:20:00Z resolved")
	open := incident(t, "open", "minor", "2026-10-14T09:00:00Z", "", []string{"dns"},
		"2026-10-14T09:00:00Z investigating")
	p := Compute(cfg, []*content.Incident{open, gap, blip}, nil, map[string]*snapshot.Snapshot{"2026-10": s}, now)
	dns, _ := p.Component("dns")
	var got []string
	for _, b := range dns.Bars {
		got = append(got, b.Level+" | "+b.Tooltip)
	}
	want := []string{
		"operational | Oct 12: 100.00% — Title of blip (critical, 40s)",
		"major | Oct 13: 100.00% (data for 87% of the day) — Title of gap (major, 20m)",
		"minor | Oct 14: No data — Title of open (minor, ongoing)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bars:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPastDays(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	incs := []*content.Incident{
		incident(t, "old", "minor", "2026-10-20T10:00:00Z", "2026-10-20T11:00:00Z", nil), // before the window
		incident(t, "a", "minor", "2026-10-29T23:30:00Z", "2026-10-30T01:00:00Z", nil),   // Oct 30 in Berlin
		incident(t, "b", "major", "2026-11-01T08:00:00Z", "", nil),
		incident(t, "c", "minor", "2026-11-01T09:00:00Z", "2026-11-01T09:10:00Z", nil),
		incident(t, "later", "minor", "2026-11-02T13:00:00Z", "", nil), // after now
	}
	ms := []*content.Maintenance{
		window(t, "w", "2026-10-31T23:30:00Z", "2026-11-01T00:30:00Z", nil),    // Nov 1 in Berlin (UTC+1)
		window(t, "next", "2026-11-02T20:00:00Z", "2026-11-02T21:00:00Z", nil), // still to come
	}
	days := PastDays(loc, incs, ms, ts(t, "2026-11-02T12:00:00Z"), 5)
	var got []string
	for _, d := range days {
		var items []string
		for _, i := range d.Incidents {
			items = append(items, i.Slug)
		}
		for _, w := range d.Maintenance {
			items = append(items, "m:"+w.Slug)
		}
		if d.Start.Format(time.DateOnly) != d.Date || d.Start.Location() != loc {
			t.Errorf("day %s starts %v", d.Date, d.Start)
		}
		got = append(got, d.Date+"["+strings.Join(items, ",")+"]")
	}
	want := "2026-11-02[] 2026-11-01[c,b,m:w] 2026-10-31[] 2026-10-30[a] 2026-10-29[]"
	if strings.Join(got, " ") != want {
		t.Errorf("past days %s, want %s", strings.Join(got, " "), want)
	}
}
