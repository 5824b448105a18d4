package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource returns axe-core's script, installed by .ci/run from the npm
// registry (BULLETIN_AXE_JS overrides its path), or skips the test without
// it (fails on CI, where it must be installed).
func axeSource(tb testing.TB) string {
	tb.Helper()
	path := os.Getenv("BULLETIN_AXE_JS")
	if path == "" {
		path = filepath.Join("..", "..", ".ci", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("axe-core is required on CI: %v (.ci/run installs it)", err)
		}
		tb.Skipf("no axe-core: %v (run npm ci --prefix .ci)", err)
	}
	return string(b)
}

// axeViolation is one rule axe found broken, with the elements breaking it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// pageTypes are the example site's pages of every type, relative to its
// root: home, the reports index, a report, the status page, the incident
// history and a month of it, a component's page, an incident, a
// maintenance window, the announcements and one of them, and the error
// pages.
var pageTypes = []string{"", "reports/", "reports/2026/10/", "status/", "status/history/", "status/history/2026/10/",
	"status/components/web/", "incidents/2026-10-14-dns-resolution-failing/", "incidents/2027-01-12-second-dns-provider/",
	"announcements/", "announcements/2027-01-12-v1-api-removal/", "404.html", "errors/503.html", "errors/maintenance.html"}

// TestPagesPassAxe runs axe-core (WCAG 2.x A and AA, and its best
// practices) in the Debian Chromium over every page type of the example
// site, in the light and the dark theme, at desktop and phone width, and
// wants no violation. JavaScript is on here for axe itself; the pages use
// none.
func TestPagesPassAxe(t *testing.T) {
	bin := chromium(t)
	axe := axeSource(t)
	srv, setDir := serveDir(t)
	setDir(exampleSite(t, srv.URL+"/"))
	b := startBrowser(t, bin)
	pages := pageTypes
	// Home, a report and the status page are also kept as screenshots
	// (BULLETIN_E2E_SCREENSHOTS names where; a temporary directory else).
	shots := map[string]string{"": "home", "reports/2026/10/": "report", "status/": "status"}
	shotDir := screenshotDir(t)
	run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}, resultTypes: ["violations"]}).then(r => r.violations)`
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int{1280, 390} {
			for _, p := range pages {
				name := fmt.Sprintf("%s/%d/%s", scheme, width, p)
				t.Run(name, func(t *testing.T) {
					ctx, cancel := b.newTab()
					defer cancel()
					err := chromedp.Do(ctx,
						emulateScheme(scheme),
						emulateViewport(width, 900),
						chromedp.Navigate(srv.URL+"/"+p),
					)
					if err != nil {
						t.Fatalf("load: %v", err)
					}
					if base, ok := shots[p]; ok {
						png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
						if err != nil {
							t.Fatalf("screenshot: %v", err)
						}
						savePNG(t, filepath.Join(shotDir, fmt.Sprintf("%s-%d-%s.png", base, width, scheme)), png)
					}
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
						t.Fatalf("load axe-core: %v", err)
					}
					vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
					if err != nil {
						t.Fatalf("axe.run: %v", err)
					}
					for _, v := range vs {
						var targets []string
						for _, n := range v.Nodes {
							targets = append(targets, fmt.Sprint(n.Target...))
						}
						t.Errorf("%s (%s): %s — %d elements: %s", v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(targets[:min(5, len(targets))], ", "))
					}
				})
			}
		}
	}
}
