package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleSiteAnnouncement builds the example site while its v1 API
// removal is in testing and checks that the announcement shows on every
// status surface: the status page's "Planned changes", its own page, the
// index, the three feeds and status/api/announcements.json.
func TestExampleSiteAnnouncement(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	const slug = "2027-01-12-v1-api-removal"
	const title = "The v1 API is removed on 12 January"
	out := filepath.Join(t.TempDir(), "public")
	// Two days into the testing period.
	if r := bulletin(t, root, "2026-11-25T12:00:00Z", "build", "-q", "-o", out); r.code != 0 {
		t.Fatalf("build: exit %d\n%s", r.code, r.stderr)
	}
	page := "https://ops.orbitdocs.example/announcements/" + slug + "/"
	status := readFile(t, filepath.Join(out, "status", "index.html"))
	for _, want := range []string{
		`<h2 id="planned">Planned changes</h2>`,
		`<span class="badge kind-breaking-change">Breaking change</span> <a href="/announcements/` + slug + `/">` + title + `</a>`,
		`In testing · effective <time datetime="2027-01-12T10:00:00&#43;01:00">12 Jan 2027, 10:00 CET</time>`,
		"Test it now in staging: <code>https://staging.api.orbitdocs.example/</code>",
		`href="https://ops.orbitdocs.example/announcements/feed.xml"`,
	} {
		if !strings.Contains(status, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	own := readFile(t, filepath.Join(out, "announcements", slug, "index.html"))
	for _, want := range []string{"<h1>" + title + "</h1>", "<code>POST /v1/webhooks</code>", "Test it now in staging:", "<h2 id=\"updates\">Updates</h2>"} {
		if !strings.Contains(own, want) {
			t.Errorf("its page lacks %q", want)
		}
	}
	if idx := readFile(t, filepath.Join(out, "announcements", "index.html")); !strings.Contains(idx, title) {
		t.Error("the index does not list it")
	}
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
		if f := readFile(t, filepath.Join(out, "announcements", name)); !strings.Contains(f, page) || !strings.Contains(f, "Breaking change: "+title+" (12 January 2027)") {
			t.Errorf("announcements/%s lacks the entry", name)
		}
	}
	var api struct {
		Announcements []struct {
			ID, Status, Shortlink string
			StagingURL            string `json:"staging_url"`
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "status", "api", "announcements.json"))), &api); err != nil {
		t.Fatal(err)
	}
	if len(api.Announcements) != 1 || api.Announcements[0].ID != slug || api.Announcements[0].Status != "in_testing" ||
		api.Announcements[0].Shortlink != page || api.Announcements[0].StagingURL != "https://staging.api.orbitdocs.example/" {
		t.Errorf("status/api/announcements.json: %+v", api.Announcements)
	}
	if sm := readFile(t, filepath.Join(out, "sitemap.xml")); !strings.Contains(sm, "<loc>"+page+"</loc>") {
		t.Error("the sitemap lacks its page")
	}
}
