package config

import (
	"github.com/bulletin-dev/bulletin/internal/diag"
)

// Publish configures where and how `bulletin publish` uploads the site.
type Publish struct {
	// Default names the target used when --target is not given.
	Default string `toml:"default"`
	// Targets maps a name to a gocloud.dev/blob bucket URL.
	Targets map[string]Target `toml:"targets"`
}

// Target is one bucket the site is published to.
type Target struct {
	// URL is a gocloud.dev/blob URL: s3://, gs://, azblob:// or file://.
	URL string `toml:"url"`
}

func (p *Publish) defaults() {}

func (p *Publish) validate(c *Config, l *diag.List) {
	if p.Default != "" {
		if _, ok := p.Targets[p.Default]; !ok {
			l.Addf(c.Path, c.Lines.Line("publish.default"), "publish.default names unknown target %q", p.Default)
		}
	}
	for name, t := range p.Targets {
		if t.URL == "" {
			l.Addf(c.Path, c.Lines.Line("publish.targets."+name), "publish target %q has no url", name)
		}
	}
}
