package site

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// The status test site's announcements (testdata/status/site/content/
// announcements) at statusNow: one in testing with staging, one overdue,
// one postponed to a date ahead, one done five days before.
const (
	annTesting   = "2026-12-01-tls-legacy-ciphers"
	annOverdue   = "2026-10-30-database-engine-upgrade"
	annPostponed = "2026-11-20-old-dns-names"
	annDone      = "2026-10-29-batch-queue-v1"
)

// plannedSection returns the "Planned changes" section of a status page,
// or "" when it has none.
func plannedSection(page string) string {
	i := strings.Index(page, `<section aria-labelledby="planned">`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</section>")
	return page[i : i+j]
}

func TestStatusPlannedChanges(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		// listed are the slugs the section lists, in order; overdue those
		// marked so.
		listed, overdue []string
		staging         bool
	}{
		{"at the test clock", statusNow, []string{annOverdue, annTesting, annPostponed, annDone}, []string{annOverdue}, true},
		{"before testing began", time.Date(2026, 10, 21, 12, 0, 0, 0, time.UTC), []string{annTesting, annPostponed}, nil, false},
		{"done more than 7 days ago", time.Date(2026, 11, 6, 12, 0, 0, 0, time.UTC), []string{annOverdue, annTesting, annPostponed}, []string{annOverdue}, true},
		{"the TLS change overdue too", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), []string{annOverdue, annTesting, annPostponed}, []string{annOverdue, annTesting}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, statusSiteDir)
			// Before the test clock, drop the updates from 20 October on
			// (later ones would be in the future) and the announcements
			// made after it.
			if tt.now.Before(statusNow) {
				for _, name := range []string{annTesting, annPostponed} {
					path := filepath.Join(dir, "content", "announcements", name+".md")
					src := string(mustRead(t, path))
					if i := strings.Index(src, "  - at: 2026-10-2"); i >= 0 {
						j := strings.Index(src, "\n---\n")
						src = src[:i] + src[j+1:]
					}
					writeFile(t, path, src)
				}
				for _, name := range []string{annOverdue, annDone} {
					os.Remove(filepath.Join(dir, "content", "announcements", name+".md"))
				}
			}
			files := renderDir(t, dir, tt.now)
			sec := plannedSection(string(files["status/index.html"]))
			var listed, overdue []string
			for _, item := range strings.Split(sec, "<li>")[1:] {
				for _, slug := range []string{annTesting, annOverdue, annPostponed, annDone} {
					if strings.Contains(item, "/announcements/"+slug+"/") {
						listed = append(listed, slug)
						if strings.Contains(item, "<strong>overdue</strong>") {
							overdue = append(overdue, slug)
						}
					}
				}
			}
			if !slices.Equal(listed, tt.listed) || !slices.Equal(overdue, tt.overdue) {
				t.Errorf("listed %v (overdue %v), want %v (overdue %v)", listed, overdue, tt.listed, tt.overdue)
			}
			if got := strings.Contains(sec, "Test it now in staging: <code>https://staging.example.org/</code>"); got != tt.staging {
				t.Errorf("staging call shown: %v, want %v", got, tt.staging)
			}
		})
	}
}

// A site without announcements has no section, no heading, no feeds or
// links of them, and no announcement outputs.
func TestStatusNoAnnouncements(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	if err := os.RemoveAll(filepath.Join(dir, "content", "announcements")); err != nil {
		t.Fatal(err)
	}
	files := renderDir(t, dir, statusNow)
	page := string(files["status/index.html"])
	if strings.Contains(page, "Planned changes") || strings.Contains(page, "/announcements/") {
		t.Error("the status page shows announcements without any")
	}
	for name := range files {
		if strings.HasPrefix(name, "announcements/") || strings.HasSuffix(name, "announcements.json") {
			t.Errorf("%s written without announcements", name)
		}
	}
}

// The Statuspage v2 documents keep their bytes whether or not the site has
// announcements: nothing of them goes into v2.
func TestStatusV2WithoutAnnouncements(t *testing.T) {
	with := renderDir(t, statusSiteDir, statusNow)
	dir := copyDir(t, statusSiteDir)
	if err := os.RemoveAll(filepath.Join(dir, "content", "announcements")); err != nil {
		t.Fatal(err)
	}
	without := renderDir(t, dir, statusNow)
	n := 0
	for name, b := range without {
		if !strings.HasPrefix(name, "status/api/v2/") {
			continue
		}
		n++
		if !bytes.Equal(with[name], b) {
			t.Errorf("%s differs with announcements", name)
		}
	}
	for name := range with {
		if strings.HasPrefix(name, "status/api/v2/") && without[name] == nil {
			t.Errorf("%s only with announcements", name)
		}
	}
	if n == 0 {
		t.Fatal("no v2 documents")
	}
	if _, ok := with["status/api/announcements.json"]; !ok {
		t.Error("no status/api/announcements.json beside v2")
	}
}

