package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
