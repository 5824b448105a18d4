package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleReportComingUp checks that the example site's November report
// tells readers of the v1 API removal announced for January, with where to
// try it, as of its publication date.
func TestExampleReportComingUp(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	r := bulletin(t, root, "2026-12-02T12:00:00Z", "build", "--drafts", "-o", out)
	if r.code != 0 {
		t.Fatalf("bulletin build on the example site: exit %d\n%s", r.code, r.stderr)
	}
	page := readFile(t, filepath.Join(out, "reports", "2026", "11", "index.html"))
	_, coming, ok := strings.Cut(page, `<h2 id="coming-up">Coming up</h2>`)
	if !ok {
		t.Fatal("November report has no Coming up section")
	}
	coming, _, _ = strings.Cut(coming, "</section>")
	for _, want := range []string{
		`<span class="badge kind-breaking-change">Breaking change</span>`,
		`<a href="https://ops.orbitdocs.example/announcements/2027-01-12-v1-api-removal/">The v1 API is removed on 12 January</a>`,
		"12 Jan 2027, 10:00 CET",
		`in testing — try it in staging: <a href="https://staging.api.orbitdocs.example/">`,
		"affects API</li>",
	} {
		if !strings.Contains(coming, want) {
			t.Errorf("Coming up lacks %q:\n%s", want, coming)
		}
	}
	if strings.Contains(page, `<h2 id="landed">`) {
		t.Error("November report has a Landed section, but nothing landed in November")
	}
}
