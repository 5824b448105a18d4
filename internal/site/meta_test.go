package site

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// TestEveryPageHasADescription: search results and link previews show a
// page's meta description, and Lighthouse's SEO audit wants one. The 404
// page and the home page of a site without a description had none, and a
// report's was its whole TL;DR. Every HTML page of the build must carry
// exactly one, not empty, of a length a result shows; except the CDN error
// pages, which ask not to be indexed and keep every byte for the 4 KB they
// must fit in.
func TestEveryPageHasADescription(t *testing.T) {
	meta := regexp.MustCompile(`<meta name="description" content="([^"]*)">`)
	pages := 0
	for name, b := range renderDir(t, statusSiteDir, statusNow) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		if strings.HasPrefix(name, "errors/") && strings.Contains(string(b), `<meta name="robots" content="noindex">`) {
			continue
		}
		got := meta.FindAllStringSubmatch(string(b), -1)
		switch {
		case len(got) != 1:
			t.Errorf("%s: %d meta descriptions, want 1", name, len(got))
		case strings.TrimSpace(got[0][1]) == "":
			t.Errorf("%s: an empty meta description", name)
		case len([]rune(html.UnescapeString(got[0][1]))) > maxDescription:
			t.Errorf("%s: a meta description of %d characters: %q", name, len([]rune(got[0][1])), got[0][1])
		}
	}
	if pages < 20 {
		t.Fatalf("only %d HTML pages: the build is broken", pages)
	}
}
