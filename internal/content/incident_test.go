package content

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
)

const statusConfig = `title = "Example Ops"
base_url = "https://ops.example.org"
timezone = "Europe/Berlin"

[[groups]]
id = "edge"
name = "Edge"

[[components]]
id = "dns"
name = "DNS"
group = "edge"

[[components]]
id = "web"
name = "Website"
group = "edge"

[[components]]
id = "db"
name = "Database"

[[tracks]]
id = "backend"
repository = "acme/server"
source = "deployments"

[[tracks]]
id = "frontend"
repository = "acme/ui"
source = "releases"
`

func statusCfg(tb testing.TB) *config.Config {
	tb.Helper()
	cfg, err := config.Parse("config.toml", []byte(statusConfig), "")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

const goodIncident = `---
title: DNS resolution failing
impact: major
started: 2026-10-14T09:12:00Z
resolved: 2026-10-14T11:40:00+02:00
components: [dns, web]
updates:
  - at: 2026-10-14T09:12:00Z
    status: investigating
    body: We are investigating failed DNS lookups.
    components:
      dns: major_outage
      web: partial_outage
  - at: 2026-10-14T11:30:00+02:00
    status: identified
    body: |
      An upstream resolver is failing.

      We are switching providers.
    components: {dns: partial_outage}
  - at: 2026-10-14 11:40
    status: resolved
    body: Resolved.
    components: {dns: operational, web: operational}
---

## What happened

Text.
`

func TestParseIncident(t *testing.T) {
	cfg := statusCfg(t)
	inc, err := ParseIncident("content/incidents/2026-10-14-dns.md", []byte(goodIncident), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Slug != "2026-10-14-dns" || inc.Title != "DNS resolution failing" || inc.Impact != ImpactMajor {
		t.Errorf("meta: %+v", inc)
	}
	if got := inc.Started.Format(time.RFC3339); got != "2026-10-14T11:12:00+02:00" {
		t.Errorf("started in the site zone: %s", got)
	}
	if got := inc.Resolved.UTC().Format(time.RFC3339); got != "2026-10-14T09:40:00Z" {
		t.Errorf("resolved: %s", got)
	}
	if inc.Duration() != 28*time.Minute {
		t.Errorf("duration %v", inc.Duration())
	}
	if len(inc.Updates) != 3 {
		t.Fatalf("updates: %d", len(inc.Updates))
	}
	u := inc.Updates[1]
	if u.Line != 14 || u.Status != StatusIdentified || u.Body != "An upstream resolver is failing.\n\nWe are switching providers." {
		t.Errorf("update 1: %+v", u)
	}
	if got := inc.Updates[2].At.UTC().Format(time.RFC3339); got != "2026-10-14T09:40:00Z" {
		t.Errorf("time without offset is site-zone wall clock: %s", got)
	}
	if want := []ComponentChange{{"dns", MajorOutage}, {"web", PartialOutage}}; !equalChanges(inc.Updates[0].Components, want) {
		t.Errorf("changes sorted by id: %+v", inc.Updates[0].Components)
	}
	if inc.Status() != StatusResolved || !inc.IsResolved() {
		t.Errorf("status %s", inc.Status())
	}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		id, at, want string
		ok           bool
	}{
		{"dns", "2026-10-14T09:00:00Z", "", false},
		{"dns", "2026-10-14T09:20:00Z", MajorOutage, true},
		{"dns", "2026-10-14T09:35:00Z", PartialOutage, true},
		{"web", "2026-10-14T09:35:00Z", PartialOutage, true},
		{"dns", "2026-10-14T09:40:00Z", "", false},
		{"db", "2026-10-14T09:20:00Z", "", false},
	} {
		got, ok := inc.ComponentStatusAt(c.id, at(c.at))
		if got != c.want || ok != c.ok {
			t.Errorf("%s at %s: %q %v, want %q %v", c.id, c.at, got, ok, c.want, c.ok)
		}
	}
	if inc.StatusAt(at("2026-10-14T09:00:00Z")) != "" || inc.StatusAt(at("2026-10-14T09:35:00Z")) != StatusIdentified {
		t.Errorf("StatusAt follows the updates")
	}
	if inc.BodyLine != 26 || !strings.Contains(string(inc.Body), "## What happened") {
		t.Errorf("body at %d: %q", inc.BodyLine, inc.Body)
	}
}

// TestParseIncidentCausedBy: caused_by names a configured track and a
// release of it; without it the cause is zero.
func TestParseIncidentCausedBy(t *testing.T) {
	cfg := statusCfg(t)
	for _, tt := range []struct {
		name, line string
		want       Cause
	}{
		{"none", "", Cause{}},
		{"tag", "caused_by: backend v5.13.0", Cause{Track: "backend", Release: "v5.13.0"}},
		{"quoted with spaces", `caused_by: "frontend  #812 (9f3c2e1) "`, Cause{Track: "frontend", Release: "#812 (9f3c2e1)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(goodIncident, "components: [dns, web]\n", "components: [dns, web]\n"+tt.line+"\n", 1)
			inc, err := ParseIncident("content/incidents/2026-10-14-dns.md", []byte(src), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if inc.CausedBy != tt.want {
				t.Errorf("caused by %+v, want %+v", inc.CausedBy, tt.want)
			}
		})
	}
}

func TestParseIncidentTOML(t *testing.T) {
	src := `+++
title = "Database slow"
impact = "minor"
started = 2026-10-20T10:00:00
components = ["db"]

[[updates]]
at = 2026-10-20T10:00:00
status = "investigating"
body = "Queries are slow."
components = { db = "degraded_performance" }
+++
`
	inc, err := ParseIncident("content/incidents/db-slow.md", []byte(src), statusCfg(t))
	if err != nil {
		t.Fatal(err)
	}
	if inc.Format != TOML || inc.Started.Format(time.RFC3339) != "2026-10-20T10:00:00+02:00" || inc.IsResolved() {
		t.Errorf("toml incident: %+v", inc)
	}
	if got, _ := inc.ComponentStatusAt("db", inc.Started); got != DegradedPerformance {
		t.Errorf("db status %q", got)
	}
}

func equalChanges(a, b []ComponentChange) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// incidentSrc builds an incident file; lines are numbered from 1 at "---".
func incidentSrc(lines ...string) string {
	return "---\n" + strings.Join(lines, "\n") + "\n---\nBody.\n"
}

func TestParseIncidentErrors(t *testing.T) {
	head := []string{"title: DNS", "impact: major", "started: 2026-10-14T09:00:00Z"}
	with := func(extra ...string) string { return incidentSrc(append(append([]string{}, head...), extra...)...) }
	upd := func(at, status string) []string {
		return []string{"  - at: " + at, "    status: " + status, "    body: x"}
	}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name, file, src, want string
	}{
		{"unknown component", "x.md", with(join([]string{"components: [dns, dns2]", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"))...),
			`content/incidents/x.md:5: unknown component "dns2"`},
		{"unknown component in update", "x.md", with(join([]string{"components: [dns]", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    components: {dns3: major_outage}"})...),
			`content/incidents/x.md:10: unknown component "dns3"`},
		{"component listed twice", "x.md", with(join([]string{"components:", "  - dns", "  - dns", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"))...),
			`content/incidents/x.md:7: component "dns" listed twice`},
		{"update moves unlisted component", "x.md", with(join([]string{"components: [dns]", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    components:", "      web: partial_outage"})...),
			`content/incidents/x.md:11: update sets the status of component "web", which is not among the incident's components`},
		{"unknown component status", "x.md", with(join([]string{"components: [dns]", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    components:", "      dns: down"})...),
			`content/incidents/x.md:11: unknown component status "down" (one of operational, under_maintenance, degraded_performance, partial_outage, major_outage)`},
		{"update before started", "x.md", with(join([]string{"updates:"}, upd("2026-10-14T08:59:00Z", "investigating"))...),
			`content/incidents/x.md:6: update at 2026-10-14T08:59:00Z is before the incident started (2026-10-14T09:00:00Z)`},
		{"updates out of order", "x.md", with(join([]string{"updates:"}, upd("2026-10-14T10:00:00Z", "investigating"), upd("2026-10-14T09:30:00Z", "identified"))...),
			`content/incidents/x.md:9: updates are out of order: 2026-10-14T09:30:00Z is before the previous update (2026-10-14T10:00:00Z)`},
		{"resolved but last update is not", "x.md", with(join([]string{"resolved: 2026-10-14T10:00:00Z", "updates:"}, upd("2026-10-14T09:00:00Z", "monitoring"))...),
			`content/incidents/x.md:5: resolved is set but the last update's status is monitoring: add an update with status resolved`},
		{"last update resolved but not set", "x.md", with(join([]string{"updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), upd("2026-10-14T10:00:00Z", "resolved"))...),
			`content/incidents/x.md:10: the last update's status is resolved but resolved is not set: add resolved (the time the incident ended)`},
		{"resolved before started", "x.md", with(join([]string{"resolved: 2026-10-14T08:00:00Z", "updates:"}, upd("2026-10-14T09:00:00Z", "resolved"))...),
			`content/incidents/x.md:5: resolved 2026-10-14T08:00:00Z is before started 2026-10-14T09:00:00Z`},
		{"resolved after the resolved update", "x.md", with(join([]string{"resolved: 2026-10-16T10:00:00Z", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), upd("2026-10-14T10:00:00Z", "resolved"))...),
			`content/incidents/x.md:5: resolved 2026-10-16T10:00:00Z is after the resolved update at 2026-10-14T10:00:00Z: set resolved to the time the incident ended, at or before that update`},
		{"investigating after resolved", "x.md", with(join([]string{"resolved: 2026-10-14T10:00:00Z", "updates:"}, upd("2026-10-14T10:00:00Z", "resolved"), upd("2026-10-14T11:00:00Z", "investigating"), upd("2026-10-14T12:00:00Z", "resolved"))...),
			`content/incidents/x.md:11: update with status investigating after the incident was resolved (2026-10-14T10:00:00Z): only resolved or postmortem may follow`},
		{"postmortem before resolved", "x.md", with(join([]string{"updates:"}, upd("2026-10-14T09:00:00Z", "postmortem"))...),
			"content/incidents/x.md:7: postmortem update before the incident was resolved: add a resolved update first\n" +
				"content/incidents/x.md:7: the last update's status is postmortem but resolved is not set: add resolved (the time the incident ended)"},
		{"resolved update leaves outage", "x.md", with(join([]string{"resolved: 2026-10-14T10:00:00Z", "components: [dns]", "updates:"}, upd("2026-10-14T10:00:00Z", "resolved"), []string{"    components: {dns: major_outage}"})...),
			`content/incidents/x.md:11: resolved update leaves component "dns" in major_outage: a resolved incident returns its components to operational`},
		{"unknown impact", "x.md", incidentSrc("title: DNS", "impact: huge", "started: 2026-10-14T09:00:00Z", "updates:", "  - {at: 2026-10-14T09:00:00Z, status: investigating}"),
			`content/incidents/x.md:3: unknown impact "huge" (one of none, minor, major, critical)`},
		{"unknown status", "x.md", with(join([]string{"updates:"}, upd("2026-10-14T09:00:00Z", "fixing"))...),
			`content/incidents/x.md:7: unknown incident status "fixing" (one of investigating, identified, monitoring, resolved, postmortem)`},
		{"slug not URL-safe", "DNS Outage.md", with(join([]string{"updates:"}, upd("2026-10-14T09:00:00Z", "investigating"))...),
			`content/incidents/DNS Outage.md: file name "DNS Outage.md" is not a URL-safe slug: use lowercase letters, digits and - (e.g. 2026-10-14-dns-outage.md)`},
		{"missing fields", "x.md", incidentSrc("components: [dns]"),
			"content/incidents/x.md:1: title is required\n" +
				"content/incidents/x.md:1: impact is required (one of none, minor, major, critical)\n" +
				"content/incidents/x.md:1: started is required (when the disruption began, e.g. 2026-10-14T09:12:00Z)\n" +
				"content/incidents/x.md:1: incident has no updates: add one with at, status (e.g. investigating) and body"},
		{"unknown key", "x.md", with(join([]string{"updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    severity: high"})...),
			`content/incidents/x.md:9: unknown key "severity"`},
		{"unknown key at the top", "x.md", with(join([]string{"severity: high", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"))...),
			`content/incidents/x.md:5: unknown key "severity"`},
		{"unknown key in a flow update", "x.md", with("updates:", "  - {at: 2026-10-14T09:00:00Z, status: investigating, by: ops}"),
			`content/incidents/x.md:6: unknown key "by"`},
		{"unknown keys at every level", "x.md", with(join([]string{"owner: ops", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    severity: high"}, upd("2026-10-14T10:00:00Z", "identified"), []string{"    eta: soon"})...),
			"content/incidents/x.md:5: unknown key \"owner\"\n" +
				"content/incidents/x.md:10: unknown key \"severity\"\n" +
				"content/incidents/x.md:14: unknown key \"eta\""},
		{"unknown key and type error", "x.md", with(join([]string{"components: {dns: web}", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    severity: high"})...),
			"content/incidents/x.md:5: a mapping where a list is expected\n" +
				"content/incidents/x.md:10: unknown key \"severity\""},
		{"mapping in the component map", "x.md", with(join([]string{"components: [dns]", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"), []string{"    components:", "      dns: {status: major_outage}"})...),
			`content/incidents/x.md:11: a mapping where text is expected`},
		{"unknown key and bad time", "x.md", with(join([]string{"severity: high", "updates:"}, upd("soon", "investigating"))...),
			`content/incidents/x.md:7: "soon" is not a date (2026-10-31) or time (2026-10-31T09:30:00+01:00)`},
		{"caused_by unknown track", "x.md", with(join([]string{"caused_by: backend2 v5.13.0", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"))...),
			`content/incidents/x.md:5: unknown track "backend2" in caused_by (tracks: backend, frontend)`},
		{"caused_by without release", "x.md", with(join([]string{"caused_by: backend", "updates:"}, upd("2026-10-14T09:00:00Z", "investigating"))...),
			`content/incidents/x.md:5: caused_by "backend" names no release: write the track and the release, e.g. caused_by: backend v5.13.0`},
		{"bad time", "x.md", with(join([]string{"updates:"}, upd("yesterday", "investigating"))...),
			`content/incidents/x.md:6: "yesterday" is not a date (2026-10-31) or time (2026-10-31T09:30:00+01:00)`},
	}
	cfg := statusCfg(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIncident("content/incidents/"+tt.file, []byte(tt.src), cfg)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("got\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestLoadStatusContent(t *testing.T) {
	root := t.TempDir()
	incDir, mntDir := filepath.Join(root, "incidents"), filepath.Join(root, "maintenance")
	write := func(dir, name, src string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	okIncident := func(started string) string {
		return incidentSrc("title: A", "impact: minor", "started: "+started, "updates:", "  - {at: "+started+", status: investigating, body: x}")
	}
	window := func(from, until, counts string, comps string) string {
		return "---\ntitle: W\nscheduled_for: " + from + "\nscheduled_until: " + until + "\ncomponents: " + comps + "\ncounts_against_availability: " + counts + "\n---\n"
	}
	write(incDir, "older.md", okIncident("2026-09-01T10:00:00Z"))
	write(incDir, "newer.md", okIncident("2026-10-01T10:00:00Z"))
	write(incDir, "broken.md", incidentSrc("title: B", "impact: minor", "started: 2026-10-01T10:00:00Z", "updates:", "  - {at: 2026-10-01T10:00:00Z, status: nope}"))
	write(mntDir, "newer.md", window("2026-12-01T22:00:00Z", "2026-12-02T01:00:00Z", "false", "[db]"))
	write(mntDir, "db-a.md", window("2026-11-01T22:00:00Z", "2026-11-02T01:00:00Z", "false", "[db]"))
	write(mntDir, "db-b.md", window("2026-11-02T00:00:00Z", "2026-11-02T02:00:00Z", "true", "[db, web]"))
	write(mntDir, "web.md", window("2026-11-02T00:00:00Z", "2026-11-02T02:00:00Z", "true", "[web]"))
	write(mntDir, "backwards.md", window("2026-11-05T02:00:00Z", "2026-11-05T01:00:00Z", "false", "[web]"))

	sc, err := LoadStatusContent(incDir, mntDir, statusCfg(t))
	if err == nil {
		t.Fatal("want errors")
	}
	want := strings.Join([]string{
		incDir + `/broken.md:6: unknown incident status "nope" (one of investigating, identified, monitoring, resolved, postmortem)`,
		mntDir + `/backwards.md:4: maintenance ends before it starts: scheduled_until 2026-11-05T01:00:00Z is not after scheduled_for 2026-11-05T02:00:00Z`,
		mntDir + `/db-b.md:6: overlaps ` + mntDir + `/db-a.md on component "db" but counts_against_availability differs (true here, false there): the same minutes cannot both count and be excluded`,
		mntDir + `/newer.md: slug "newer" is also used by ` + incDir + `/newer.md: incidents and maintenance share /incidents/<slug>/; rename one file`,
	}, "\n")
	if err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	if len(sc.Incidents) != 2 || sc.Incidents[0].Slug != "newer" || sc.Incidents[1].Slug != "older" {
		t.Errorf("incidents newest first: %d", len(sc.Incidents))
	}
	var slugs []string
	for _, m := range sc.Maintenance {
		slugs = append(slugs, m.Slug)
	}
	if got := strings.Join(slugs, ","); got != "db-b,web,db-a" {
		t.Errorf("maintenance newest first without the duplicate slug: %s", got)
	}
}

// TestValidSlugLikeRegexp: ValidSlug says what the regexp it replaces
// says.
func TestValidSlugLikeRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	cases := []string{"", "a", "-", "-a", "a-", "2026-10-14-dns", "A", "a_b", "a.b", "a b", "a\n", "\na", "ä", "a\xff", "a--b", "0", "z9-"}
	for c := byte(0); c < 0x80; c++ {
		cases = append(cases, string([]byte{c}), "a"+string([]byte{c}), string([]byte{c})+"a")
	}
	for _, s := range cases {
		if got, want := ValidSlug(s), re.MatchString(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, the regexp says %v", s, got, want)
		}
	}
}
