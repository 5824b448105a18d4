package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
)

const silenceConfig = `title = "x"
base_url = "https://x.org/"
timezone = "Europe/Berlin"
[[components]]
id = "api"
[[components]]
id = "db"
[[live.rules]]
component = "api"
alerts = 'alertname="APIDown"'
`

func TestParseSilence(t *testing.T) {
	cfg, err := config.Parse("config.toml", []byte(silenceConfig), "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSilence("content/silences/2026-12-02-api.md", []byte("---\ncomponent: api\nreason: Probe broken.\nstart: 2026-12-02T03:20:00\nuntil: 2026-12-02T06:00:00\nauthor: Drew\n---\n"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != Operational || s.Author != "Drew" || s.Start.Format(time.RFC3339) != "2026-12-02T03:20:00+01:00" {
		t.Errorf("silence = %+v", s)
	}
	if !s.ActiveAt(s.Start) || s.ActiveAt(s.Until) || s.ActiveAt(s.Start.Add(-time.Second)) {
		t.Error("ActiveAt is not [start, until)")
	}
	for name, tt := range map[string]struct{ src, want string }{
		"no rules":  {"component: db\nreason: r\nstart: 2026-12-02T03:20:00Z\nuntil: 2026-12-02T06:00:00Z", `x.md:2: component "db" has no live rules in config.toml`},
		"unknown":   {"component: dns2\nreason: r\nstart: 2026-12-02T03:20:00Z\nuntil: 2026-12-02T06:00:00Z", `x.md:2: unknown component "dns2"`},
		"no until":  {"component: api\nreason: r\nstart: 2026-12-02T03:20:00Z", `x.md:1: until is required: a silence must expire`},
		"no reason": {"component: api\nstart: 2026-12-02T03:20:00Z\nuntil: 2026-12-02T06:00:00Z", `x.md:1: reason is required`},
		"backwards": {"component: api\nreason: r\nstart: 2026-12-02T03:20:00Z\nuntil: 2026-12-02T03:00:00Z", `x.md:5: until 2026-12-02T03:00:00Z is not after start`},
		"status":    {"component: api\nreason: r\nstatus: down\nstart: 2026-12-02T03:20:00Z\nuntil: 2026-12-02T06:00:00Z", `x.md:4: status "down" must be operational`},
		"typo":      {"component: api\nreason: r\nstart: 2026-12-02T03:20:00Z\nuntill: 2026-12-02T06:00:00Z", `x.md:5: unknown key "untill"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSilence("x.md", []byte("---\n"+tt.src+"\n---\n"), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLoadSilencesAndActive(t *testing.T) {
	cfg, err := config.Parse("config.toml", []byte(silenceConfig), "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, src := range map[string]string{
		"early.md": "---\ncomponent: api\nreason: early\nstart: 2026-12-02T01:00:00Z\nuntil: 2026-12-02T05:00:00Z\n---\n",
		"late.md":  "---\ncomponent: api\nreason: late\nstart: 2026-12-02T02:00:00Z\nuntil: 2026-12-02T04:00:00Z\n---\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ss, err := LoadSilences(dir, cfg)
	if err != nil || len(ss) != 2 {
		t.Fatalf("%v %v", ss, err)
	}
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	if s, ok := ActiveSilence(ss, "api", at); !ok || s.Reason != "late" {
		t.Errorf("active at 03:00 = %+v, want the latest started", s)
	}
	if s, ok := ActiveSilence(ss, "api", at.Add(90*time.Minute)); !ok || s.Reason != "early" {
		t.Errorf("active at 04:30 = %+v", s)
	}
	if _, ok := ActiveSilence(ss, "api", at.Add(3*time.Hour)); ok {
		t.Error("active after every silence expired")
	}
	if none, err := LoadSilences(filepath.Join(dir, "missing"), cfg); err != nil || len(none) != 0 {
		t.Errorf("missing dir: %v %v", none, err)
	}
}
