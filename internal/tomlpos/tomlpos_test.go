package tomlpos

import (
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	src := `title = "x"   # 1
[site]
"base url" = "a"
nested.key = 1

[[components]]
id = "api"
tags = [
  "a",
  "b",
]
[[components]]
id = "dns"
[components.probe]
job = "x"
[env.staging]
base_url = """
multi
"""
after = 1
`
	ix := Build(src)
	tests := []struct {
		key  string
		want int
	}{
		{"title", 1},
		{"site", 2},
		{"site.base url", 3},
		{"site.nested.key", 4},
		{"components", 6},
		{"components.0", 6},
		{"components.0.id", 7},
		{"components.0.tags", 8},
		{"components.1.id", 13},
		{"components.1.probe.job", 15},
		{"env.staging.base_url", 17},
		{"env.staging.after", 20},
		{"env.staging.unknown", 16},
		{"nothing", 0},
	}
	for _, tt := range tests {
		if got := ix.Line(tt.key); got != tt.want {
			t.Errorf("Line(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestUnknown(t *testing.T) {
	type comp struct {
		ID    string            `toml:"id"`
		Label map[string]string `toml:"labels"`
	}
	type cfg struct {
		Title string `toml:"title"`
		Comps []comp `toml:"components"`
		Env   map[string]struct {
			BaseURL string `toml:"base_url"`
		} `toml:"env"`
	}
	doc := map[string]any{
		"title": "x",
		"titel": "typo",
		"components": []map[string]any{
			{"id": "a", "labels": map[string]any{"anything": "ok"}},
			{"id": "b", "slo": 99.0},
		},
		"env": map[string]any{"staging": map[string]any{"base_url": "u", "baseurl": "v"}},
	}
	got := Unknown(doc, cfg{})
	want := []string{"components.1.slo", "env.staging.baseurl", "titel"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Unknown = %v, want %v", got, want)
	}
}
