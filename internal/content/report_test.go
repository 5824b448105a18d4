package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func berlin(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

const goodYAML = `---
title: October 2026
month: 2026-10
date: 2026-11-03
authors: [Drew, Sam]
summary:
  - Postgres 16 migration finished
goals:
  - title: Migrate to Postgres 16
    status: done
    milestone: acme/app#3
  - title: Django 5 upgrade
    status: pushed
    note: blocked on a dependency
next_goals:
  - Retire the old DNS provider
  - title: Faster frontend releases
    issue: acme/web#42
---

## Drew's updates

Text.
`

func TestParseReportYAML(t *testing.T) {
	r, err := ParseReport("content/reports/2026-10.md", []byte(goodYAML), berlin(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Month != "2026-10" || r.Title != "October 2026" || len(r.Authors) != 2 {
		t.Errorf("meta: %+v", r)
	}
	if got := r.Date.Format(time.RFC3339); got != "2026-11-03T00:00:00+01:00" {
		t.Errorf("date-only is midnight in the site zone, got %s", got)
	}
	if r.Goals[0].Ref() != "milestone: acme/app#3" || r.NextGoals[0].Title != "Retire the old DNS provider" || r.NextGoals[1].Ref() != "issue: acme/web#42" {
		t.Errorf("goals: %+v / %+v", r.Goals, r.NextGoals)
	}
	if r.BodyLine != 20 || !strings.HasPrefix(string(r.Body), "\n## Drew's") {
		t.Errorf("body starts at line %d: %q", r.BodyLine, r.Body[:20])
	}
	if r.Slug() != "reports/2026/10/" {
		t.Errorf("slug %q", r.Slug())
	}
	if l := r.Line("goals.1.status"); l != 13 {
		t.Errorf("goals.1.status at line %d, want 13", l)
	}
}

func TestParseReportTOML(t *testing.T) {
	src := `+++
title = "October 2026"
date = 2026-11-03T10:00:00
authors = ["Drew"]
summary = ["One"]

[[goals]]
title = "Migrate"
status = "done"

[[goals]]
title = "Upgrade"
status = "someday"
+++
Body
`
	r, err := ParseReport("content/reports/2026-10.md", []byte(src), berlin(t))
	if err == nil {
		t.Fatal("want an error for the unknown status")
	}
	want := `content/reports/2026-10.md:13: unknown goal status "someday" (one of done, in-progress, pushed, on-hold, dropped, pending)`
	if err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	if r.Month != "2026-10" || r.Date.Format(time.RFC3339) != "2026-11-03T10:00:00+01:00" {
		t.Errorf("month from file name / local time in zone: %q %v", r.Month, r.Date)
	}
}

func TestParseReportErrors(t *testing.T) {
	tests := []struct {
		name, file, src, want string
	}{
		{"no front matter", "2026-10.md", "# Hello\n", "content/reports/2026-10.md:1: no front matter: start the file with a --- (YAML) or +++ (TOML) line"},
		{"unclosed", "2026-10.md", "---\ntitle: x\n", "content/reports/2026-10.md:1: front matter is not closed: add a --- line after it"},
		{"broken yaml", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\nauthors: [a\n---\n", "content/reports/2026-10.md:4: did not find expected ',' or ']'"},
		{"unknown key", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\nsumary: [a]\n---\n", `content/reports/2026-10.md:4: unknown key "sumary"`},
		{"month mismatch", "2026-10.md", "---\ntitle: x\nmonth: 2026-09\ndate: 2026-11-01\n---\n", `content/reports/2026-10.md:3: month "2026-09" does not match the file name 2026-10.md`},
		{"bad file name", "october.md", "---\ntitle: x\ndate: 2026-11-01\n---\n", "content/reports/october.md: report file names are YYYY-MM.md, e.g. 2026-10.md"},
		{"bad date", "2026-10.md", "---\ntitle: x\ndate: soon\n---\n", `content/reports/2026-10.md:3: "soon" is not a date (2026-10-31) or time (2026-10-31T09:30:00+01:00)`},
		{"missing date and title", "2026-10.md", "---\nauthors: [a]\n---\n", "content/reports/2026-10.md:1: title is required\ncontent/reports/2026-10.md:1: date is required (the publish time, e.g. 2026-11-03)"},
		{"unknown status", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n    status: finished\n---\n", `content/reports/2026-10.md:6: unknown goal status "finished" (one of done, in-progress, pushed, on-hold, dropped, pending)`},
		{"goal without status", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n---\n", `content/reports/2026-10.md:5: goal "a" has no status (one of done, in-progress, pushed, on-hold, dropped, pending)`},
		{"bad ref", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n    status: done\n    milestone: acme/app/3\n---\n", `content/reports/2026-10.md:7: milestone "acme/app/3" is not of the form owner/repo#number (GitLab: group/project%number)`},
		{"gitlab milestone syntax on an issue", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n    status: done\n    issue: infra/ops%3\n---\n", `content/reports/2026-10.md:7: issue "infra/ops%3" is not of the form owner/repo#number`},
		{"unknown goal key", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n    state: done\n---\n", `content/reports/2026-10.md:6: unknown key "state"`},
		{"unknown next goal key", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\nnext_goals:\n  - Plain title\n  - {title: a, due: soon}\n---\n", `content/reports/2026-10.md:6: unknown key "due"`},
		{"unknown keys in goals and at the top", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n    state: done\n  - title: b\n    status: done\n    eta: soon\nsumary: [a]\n---\n",
			"content/reports/2026-10.md:6: unknown key \"state\"\ncontent/reports/2026-10.md:9: unknown key \"eta\"\ncontent/reports/2026-10.md:10: unknown key \"sumary\""},
		// The earlier line is yaml.v3's, counted from the front matter.
		{"duplicate key", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\ntitle: y\nsumary: [a]\n---\n", `content/reports/2026-10.md:4: mapping key "title" already defined at line 1`},
		{"tab indentation", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\n\tauthors: [a]\n---\n", "content/reports/2026-10.md:4: found a tab character that violates indentation"},
		{"list for text", "2026-10.md", "---\ntitle: [x]\ndate: 2026-11-01\n---\n", "content/reports/2026-10.md:2: a list where text is expected"},
		{"mapping for a list", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\nsummary: {a: b}\n---\n", "content/reports/2026-10.md:4: a mapping where a list is expected"},
		{"invalid UTF-8 in the body", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\n---\n\nAll caf\xe9s closed.\n", "content/reports/2026-10.md:6: invalid UTF-8 byte 0xe9 in column 8: save the file as UTF-8"},
		{"invalid UTF-8 in the front matter", "2026-10.md", "---\ntitle: Caf\xe9\ndate: 2026-11-01\n---\n", "content/reports/2026-10.md:2: invalid UTF-8 byte 0xe9 in column 11: save the file as UTF-8"},
		{"NUL in the front matter", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\nsummary: [a\x00]\n---\n", "content/reports/2026-10.md:4: NUL byte in column 12: the file must be UTF-8 text"},
		{"NUL in TOML front matter", "2026-10.md", "+++\ntitle = \"x\"\ndate = 2026-11-01\n\x00\n+++\n", "content/reports/2026-10.md:4: NUL byte in column 1: the file must be UTF-8 text"},
		{"type error", "2026-10.md", "---\ntitle: x\ndate: 2026-11-01\nauthors: Drew\n---\n", "content/reports/2026-10.md:4: text \"Drew\" where a list is expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReport("content/reports/"+tt.file, []byte(tt.src), berlin(t))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLoadReportsCollectsAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	os.MkdirAll(dir, 0o755)
	write := func(name, src string) { os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644) }
	write("2026-09.md", "---\ntitle: Sep\ndate: 2026-10-02\n---\n")
	write("2026-10.md", "---\ntitle: Oct\ndate: 2026-11-02\n---\n")
	write("2026-11.md", "---\ntitle: Nov\ndate: 2026-12-02\ngoals:\n  - title: a\n    status: nope\n---\n")
	write("2026-12.md", "---\ntitle: Dec\nmonth: 2026-10\ndate: 2026-12-02\n---\n")
	write("_draft-template.md", "not a report")
	reports, err := LoadReports(dir, time.UTC)
	if err == nil {
		t.Fatal("want errors")
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 2 {
		t.Errorf("want 2 problems (bad status, month mismatch), got:\n%v", err)
	}
	if len(reports) != 2 || reports[0].Month != "2026-10" || reports[1].Month != "2026-09" {
		t.Errorf("good reports newest first, got %d", len(reports))
	}
}

func TestGoalRefForms(t *testing.T) {
	for _, tc := range []struct{ field, ref string }{
		{"milestone", "acme/app#3"},
		{"milestone", "infra/ops/site%3"},
		{"milestone", "infra/site#3"},
		{"issue", "acme/app#42"},
		{"issue", "infra/ops/site#42"},
	} {
		src := "---\ntitle: x\ndate: 2026-11-01\ngoals:\n  - title: a\n    status: done\n    " + tc.field + ": " + tc.ref + "\n---\n"
		r, err := ParseReport("content/reports/2026-10.md", []byte(src), time.UTC)
		if err != nil {
			t.Errorf("%s %s: %v", tc.field, tc.ref, err)
			continue
		}
		if got, want := r.Goals[0].Ref(), tc.field+": "+tc.ref; got != want {
			t.Errorf("Ref() = %q, want %q", got, want)
		}
	}
}
