package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
	"github.com/bulletin-dev/bulletin/themes"
)

func TestReportIncidentsSection(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	report := string(files["reports/2026/10/index.html"])
	for _, want := range []string{
		`<h2 id="month-incidents">Incidents</h2>`,
		"<dt>Incidents</dt><dd>3</dd>",
		// Failover 1h 50m, clock change 1h 30m; DNS is still open.
		"<dt>Time to resolve, total</dt><dd>3h 20m</dd>",
		"<dt>Longest</dt><dd>1h 50m</dd>",
		"<dt>MTTR</dt><dd>1h 40m</dd>",
		// October in Berlin has 745 hours (summer time ends): 745h / 3.
		"<dt>MTBF</dt><dd>10d 8h</dd>",
		"By impact: 0 no impact, 1 minor, 1 major, 1 critical. 1 not resolved yet.",
		`<a href="https://ops.example.org/incidents/2026-10-01-database-failover/">Database failover</a>`,
		"Identified, not resolved yet",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// A site that keeps no incidents at all gets no section: "no incidents"
	// would claim what nobody recorded.
	dir := copyDir(t, statusSiteDir)
	for _, sub := range []string{"content/incidents", "content/maintenance"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			t.Fatal(err)
		}
	}
	files = renderDir(t, dir, statusNow)
	if strings.Contains(string(files["reports/2026/10/index.html"]), "month-incidents") {
		t.Error("a site without incidents has an Incidents section")
	}
	if p := string(files["status/index.html"]); !strings.Contains(p, "All Systems Operational") || strings.Contains(p, "Last updated") {
		t.Error("a site without events is not all operational, or claims an update")
	}
}

// disruptionSite is a site whose month snapshots keep detected disruptions
// (see the archive's comment).
const disruptionSite = "testdata/disruptions/site.txtar"

func writeDisruptionSite(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(disruptionSite)
	if err != nil {
		tb.Fatal(err)
	}
	return writeArchive(tb, string(b))
}

// incidentsSectionOf returns the Incidents section of a rendered page.
func incidentsSectionOf(tb testing.TB, page []byte) string {
	tb.Helper()
	s := string(page)
	i := strings.Index(s, `<section class="incidents-section"`)
	if i < 0 {
		tb.Fatal("the page has no Incidents section")
	}
	j := strings.Index(s[i:], "</section>")
	return s[i:i+j+len("</section>")] + "\n"
}

func TestReportDisruptions(t *testing.T) {
	files := renderSite(t, writeDisruptionSite(t), "", Options{})
	oct := incidentsSectionOf(t, files["reports/2026/10/index.html"])
	nov := incidentsSectionOf(t, files["reports/2026/11/index.html"])
	checkGolden(t, "report-disruptions-2026-10.html", []byte(oct))
	checkGolden(t, "report-disruptions-2026-11.html", []byte(nov))
	for _, tt := range []struct {
		month, section string
		want           []string
	}{
		{"2026-10", oct, []string{
			"<dt>MTTR</dt><dd>1h</dd>",
			// The API incident's hour and the undeclared 22 minutes.
			"<dt>MTTR including undeclared disruptions</dt><dd>41m</dd>",
			// Declared: the API disruption by the API incident, the
			// Website's just after midnight by September's incident.
			"3 disruptions detected automatically, 2 declared as incidents.",
			"Website (5xx rate above 5%), Database (Replication lag) · restored after 22m, not declared as an incident",
			`<time datetime="2026-10-12T05:10:00&#43;02:00">12 Oct 2026, 05:10 CEST</time> <span class="badge status-partial_outage">Partial outage</span> Website`,
		}},
		// No incident: the section is there for the disruptions.
		{"2026-11", nov, []string{
			"No incidents started this month (MTBF: —).",
			"2 disruptions detected automatically, none declared as an incident. MTTR including undeclared disruptions: 30m.",
			"API (API probes failing) · restored after 30m",
			"Database (Replication lag) · not restored yet",
		}},
	} {
		for _, w := range tt.want {
			if !strings.Contains(tt.section, w) {
				t.Errorf("%s: the Incidents section lacks %q", tt.month, w)
			}
		}
	}
	if strings.Contains(oct, "API probes failing") || strings.Contains(oct, "Slow responses") {
		t.Error("October lists declared disruptions as undeclared")
	}
}

// TestReportPageFollowsDisruptions: a report page kept from the previous
// build is rendered again when its month's disruptions change, and when
// an incident of another month stops declaring one of them.
func TestReportPageFollowsDisruptions(t *testing.T) {
	dir := writeDisruptionSite(t)
	snapPath := filepath.Join(dir, "data", "2026-10.json")
	editSnapshot := func(change func(s *snapshot.Snapshot)) {
		s, err := snapshot.Read(snapPath)
		if err != nil {
			t.Fatal(err)
		}
		change(s)
		if err := snapshot.Write(snapPath, s); err != nil {
			t.Fatal(err)
		}
	}
	// In the canonical encoding, so that the edits below change nothing
	// but the disruptions.
	editSnapshot(func(*snapshot.Snapshot) {})
	render := func(prev *MemOutput) *MemOutput {
		cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
		if err != nil {
			t.Fatal(err)
		}
		s, err := Load(cfg, Options{Dir: dir, Now: testNow, Builtin: themes.FS, CodeVersion: "test"})
		if err != nil {
			t.Fatal(err)
		}
		out := NewMemOutputAfter(prev)
		if err := s.Render(out); err != nil {
			t.Fatal(err)
		}
		out.Forget()
		return out
	}
	const page = "reports/2026/10/index.html"
	prev := render(nil)
	for _, c := range []struct {
		name, want string
		change     func()
	}{
		{"an undeclared disruption lasts longer", "restored after 42m", func() {
			editSnapshot(func(s *snapshot.Snapshot) {
				d, _ := s.Disruption("20261012T031000Z-web")
				d.End = d.End.Add(20 * time.Minute)
				s.PutDisruption(d)
			})
		}},
		{"September's incident names another component", "3 disruptions detected automatically, 1 declared as an incident.", func() {
			path := filepath.Join(dir, "content", "incidents", "2026-09-30-slow-website.md")
			writeFile(t, path, strings.Replace(string(mustRead(t, path)), "components: [web]", "components: [db]", 1))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.change()
			got := render(prev)
			want := renderDir(t, dir, testNow)
			if !bytes.Equal(got.Files()[page], want[page]) {
				t.Fatalf("%s was kept from the previous build", page)
			}
			if bytes.Equal(got.Files()[page], prev.Files()[page]) || !strings.Contains(string(want[page]), c.want) {
				t.Fatalf("the change does not show in %s (want %q); the test proves nothing", page, c.want)
			}
			prev = got
		})
	}
}
