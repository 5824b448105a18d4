package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// liveSiteDir is the status test site with live rules, a data/live.json
// that finds DNS (which an open incident covers), the website (which none
// does) and the database (which on-call silenced) at fault, and one ended
// disruption in November's snapshot.
const liveSiteDir = "testdata/live/site"

func TestLiveGolden(t *testing.T) {
	files := renderDir(t, liveSiteDir, statusNow)
	for _, tt := range []struct{ file, golden string }{
		{"status/index.html", "live-status.html"},
		{"errors/503.html", "live-error-503.html"},
		{"status/feed.xml", "live-feed.xml"},
		{"status/components/web/atom.xml", "live-web-atom.xml"},
		{"status/api/v2/summary.json", "live-summary.json"},
		{"status/badges/web.svg", "live-badge-web.svg"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			got, ok := files[tt.file]
			if !ok {
				t.Fatalf("%s was not rendered", tt.file)
			}
			checkStatusGolden(t, tt.golden, got)
		})
	}
}

func TestLiveStatus(t *testing.T) {
	files := renderDir(t, liveSiteDir, statusNow)
	page := string(files["status/index.html"])
	for _, want := range []string{
		`Checked automatically at <time datetime="2026-11-02T10:58:00&#43;01:00">2 Nov 2026, 10:58 CET</time>`,
		`<h2 id="detected">Detected automatically</h2>`,
		// DNS: the open incident leads, the automatic note stays beside it.
		`Being handled in <a href="/incidents/2026-10-14-dns-resolution-failing/">`,
		// The database: nobody has declared anything.
		`Alert PostgresDown firing.</p>` + "\n" + `<p class="muted">Found by our monitoring; not yet confirmed by the team.</p>`,
		// The website: on-call's word, not the signal.
		`Automatic check silenced by on-call (Sam) until <time datetime="2026-11-02T13:00:00&#43;01:00">2 Nov 2026, 13:00 CET</time>: The probe runs from the old region; readers are not affected.`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if strings.Contains(page, "Website slow to answer") {
		t.Error("the silenced signal is shown")
	}
	if i, j := strings.Index(page, `id="active"`), strings.Index(page, `id="detected"`); i < 0 || j < i {
		t.Error("open incidents must lead the automatic notes")
	}

	var summary struct {
		Status     struct{ Indicator string }
		Components []struct{ Name, Status string }
	}
	if err := json.Unmarshal(files["status/api/v2/summary.json"], &summary); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range summary.Components {
		got[c.Name] = c.Status
	}
	if got["Database"] != "major_outage" || got["DNS"] != "major_outage" {
		t.Errorf("API components = %v", got)
	}
	if summary.Status.Indicator != "major" {
		t.Errorf("indicator = %q", summary.Status.Indicator)
	}

	errPage := string(files["errors/503.html"])
	for _, want := range []string{"Checked automatically at", "Database: Major outage since", "(Alert PostgresDown firing)"} {
		if !strings.Contains(errPage, want) {
			t.Errorf("503 page lacks %q", want)
		}
	}
	feed := string(files["status/components/web/feed.xml"])
	for _, want := range []string{"Detected automatically: Partial outage of Website", "Ended after 32m"} {
		if !strings.Contains(feed, want) {
			t.Errorf("web feed lacks %q", want)
		}
	}
	// The ongoing disruption's website part is silenced: not in its feed.
	if strings.Contains(feed, "Ongoing") {
		t.Error("a silenced detection is in the website's feed")
	}
	if !strings.Contains(string(files["status/components/db/feed.xml"]), "Ongoing: Major outage of Database, DNS, detected automatically") {
		t.Error("the database feed lacks the ongoing disruption")
	}
	if strings.Contains(string(files["status/components/search/feed.xml"]), "Detected automatically") {
		t.Error("a disruption is in the feed of a component it did not touch")
	}
}

func TestLiveStale(t *testing.T) {
	files := renderDir(t, liveSiteDir, statusNow.Add(20*time.Minute))
	page := string(files["status/index.html"])
	if !strings.Contains(page, "<strong>Automatic checks are stale.</strong> The last one ran at") || !strings.Contains(page, "more than 15 minutes before this page was published") {
		t.Error("stale checks not said on the status page")
	}
	if strings.Contains(page, "Checked automatically at") {
		t.Error("stale page still says it was checked as if fresh")
	}
	if !strings.Contains(string(files["errors/503.html"]), "Automatic checks stopped at") {
		t.Error("stale checks not said on the 503 page")
	}
}

func TestLiveWithoutFileIsAsBefore(t *testing.T) {
	dir := copyDir(t, liveSiteDir)
	if err := os.Remove(filepath.Join(dir, "data", "live.json")); err != nil {
		t.Fatal(err)
	}
	files := renderDir(t, dir, statusNow)
	if page := string(files["status/index.html"]); strings.Contains(page, "automatically") {
		t.Error("a site without live.json shows automatic status")
	}
}

func TestLiveCorruptFile(t *testing.T) {
	for name, src := range map[string]string{
		"syntax":  "{\"schema\": 1,\n  \"checked_at\": \n}\n",
		"schema":  `{"schema": 7, "checked_at": "2026-11-02T09:58:00Z"}`,
		"status":  `{"schema": 1, "checked_at": "2026-11-02T09:58:00Z", "components": [{"component": "web", "status": "sideways"}]}`,
		"unknown": `{"schema": 1, "checked_at": "2026-11-02T09:58:00Z", "colour": "red"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, liveSiteDir)
			path := filepath.Join(dir, "data", "live.json")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadDir(t, dir, statusNow)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want one naming %s", err, path)
			}
		})
	}
}
