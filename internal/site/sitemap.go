package site

import (
	"bytes"
	"html/template"
	"sort"
	"time"
)

// sitemapEntry is one URL of the sitemap; lastmod is a date or "".
type sitemapEntry struct{ loc, lastmod string }

// sitemapDate is the lastmod of a page last changed at t: its UTC date, or
// "" for the zero time.
func sitemapDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func (s *Site) renderSitemap(out Output, views []*ReportLink, extra []sitemapEntry) error {
	type entry = sitemapEntry
	entries := append([]entry(nil), extra...)
	latest := ""
	for _, v := range views {
		// The publish date as the writer gave it, in the site's zone.
		d := v.Date.In(s.cfg.Location).Format("2006-01-02")
		entries = append(entries, entry{v.AbsURL, d})
		if d > latest {
			latest = d
		}
	}
	entries = append(entries, entry{s.cfg.AbsURL("/"), latest}, entry{s.cfg.AbsURL("/reports/"), latest})
	sort.Slice(entries, func(i, j int) bool { return entries[i].loc < entries[j].loc })
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, e := range entries {
		b.WriteString("  <url><loc>")
		template.HTMLEscape(&b, []byte(e.loc))
		b.WriteString("</loc>")
		if e.lastmod != "" {
			b.WriteString("<lastmod>" + e.lastmod + "</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	if err := out.WriteFile("sitemap.xml", b.Bytes()); err != nil {
		return err
	}
	robots := "User-agent: *\nAllow: /\n\nSitemap: " + s.cfg.AbsURL("/sitemap.xml") + "\n"
	return out.WriteFile("robots.txt", []byte(robots))
}
