package site

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/themes"
)

// renderStatusSite renders the site in dir at now with its status side
// made a site of its own at statusURL, as status.base_url does.
func renderStatusSite(tb testing.TB, dir string, now time.Time, statusURL string) (*config.Config, map[string][]byte) {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		tb.Fatalf("load config: %v", err)
	}
	cfg.Status.BaseURL = statusURL
	s, err := Load(cfg, Options{Dir: dir, Now: now, Builtin: themes.FS})
	if err != nil {
		tb.Fatalf("load %s: %v", dir, err)
	}
	out := NewMemOutput()
	if err := s.Render(out); err != nil {
		tb.Fatalf("render %s: %v", dir, err)
	}
	return cfg, out.Files()
}

// absURL finds the absolute URLs in HTML, XML and JSON.
var absURL = regexp.MustCompile(`https?://[^\s"'<>\\)&]+`)

// resourceURL finds what a browser loads to show a page: stylesheets,
// scripts, images, frames.
var resourceURL = regexp.MustCompile(`<link rel="(?:stylesheet|icon|preload)"[^>]* href="([^"]+)"|<(?:script|img|iframe|source|video|audio)\b[^>]* src="([^"]+)"`)

// TestStatusSite: with status.base_url, the status side is a site of its
// own, as a Statuspage page is: the status page at its root, the JSON API
// at /api/v2/ (where tools reading Statuspage look), incident pages and
// its own stylesheet on its host, so that it still works when the main
// site is down. Every URL either site names must be a file of the site on
// whose host it is, and nothing a status page loads may come from the main
// site.
func TestStatusSite(t *testing.T) {
	const statusURL = "https://status.orbit.example/"
	for _, tc := range []struct {
		name, dir string
		now       time.Time
	}{
		{"example site", "../..", time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)},
		{"status test site", statusSiteDir, statusNow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, files := renderStatusSite(t, tc.dir, tc.now, statusURL)
			main, status := map[string][]byte{}, map[string][]byte{}
			for name, b := range files {
				if rest, ok := strings.CutPrefix(name, config.StatusSiteDir+"/"); ok {
					status[rest] = b
				} else {
					main[name] = b
				}
			}

			for _, name := range []string{"index.html", "api/v2/summary.json", "api/v2/status.json", "api/v2/components.json",
				"api/v2/incidents.json", "api/v2/scheduled-maintenances.json", "feed.xml", "atom.xml", "history/index.html",
				"404.html", "sitemap.xml", "robots.txt", "badges/status.svg"} {
				if _, ok := status[name]; !ok {
					t.Errorf("status site has no %s", name)
				}
			}
			if !strings.Contains(string(status["index.html"]), `class="kind-status"`) {
				t.Errorf("the status site's index.html is not the status page")
			}
			var summary struct {
				Page struct{ URL string } `json:"page"`
			}
			if err := json.Unmarshal(status["api/v2/summary.json"], &summary); err != nil || summary.Page.URL != statusURL {
				t.Errorf("summary.json page.url = %q (%v), want %q", summary.Page.URL, err, statusURL)
			}
			for name := range main {
				if strings.HasPrefix(name, "incidents/") || name != "status/index.html" && strings.HasPrefix(name, "status/") {
					t.Errorf("the main site still has %s", name)
				}
			}
			if alias := string(main["status/index.html"]); !strings.Contains(alias, `<meta http-equiv="refresh" content="0; url=`+statusURL+`">`) {
				t.Errorf("the main site's /status/ does not send readers to the status site:\n%s", alias)
			}
			css := 0
			for name := range status {
				if strings.HasPrefix(name, "css/style.") && strings.HasSuffix(name, ".css") {
					css++
				}
			}
			if css != 1 {
				t.Errorf("the status site has %d stylesheets, want its own copy", css)
			}

			// Every URL on either host is a file of that host's site.
			exists := func(files map[string][]byte, p string) bool {
				p = strings.TrimPrefix(p, "/")
				if p == "" || strings.HasSuffix(p, "/") {
					p += "index.html"
				}
				_, ok := files[p]
				return ok
			}
			checked := 0
			for _, site := range []struct {
				name  string
				files map[string][]byte
			}{{"main", main}, {"status", status}} {
				for name, b := range site.files {
					for _, u := range absURL.FindAllString(string(b), -1) {
						u, _, _ = strings.Cut(u, "#")
						u, _, _ = strings.Cut(u, "?")
						var ok bool
						switch {
						case strings.HasPrefix(u, statusURL):
							ok = exists(status, strings.TrimPrefix(u, statusURL))
						case strings.HasPrefix(u, cfg.BaseURL):
							ok = exists(main, strings.TrimPrefix(u, cfg.BaseURL))
						default:
							continue
						}
						checked++
						if !ok {
							t.Errorf("%s site %s: %s is not a file of its host's site", site.name, name, u)
						}
					}
					if !strings.HasSuffix(name, ".html") {
						continue
					}
					for _, m := range resourceURL.FindAllStringSubmatch(string(b), -1) {
						r := m[1] + m[2]
						if strings.HasPrefix(r, "data:") {
							continue
						}
						if site.name == "status" && !strings.HasPrefix(r, statusURL) {
							t.Errorf("status site %s loads %s, which is not on its host", name, r)
						}
						if site.name == "main" && strings.HasPrefix(r, statusURL) {
							t.Errorf("main site %s loads %s from the status site", name, r)
						}
					}
					// Every link is absolute: a root-relative one would
					// name the other host's page on this one.
					for _, m := range regexp.MustCompile(`(?:href|src)="(/[^/"][^"]*)"`).FindAllStringSubmatch(string(b), -1) {
						t.Errorf("%s site %s: root-relative link %s", site.name, name, m[1])
					}
				}
			}
			if checked < 100 {
				t.Errorf("only %d URLs checked", checked)
			}
			for _, u := range absURL.FindAllString(string(status["sitemap.xml"]), -1) {
				if !strings.HasPrefix(u, statusURL) && !strings.HasPrefix(u, "http://www.sitemaps.org/") {
					t.Errorf("the status site's sitemap lists %s", u)
				}
			}
			if strings.Contains(string(main["sitemap.xml"]), statusURL) {
				t.Errorf("the main site's sitemap lists pages of the status site")
			}
		})
	}
}
