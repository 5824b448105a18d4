package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/bulletin-dev/bulletin/internal/pathglob"
)

// Headers are the HTTP headers an object is stored with, and served with by
// the bucket or the CDN in front of it.
type Headers struct {
	ContentType     string
	CacheControl    string
	ContentEncoding string
}

// hash identifies the headers, so that a change of header rules re-uploads
// the objects whose headers it changes. It is stored in object metadata.
func (h Headers) hash() string {
	sum := sha256.Sum256([]byte("v1\x00" + h.ContentType + "\x00" + h.CacheControl + "\x00" + h.ContentEncoding))
	return hex.EncodeToString(sum[:16])
}

// Rule sets headers for the files whose path matches Pattern. Empty fields
// leave the value set by earlier rules alone.
type Rule struct {
	// Pattern is a glob on the path relative to the site root; see
	// docs/publishing.md for the syntax.
	Pattern string
	// Fingerprinted, when true, restricts the rule to files whose name
	// carries a content hash ("style.3f2a9c1b.css"), which can be cached
	// forever because any change gives them a new name.
	Fingerprinted bool
	ContentType   string
	CacheControl  string
	// Gzip, when set, turns gzip Content-Encoding on or off.
	Gzip *bool
}

// Cache-Control values of the default rules.
const (
	CacheImmutable = "public, max-age=31536000, immutable"
	CacheAsset     = "public, max-age=3600"
	CacheReport    = "public, max-age=3600"
	CacheFeed      = "public, max-age=900"
	CachePage      = "public, max-age=300"
	CacheHome      = "public, max-age=60"
	CacheLive      = "public, max-age=30"
)

// DefaultRules returns the built-in header rules for a site whose status
// page lives at statusPath ("/status/"). User rules are applied after them,
// so a user rule overrides only the fields it sets.
//
// Pages people refresh during an incident (home, status, incidents, the
// Statuspage API and the CDN error pages) are cached for a minute or less;
// monthly reports, which change rarely once published, for an hour; files
// with a content hash in their name forever.
func DefaultRules(statusPath string) []Rule {
	status := strings.Trim(statusPath, "/")
	rules := []Rule{
		{Pattern: "**", CacheControl: CachePage},
		{Pattern: "*.{css,js,mjs,svg,png,jpg,jpeg,gif,webp,avif,ico,woff,woff2,ttf,otf,pdf,map,wasm}", CacheControl: CacheAsset},
		{Pattern: "*.{xml,rss,atom}", CacheControl: CacheFeed},
		{Pattern: "feed.json", CacheControl: CacheFeed},
		{Pattern: "reports/**", CacheControl: CacheReport},
		{Pattern: "**", Fingerprinted: true, CacheControl: CacheImmutable},
		{Pattern: "/index.html", CacheControl: CacheHome},
		{Pattern: "errors/**", CacheControl: CacheHome},
		{Pattern: "incidents/**", CacheControl: CacheHome},
		{Pattern: "api/**", CacheControl: CacheLive},
	}
	if status != "" {
		rules = append(rules, Rule{Pattern: escapeGlob(status) + "/**", CacheControl: CacheLive})
	}
	return rules
}

// StatusSiteRules returns the built-in header rules of a status site
// published at a bucket's root (status.base_url): everything is what people
// refresh during an incident, cached for 30 seconds, the incident pages
// for a minute, as on the main site, and fingerprinted files forever.
func StatusSiteRules() []Rule {
	return []Rule{
		{Pattern: "**", CacheControl: CacheLive},
		{Pattern: "incidents/**", CacheControl: CacheHome},
		{Pattern: "**", Fingerprinted: true, CacheControl: CacheImmutable},
	}
}

func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Rules decides the headers of each published file. It is safe for
// concurrent use.
type Rules struct {
	rules []compiledRule

	// names remembers, by file name, what depends on the name alone:
	// whether it is fingerprinted, and which rules whose pattern has no
	// "/" (and so matches the file name in any directory) match it. A
	// site has thousands of index.html, and such patterns are the costly
	// ones ("*.{css,js,…}").
	mu    sync.Mutex
	names map[string]nameMatch
}

type compiledRule struct {
	Rule
	glob *pathglob.Glob
	// bit is the rule's bit in nameMatch.rules, or -1 when the rule looks
	// at the whole path (or there are too many rules to remember).
	bit int
}

type nameMatch struct {
	fingerprinted bool
	rules         uint64
}

// maxNames bounds Rules.names.
const maxNames = 1 << 14

// NewRules compiles rules, applied in order: for each header, the last
// matching rule that sets it wins.
func NewRules(rules []Rule) (*Rules, error) {
	r := &Rules{names: map[string]nameMatch{}}
	bits := 0
	for i, rule := range rules {
		g, err := pathglob.Compile(rule.Pattern)
		if err != nil {
			return nil, fmt.Errorf("header rule %d: %w", i+1, err)
		}
		if rule.ContentType != "" {
			if _, _, err := mime.ParseMediaType(rule.ContentType); err != nil {
				return nil, fmt.Errorf("header rule %d (%s): content type %q: %w", i+1, rule.Pattern, rule.ContentType, err)
			}
		}
		cr := compiledRule{Rule: rule, glob: g, bit: -1}
		if !strings.Contains(rule.Pattern, "/") && bits < 64 {
			cr.bit = bits
			bits++
		}
		r.rules = append(r.rules, cr)
	}
	return r, nil
}

