package site

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

var bannerRe = regexp.MustCompile(`(?s)<aside class="env-banner".*?</aside>`)

// TestBanner checks that a staging build shows the banner on every HTML
// page, linking to the page on production, and that production and
// development builds show none and are the same bytes.
func TestBanner(t *testing.T) {
	prod := renderSite(t, fixture, "", Options{})
	dev := renderSite(t, fixture, "development", Options{})
	staging := renderSite(t, fixture, "staging", Options{})
	for name, b := range prod {
		if !bytes.Equal(dev[name], b) {
			t.Errorf("%s differs between production and development: %s", name, firstDiff(b, dev[name]))
		}
		if bytes.Contains(b, []byte("env-banner")) {
			t.Errorf("production %s has the banner", name)
		}
	}
	links := map[string]string{
		"index.html":                 "https://ops.acme.example/",
		"reports/2026/10/index.html": "https://ops.acme.example/reports/2026/10/",
		"reports/index.html":         "https://ops.acme.example/reports/",
		"404.html":                   "https://ops.acme.example/",
		"status/index.html":          "https://ops.acme.example/status/",
		"errors/503.html":            "https://ops.acme.example/status/",
	}
	pages := 0
	for name, b := range staging {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		m := bannerRe.Find(b)
		if m == nil {
			t.Errorf("staging %s has no banner", name)
			continue
		}
		if want, ok := links[name]; ok && !bytes.Contains(m, []byte(`<a href="`+want+`">`)) {
			t.Errorf("staging %s: banner does not link to %s:\n%s", name, want, m)
		}
		if name == "reports/2026/10/index.html" {
			checkGolden(t, "banner.html", append(m, '\n'))
		}
	}
	for name := range links {
		if _, ok := staging[name]; !ok {
			t.Errorf("staging build has no %s", name)
		}
	}
	if pages < 8 {
		t.Errorf("only %d HTML pages in the staging build", pages)
	}
}
