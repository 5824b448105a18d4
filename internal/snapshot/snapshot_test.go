package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func ptr(f float64) *float64 { return &f }

func sample() *Snapshot {
	s := New("2026-10")
	s.Issues = []RepoIssues{{Repository: "readthedocs/readthedocs.org", Opened: 42, Closed: 40, OpenAtEnd: 310, PullRequests: Counts{Opened: 7}}}
	s.Releases = []Track{{Track: "backend", Name: "Backend", Source: "workflow_runs",
		Releases: []Release{{Name: "v1", DurationSeconds: 3600}, {Name: "v2", DurationSeconds: 86400}},
		Summary:  Summary{Count: 2, MedianSeconds: 8100, P90Seconds: 86400, MaxSeconds: 86400, Outliers: []string{"v2"}}}}
	s.Availability = []Availability{{Component: "api", Ratio: ptr(0.99996), Coverage: 1, SLO: 0.999, ErrorBudgetRemaining: ptr(0.96)},
		{Component: "dns", Coverage: 0}}
	s.Delivery = []Delivery{
		{Track: "backend", Name: "Backend", LeadTimeFrom: "merge", FailureWindowSeconds: 86400,
			Deployments: []Deployment{{Name: "v1", Status: DeploySuccess}, {Name: "v2", Status: DeploySuccess}, {Name: "v3", Status: DeploySuccess, Failure: "incident x"}},
			Keys: Keys{Deployments: 3, PerWeek: 3 / (31.0 / 7), Changes: 4, LeadTimeMedianSeconds: ptr(5400), LeadTimeP90Seconds: ptr(172800),
				FailedChanges: 1, ChangeFailureRate: ptr(1.0 / 3), Restores: 2, TimeToRestoreSeconds: ptr(6600)}},
		{Track: "quiet", Name: "Quiet", Deployments: []Deployment{}},
		{Track: "failing", Name: "Failing", Deployments: []Deployment{{Name: "v9", Status: DeployFailed}}},
	}
	return s
}

func TestLookup(t *testing.T) {
	s := sample()
	tests := []struct {
		key, want string
	}{
		{"issues.readthedocs/readthedocs.org.opened", "42"},
		{"issues.readthedocs/readthedocs.org", "310"},
		{"issues.readthedocs/readthedocs.org.prs_opened", "7"},
		{"releases.backend.median", "2h 15m"},
		{"releases.backend.max", "1d"},
		{"releases.backend", "2"},
		{"releases.backend.outliers", "1"},
		{"releases.backend.slowest", "v2"},
		{"uptime.api", "99.99%"},
		{"uptime.api.slo", "99.90%"},
		{"uptime.api.budget", "96.00%"},
		{"delivery.backend", "3"},
		{"delivery.backend.deployments", "3"},
		{"delivery.backend.per_week", "0.7"},
		{"delivery.backend.lead_time", "1h 30m"},
		{"delivery.backend.lead_time_p90", "2d"},
		{"delivery.backend.change_failure_rate", "33.33%"},
		{"delivery.backend.failed_changes", "1"},
		{"delivery.backend.time_to_restore", "1h 50m"},
		// A month without deployments: every key is "—", never 0 or NaN.
		{"delivery.quiet", "—"},
		{"delivery.quiet.per_week", "—"},
		{"delivery.quiet.lead_time", "—"},
		{"delivery.quiet.lead_time_p90", "—"},
		{"delivery.quiet.change_failure_rate", "—"},
		{"delivery.quiet.failed_changes", "—"},
		{"delivery.quiet.time_to_restore", "—"},
		// Attempts, none successful: none deployed, no rate.
		{"delivery.failing", "0"},
		{"delivery.failing.per_week", "0.0"},
		{"delivery.failing.change_failure_rate", "—"},
	}
	for _, tt := range tests {
		f, err := s.Lookup(tt.key)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tt.key, err)
			continue
		}
		if got := f.Format(2); got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
	bad := map[string]string{
		"uptime.api2":            `unknown figure "uptime.api2": 2026-10 has no availability for component "api2" (it has api, dns)`,
		"uptime.dns":             `figure "uptime.dns": component "dns" has no data in 2026-10`,
		"weather.today":          `unknown figure "weather.today": keys start with delivery., issues., releases. or uptime.`,
		"delivery.web.lead_time": `unknown figure "delivery.web.lead_time": 2026-10 has no delivery keys for track "web" (it has backend, failing, quiet)`,
		"issues.acme/x.foo":      `unknown figure "issues.acme/x.foo": 2026-10 has no issue counts for "acme/x.foo" (it has readthedocs/readthedocs.org)`,
	}
	for key, want := range bad {
		if _, err := s.Lookup(key); err == nil || err.Error() != want {
			t.Errorf("Lookup(%q) error = %v, want %s", key, err, want)
		}
	}
}

