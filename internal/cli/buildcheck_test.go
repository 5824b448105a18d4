package cli

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildReportsWhatCheckReports breaks three files of a site in three
// ways (a front matter typo, an unknown figure, an unknown component):
// build lists the same problems as check, in one run, and leaves public/
// as the last good build left it.
func TestBuildReportsWhatCheckReports(t *testing.T) {
	dir := writeSite(t, reportSite)
	if r := bulletin(t, dir, testNow, "build", "-q"); r.code != 0 {
		t.Fatalf("first build: exit %d, stderr %q", r.code, r.stderr)
	}
	public := filepath.Join(dir, "public")
	before := snapshotDir(t, public)
	for name, src := range map[string]string{
		"content/reports/2026-09.md":           "---\ntitle: September 2026\ndate: 2026-10-02\nsumary: [Quiet.]\n---\nNothing happened.\n",
		"content/reports/2026-10.md":           "---\ntitle: October 2026\ndate: 2026-11-03\n---\n\nThe web finished at {{< figure \"uptime.web\" >}}.\n",
		"content/incidents/2026-11-20-slow.md": "---\ntitle: Slow\nimpact: minor\nstarted: 2026-11-20T10:00:00Z\ncomponents: [api2]\nupdates:\n  - at: 2026-11-20T10:00:00Z\n    status: investigating\n    body: Looking.\n---\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := bulletin(t, dir, testNow, "check")
	build := bulletin(t, dir, testNow, "build")
	if check.code != 1 || build.code != 1 {
		t.Fatalf("exit codes: check %d, build %d", check.code, build.code)
	}
	problems := func(stderr string) []string {
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		return lines[:len(lines)-1] // the last line counts them
	}
	got, want := problems(build.stderr), problems(check.stderr)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("build reports\n%s\ncheck reports\n%s", build.stderr, check.stderr)
	}
	if len(want) != 3 {
		t.Errorf("check found %d problems, want 3:\n%s", len(want), check.stderr)
	}
	if !strings.HasSuffix(build.stderr, "bulletin build: 3 problems found\n") {
		t.Errorf("build stderr %q", build.stderr)
	}
	if after := snapshotDir(t, public); !maps.Equal(before, after) {
		t.Errorf("failed build changed public/")
	}
}

// TestCheckFlagsFutureIncidents: an incident dated years ahead (a typo in
// its year) is shown nowhere, so check names it; build, which may be run
// as of an earlier time, leaves it out as before.
func TestCheckFlagsFutureIncidents(t *testing.T) {
	dir := writeSite(t, reportSite+`-- content/incidents/2026-11-20-typo.md --
---
title: Typo
impact: minor
started: 2031-11-20T10:00:00Z
components: [api]
updates:
  - at: 2031-11-20T10:00:00Z
    status: investigating
    body: Looking.
---
`)
	r := bulletin(t, dir, testNow, "check")
	p := filepath.Join(dir, "content", "incidents", "2026-11-20-typo.md")
	want := p + ":4: started 2031-11-20T11:00:00+01:00 is in the future (now is 2026-11-22T13:00:00+01:00)\n" +
		p + ":7: update at 2031-11-20T11:00:00+01:00 is in the future (now is 2026-11-22T13:00:00+01:00)\n" +
		"bulletin check: 2 problems found\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("check: exit %d, stderr\n%s\nwant\n%s", r.code, r.stderr, want)
	}
	if r := bulletin(t, dir, testNow, "build", "-q"); r.code != 0 {
		t.Errorf("build: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestBadAnnouncementsFailTheBuild: every kind of bad announcement input
// the format knows is reported, each at its file and line, in one run of
// check and of build, and the failed build leaves public/ as it was.
func TestBadAnnouncementsFailTheBuild(t *testing.T) {
	dir := writeSite(t, reportSite+`-- content/incidents/2026-11-20-slow.md --
---
title: Slow
impact: minor
started: 2026-11-20T10:00:00Z
components: [api]
updates:
  - at: 2026-11-20T10:00:00Z
    status: investigating
    body: Looking.
---
`)
	if r := bulletin(t, dir, testNow, "build", "-q"); r.code != 0 {
		t.Fatalf("first build: exit %d, stderr %q", r.code, r.stderr)
	}
	public := filepath.Join(dir, "public")
	before := snapshotDir(t, public)
	ann := filepath.Join(dir, "content", "announcements")
	if err := os.MkdirAll(ann, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{
		"v1.md": "---\ntitle: V1 goes\nkind: breaking\neffective: 2027-01-12\ntesting_from: 2027-02-01\n" +
			"staging_url: staging.example.org\ncomponents: [api2]\nupdates:\n  - at: 2026-11-16T10:00:00Z\n    status: in testing\n---\n",
		"2026-11-20-slow.md": "---\ntitle: Same name as the incident\nkind: notice\neffective: 2027-01-12\n---\n",
	} {
		if err := os.WriteFile(filepath.Join(ann, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v1 := filepath.Join(ann, "v1.md")
	// Problems come sorted by file, then line.
	want := filepath.Join(ann, "2026-11-20-slow.md") + `: slug "2026-11-20-slow" is also used by ` + filepath.Join(dir, "content", "incidents", "2026-11-20-slow.md") +
		": announcements, incidents and maintenance share one name for one event; rename one file\n" +
		v1 + `:3: unknown announcement kind "breaking" (one of breaking-change, deprecation, notice)` + "\n" +
		v1 + ":4: effective 2027-01-12 is before testing_from 2027-02-01: testing starts before the change lands\n" +
		v1 + `:6: staging_url "staging.example.org" is not an absolute http(s) URL (e.g. https://staging.example.com/)` + "\n" +
		v1 + `:7: unknown component "api2"` + "\n" +
		v1 + `:10: unknown announcement status "in testing" (one of planned, in_testing, done, cancelled, postponed)` + "\n"
	for _, cmd := range []string{"check", "build"} {
		r := bulletin(t, dir, testNow, cmd)
		if r.code != 1 || r.stderr != want+"bulletin "+cmd+": 6 problems found\n" {
			t.Errorf("%s: exit %d, stderr\n%s\nwant\n%s", cmd, r.code, r.stderr, want)
		}
	}
	if after := snapshotDir(t, public); !maps.Equal(before, after) {
		t.Errorf("failed build changed public/")
	}
}
