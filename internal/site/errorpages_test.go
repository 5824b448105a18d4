package site

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestErrorPages(t *testing.T) {
	// A site at its worst: many open incidents and windows with long titles
	// and long updates. The pages must still stay under 4 KB.
	dir := copyDir(t, statusSiteDir)
	long := strings.Repeat("Everything is on fire & nothing <works> ", 20)
	for i := 0; i < 6; i++ {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("content/incidents/2026-11-02-fire-%d.md", i)), fmt.Sprintf(`---
title: %q
impact: critical
started: 2026-11-02T0%d:00:00Z
components: [dns, web, db]
updates:
  - at: 2026-11-02T0%d:05:00Z
    status: identified
    body: %q
---
`, fmt.Sprint(i)+long, i, i, long+long))
		writeFile(t, filepath.Join(dir, fmt.Sprintf("content/maintenance/2026-11-02-work-%d.md", i)), fmt.Sprintf(`---
title: %q
scheduled_for: 2026-11-02T09:0%dZ
scheduled_until: 2026-11-02T23:00:00Z
components: [web]
---
`, long, i))
	}
	for _, site := range []struct {
		name string
		dir  string
	}{{"test site", statusSiteDir}, {"worst case", dir}} {
		files := renderDir(t, site.dir, statusNow)
		for _, k := range errorKinds() {
			name := "errors/" + k.code + ".html"
			t.Run(site.name+"/"+k.code, func(t *testing.T) {
				page := string(files[name])
				if n := len(page); n >= 4096 {
					t.Errorf("%s is %d bytes, want under 4096", name, n)
				}
				checkSelfContained(t, name, page)
				if !strings.Contains(page, `href="https://ops.example.org/status/"`) {
					t.Error("no absolute link to the status page")
				}
				for _, m := range hrefAttr.FindAllStringSubmatch(page, -1) {
					// data: is the inline icon, part of the page itself.
					if !strings.HasPrefix(m[1], "https://ops.example.org/") && !strings.HasPrefix(m[1], "data:image/svg+xml,") {
						t.Errorf("relative or foreign link %q: the page must work from disk and from the CDN", m[1])
					}
				}
				if !strings.Contains(page, k.title) {
					t.Errorf("the page does not say what happened (%q)", k.title)
				}
				// Landmarks for screen readers, and no section without a
				// heading (the Nu Html Checker warns about one).
				if strings.Count(page, "<main>") != 1 || strings.Count(page, "</main>") != 1 || strings.Contains(page, "<section") {
					t.Errorf("want exactly one <main> and no headless <section>")
				}
				// The worst case has more open incidents than the page lists;
				// the newest come first.
				if want := "DNS resolution failing &amp; &lt;slow&gt;"; site.dir == statusSiteDir && !strings.Contains(page, want) {
					t.Error("the open incident known at build time is missing")
				}
			})
		}
		if site.name == "worst case" {
			if p := string(files["errors/503.html"]); !strings.Contains(p, "And 4 more on the status page.") {
				t.Error("a long list is not cut with a pointer to the status page")
			}
		}
	}
}
