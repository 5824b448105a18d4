package config

import (
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/pathglob"
)

// Publish configures where and how `bulletin publish` uploads the site.
// Credentials never live here: each cloud's SDK finds them in its standard
// environment variables and files.
type Publish struct {
	// Default names the target used when --target is not given.
	Default string `toml:"default"`
	// Targets maps a name to a gocloud.dev/blob bucket URL.
	Targets map[string]Target `toml:"targets"`
	// Headers are path rules setting Content-Type, Cache-Control and gzip
	// encoding, applied after the built-in defaults; for each header the
	// last matching rule wins.
	Headers []HeaderRule `toml:"headers"`
	// Exclude lists glob patterns of paths neither uploaded nor deleted,
	// for files other tools keep in the same bucket.
	Exclude []string `toml:"exclude"`
	// MaxDeletes caps the objects a publish may delete without --force
	// (default 256).
	MaxDeletes *int `toml:"max_deletes"`
	// Workers bounds the uploads in flight (default 8).
	Workers int `toml:"workers"`
	// LockTTL is how long a publish lock stays valid without renewal, as a
	// Go duration (default "15m"); a crashed publish blocks others at most
	// this long.
	LockTTL string `toml:"lock_ttl"`
	// MetricsFile, when set, receives Prometheus text-format metrics after
	// each successful publish (relative to the site directory).
	MetricsFile string `toml:"metrics_file"`
	// CORSOrigins lets pages on these origins ("*" for any, or
	// "https://example.com") read the site's files from a browser, as
	// Statuspage lets any page read its JSON API. Object stores configure
	// this per bucket, not per file: publish sets it on S3 buckets (GET and
	// HEAD only), and `bulletin serve` sends the same headers.
	CORSOrigins []string `toml:"cors_origins"`
}

// Target is one bucket the site is published to.
type Target struct {
	// URL is a gocloud.dev/blob URL: s3://, gs://, azblob:// or file://.
	// A prefix=path/ parameter publishes under a key prefix.
	URL string `toml:"url"`
	// Site is what the target publishes: "main" (the default), the site
	// without the status site, or "status", the status site of
	// status.base_url, at the bucket's root.
	Site string `toml:"site"`
}

// Target sites.
const (
	SiteMain   = "main"
	SiteStatus = "status"
)

// Publishes reports whether the target publishes site (SiteMain or
// SiteStatus).
func (t Target) Publishes(site string) bool {
	if t.Site == "" {
		return site == SiteMain
	}
	return t.Site == site
}

// HeaderRule sets headers for the published files whose path matches
// Pattern. Empty fields leave the headers set by earlier rules alone.
type HeaderRule struct {
	// Pattern is a glob on the path relative to the site root: "*.css",
	// "status/**", "/index.html", "*.{html,xml}".
	Pattern string `toml:"pattern"`
	// Fingerprinted restricts the rule to file names carrying a content
	// hash ("style.3f2a9c1b.css").
	Fingerprinted bool   `toml:"fingerprinted"`
	ContentType   string `toml:"content_type"`
	CacheControl  string `toml:"cache_control"`
	// Gzip, when set, turns gzip Content-Encoding on or off.
	Gzip *bool `toml:"gzip"`
}

// Defaults of the [publish] section.
const (
	DefaultMaxDeletes = 256
	DefaultWorkers    = 8
	DefaultLockTTL    = "15m"
)

// publishSchemes are the URL schemes of the blob drivers bulletin links in.
var publishSchemes = map[string]bool{"s3": true, "gs": true, "azblob": true, "file": true, "mem": true}

func (p *Publish) defaults() {
	if p.MaxDeletes == nil {
		n := DefaultMaxDeletes
		p.MaxDeletes = &n
	}
	if p.Workers == 0 {
		p.Workers = DefaultWorkers
	}
	if p.LockTTL == "" {
		p.LockTTL = DefaultLockTTL
	}
}

