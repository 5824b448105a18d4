package benchgen

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

// Hugo's side of the comparison: the same markdown, with templates as small
// as Hugo allows, so the figure is Hugo's own cost of reading, rendering and
// writing the pages. Goldmark gets the extensions bulletin enables (Hugo's
// defaults already are GFM, footnotes, definition lists and typographer).
const hugoConfig = `baseURL = "https://status.bench.example/"
title = "Bench Operations"
languageCode = "en"
timeZone = %q
disableKinds = ["taxonomy", "term"]
enableRobotsTXT = true

[markup.goldmark.renderer]
unsafe = false
xhtml = true

[markup.goldmark.parser]
autoHeadingID = true
`

var hugoLayouts = map[string]string{
	"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} – {{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
`,
	"layouts/_default/single.html": `{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{ .Content }}
<nav>{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav></article>{{ end }}
`,
	"layouts/_default/list.html": `{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 Jan 2006" }}</li>
{{ end }}</ul>{{ end }}
`,
	"layouts/index.html": `{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<ul>{{ range where .Site.RegularPages "Section" "reports" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
`,
	// bulletin resolves figures from the month's snapshot; Hugo only
	// writes the key, which is less work, not more.
	"layouts/shortcodes/figure.html": `<span class="figure" title="{{ .Get 0 }}">{{ .Get 0 }}</span>`,
}

// HugoSite writes the markdown corpus of the bulletin site in src as a Hugo
// site in dst: every report and incident becomes a page with its title,
// date and markdown body (an incident's updates become a list), read through
// bulletin's own loaders. It returns the number of pages written.
func HugoSite(src, dst string) (int, error) {
	cfg, err := config.Load(filepath.Join(src, "config.toml"), "production")
	if err != nil {
		return 0, err
	}
	if err := writeFile(filepath.Join(dst, "config.toml"), fmt.Appendf(nil, hugoConfig, cfg.TimeZone)); err != nil {
		return 0, err
	}
	for name, body := range hugoLayouts {
		if err := writeFile(filepath.Join(dst, filepath.FromSlash(name)), []byte(body)); err != nil {
			return 0, err
		}
	}
	reports, err := content.LoadReports(filepath.Join(src, "content", "reports"), cfg.Location)
	if err != nil {
		return 0, err
	}
	pages := 0
	page := func(section, name, title string, date time.Time, body string) error {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\n---\n", title, date.Format(time.RFC3339))
		b.WriteString(body)
		pages++
		return writeFile(filepath.Join(dst, "content", section, name+".md"), []byte(b.String()))
	}
	for _, r := range reports {
		if err := page("reports", r.Month, r.Title, r.Date, string(r.Body)); err != nil {
			return pages, err
		}
	}
	incs, err := content.LoadIncidents(filepath.Join(src, "content", "incidents"), cfg)
	if err != nil {
		return pages, err
	}
	for _, inc := range incs {
		var b strings.Builder
		for _, u := range inc.Updates {
			fmt.Fprintf(&b, "- **%s** %s: %s\n", u.Status, u.At.Format("2 Jan 2006 15:04 MST"), u.Body)
		}
		b.WriteString("\n")
		b.Write(inc.Body)
		if err := page("incidents", inc.Slug, inc.Title, inc.Started, b.String()); err != nil {
			return pages, err
		}
	}
	return pages, nil
}