func TestFormatPercentFloors(t *testing.T) {
	for _, tt := range []struct {
		r    float64
		p    int
		want string
	}{{0.99999999, 2, "99.99%"}, {1, 2, "100.00%"}, {0.9995, 2, "99.95%"}, {0.5, 0, "50%"}, {0.123456, 3, "12.345%"}} {
		if got := FormatPercent(tt.r, tt.p); got != tt.want {
			t.Errorf("FormatPercent(%v, %d) = %q, want %q", tt.r, tt.p, got, tt.want)
		}
	}
}

func TestRoundTripAndEmptyLists(t *testing.T) {
	dir := t.TempDir()
	st := Store{Dir: dir}
	s := New("2026-11")
	if err := Write(st.Path("2026-11"), s); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(st.Path("2026-11"))
	if strings.Contains(string(b), "null") {
		t.Errorf("empty snapshot encodes null:\n%s", b)
	}
	in := sample()
	in.Releases[0].Releases[0].Start = time.Date(2026, 10, 3, 8, 0, 0, 0, time.UTC)
	if err := Write(st.Path("2026-10"), in); err != nil {
		t.Fatal(err)
	}
	all, err := st.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all["2026-10"].Issues[0].Opened != 42 || !all["2026-10"].Releases[0].Releases[0].Start.Equal(in.Releases[0].Releases[0].Start) {
		t.Fatalf("round trip lost data: %+v", all)
	}
	again, _ := all["2026-10"].Encode()
	first, _ := os.ReadFile(st.Path("2026-10"))
	if string(again) != string(first) {
		t.Error("re-encoding a read snapshot changed its bytes")
	}
	if strings.Contains(string(b), "delivery") {
		t.Errorf("a month without delivery entries encodes them:\n%s", b)
	}
	if m, _ := st.Load("2030-01"); m != nil {
		t.Error("missing month should load as nil")
	}
}

func TestDecodeErrors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct{ body, want string }{
		"schema":                  {`{"schema": 7, "month": "2026-10"}`, "schema 7 is not supported (this bulletin reads schema 1)"},
		"unknown":                 {"{\n\"schema\": 1,\n\"month\": \"2026-10\",\n\"isues\": []\n}", `:4: unknown field "isues"`},
		"syntax":                  {"{\n\"schema\": 1,\n\"month\": \"2026-10\"\n\"issues\": []\n}", ":4: invalid character"},
		"type":                    {"{\n\"schema\": 1,\n\"month\": \"2026-10\",\n\"issues\": [{\"opened\": \"many\"}]\n}", ":4: issues.opened: text where a whole number is expected"},
		"type of a ratio":         {"{\n\"schema\": 1,\n\"month\": \"2026-10\",\n\"availability\": [{\"component\": \"api\",\n \"ratio\": \"high\"}]\n}", ":5: availability.ratio: text where a number is expected"},
		"object for a list":       {"{\n\"schema\": 1,\n\"month\": \"2026-10\",\n\"availability\": {}\n}", ":4: availability: an object where a list is expected"},
		"month":                   {`{"schema": 1, "month": "October"}`, `month "October" is not of the form YYYY-MM`},
		"trailing":                {"{\"schema\": 1, \"month\": \"2026-10\"}\n\n{}\n", ":3: unexpected data after the snapshot"},
		"another schema's fields": {`{"schema": 2, "month": "2026-10", "uptime": {}}`, "schema 2 is not supported"},
	}
	for name, c := range cases {
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, []byte(c.body), 0o644)
		_, err := Read(p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), p) {
			t.Errorf("%s: error %v, want it to start with the path and contain %q", name, err, c.want)
		}
	}
}