func (p *Publish) validate(c *Config, l *diag.List) {
	at := func(key string) int { return c.Lines.Line(key) }
	if p.Default != "" {
		if _, ok := p.Targets[p.Default]; !ok {
			l.Addf(c.Path, at("publish.default"), "publish.default names unknown target %q", p.Default)
		}
	}
	for name, t := range p.Targets {
		key := "publish.targets." + name
		if !idPattern.MatchString(name) {
			l.Addf(c.Path, at(key), "publish target name %q must be lowercase letters, digits, - or _", name)
		}
		if t.URL == "" {
			l.Addf(c.Path, at(key), "publish target %q has no url", name)
			continue
		}
		if err := checkTargetURL(t.URL); err != nil {
			l.Addf(c.Path, at(key+".url"), "publish target %q: %v", name, err)
		}
		switch t.Site {
		case "", SiteMain:
		case SiteStatus:
			if !c.StatusSite() {
				l.Addf(c.Path, at(key+".site"), "publish target %q publishes the status site, but there is none: set status.base_url to the status site's URL", name)
			}
		default:
			l.Addf(c.Path, at(key+".site"), "publish target %q: site %q must be \"main\" or \"status\"", name, t.Site)
		}
	}
	if c.StatusSite() && len(p.Targets) > 0 {
		found := false
		for _, t := range p.Targets {
			found = found || t.Publishes(SiteStatus)
		}
		if !found {
			l.Addf(c.Path, at("status.base_url"), "status.base_url is set, but no publish target has site = \"status\": add one, such as [publish.targets.status] url = \"s3://status-bucket?region=…\" site = \"status\"")
		}
	}
	if p.MaxDeletes != nil && *p.MaxDeletes < 0 {
		l.Addf(c.Path, at("publish.max_deletes"), "publish.max_deletes must not be negative")
	}
	if p.Workers < 1 || p.Workers > 256 {
		l.Addf(c.Path, at("publish.workers"), "publish.workers must be between 1 and 256")
	}
	if d, err := time.ParseDuration(p.LockTTL); err != nil {
		l.Addf(c.Path, at("publish.lock_ttl"), "publish.lock_ttl: %q is not a duration such as \"15m\"", p.LockTTL)
	} else if d < time.Minute {
		l.Addf(c.Path, at("publish.lock_ttl"), "publish.lock_ttl must be at least 1m")
	}
	for _, o := range p.CORSOrigins {
		if err := checkOrigin(o); err != nil {
			l.Addf(c.Path, at("publish.cors_origins"), "publish.cors_origins: %q %v", o, err)
		}
	}
	for i, pat := range p.Exclude {
		if err := checkGlob(pat); err != nil {
			l.Addf(c.Path, at("publish.exclude"), "publish.exclude[%d]: %v", i, err)
		}
	}
	for i, h := range p.Headers {
		key := fmt.Sprintf("publish.headers.%d", i)
		if err := checkGlob(h.Pattern); err != nil {
			l.Addf(c.Path, at(key+".pattern"), "publish header rule: %v", err)
		}
		if h.ContentType == "" && h.CacheControl == "" && h.Gzip == nil {
			l.Addf(c.Path, at(key), "publish header rule %q sets nothing: give content_type, cache_control or gzip", h.Pattern)
		}
		if h.ContentType != "" {
			if _, _, err := mime.ParseMediaType(h.ContentType); err != nil {
				l.Addf(c.Path, at(key+".content_type"), "publish header rule %q: content_type %q is not a media type", h.Pattern, h.ContentType)
			}
		}
		if strings.ContainsAny(h.CacheControl, "\r\n") {
			l.Addf(c.Path, at(key+".cache_control"), "publish header rule %q: cache_control must be one line", h.Pattern)
		}
	}
}

// checkTargetURL accepts the bucket URLs of the linked drivers, without
// credentials in them.
func checkTargetURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("url: %v", err)
	}
	if !publishSchemes[u.Scheme] {
		return fmt.Errorf("url %q: scheme must be one of s3, gs, azblob, file", s)
	}
	if u.User != nil {
		return fmt.Errorf("url must not hold credentials: they come from the environment")
	}
	if u.Scheme != "file" && u.Scheme != "mem" && u.Host == "" {
		return fmt.Errorf("url %q names no bucket", s)
	}
	if u.Scheme == "file" && u.Path == "" {
		return fmt.Errorf("url %q names no directory", s)
	}
	return nil
}

// checkGlob reports a malformed publish path pattern; the syntax is
// documented in docs/publishing.md.
func checkGlob(pattern string) error {
	_, err := pathglob.Compile(pattern)
	return err
}

// checkOrigin accepts "*" and web origins: scheme, host and port only, as a
// browser's Origin header names them.
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("is not an http or https origin such as \"https://example.com\" (or \"*\" for any)")
	case u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("is not an origin: give scheme and host only, such as \"https://example.com\"")
	}
	return nil
}
