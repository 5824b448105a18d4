package site

import (
	"html/template"
	"strconv"
	"strings"
	"time"
)

// funcs are the template functions every theme can use.
func (s *Site) funcs() template.FuncMap {
	loc := s.cfg.Location
	return template.FuncMap{
		// date formats a time in the site's zone: "3 November 2026".
		"date": func(t time.Time) string { return t.In(loc).Format("2 January 2006") },
		// datetime formats a time for people: "3 Nov 2026, 14:05 CET".
		"datetime": func(t time.Time) string { return t.In(loc).Format("2 Jan 2006, 15:04 MST") },
		// iso formats a time for <time datetime>: RFC 3339 with offset.
		"iso": func(t time.Time) string { return t.In(loc).Format(time.RFC3339) },
		// rel prefixes a site path with the base path.
		"rel": s.rel,
		// abs makes an absolute URL of a site path.
		"abs":  s.cfg.AbsURL,
		"join": strings.Join,
		// hasPrefix lets a template skip saying a month twice when the
		// title already starts with it ("October 2026: ...").
		"hasPrefix": strings.HasPrefix,
		"lower":     strings.ToLower,
		// path writes a repository or project path so that a narrow
		// screen breaks it after a slash, never at the hyphen of a name:
		// "orbit-docs/server", not "orbit-" / "docs/server".
		"path": pathHTML,
		// width renders a 0..1 fraction as a CSS percentage ("42.5%").
		"width": func(f float64) template.CSS {
			return template.CSS(strconv.FormatFloat(f*100, 'f', 1, 64) + "%")
		},
	}
}

// pathHTML renders "group/sub/project" with each segment unbreakable and a
// break opportunity after each slash.
func pathHTML(p string) template.HTML {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = `<span class="nowrap">` + template.HTMLEscapeString(seg) + `</span>`
	}
	return template.HTML(strings.Join(segs, "/<wbr>"))
}
