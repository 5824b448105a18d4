package site

import (
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
// Every fully measured day of the report's strips must now carry the class
// and the text of the same day's bar on the status page.
func TestDayColourAgrees(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
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
			if !ok || strings.Contains(cell.title, "data for") || strings.Contains(cell.title, "No data") {
				continue // outside the status page's window, or not measured whole
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
	if got := report["DNS"]["Oct 14"].class; got != "major" {
		t.Errorf("DNS on 14 Oct (93.00%%) is %q, want major", got)
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
	comp := regexp.MustCompile(`(?s)<div class="component" id="component-[^"]+">\s*<p class="component-head"><span><strong>(?:<a [^>]*>)?([^<]+)(?:</a>)?</strong>.*?<svg class="bars"(.*?)</svg>`)
	rect := regexp.MustCompile(`<rect [^>]*class="([a-z-]+)"><title>([^<]+)</title>`)
	for _, m := range comp.FindAllStringSubmatch(page, -1) {
		days := map[string]dayMark{}
		for _, r := range rect.FindAllStringSubmatch(m[2], -1) {
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
	for _, m := range regexp.MustCompile(`<rect [^>]*class="([a-z-]+)"`).FindAllStringSubmatch(page, -1) {
		if !strings.Contains(legend, `class="key `+m[1]+`"`) {
			t.Errorf("bars of level %s have no legend", m[1])
		}
	}
}
