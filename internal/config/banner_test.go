package config

import "testing"

// TestBanner checks which builds show the staging banner and what it says,
// and that the production URL survives the environment's base_url.
func TestBanner(t *testing.T) {
	const top = "title = \"T\"\nbase_url = \"https://ops.example.org\"\n"
	tests := []struct {
		name, src, env string
		banner         string
	}{
		{"production", top + "[env.staging]\nbase_url = \"https://staging.example.org/\"\n", "", ""},
		{"development", top + "[env.development]\nbase_url = \"http://127.0.0.1:23000/\"\n", "development", ""},
		{"production table", top + "[env.production]\nbanner = \"Not shown\"\n", "production", ""},
		{"staging default", top + "[env.staging]\nbase_url = \"https://staging.example.org/\"\n", "staging", DefaultBanner},
		{"staging text", top + "[env.staging]\nbanner = \"Preview of next week's site.\"\n", "staging", "Preview of next week's site."},
		{"staging off", top + "[env.staging]\nbanner = \"Unused\"\nshow_banner = false\n", "staging", ""},
		{"staging explicitly on", top + "[env.qa]\nshow_banner = true\n", "qa", DefaultBanner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("config.toml", []byte(tt.src), tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if c.Banner != tt.banner {
				t.Errorf("Banner = %q, want %q", c.Banner, tt.banner)
			}
			if c.ProductionURL != "https://ops.example.org/" {
				t.Errorf("ProductionURL = %q, want the top-level base_url", c.ProductionURL)
			}
		})
	}
}
