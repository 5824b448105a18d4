package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulletin-dev/bulletin/internal/content"
)

// TestAnnounceRoundTrip announces a change, moves it through testing and a
// postponement, and checks that list and the build read what was written.
func TestAnnounceRoundTrip(t *testing.T) {
	dir := oncallSiteDir(t)
	path := mustRun(t, dir, "2026-11-16T13:00:00Z", "announce", "new", "The v1 API is removed",
		"--kind", "breaking-change", "--effective", "2027-01-12T10:00", "--testing-from", "2026-11-23T10:00",
		"--staging-url", "https://staging.example.org/", "--components", "web",
		"--api", "GET /v1/projects/{id}/builds?fields=a,b", "--api", "POST /v1/hooks",
		"-m", "Announced to every v1 token holder.")
	// Named after the effective date in the site's zone.
	if want := filepath.Join(dir, "content/announcements/2027-01-12-the-v1-api-is-removed.md"); path != want {
		t.Fatalf("printed %q, want %q", path, want)
	}
	slug := "2027-01-12-the-v1-api-is-removed"
	mustRun(t, dir, "2026-11-23T09:00:00Z", "announce", "update", slug, "--status", "in_testing", "-m", "Staging runs without v1.")
	mustRun(t, dir, "2027-01-05T09:00:00Z", "announce", "update", slug, "--status", "postponed", "--effective", "2027-02-02T10:00")

	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := content.ParseAnnouncement(path, src, loadCfg(t, dir))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	var statuses []string
	for _, u := range a.Updates {
		statuses = append(statuses, u.Status)
	}
	if got := strings.Join(statuses, " "); got != "planned in_testing postponed" {
		t.Errorf("statuses %s", got)
	}
	if got := a.Updates[2].Body; got != "Postponed from 2027-01-12 10:00 CET to 2027-02-02 10:00 CET." {
		t.Errorf("default postponement body %q", got)
	}
	if got := a.Effective.UTC().Format("2006-01-02T15:04Z"); got != "2027-02-02T09:00Z" {
		t.Errorf("effective %s, want the new date", got)
	}
	if strings.Join(a.APIs, "|") != "GET /v1/projects/{id}/builds?fields=a,b|POST /v1/hooks" {
		t.Errorf("apis %q: an endpoint keeps its commas", a.APIs)
	}

	list := mustRun(t, dir, "2027-01-06T09:00:00Z", "announce", "list")
	if !strings.Contains(list, slug+"  postponed  breaking-change  2027-02-02 10:00 CET  web") {
		t.Errorf("list:\n%s", list)
	}
	// The site loads it: check passes, and nothing is overdue yet.
	r := bulletin(t, dir, "2027-01-06T09:00:00Z", "check")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("check: exit %d\n%s", r.code, r.stderr)
	}
}

// TestAnnounceSlugsShared checks that incidents, maintenance and
// announcements pick their slugs from one namespace.
func TestAnnounceSlugsShared(t *testing.T) {
	dir := oncallSiteDir(t)
	a := mustRun(t, dir, "2026-11-16T13:00:00Z", "announce", "new", "DNS move", "--kind", "notice", "--effective", "2026-12-01T10:00")
	m := mustRun(t, dir, "2026-11-16T13:00:00Z", "maintenance", "new", "DNS move", "--start", "2026-12-01T10:00", "--end", "2026-12-01T11:00", "--components", "dns")
	if filepath.Base(a) != "2026-12-01-dns-move.md" || filepath.Base(m) != "2026-12-01-dns-move-2.md" {
		t.Errorf("announcement %s, window %s: want -2 on the second", a, m)
	}
}

