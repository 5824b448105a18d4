package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodAnnouncement = `---
title: The v1 API goes away
kind: breaking-change
effective: 2027-01-12T09:00:00Z
testing_from: 2026-11-23T09:00:00Z
staging_url: https://staging.api.example.com/
components: [web]
apis:
  - GET /v1/docs/{id}
  - /v1/search
updates:
  - at: 2026-11-16T10:00:00Z
    status: planned
    body: We announce the removal.
  - at: 2026-11-23T09:00:00Z
    status: in_testing
    body: |
      Staging answers without v1
      from today.
---
Port to v2.
`

func TestParseAnnouncement(t *testing.T) {
	a, err := ParseAnnouncement("content/announcements/v1-removal.md", []byte(goodAnnouncement), statusCfg(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "v1-removal" || a.Kind != KindBreakingChange || a.StagingURL != "https://staging.api.example.com/" ||
		strings.Join(a.Components, ",") != "web" || strings.Join(a.APIs, ",") != "GET /v1/docs/{id},/v1/search" || len(a.Updates) != 2 {
		t.Fatalf("meta: %+v", a)
	}
	if a.Updates[1].Line != 15 || a.Updates[1].Body != "Staging answers without v1\nfrom today." {
		t.Errorf("update: %+v", a.Updates[1])
	}
	tests := []struct {
		at, status                      string
		open, overdue, testable, landed bool
		timeline                        int
	}{
		{"2026-11-01T00:00:00Z", AnnouncementPlanned, true, false, false, false, 0},
		{"2026-11-16T10:00:00Z", AnnouncementPlanned, true, false, false, false, 1},
		{"2026-11-23T08:59:59Z", AnnouncementPlanned, true, false, false, false, 1},
		{"2026-11-23T09:00:00Z", AnnouncementTesting, true, false, true, false, 2},
		{"2027-01-12T08:59:59Z", AnnouncementTesting, true, false, true, false, 2},
		{"2027-01-12T09:00:00Z", AnnouncementTesting, true, true, true, false, 2},
	}
	for _, tt := range tests {
		at := mustTime(t, tt.at)
		if got := a.StatusAt(at); got != tt.status {
			t.Errorf("StatusAt(%s) = %s, want %s", tt.at, got, tt.status)
		}
		if a.Open(at) != tt.open || a.Overdue(at) != tt.overdue || a.Testable(at) != tt.testable || a.Landed(at) != tt.landed {
			t.Errorf("at %s: open %v overdue %v testable %v landed %v", tt.at, a.Open(at), a.Overdue(at), a.Testable(at), a.Landed(at))
		}
		if got := len(a.Timeline(at)); got != tt.timeline {
			t.Errorf("Timeline(%s) has %d updates, want %d", tt.at, got, tt.timeline)
		}
	}
	late := mustTime(t, "2027-01-13T00:00:00Z")
	if got := Overdue([]*Announcement{a}, late); len(got) != 1 || got[0].Error() != `content/announcements/v1-removal.md:4: announcement "v1-removal" was effective 12 January 2027 10:00 CET and is still in testing: mark it done, postponed (with a new effective date) or cancelled` {
		t.Errorf("overdue: %v", got)
	}
	for _, st := range []string{AnnouncementDone, AnnouncementPostponed, AnnouncementCancelled} {
		src := strings.Replace(goodAnnouncement, "---\nPort", "  - at: 2027-01-12T10:00:00Z\n    status: "+st+"\n---\nPort", 1)
		b, err := ParseAnnouncement("content/announcements/v1-removal.md", []byte(src), statusCfg(t))
		if err != nil {
			t.Fatal(err)
		}
		if b.Overdue(late) || len(Overdue([]*Announcement{b}, late)) != 0 {
			t.Errorf("%s is not overdue", st)
		}
		if b.Landed(late) != (st == AnnouncementDone) {
			t.Errorf("%s: landed %v", st, b.Landed(late))
		}
	}
}

func TestParseAnnouncementErrors(t *testing.T) {
	head := "---\ntitle: A\nkind: deprecation\n"
	tests := []struct{ name, src, want string }{
		{"unknown kind", "---\ntitle: A\nkind: breaking\neffective: 2027-01-12\n---\n",
			`content/announcements/a.md:3: unknown announcement kind "breaking" (one of breaking-change, deprecation, notice)`},
		{"missing kind and date", "---\ntitle: A\n---\n",
			"content/announcements/a.md:1: kind is required (one of breaking-change, deprecation, notice)\n" +
				"content/announcements/a.md:1: effective is required (when the change lands, e.g. 2027-01-12T09:00:00Z)"},
		{"effective before testing", head + "effective: 2027-01-12\ntesting_from: 2027-01-20\n---\n",
			`content/announcements/a.md:4: effective 2027-01-12 is before testing_from 2027-01-20: testing starts before the change lands`},
		{"staging url not absolute", head + "effective: 2027-01-12\nstaging_url: staging.example.com\n---\n",
			`content/announcements/a.md:5: staging_url "staging.example.com" is not an absolute http(s) URL (e.g. https://staging.example.com/)`},
		{"staging url not http", head + "effective: 2027-01-12\nstaging_url: ftp://staging.example.com/\n---\n",
			`content/announcements/a.md:5: staging_url "ftp://staging.example.com/" is not an absolute http(s) URL (e.g. https://staging.example.com/)`},
		{"unknown component", head + "effective: 2027-01-12\ncomponents:\n  - web\n  - dns2\n---\n",
			`content/announcements/a.md:7: unknown component "dns2"`},
		{"unknown status", head + "effective: 2027-01-12\nupdates:\n  - at: 2026-12-01T10:00:00Z\n    status: in testing\n---\n",
			`content/announcements/a.md:7: unknown announcement status "in testing" (one of planned, in_testing, done, cancelled, postponed)`},
		{"status after done", head + "effective: 2027-01-12\nupdates:\n  - {at: 2027-01-12T10:00:00Z, status: done}\n  - {at: 2027-01-13T10:00:00Z, status: planned}\n---\n",
			`content/announcements/a.md:7: status changes after done: an announcement that is done stays so (write a new announcement instead)`},
		{"out of order", head + "effective: 2027-01-12\nupdates:\n  - {at: 2026-12-02T10:00:00Z, status: planned}\n  - {at: 2026-12-01T10:00:00Z, status: planned}\n---\n",
			`content/announcements/a.md:7: updates are out of order: 2026-12-01T10:00:00Z is before the previous update (2026-12-02T10:00:00Z)`},
		{"unknown key", head + "effective: 2027-01-12\nendpoints: [/v1]\n---\n",
			`content/announcements/a.md:5: unknown key "endpoints"`},
		{"all at once", "---\ntitle: A\nkind: nope\neffective: 2027-01-12\ntesting_from: 2027-02-01\nstaging_url: /staging\ncomponents: [dns2]\n---\n",
			"content/announcements/a.md:3: unknown announcement kind \"nope\" (one of breaking-change, deprecation, notice)\n" +
				"content/announcements/a.md:4: effective 2027-01-12 is before testing_from 2027-02-01: testing starts before the change lands\n" +
				"content/announcements/a.md:6: staging_url \"/staging\" is not an absolute http(s) URL (e.g. https://staging.example.com/)\n" +
				"content/announcements/a.md:7: unknown component \"dns2\""},
	}
	cfg := statusCfg(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAnnouncement("content/announcements/a.md", []byte(tt.src), cfg)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("got\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestLoadAnnouncements(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "announcements")
	incDir, mntDir := filepath.Join(root, "incidents"), filepath.Join(root, "maintenance")
	for _, f := range []struct{ dir, name, src string }{
		{dir, "later.md", "---\ntitle: L\nkind: notice\neffective: 2027-03-01\n---\n"},
		{dir, "sooner.md", "---\ntitle: S\nkind: notice\neffective: 2027-01-01\n---\n"},
		{dir, "dns-move.md", "---\ntitle: D\nkind: notice\neffective: 2027-02-01\n---\n"},
		{dir, "broken.md", "---\ntitle: B\nkind: notice\n---\n"},
		{mntDir, "dns-move.md", "---\ntitle: W\nscheduled_for: 2027-02-01T06:00:00Z\nscheduled_until: 2027-02-01T07:00:00Z\n---\n"},
	} {
		if err := os.MkdirAll(f.dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(f.dir, f.name), []byte(f.src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := statusCfg(t)
	sc, err := LoadStatusContent(incDir, mntDir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	as, err := Loader{}.Announcements(dir, cfg, sc)
	want := dir + "/broken.md:1: effective is required (when the change lands, e.g. 2027-01-12T09:00:00Z)\n" +
		dir + `/dns-move.md: slug "dns-move" is also used by ` + mntDir + `/dns-move.md: announcements, incidents and maintenance share one name for one event; rename one file`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	var slugs []string
	for _, a := range as {
		slugs = append(slugs, a.Slug)
	}
	if got := strings.Join(slugs, ","); got != "sooner,later" {
		t.Errorf("soonest first without the broken file and the taken slug: %s", got)
	}
	if as, err := LoadAnnouncements(filepath.Join(root, "none"), cfg); err != nil || len(as) != 0 {
		t.Errorf("no directory is no announcements: %v %v", as, err)
	}
}
