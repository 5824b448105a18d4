// Package pathglob matches slash-separated site paths against the patterns
// users write in config.toml ([publish] exclude and header rules), so that
// config validation and publishing agree on what a pattern means.
package pathglob

import (
	"fmt"
	"path"
	"strings"
)

// Glob is a compiled path pattern. The syntax, documented in
// docs/publishing.md, is the one users know from .gitignore and Netlify:
//
//   - a pattern without "/" matches the file name in any directory
//     ("*.css" matches "css/site.css");
//   - a pattern with "/" matches the whole path from the site root; a
//     leading "/" is optional ("/index.html" is the home page only);
//   - "*" matches any run of characters except "/", "?" one character
//     except "/", "[a-z]" a class, "{a,b}" either alternative;
//   - "**" as a whole path segment matches any number of segments,
//     including none ("**/index.html" matches index.html at any depth); at
//     the end it matches at least one ("status/**" is everything under
//     status/).
type Glob struct {
	src string
	// alts are the brace-expanded alternatives, each split into segments.
	alts [][]string
	// base is true when the pattern matches file names, not paths.
	base bool
}

// Compile parses pattern, reporting malformed classes and braces.
func Compile(pattern string) (*Glob, error) {
	if strings.TrimSpace(pattern) == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	expanded, err := expandBraces(pattern)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pattern, err)
	}
	g := &Glob{src: pattern, base: !strings.Contains(pattern, "/")}
	for _, e := range expanded {
		e = strings.TrimPrefix(e, "/")
		segs := strings.Split(e, "/")
		for _, s := range segs {
			if s == "**" {
				continue
			}
			if _, err := path.Match(s, ""); err != nil {
				return nil, fmt.Errorf("pattern %q: %w", pattern, err)
			}
		}
		g.alts = append(g.alts, segs)
	}
	return g, nil
}

// Match reports whether key, a slash-separated path relative to the site
// root, matches.
func (g *Glob) Match(key string) bool {
	var segs []string
	if g.base {
		segs = []string{path.Base(key)}
	} else {
		segs = strings.Split(key, "/")
	}
	for _, alt := range g.alts {
		if matchSegments(alt, segs) {
			return true
		}
	}
	return false
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				// "dir/**" is what is inside dir, not a file named dir.
				return len(name) > 0
			}
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// expandBraces turns "a.{css,js}" into ["a.css", "a.js"]. Braces nest.
func expandBraces(p string) ([]string, error) {
	open := -1
	depth := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '{':
			if depth == 0 {
				open = i
			}
			depth++
		case '}':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unmatched }")
			}
			if depth > 0 {
				continue
			}
			head, body, tail := p[:open], p[open+1:i], p[i+1:]
			var out []string
			for _, alt := range splitTopLevel(body) {
				rest, err := expandBraces(alt + tail)
				if err != nil {
					return nil, err
				}
				for _, r := range rest {
					out = append(out, head+r)
				}
			}
			return out, nil
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unmatched {")
	}
	return []string{p}, nil
}

// splitTopLevel splits s at commas that are not inside nested braces.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// String returns the pattern as written.
func (g *Glob) String() string { return g.src }