func TestAnnounceBadArgumentsChangeNothing(t *testing.T) {
	const slug = "v1-removal"
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"announce", "new", "X", "--kind", "notice"}, exitUsage, "--effective is required"},
		{[]string{"announce", "new", "X", "--kind", "big", "--effective", "2027-01-01T00:00"}, exitUsage, `--kind "big": want one of breaking-change, deprecation, notice`},
		{[]string{"announce", "new", "X", "--kind", "notice", "--effective", "2027-01-01T00:00", "--components", "mail"}, exitUsage, `unknown component "mail"`},
		{[]string{"announce", "new", "X", "--kind", "notice", "--effective", "2027-01-01T00:00", "--slug", slug}, exitFailure, `--slug "v1-removal" is already used by`},
		{[]string{"announce", "new", "X", "--kind", "notice", "--effective", "2027-01-01T00:00", "--staging-url", "/staging"}, exitFailure, `staging_url "/staging" is not an absolute http(s) URL`},
		{[]string{"announce", "update", slug, "--status", "postponed", "-m", "Later."}, exitUsage, "--status postponed needs --effective NEW"},
		{[]string{"announce", "update", slug, "--status", "done"}, exitUsage, `-m "message" is required`},
		{[]string{"announce", "update", slug, "--status", "gone", "-m", "x"}, exitUsage, `--status "gone": want one of planned, in_testing, done, cancelled, postponed`},
		{[]string{"announce", "update", "v1-remove", "-m", "x"}, exitFailure, `did you mean "v1-removal"?`},
		{[]string{"announce", "update", slug, "--effective", "2026-11-01T00:00", "-m", "Earlier."}, exitFailure, "is before testing_from"},
		{[]string{"announce", "update", slug, "--status", "postponed", "--effective", "2027-01-01T00:00"}, exitFailure, "is not after the current effective date"},
		{[]string{"announce", "list", "extra"}, exitUsage, "announce list takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			dir := oncallSiteDir(t)
			path := writeAnnouncement(t, dir, slug)
			before := readFile(t, path)
			r := bulletin(t, dir, "2026-11-20T09:00:00Z", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr %q, want it to contain %q", r.code, tt.code, r.stderr, tt.want)
			}
			if after := readFile(t, path); after != before {
				t.Errorf("%s changed:\n%s", path, after)
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("%d files in content/announcements, want 1", len(entries))
			}
		})
	}
}

const handWrittenAnnouncement = `---
# Keep this comment.
title: The v1 API is removed
kind: breaking-change
effective: 2027-01-12T09:00:00Z
testing_from: 2026-11-23T09:00:00Z
components: [web]
updates:
  - at: 2026-11-16T13:00:00Z
    status: planned
    body: Announced.
---

Port to v2.
`

func writeAnnouncement(tb testing.TB, dir, slug string) string {
	tb.Helper()
	path := filepath.Join(dir, "content/announcements", slug+".md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(handWrittenAnnouncement), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestOverdueAnnouncementWarns checks that check and build warn about an
// announcement past its effective date that is still open, and succeed.
func TestOverdueAnnouncementWarns(t *testing.T) {
	const want = `warning: %s:5: announcement "v1-removal" was effective 12 January 2027 10:00 CET and is still planned: mark it done, postponed (with a new effective date) or cancelled` + "\n"
	for _, cmd := range []string{"check", "build"} {
		t.Run(cmd, func(t *testing.T) {
			dir := oncallSiteDir(t)
			path := writeAnnouncement(t, dir, "v1-removal")
			r := bulletin(t, dir, "2027-01-12T09:00:00Z", cmd)
			if r.code != 0 {
				t.Fatalf("exit %d, want 0: a warning is not a failure\n%s", r.code, r.stderr)
			}
			if w := strings.Replace(want, "%s", path, 1); r.stderr != w {
				t.Errorf("stderr %q\nwant   %q", r.stderr, w)
			}
			if cmd == "build" && !exists(filepath.Join(dir, "public", "index.html")) {
				t.Error("build with a warning built nothing")
			}
			// A minute earlier the change is not due yet: no warning.
			if r := bulletin(t, dir, "2027-01-12T08:59:00Z", cmd); r.code != 0 || r.stderr != "" {
				t.Errorf("before the effective date: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}
