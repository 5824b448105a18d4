package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleStagingBanner builds the example site for staging and for
// production and walks public/: every HTML page of the staging build says
// it is staging and links to the page on production; no production page
// does.
func TestExampleStagingBanner(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		env    string
		banner bool
	}{{"staging", true}, {"production", false}, {"development", false}} {
		t.Run(tt.env, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			r := bulletin(t, root, testNow, "build", "--env", tt.env, "-o", out)
			if r.code != 0 {
				t.Fatalf("bulletin build --env %s: exit %d\n%s", tt.env, r.code, r.stderr)
			}
			pages := 0
			kinds := map[string]bool{}
			err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				pages++
				rel := filepath.ToSlash(strings.TrimPrefix(path, out+string(filepath.Separator)))
				page := string(b)
				has := strings.Contains(page, `<aside class="env-banner" aria-label="Environment: staging"`)
				if has != tt.banner {
					t.Errorf("%s: banner %v, want %v", rel, has, tt.banner)
				}
				if !tt.banner {
					return nil
				}
				want := "https://ops.orbitdocs.example/" + strings.TrimSuffix(rel, "index.html")
				switch {
				case rel == "404.html":
					want = "https://ops.orbitdocs.example/"
				case strings.HasPrefix(rel, "errors/"):
					want = "https://ops.orbitdocs.example/status/"
				}
				if !strings.Contains(page, `<a href="`+want+`">See this page on the production site</a>`) {
					t.Errorf("%s: banner does not link to %s", rel, want)
				}
				kinds[strings.SplitN(rel, "/", 2)[0]] = true
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if pages < 10 {
				t.Fatalf("only %d HTML pages built", pages)
			}
			if tt.banner {
				for _, k := range []string{"index.html", "404.html", "reports", "status", "incidents", "errors"} {
					if !kinds[k] {
						t.Errorf("no %s page checked (have %v)", k, kinds)
					}
				}
			}
		})
	}
}
