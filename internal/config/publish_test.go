package config

import (
	"strings"
	"testing"
)

const publishBase = `title = "Ops"
base_url = "https://ops.example.org/"
`

func TestPublishValid(t *testing.T) {
	src := publishBase + `
[publish]
default = "production"
exclude = ["downloads/**"]
max_deletes = 0
metrics_file = "/var/lib/node_exporter/textfile/bulletin.prom"

[publish.targets.production]
url = "s3://ops-site?region=eu-central-1&prefix=site/"

[publish.targets.local]
url = "file:///srv/www/ops"

[[publish.headers]]
pattern = "status/**"
cache_control = "max-age=30"

[[publish.headers]]
pattern = "*.{html,css,xml}"
gzip = true
`
	c, err := Parse("config.toml", []byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Publish
	if *p.MaxDeletes != 0 || p.Workers != DefaultWorkers || p.LockTTL != DefaultLockTTL {
		t.Errorf("max_deletes %d workers %d lock_ttl %q", *p.MaxDeletes, p.Workers, p.LockTTL)
	}
	if len(p.Headers) != 2 || p.Headers[0].CacheControl != "max-age=30" || p.Headers[1].Gzip == nil || !*p.Headers[1].Gzip {
		t.Errorf("headers %+v", p.Headers)
	}
	if p.Targets["local"].URL != "file:///srv/www/ops" {
		t.Errorf("targets %+v", p.Targets)
	}

	d, err := Parse("config.toml", []byte(publishBase), "")
	if err != nil {
		t.Fatal(err)
	}
	if *d.Publish.MaxDeletes != DefaultMaxDeletes {
		t.Errorf("default max_deletes = %d", *d.Publish.MaxDeletes)
	}
}

func TestPublishInvalid(t *testing.T) {
	tests := map[string]struct{ src, want string }{
		"unknown default": {`[publish]
default = "prod"`, `config.toml:5: publish.default names unknown target "prod"`},
		"no url": {`[publish.targets.production]
region = "x"`, `config.toml:5: unknown key "publish.targets.production.region"`},
		"bad scheme": {`[publish.targets.production]
url = "ftp://example.org/site"`, `config.toml:5: publish target "production": url "ftp://example.org/site": scheme must be one of s3, gs, azblob, file`},
		"credentials in url": {`[publish.targets.production]
url = "s3://key:secret@bucket"`, `config.toml:5: publish target "production": url must not hold credentials: they come from the environment`},
		"bad pattern": {`[[publish.headers]]
pattern = "status/[a"
cache_control = "no-cache"`, `config.toml:5: publish header rule: pattern "status/[a": syntax error in pattern`},
		"unbalanced braces": {`[[publish.headers]]
pattern = "*.{css"
gzip = true`, `config.toml:5: publish header rule: pattern "*.{css": unmatched {`},
		"rule sets nothing": {`[[publish.headers]]
pattern = "*.css"`, `config.toml:4: publish header rule "*.css" sets nothing: give content_type, cache_control or gzip`},
		"bad content type": {`[[publish.headers]]
pattern = "*.x"
content_type = "text/"`, `config.toml:6: publish header rule "*.x": content_type "text/" is not a media type`},
		"bad lock ttl": {`[publish]
lock_ttl = "soon"`, `config.toml:5: publish.lock_ttl: "soon" is not a duration such as "15m"`},
		"negative cap": {`[publish]
max_deletes = -1`, `config.toml:5: publish.max_deletes must not be negative`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("config.toml", []byte(publishBase+"\n"+tt.src+"\n"), "")
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