// byName returns what the rules make of the file name of key.
func (r *Rules) byName(key string) nameMatch {
	name := path.Base(key)
	r.mu.Lock()
	m, ok := r.names[name]
	r.mu.Unlock()
	if ok {
		return m
	}
	m.fingerprinted = fingerprinted(name)
	for _, rule := range r.rules {
		if rule.bit >= 0 && rule.glob.Match(name) {
			m.rules |= 1 << rule.bit
		}
	}
	r.mu.Lock()
	if r.names != nil && len(r.names) < maxNames {
		r.names[name] = m
	}
	r.mu.Unlock()
	return m
}

// Headers returns the headers for the file at key (a slash path relative to
// the site root). head is the start of the file's content: it tells an RSS
// from an Atom feed, and types files of unknown extension, when no rule names
// the type. With a nil head the type is decided by name alone.
func (r *Rules) Headers(key string, head []byte) Headers {
	var h Headers
	gzip := false
	name := r.byName(key)
	for _, rule := range r.rules {
		if rule.Fingerprinted && !name.fingerprinted {
			continue
		}
		if rule.bit >= 0 && name.rules&(1<<rule.bit) == 0 || rule.bit < 0 && !rule.glob.Match(key) {
			continue
		}
		if rule.ContentType != "" {
			h.ContentType = rule.ContentType
		}
		if rule.CacheControl != "" {
			h.CacheControl = rule.CacheControl
		}
		if rule.Gzip != nil {
			gzip = *rule.Gzip
		}
	}
	if h.ContentType == "" {
		h.ContentType = contentType(key, head)
	}
	if gzip {
		h.ContentEncoding = "gzip"
	}
	return h
}

// Content types that matter for a site, fixed here rather than read from the
// system's mime.types so that every machine publishes the same headers (a
// difference would re-upload everything when cron moves to another host).
var typesByExt = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml",
	".rss":         "application/rss+xml",
	".atom":        "application/atom+xml",
	".svg":         "image/svg+xml",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".ics":         "text/calendar; charset=utf-8",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".wasm":        "application/wasm",
	".zip":         "application/zip",
	".gz":          "application/gzip",
	".mp4":         "video/mp4",
	".webm":        "video/webm",
}

// Feed file names as Hugo and common generators write them, for when the
// content is not at hand to sniff.
var feedNames = map[string]string{
	"index.xml": "application/rss+xml",
	"rss.xml":   "application/rss+xml",
	"feed.xml":  "application/rss+xml",
	"atom.xml":  "application/atom+xml",
	"feed.json": "application/feed+json",
}

func contentType(key string, head []byte) string {
	if t, ok := typeByName(key); ok {
		return t
	}
	name := path.Base(key)
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".xml":
		if t := sniffXMLFeed(head); t != "" {
			return t
		}
	case ".json":
		if bytes.Contains(head, []byte("https://jsonfeed.org/version/")) {
			return "application/feed+json"
		}
	}
	if t, ok := feedNames[name]; ok && head == nil {
		return t
	}
	if t, ok := typesByExt[ext]; ok {
		return t
	}
	if head != nil {
		return http.DetectContentType(head)
	}
	return "application/octet-stream"
}

// typeByName returns the content type of key when its name alone decides
// it, whatever the content: a known extension other than .xml and .json.
// A publish need not read such a file to know its headers.
func typeByName(key string) (string, bool) {
	ext := strings.ToLower(path.Ext(key))
	if ext == ".xml" || ext == ".json" {
		return "", false
	}
	t, ok := typesByExt[ext]
	return t, ok
}

// sniffXMLFeed tells RSS from Atom by the document's root element.
func sniffXMLFeed(head []byte) string {
	s := head
	for {
		s = bytes.TrimLeft(s, " \t\r\n\ufeff")
		switch {
		case bytes.HasPrefix(s, []byte("<?")):
			i := bytes.Index(s, []byte("?>"))
			if i < 0 {
				return ""
			}
			s = s[i+2:]
		case bytes.HasPrefix(s, []byte("<!--")):
			i := bytes.Index(s, []byte("-->"))
			if i < 0 {
				return ""
			}
			s = s[i+3:]
		case bytes.HasPrefix(s, []byte("<rss")), bytes.HasPrefix(s, []byte("<rdf:RDF")):
			return "application/rss+xml"
		case bytes.HasPrefix(s, []byte("<feed")) && bytes.Contains(s, []byte("http://www.w3.org/2005/Atom")):
			return "application/atom+xml"
		default:
			return ""
		}
	}
}

// fingerprintRE matches a content hash between dots or after a dash in a
// file name: "style.3f2a9c1b.css", "app-5d41402abc4b2a76.js". Hex of at
// least 8 digits with at least one digit and one letter, so that dates
// ("2026-10-31") and words ("deadline") do not pass for hashes.
var fingerprintRE = regexp.MustCompile(`[.-]([0-9a-f]{8,})\.`)

func fingerprinted(key string) bool {
	name := path.Base(key)
	if ext := strings.ToLower(path.Ext(name)); ext == ".html" || ext == ".htm" {
		return false
	}
	for _, m := range fingerprintRE.FindAllStringSubmatch(name, -1) {
		h := m[1]
		if strings.ContainsAny(h, "0123456789") && strings.ContainsAny(h, "abcdef") {
			return true
		}
	}
	return false
}