func TestMonthHelpers(t *testing.T) {
	if PrevMonth("2026-01") != "2025-12" || NextMonth("2026-12") != "2027-01" {
		t.Error("month arithmetic")
	}
	loc, _ := time.LoadLocation("Europe/Berlin")
	start, end, err := MonthRange("2026-10", loc)
	if err != nil || start.Format(time.RFC3339) != "2026-10-01T00:00:00+02:00" || end.Format(time.RFC3339) != "2026-11-01T00:00:00+01:00" {
		t.Errorf("MonthRange = %v %v %v", start, end, err)
	}
}

// TestDecodeOutOfRange: figures no collector writes are refused at their
// line, each of them, rather than published as "-50.00%" or dropped.
func TestDecodeOutOfRange(t *testing.T) {
	p := filepath.Join("testdata", "bad", "2026-10.json")
	_, err := Read(p)
	want := strings.Join([]string{
		p + ":7: issues.0 is null: write [] for none, or remove the entry",
		p + ":21: availability.0.daily is null: write [] for none, or remove the entry",
		p + ":29: availability.2 is null: write [] for none, or remove the entry",
		p + ":20: availability.0.ratio -0.5 is not a fraction between 0 and 1",
		p + ":22: availability.1.ratio 1.5 is not a fraction between 0 and 1",
		p + ":25: availability.1.daily.0.ratio 7 is not a fraction between 0 and 1",
		p + ":26: availability.1.daily.1.date \"2026-11-01\" is not a day of 2026-10",
		p + ":15: releases.0.releases.0.duration_seconds -100 is negative",
		p + ":8: issues.1.opened -1 is negative",
		p + ":33: delivery.0.failure_window_seconds -1 is negative",
		p + ":39: delivery.0.keys.lead_time_median_seconds -5 is negative",
		p + ":38: delivery.0.keys.changes -1 is negative",
		p + ":40: delivery.0.keys.change_failure_rate 2 is not a fraction between 0 and 1",
		p + ":35: delivery.0.deployments.0.status \"done\" is not success or failed",
		p + ":36: delivery.0.deployments.0.changes.0.lead_seconds -5 is negative",
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestExamplesKeepTheirBytes: the example site's months and the site
// tests' months, written before delivery entries existed, re-encode to
// the same bytes.
func TestExamplesKeepTheirBytes(t *testing.T) {
	paths, _ := filepath.Glob("../../data/20*.json")
	more, _ := filepath.Glob("../site/testdata/*/data/20*.json")
	for _, p := range append(paths, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Decode(p, b)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Delivery) > 0 {
			continue
		}
		again, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(b) {
			t.Errorf("%s: re-encoding changed its bytes", p)
		}
	}
}

// TestLoadAllNamesStrayFiles: a .json file in data/ that is not a month's
// snapshot (nor live.json) is a problem, not ignored.
func TestLoadAllNamesStrayFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"2026-13.json", "notes.json", "live.json", "2026-10.json", ".hidden.json", "README.md"} {
		os.WriteFile(filepath.Join(dir, name), []byte(`{"schema": 1, "month": "2026-10"}`), 0o644)
	}
	snaps, err := Store{Dir: dir}.LoadAll()
	want := filepath.Join(dir, "2026-13.json") + ": not a month's snapshot: name it YYYY-MM.json (or move it out of " + dir + ")\n" +
		filepath.Join(dir, "notes.json") + ": not a month's snapshot: name it YYYY-MM.json (or move it out of " + dir + ")"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	if len(snaps) != 1 || snaps["2026-10"] == nil {
		t.Errorf("snapshots %v, want 2026-10's", snaps)
	}
}
