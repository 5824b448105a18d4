package pathglob

import "testing"

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"*.css", []string{"a.css", "css/site.css", "x/y/z.css"}, []string{"a.css.map", "css"}},
		{"/index.html", []string{"index.html"}, []string{"reports/index.html"}},
		{"index.html", []string{"index.html", "reports/index.html"}, []string{"index.htm"}},
		{"status/**", []string{"status/index.html", "status/a/b/c.json"}, []string{"status", "statuses/x", "x/status/y"}},
		{"**/index.html", []string{"index.html", "a/index.html", "a/b/index.html"}, []string{"a/b/other.html"}},
		{"reports/*/index.html", []string{"reports/2026/index.html"}, []string{"reports/2026/10/index.html"}},
		{"reports/**/index.html", []string{"reports/index.html", "reports/2026/10/index.html"}, []string{"index.html"}},
		{"*.{css,js}", []string{"a.css", "b/c.js"}, []string{"d.svg"}},
		{"{api,status}/**", []string{"api/v2/summary.json", "status/index.html"}, []string{"reports/x.html"}},
		{"img/?.png", []string{"img/a.png"}, []string{"img/ab.png"}},
		{"[ab].txt", []string{"a.txt", "x/b.txt"}, []string{"c.txt"}},
		{"**", []string{"a", "a/b/c"}, nil},
		{`\*.txt`, []string{"*.txt"}, []string{"a.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			g, err := Compile(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.match {
				if !g.Match(k) {
					t.Errorf("%q does not match %q", tt.pattern, k)
				}
			}
			for _, k := range tt.noMatch {
				if g.Match(k) {
					t.Errorf("%q matches %q", tt.pattern, k)
				}
			}
		})
	}
}

func TestGlobErrors(t *testing.T) {
	for _, p := range []string{"", "[a", "*.{css", "a}b", "x/[/y"} {
		if _, err := Compile(p); err == nil {
			t.Errorf("Compile(%q) succeeded, want an error", p)
		}
	}
}