func TestAnnouncementFeedsParse(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
		t.Run(name, func(t *testing.T) {
			f, err := gofeed.NewParser().Parse(bytes.NewReader(files["announcements/"+name]))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 4 {
				t.Fatalf("%d items, want 4", len(f.Items))
			}
			byLink := map[string]*gofeed.Item{}
			for _, it := range f.Items {
				byLink[it.Link] = it
			}
			it := byLink["https://ops.example.org/announcements/"+annTesting+"/"]
			if it == nil {
				t.Fatal("no item links to the TLS change's page")
			}
			if it.Title != "Breaking change: Legacy TLS ciphers are switched off (1 December 2026)" {
				t.Errorf("title %q", it.Title)
			}
			if !strings.Contains(it.Description, "Test it now in staging: https://staging.example.org/") {
				t.Errorf("summary %q lacks the call for testing", it.Description)
			}
			if name != "feed.xml" && (it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC))) {
				t.Errorf("updated %v, want the last update", it.UpdatedParsed)
			}
			od := byLink["https://ops.example.org/announcements/"+annOverdue+"/"]
			if od == nil || !strings.Contains(od.Description, "overdue") {
				t.Errorf("the overdue item does not say so")
			}
		})
	}
	// Every announcement page and the status page advertise the feeds.
	for _, name := range []string{"status/index.html", "announcements/index.html", "announcements/" + annTesting + "/index.html"} {
		if !strings.Contains(string(files[name]), `<link rel="alternate" type="application/atom&#43;xml" title="Example Ops status: planned changes (Atom)" href="https://ops.example.org/announcements/atom.xml">`) {
			t.Errorf("%s does not advertise the announcement feeds", name)
		}
	}
}

func TestAnnouncementAPI(t *testing.T) {
	files := renderDir(t, statusSiteDir, statusNow)
	var doc struct {
		Page struct {
			URL string `json:"url"`
		} `json:"page"`
		Announcements []struct {
			ID, Kind, Status, StagingURL string
			Overdue                      bool
			Updates                      []struct{ Status, Body string }
		} `json:"announcements"`
	}
	if err := json.Unmarshal(files["status/api/announcements.json"], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Page.URL != "https://ops.example.org/status/" || len(doc.Announcements) != 4 {
		t.Fatalf("page %q, %d announcements", doc.Page.URL, len(doc.Announcements))
	}
	for _, a := range doc.Announcements {
		if a.Overdue != (a.ID == annOverdue) {
			t.Errorf("%s: overdue %v", a.ID, a.Overdue)
		}
		if a.ID == annTesting && (a.Status != "in_testing" || a.Updates[1].Body != "Announced to every customer with a legacy client.") {
			t.Errorf("%s: status %q, first update %q", a.ID, a.Status, a.Updates[1].Body)
		}
	}
}

// An announcement's body problems name its file and line.
func TestAnnouncementMarkdownProblem(t *testing.T) {
	dir := copyDir(t, statusSiteDir)
	path := filepath.Join(dir, "content", "announcements", annOverdue+".md")
	writeFile(t, path, string(mustRead(t, path))+"\nUptime was {{< figure \"uptime.web\" >}}.\n")
	_, err := func() (map[string][]byte, error) {
		s, err := loadDir(t, dir, statusNow)
		if err != nil {
			return nil, err
		}
		out := NewMemOutput()
		return nil, s.Render(out)
	}()
	if err == nil || !strings.Contains(err.Error(), "content/announcements/"+annOverdue+".md:14:") {
		t.Errorf("error %v, want one at the body's line", err)
	}
}

func TestJoinLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one line", "one line"},
		{"Announced to every customer\nwith a legacy client.\n", "Announced to every customer with a legacy client."},
		{"First\nparagraph.\n\n\nSecond  one.\r\n", "First paragraph.\n\nSecond one."},
		{"", ""},
	}
	for _, tt := range tests {
		if got := joinLines(tt.in); got != tt.want {
			t.Errorf("joinLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
