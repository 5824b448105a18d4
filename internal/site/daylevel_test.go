package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/status"
)

// TestDayColourAgrees: a day has one colour and one wording everywhere. In
// the status test site, web on 14 Oct (98.00%, SLO 99.5%) was amber "warn"
// in the report's strip and "minor" on the status page, and DNS that day
// (93.00%, SLO 99.9%) amber in the report and red on the status page.
// Every day of the report's strips must now carry the class and the text
// of the same day's bar on the status page.
func TestDayColourAgrees(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	compareDays(t, files)
	if got := reportStrips(t, string(files["reports/2026/10/index.html"]))["DNS"]["Oct 14"].class; got != "major" {
		t.Errorf("DNS on 14 Oct (93.00%%) is %q, want major", got)
	}
}

// TestDayColourAgreesWithEvents: what besides the measurements colours a
// status bar colours the report's strip too. The report once coloured its
// strips by the month snapshot alone, so a day on which maintenance ran
// was green in the report and blue on the status page, a partly measured
// day the critical database failover touched stayed major in the report
// while the status page raised it to critical, and a day missing in the
// snapshot was left out of the strip instead of showing as no data.
func TestDayColourAgreesWithEvents(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	// Database on 1 Oct: 92% measured over 80% of the day.
	path := filepath.Join(dir, "data", "2026-10.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range snap["availability"].([]any) {
		a := a.(map[string]any)
		if a["component"] != "db" {
			continue
		}
		for _, d := range a["daily"].([]any) {
			if d := d.(map[string]any); d["date"] == "2026-10-01" {
				d["coverage"], found = 0.8, true
			}
		}
	}
	if !found {
		t.Fatal("the fixture has no database day on 1 Oct")
	}
	if raw, err = json.Marshal(snap); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	// Maintenance on the database's fully measured 20 Oct.
	window := "---\ntitle: Index rebuild\nscheduled_for: 2026-10-20T10:00:00Z\nscheduled_until: 2026-10-20T11:00:00Z\ncomponents: [db]\n---\n"
	if err := os.WriteFile(filepath.Join(dir, "content", "maintenance", "2026-10-20-index-rebuild.md"), []byte(window), 0o644); err != nil {
		t.Fatal(err)
	}

	files := renderDir(t, dir, statusNow)
	compareDays(t, files)
	report := reportStrips(t, string(files["reports/2026/10/index.html"]))
	for _, tt := range []struct{ component, day, class, title string }{
		{"Database", "Oct 1", "critical", "Oct 1: 92.00% (data for 80% of the day) — Database failover (critical, 45m)"},
		{"Database", "Oct 20", "maintenance", "Oct 20: 100.00% — Maintenance: Index rebuild"},
	} {
		if got := report[tt.component][tt.day]; got.class != tt.class || got.title != tt.title {
			t.Errorf("%s on %s in the report: %q %q, want %q %q", tt.component, tt.day, got.class, got.title, tt.class, tt.title)
		}
	}
	for name, days := range report {
		if len(days) != 31 {
			t.Errorf("%s: the October strip has %d days, want 31", name, len(days))
		}
	}
}

// compareDays fails where a day of the October report's strips differs in
// class or text from the same day's bar on the status page.
func compareDays(t *testing.T, files map[string][]byte) {
	t.Helper()
	report := reportStrips(t, string(files["reports/2026/10/index.html"]))
	bars := statusBars(t, string(files["status/index.html"]))
	compared := 0
	for name, days := range report {
		sb, ok := bars[name]
		if !ok {
			t.Errorf("component %q has a strip in the report but no bars on the status page", name)
			continue
		}
		for label, cell := range days {
			bar, ok := sb[label]
			if !ok {
				continue // outside the status page's window
			}
			compared++
			if cell.class != bar.class {
				t.Errorf("%s %s: %q in the report, %q on the status page", name, label, cell.class, bar.class)
			}
			if !strings.HasPrefix(bar.title, cell.title) {
				t.Errorf("%s %s: report says %q, status page %q", name, label, cell.title, bar.title)
			}
		}
	}
	if compared < 60 {
		t.Fatalf("compared only %d days: the scan is broken", compared)
	}
}

type dayMark struct{ class, title string }

// reportStrips returns a report's daily strips: component name -> "Oct 14" -> cell.
func reportStrips(tb testing.TB, page string) map[string]map[string]dayMark {
	tb.Helper()
	out := map[string]map[string]dayMark{}
	strip := regexp.MustCompile(`<ol class="days" aria-label="Daily availability of ([^"]+)">(.*?)</ol>`)
	cell := regexp.MustCompile(`<li class="day ([a-z-]+)" title="([^"]+)">`)
	for _, m := range strip.FindAllStringSubmatch(page, -1) {
		days := map[string]dayMark{}
		for _, c := range cell.FindAllStringSubmatch(m[2], -1) {
			label, _, _ := strings.Cut(c[2], ":")
			if d, err := time.Parse(time.DateOnly, label); err == nil {
				label = d.Format("Jan 2") // as the report once named days
			}
			days[label] = dayMark{c[1], c[2]}
		}
		out[m[1]] = days
	}
	if len(out) == 0 {
		tb.Fatal("no daily strips in the report")
	}
	return out
}

// statusBars returns the status page's bars: component name -> "Oct 14" -> bar.
func statusBars(tb testing.TB, page string) map[string]map[string]dayMark {
	tb.Helper()
	out := map[string]map[string]dayMark{}
	comp := regexp.MustCompile(`(?s)<div class="component" id="component-[^"]+">\s*<p class="component-head"><span><strong>(?:<a [^>]*>)?([^<]+)(?:</a>)?</strong>.*?<div class="bars"(.*?)</div>`)
	for _, m := range comp.FindAllStringSubmatch(page, -1) {
		days := map[string]dayMark{}
		for _, r := range barPattern.FindAllStringSubmatch(m[2], -1) {
			label, _, _ := strings.Cut(r[2], ":")
			days[label] = dayMark{r[1], r[2]}
		}
		out[m[1]] = days
	}
	if len(out) == 0 {
		tb.Fatal("no bars on the status page")
	}
	return out
}

// TestStatusLegend: under the Components heading, before the first
// component, a static legend names the colour of every bar level, and no
// level is left without one.
func TestStatusLegend(t *testing.T) {
	page := string(renderDir(t, statusSiteDir, statusNow)["status/index.html"])
	start := strings.Index(page, `<h2 id="components">Components</h2>`)
	end := strings.Index(page, `<div class="component"`)
	if start < 0 || end < start {
		t.Fatal("no Components section with components")
	}
	legend := page[start:end]
	for level, label := range map[string]string{
		status.LevelOperational: "Operational",
		status.LevelMinor:       "Minor impact",
		status.LevelMajor:       "Major impact",
		status.LevelCritical:    "Critical impact",
		status.LevelMaintenance: "Maintenance",
		status.LevelNoData:      "No data",
	} {
		if want := `<li><span class="key ` + level + `" aria-hidden="true"></span>` + label + `</li>`; !strings.Contains(legend, want) {
			t.Errorf("the legend lacks %s", want)
		}
	}
	// Every level the bars use is in the legend.
	for _, m := range barPattern.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(legend, `class="key `+m[1]+`"`) {
			t.Errorf("bars of level %s have no legend", m[1])
		}
	}
}
