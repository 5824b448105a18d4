package publish

import (
	"testing"
)

func TestDefaultHeaders(t *testing.T) {
	rules, err := NewRules(DefaultRules("/status/"))
	if err != nil {
		t.Fatal(err)
	}
	const html = "text/html; charset=utf-8"
	rss := []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>`)
	atom := []byte("<?xml version=\"1.0\"?>\n<!-- generated -->\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
	sitemap := []byte(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	jsonFeed := []byte(`{"version": "https://jsonfeed.org/version/1.1", "title": "x"}`)
	tests := []struct {
		key  string
		head []byte
		want Headers
	}{
		{"index.html", nil, Headers{html, CacheHome, ""}},
		{"404.html", nil, Headers{html, CachePage, ""}},
		{"reports/2026/10/index.html", nil, Headers{html, CacheReport, ""}},
		{"status/index.html", nil, Headers{html, CacheLive, ""}},
		{"status/history/2026-10/index.html", nil, Headers{html, CacheLive, ""}},
		{"incidents/db-outage/index.html", nil, Headers{html, CacheHome, ""}},
		{"errors/503.html", nil, Headers{html, CacheHome, ""}},
		{"api/v2/summary.json", []byte(`{"page":{}}`), Headers{"application/json", CacheLive, ""}},
		{"css/style.3f2a9c1b.css", nil, Headers{"text/css; charset=utf-8", CacheImmutable, ""}},
		{"css/print.css", nil, Headers{"text/css; charset=utf-8", CacheAsset, ""}},
		{"js/app-5d41402abc4b2a76.js", nil, Headers{"text/javascript; charset=utf-8", CacheImmutable, ""}},
		{"img/logo.svg", nil, Headers{"image/svg+xml", CacheAsset, ""}},
		{"reports/2026/10/chart.svg", nil, Headers{"image/svg+xml", CacheReport, ""}},
		{"index.xml", rss, Headers{"application/rss+xml", CacheFeed, ""}},
		{"feeds/reports.xml", atom, Headers{"application/atom+xml", CacheFeed, ""}},
		{"sitemap.xml", sitemap, Headers{"application/xml", CacheFeed, ""}},
		{"index.xml", nil, Headers{"application/rss+xml", CacheFeed, ""}},
		{"atom.xml", nil, Headers{"application/atom+xml", CacheFeed, ""}},
		{"feed.json", jsonFeed, Headers{"application/feed+json", CacheFeed, ""}},
		{"reports.json", jsonFeed, Headers{"application/feed+json", CachePage, ""}},
		{"status/feed.rss", nil, Headers{"application/rss+xml", CacheLive, ""}},
		{"robots.txt", nil, Headers{"text/plain; charset=utf-8", CachePage, ""}},
		{"CNAME", []byte("status.example.com\n"), Headers{"text/plain; charset=utf-8", CachePage, ""}},
		{"report-2026-10-31.pdf", nil, Headers{"application/pdf", CacheAsset, ""}},
		{"img/deadbeef.png", nil, Headers{"image/png", CacheAsset, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := rules.Headers(tt.key, tt.head); got != tt.want {
				t.Errorf("Headers(%q) = %+v, want %+v", tt.key, got, tt.want)
			}
		})
	}
}

func TestUserRulesOverride(t *testing.T) {
	yes, no := true, false
	rules, err := NewRules(append(DefaultRules("/uptime/"),
		Rule{Pattern: "*.{html,css,xml}", Gzip: &yes},
		Rule{Pattern: "status/**", CacheControl: "no-cache"},
		Rule{Pattern: "uptime/legacy/**", Gzip: &no, ContentType: "text/plain"},
	))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		want Headers
	}{
		{"index.html", Headers{"text/html; charset=utf-8", CacheHome, "gzip"}},
		{"uptime/index.html", Headers{"text/html; charset=utf-8", CacheLive, "gzip"}},
		{"uptime/legacy/a.html", Headers{"text/plain", CacheLive, ""}},
		{"status/index.html", Headers{"text/html; charset=utf-8", "no-cache", "gzip"}},
		{"img/a.png", Headers{"image/png", CacheAsset, ""}},
	}
	for _, tt := range tests {
		if got := rules.Headers(tt.key, nil); got != tt.want {
			t.Errorf("Headers(%q) = %+v, want %+v", tt.key, got, tt.want)
		}
	}
	if _, err := NewRules([]Rule{{Pattern: "*.x", ContentType: "not a type;;"}}); err == nil {
		t.Error("NewRules accepted a malformed content type")
	}
}

func TestFingerprinted(t *testing.T) {
	for name, want := range map[string]bool{
		"css/style.3f2a9c1b.css":    true,
		"app-5d41402abc4b2a76.js":   true,
		"font.0123abcd.woff2":       true,
		"style.css":                 false,
		"report-2026-10-31.pdf":     false,
		"img/deadbeef.png":          false,
		"x.12345678.css":            false, // digits only: a date or a counter
		"page.3f2a9c1b.html":        false,
		"reports/2026/10/index.xml": false,
	} {
		if got := fingerprinted(name); got != want {
			t.Errorf("fingerprinted(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	for key, want := range map[string]Phase{
		"css/site.css":               PhaseAssets,
		"img/logo.svg":               PhaseAssets,
		"fonts/a.woff2":              PhaseAssets,
		"js/app.js.map":              PhaseAssets,
		"robots.txt":                 PhaseAssets,
		"404.html":                   PhasePages,
		"reports/2026/10/index.html": PhasePages,
		"errors/503.html":            PhasePages,
		"index.xml":                  PhaseFeeds,
		"feed.json":                  PhaseFeeds,
		"sitemap.xml":                PhaseFeeds,
		"api/v2/summary.json":        PhaseFeeds,
		"status/feed.rss":            PhaseFeeds,
		"index.html":                 PhaseHome,
		"status/index.html":          PhaseHome,
		"status/history/index.html":  PhaseHome,
	} {
		h := Headers{ContentType: contentType(key, nil)}
		if got := classify(key, "status", h.ContentType); got != want {
			t.Errorf("classify(%q) = %v, want %v", key, got, want)
		}
	}
}
