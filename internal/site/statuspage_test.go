package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStatusPageSelfContained(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	page := string(files["status/index.html"])
	checkSelfContained(t, "status/index.html", page)
	for _, m := range hrefAttr.FindAllStringSubmatch(page, -1) {
		// data: is the inline icon: part of the page, no request.
		if h := m[1]; !strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "#") && !strings.HasPrefix(h, "https://ops.example.org/") && !strings.HasPrefix(h, "data:image/svg+xml,") {
			t.Errorf("status page links to another host: %s", h)
		}
	}
	// The inlined CSS is the status runs of the stylesheet, not all of it.
	if strings.Contains(page, ".chart") || !strings.Contains(page, ".bars .no-data") || !strings.Contains(page, "--ok:") {
		t.Error("the status page does not inline the status part of the stylesheet")
	}
}

func TestStatusStylesheet(t *testing.T) {
	tests := []struct{ name, css, want string }{
		{"marked runs", "a{}\n/* status-page: begin */\n  :root { --x: 1; } /* why */\n\n/* status-page: end */\n.report{}\n/* status-page: begin */\n.bars{}\n/* status-page: end */\n", ":root { --x: 1; }\n.bars{}\n"},
		{"no markers: all of it", "/* theme */\nbody { color: red; }\n", "body { color: red; }\n"},
		{"unclosed marker runs to the end", "x{}\n/* status-page: begin */\ny{}\n", "y{}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statusStylesheet([]byte(tt.css)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// sizeSite writes a site of n components with days of daily data ending at
// now, and active open incidents with four updates each: the status page at
// the size issue 4 budgets for.
func sizeSite(tb testing.TB, n, days, active int, now time.Time) string {
	tb.Helper()
	dir := tb.TempDir()
	var cfg strings.Builder
	cfg.WriteString("title = \"Size Ops\"\nbase_url = \"https://status.example.org/\"\ntimezone = \"Europe/Berlin\"\npercent_precision = 2\n\n[status]\ndays = " + fmt.Sprint(days) + "\n\n")
	cfg.WriteString("[[groups]]\nid = \"public\"\nname = \"Public services\"\ndescription = \"What customers use.\"\n\n[[groups]]\nid = \"internal\"\nname = \"Internal platform\"\n\n")
	names := []string{"Website", "API", "Search", "Documentation builds", "DNS", "Database", "Object storage", "Email delivery", "Authentication", "Webhooks", "Billing", "CDN"}
	for i := 0; i < n; i++ {
		group := "public"
		if i >= n/2 {
			group = "internal"
		}
		fmt.Fprintf(&cfg, "[[components]]\nid = \"c%d\"\nname = %q\ngroup = %q\ndescription = \"The %s service.\"\nslo = 99.9\n\n", i, names[i%len(names)], group, strings.ToLower(names[i%len(names)]))
	}
	writeFile(tb, filepath.Join(dir, "config.toml"), cfg.String())

	// Daily data with realistic variety: most days perfect, some not, a
	// few missing.
	loc, _ := time.LoadLocation("Europe/Berlin")
	first := now.In(loc).AddDate(0, 0, -days+1)
	type daily struct {
		Date     string   `json:"date"`
		Ratio    *float64 `json:"ratio,omitempty"`
		Coverage float64  `json:"coverage"`
	}
	type avail struct {
		Component string  `json:"component"`
		Ratio     float64 `json:"ratio"`
		Coverage  float64 `json:"coverage"`
		SLO       float64 `json:"slo"`
		Excluded  []any   `json:"excluded"`
		Daily     []daily `json:"daily"`
	}
	months := map[string][]avail{}
	for i := 0; i < n; i++ {
		per := map[string]*avail{}
		for d := 0; d < days; d++ {
			day := first.AddDate(0, 0, d)
			m := day.Format("2006-01")
			if per[m] == nil {
				per[m] = &avail{Component: fmt.Sprintf("c%d", i), Ratio: 0.9995, Coverage: 1, SLO: 0.999, Excluded: []any{}}
			}
			dd := daily{Date: day.Format("2006-01-02"), Coverage: 1}
			if (d*7+i*3)%41 != 0 {
				r := 1.0
				if (d+i)%9 == 0 {
					r = 0.9990 - float64((d*13+i)%50)/10000
				}
				dd.Ratio = &r
			} else {
				dd.Coverage = 0
			}
			per[m].Daily = append(per[m].Daily, dd)
		}
		for m, a := range per {
			months[m] = append(months[m], *a)
		}
	}
	for m, av := range months {
		doc := map[string]any{"schema": 1, "month": m, "frozen": false, "sources": map[string]any{}, "issues": []any{}, "releases": []any{}, "availability": av, "goals": []any{}}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			tb.Fatal(err)
		}
		writeFile(tb, filepath.Join(dir, "data", m+".json"), string(b)+"\n")
	}

	bodies := []string{
		"We are investigating elevated error rates for some customers.",
		"We have identified a misbehaving load balancer in one region and are draining it.",
		"Traffic is back on healthy nodes. We are monitoring error rates closely before resolving.",
		"Error rates are back to their usual level; we keep monitoring for another hour.",
	}
	statuses := []string{"investigating", "identified", "monitoring", "monitoring"}
	for k := 0; k < active; k++ {
		started := now.Add(-time.Duration(10+k*7) * time.Hour).UTC()
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Elevated error rates on service %d in one region\nimpact: major\nstarted: %s\ncomponents: [c%d, c%d]\nupdates:\n", k, started.Format(time.RFC3339), k, k+3)
		for u := range bodies {
			fmt.Fprintf(&b, "  - at: %s\n    status: %s\n    body: %s\n", started.Add(time.Duration(u*50)*time.Minute).Format(time.RFC3339), statuses[u], bodies[u])
		}
		b.WriteString("---\n")
		writeFile(tb, filepath.Join(dir, "content/incidents", fmt.Sprintf("incident-%d.md", k)), b.String())
	}
	// Resolved incidents in the window, which the component lists link.
	for k := 0; k < 5; k++ {
		started := now.AddDate(0, 0, -10*(k+1)).UTC()
		writeFile(tb, filepath.Join(dir, "content/incidents", fmt.Sprintf("past-%d.md", k)), fmt.Sprintf("---\ntitle: Slow responses from service %d\nimpact: minor\nstarted: %s\nresolved: %s\ncomponents: [c%d]\nupdates:\n  - at: %s\n    status: resolved\n    body: Fixed.\n---\n",
			k, started.Format(time.RFC3339), started.Add(time.Hour).Format(time.RFC3339), k, started.Add(time.Hour).Format(time.RFC3339)))
	}
	return dir
}

func gzipSize(tb testing.TB, b []byte) int {
	tb.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Len()
}

// statusPageBudget is issue 4's budget: the status page of 10 components
// with 90 days of bars and 3 active incidents fits in 14 KB gzipped, about
// the first round trip of a TCP connection.
const statusPageBudget = 14 * 1024

func TestStatusPageSize(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	files := renderDir(t, sizeSite(t, 10, 90, 3, now), now)
	page := files["status/index.html"]
	if n := len(barPattern.FindAllIndex(page, -1)); n != 900 {
		t.Fatalf("%d bars, want 900: the test site is not the budgeted one", n)
	}
	if n := strings.Count(string(page), `<article class="event`); n != 3 {
		t.Fatalf("%d active incidents shown, want 3", n)
	}
	size := gzipSize(t, page)
	t.Logf("status page: %d bytes, %d gzipped (budget %d)", len(page), size, statusPageBudget)
	if size > statusPageBudget {
		t.Errorf("status page is %d bytes gzipped, over the %d budget", size, statusPageBudget)
	}
	checkSelfContained(t, "status/index.html", string(page))
}

// BenchmarkStatusPage builds the budgeted status page and reports its size.
func BenchmarkStatusPage(b *testing.B) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := sizeSite(b, 10, 90, 3, now)
	s, err := loadDir(b, dir, now)
	if err != nil {
		b.Fatal(err)
	}
	var page []byte
	for b.Loop() {
		out := NewMemOutput()
		if err := s.Render(out); err != nil {
			b.Fatal(err)
		}
		page = out.Files()["status/index.html"]
	}
	b.ReportMetric(float64(len(page)), "page-bytes")
	b.ReportMetric(float64(gzipSize(b, page)), "gzip-bytes")
}

// TestStatusPathElsewhere: with the status page at another path, /status/
// still leads there, without script.
func TestStatusPathElsewhere(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	cfg := filepath.Join(dir, "config.toml")
	src, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg, strings.Replace(string(src), "[status]\n", "[status]\npath = \"/uptime/\"\n", 1))
	files := renderDir(t, dir, statusNow)
	if _, ok := files["uptime/index.html"]; !ok {
		t.Fatal("no status page at uptime/")
	}
	alias := string(files["status/index.html"])
	for _, want := range []string{`<meta http-equiv="refresh" content="0; url=/uptime/">`, `<link rel="canonical" href="https://ops.example.org/uptime/">`, `<a href="/uptime/">`} {
		if !strings.Contains(alias, want) {
			t.Errorf("status/index.html lacks %s:\n%s", want, alias)
		}
	}
	if strings.Contains(alias, "<script") {
		t.Error("the alias needs a script")
	}
	// At the default path there is no alias to make.
	if got := string(renderDir(t, statusSiteDir, statusNow)["status/index.html"]); strings.Contains(got, "http-equiv") {
		t.Error("the status page itself is an alias")
	}
}
