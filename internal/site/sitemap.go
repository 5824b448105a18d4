package site

import (
	"bytes"
	"html/template"
	"sort"
	"strings"
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
	return s.writeSitemap(out, "/", entries)
}

// writeSitemap writes the sitemap of entries and the robots.txt naming it
// in the directory at the site path dir ("/", or status.path for the
// status site).
func (s *Site) writeSitemap(out Output, dir string, entries []sitemapEntry) error {
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
	name := strings.TrimPrefix(dir, "/")
	if err := out.WriteFile(name+"sitemap.xml", b.Bytes()); err != nil {
		return err
	}
	robots := "User-agent: *\nAllow: /\n\nSitemap: " + s.cfg.AbsURL(dir+"sitemap.xml") + "\n"
	return out.WriteFile(name+"robots.txt", []byte(robots))
}
