package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCheckCommand(t *testing.T) {
	dir := writeSite(t, reportSite)
	before := snapshotDir(t, dir)
	r := bulletin(t, dir, testNow, "check")
	// Drafts and scheduled reports are checked too.
	if r.code != 0 || r.stdout != "ok: 4 reports checked\n" || r.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if after := snapshotDir(t, dir); len(after) != len(before) {
		t.Errorf("check wrote files: %d before, %d after", len(before), len(after))
	}
}

// TestCheckListsEveryProblem breaks the config and every report in its own
// way: one run reports all of it, each as path:line: message, and exits 1.
func TestCheckListsEveryProblem(t *testing.T) {
	dir := writeSite(t, `
-- config.toml --
title = "Broken Ops"
base_url = "https://ops.example.org/"
feed_limt = 5

[[components]]
id = "api"
-- content/reports/2026-06.md --
---
title: June
date: 2026-07-02
summary: [unclosed
---
-- content/reports/2026-07.md --
---
title: July
month: 2026-08
date: 2026-08-02
---
-- content/reports/2026-08.md --
---
title: August
date: 2026-09-02
goals:
  - title: Ship it
    status: finished
---
-- content/reports/2026-09.md --
---
title: September
date: 2026-10-02
draft: true
---
Cites {{< figure "uptime.api" >}} without data.
-- content/reports/2026-10.md --
---
title: October
date: 2026-11-02
---

Fine: {{< figure "uptime.api" >}}.
Unknown: {{< figure "uptime.web" >}}.
-- content/reports/2026-10 copy.md --
---
title: October
month: 2026-10
date: 2026-11-02
---
-- content/reports/2026-11.md --
---
title: November
date: 2026-12-02
---
-- data/2026-10.json --
{"schema": 1, "month": "2026-10", "sources": {}, "issues": [], "releases": [],
 "availability": [{"component": "api", "ratio": 0.9995, "coverage": 1, "slo": 0, "error_budget_remaining": null, "excluded": [], "daily": []}],
 "goals": []}
`)
	unreadable := os.Geteuid() != 0 // root reads a file with mode 000
	if unreadable {
		p := filepath.Join(dir, "content", "reports", "2026-11.md")
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(p, 0o644) })
	}
	before := snapshotDir(t, dir)
	r := bulletin(t, dir, testNow, "check")
	reports := filepath.Join(dir, "content", "reports")
	want := []string{
		filepath.Join(dir, "config.toml") + `:3: unknown key "feed_limt"`,
		reports + "/2026-06.md:4: did not find expected ',' or ']'",
		reports + `/2026-07.md:3: month "2026-08" does not match the file name 2026-07.md`,
		reports + `/2026-08.md:6: unknown goal status "finished" (one of done, in-progress, pushed, on-hold, dropped, pending)`,
		reports + `/2026-09.md:6: figure "uptime.api": this page has no month data to cite`,
		reports + "/2026-10 copy.md: report file names are YYYY-MM.md, e.g. 2026-10.md",
		reports + "/2026-10 copy.md:3: duplicate report for 2026-10 (also " + reports + "/2026-10.md)",
		reports + "/2026-10.md:1: duplicate report for 2026-10 (also " + reports + "/2026-10 copy.md)",
	}
	if unreadable {
		want = append(want, reports+"/2026-11.md: read: permission denied")
	}
	want = append(want, "bulletin check: "+strconv.Itoa(len(want))+" problems found", "")
	if got := strings.Split(r.stderr, "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, strings.Join(want, "\n"))
	}
	if r.code != 1 || r.stdout != "" {
		t.Errorf("exit %d, stdout %q; want exit 1 and nothing on stdout", r.code, r.stdout)
	}
	if after := snapshotDir(t, dir); len(after) != len(before) {
		t.Errorf("check wrote files: %d before, %d after", len(before), len(after))
	}

	// Once the duplicate is gone, October renders and its unknown figure
	// shows up: the figure at its line in the body.
	if err := os.Remove(filepath.Join(reports, "2026-10 copy.md")); err != nil {
		t.Fatal(err)
	}
	r = bulletin(t, dir, testNow, "check")
	if want := reports + `/2026-10.md:7: unknown figure "uptime.web": 2026-10 has no availability for component "web" (it has api)`; !strings.Contains(r.stderr, want+"\n") {
		t.Errorf("stderr lacks %s:\n%s", want, r.stderr)
	}
}

func TestCheckConfigErrors(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"syntax error", "title = \"T\"\nbase_url = \n", "config.toml:2: expected value but found '\\n' instead"},
		{"bad time zone", "title = \"T\"\nbase_url = \"https://t.example/\"\ntimezone = \"Mars/Olympus\"\n", `config.toml:3: unknown time zone "Mars/Olympus"`},
		{"missing base URL", "title = \"T\"\n", "config.toml: base_url is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeSite(t, "-- config.toml --\n"+tt.config+"-- content/reports/2026-10.md --\n---\ntitle: October\n---\n")
			r := bulletin(t, dir, testNow, "check")
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			if !strings.Contains(r.stderr, filepath.Join(dir, tt.want)+"\n") {
				t.Errorf("stderr %q, want %q", r.stderr, tt.want)
			}
		})
	}
	r := bulletin(t, t.TempDir(), testNow, "check")
	if r.code != 1 || !strings.Contains(r.stderr, "read config: open ") {
		t.Errorf("no config: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCheckExampleSite keeps the example site at the repository root
// valid: it is what a new user sees first.
func TestCheckExampleSite(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	r := bulletin(t, root, testNow, "check")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
		t.Errorf("bulletin check on the example site: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "public")
	r = bulletin(t, root, testNow, "build", "-o", out)
	if r.code != 0 {
		t.Fatalf("bulletin build on the example site: exit %d\n%s", r.code, r.stderr)
	}
	for _, name := range []string{"index.html", "reports/2026/10/index.html", "feed.xml"} {
		if !exists(filepath.Join(out, name)) {
			t.Errorf("example site: %s not built", name)
		}
	}
}
