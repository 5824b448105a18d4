package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

const oncallConfig = `title = "Example Ops"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[[components]]
id = "dns"
name = "DNS"

[[components]]
id = "web"
name = "Website"

[[components]]
id = "db"
name = "Database"
`

// oncallSiteDir writes a minimal site and returns its directory.
func oncallSiteDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(oncallConfig), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

type runResult struct {
	code           int
	stdout, stderr string
}

// bulletin runs the CLI against dir at the fixed time now.
func bulletin(tb testing.TB, dir string, now string, args ...string) runResult {
	tb.Helper()
	at, err := time.Parse(time.RFC3339, now)
	if err != nil {
		tb.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Now: func() time.Time { return at }}
	code := Run(context.Background(), append(args, "--source", dir), env)
	return runResult{code, out.String(), errOut.String()}
}

func mustRun(tb testing.TB, dir, now string, args ...string) string {
	tb.Helper()
	r := bulletin(tb, dir, now, args...)
	if r.code != 0 {
		tb.Fatalf("bulletin %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

func loadCfg(tb testing.TB, dir string) *config.Config {
	tb.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"), "")
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func TestIncidentRoundTrip(t *testing.T) {
	dir := oncallSiteDir(t)
	path := mustRun(t, dir, "2026-10-14T22:30:00Z", "incident", "new", "DNS resolution failing!", "--impact", "major", "--components", "dns", "-m", "Lookups fail for some users.")
	// 22:30 UTC is already Oct 15 in Berlin: the slug uses the site's date.
	want := filepath.Join(dir, "content/incidents/2026-10-15-dns-resolution-failing.md")
	if path != want {
		t.Fatalf("printed %q, want %q", path, want)
	}
	mustRun(t, dir, "2026-10-14T23:00:00Z", "incident", "update", "2026-10-15-dns-resolution-failing", "--status", "identified", "-m", "Upstream ISP issue.\n\nWe are switching providers.", "--component", "dns=partial_outage", "--component", "web=degraded_performance")
	// A file kept private stays so through edits.
	if err := os.Chmod(want, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "2026-10-14T23:40:00Z", "incident", "resolve", "2026-10-15-dns-resolution-failing", "-m", "Resolved")
	if fi, err := os.Stat(want); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after an edit: %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	mustRun(t, dir, "2026-10-16T10:00:00Z", "incident", "update", "2026-10-15-dns-resolution-failing", "--status", "postmortem", "-m", "Post-mortem below.")

	incs, err := content.LoadIncidents(filepath.Join(dir, "content/incidents"), loadCfg(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 {
		t.Fatalf("%d incidents", len(incs))
	}
	inc := incs[0]
	if inc.Title != "DNS resolution failing!" || inc.Impact != "major" || inc.Started.UTC().Format(time.RFC3339) != "2026-10-14T22:30:00Z" || inc.Resolved.UTC().Format(time.RFC3339) != "2026-10-14T23:40:00Z" {
		t.Errorf("incident %+v", inc)
	}
	if strings.Join(inc.Components, ",") != "dns,web" {
		t.Errorf("components %v: --component adds newly affected ones", inc.Components)
	}
	var got []string
	for _, u := range inc.Updates {
		s := u.At.UTC().Format("15:04") + " " + u.Status
		for _, c := range u.Components {
			s += " " + c.Component + "=" + c.Status
		}
		got = append(got, s)
	}
	wantUpdates := []string{
		"22:30 investigating dns=partial_outage",
		"23:00 identified dns=partial_outage web=degraded_performance",
		"23:40 resolved dns=operational web=operational",
		"10:00 postmortem",
	}
	if strings.Join(got, "\n") != strings.Join(wantUpdates, "\n") {
		t.Errorf("updates:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantUpdates, "\n"))
	}
	if inc.Updates[1].Body != "Upstream ISP issue.\n\nWe are switching providers." {
		t.Errorf("multi-line body %q", inc.Updates[1].Body)
	}
	src, _ := os.ReadFile(want)
	if !strings.Contains(string(src), "at: 2026-10-14T23:00:00Z\n") || !strings.Contains(string(src), "resolved: 2026-10-14T23:40:00Z\n") {
		t.Errorf("times are written in UTC:\n%s", src)
	}

	list := mustRun(t, dir, "2026-10-16T10:00:00Z", "incident", "list")
	if !strings.Contains(list, "2026-10-15-dns-resolution-failing  postmortem  major   2026-10-15 00:30 CEST  1h 10m    DNS resolution failing!") {
		t.Errorf("list:\n%s", list)
	}
}

func TestIncidentNewDefaultsAndSlugs(t *testing.T) {
	dir := oncallSiteDir(t)
	now := "2026-10-14T09:00:00Z"
	first := mustRun(t, dir, now, "incident", "new", "Überlastung der Datenbank", "--impact", "critical", "--components", "db,web", "--component", "web=degraded_performance")
	second := mustRun(t, dir, now, "incident", "new", "Überlastung der Datenbank", "--impact", "minor")
	if filepath.Base(first) != "2026-10-14-uberlastung-der-datenbank.md" || filepath.Base(second) != "2026-10-14-uberlastung-der-datenbank-2.md" {
		t.Errorf("slugs %s, %s", first, second)
	}
	// A maintenance window takes the namespace too.
	mustRun(t, dir, now, "maintenance", "new", "Overlap", "--start", "2026-11-01T10:00", "--end", "2026-11-01T11:00", "--slug", "taken")
	if r := bulletin(t, dir, now, "incident", "new", "x", "--impact", "minor", "--slug", "taken"); r.code != exitFailure || !strings.Contains(r.stderr, `--slug "taken" is already used by`) {
		t.Errorf("slug shared with maintenance: %d %s", r.code, r.stderr)
	}
	cfg := loadCfg(t, dir)
	src, _ := os.ReadFile(first)
	inc, err := content.ParseIncident(first, src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fmtChanges(inc.Updates[0].Components) != "db=major_outage web=degraded_performance" || inc.Status() != "investigating" || inc.Updates[0].Body != "We are investigating this issue." {
		t.Errorf("defaults: %s %s %q", fmtChanges(inc.Updates[0].Components), inc.Status(), inc.Updates[0].Body)
	}
}

func fmtChanges(cs []content.ComponentChange) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.Component+"="+c.Status)
	}
	return strings.Join(s, " ")
}

const handWritten = `---
# Opened by Sam at 3 a.m.; keep this comment.
title: "Website slow"   # the public title
impact: minor
started: 2026-10-14T09:00:00Z
components:
  - web   # only the website
updates:
  - at: 2026-10-14T09:05:00Z
    status: investigating
    body: |
      Pages load slowly.

      # Not a YAML comment: a markdown heading inside the body.
# Comment above resolved-less tail.
---

## Write-up

Written before the incident ended. Keep me.
`

func TestUpdatesKeepCommentsAndBody(t *testing.T) {
	dir := oncallSiteDir(t)
	path := filepath.Join(dir, "content/incidents/website-slow.md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(handWritten), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "2026-10-14T09:30:00Z", "incident", "update", "website-slow", "--status", "identified", "-m", "A cache node is down.", "--component", "dns=degraded_performance")
	mustRun(t, dir, "2026-10-14T10:00:00Z", "incident", "resolve", "website-slow", "-m", "Resolved")
	got, _ := os.ReadFile(path)

	// Every original line survives, in order; only lines were added.
	orig := strings.SplitAfter(handWritten, "\n")
	lines := strings.SplitAfter(string(got), "\n")
	j := 0
	var added []string
	for _, l := range lines {
		if j < len(orig) && l == orig[j] {
			j++
			continue
		}
		added = append(added, strings.TrimRight(l, "\n"))
	}
	if j != len(orig) {
		t.Fatalf("original line %d (%q) was changed or lost:\n%s", j+1, orig[j], got)
	}
	wantAdded := []string{
		"resolved: 2026-10-14T10:00:00Z",
		"  - dns",
		"  - at: 2026-10-14T09:30:00Z",
		"    status: identified",
		"    body: A cache node is down.",
		"    components:",
		"      dns: degraded_performance",
		"  - at: 2026-10-14T10:00:00Z",
		"    status: resolved",
		"    body: Resolved",
		"    components:",
		"      web: operational",
		"      dns: operational",
	}
	if strings.Join(added, "\n") != strings.Join(wantAdded, "\n") {
		t.Errorf("added lines:\n%s\nwant\n%s\nfile:\n%s", strings.Join(added, "\n"), strings.Join(wantAdded, "\n"), got)
	}
	inc, err := content.ParseIncident(path, got, loadCfg(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if inc.Updates[0].Body != "Pages load slowly.\n\n# Not a YAML comment: a markdown heading inside the body." {
		t.Errorf("the literal body was cut: %q", inc.Updates[0].Body)
	}
	if !strings.HasSuffix(string(got), "---\n\n## Write-up\n\nWritten before the incident ended. Keep me.\n") {
		t.Errorf("body changed:\n%s", got)
	}
}

func TestFlowStyleLists(t *testing.T) {
	dir := oncallSiteDir(t)
	path := filepath.Join(dir, "content/incidents/flow.md")
	os.MkdirAll(filepath.Dir(path), 0o755)
	src := "---\ntitle: Flow\nimpact: major\nstarted: 2026-10-14T09:00:00Z\ncomponents: [dns] # keep\nresolved:\nupdates: []\n---\n"
	os.WriteFile(path, []byte(src), 0o644)
	if r := bulletin(t, dir, "2026-10-14T09:10:00Z", "incident", "update", "flow", "-m", "x", "--component", "web=partial_outage"); r.code == 0 {
		t.Fatalf("an incident without updates is invalid and is not edited: %s", r.stdout)
	}
	src = "---\ntitle: Flow\nimpact: major\nstarted: 2026-10-14T09:00:00Z\ncomponents: [dns] # keep\nresolved:\nupdates:\n- {at: 2026-10-14T09:00:00Z, status: investigating, body: x}\n---\n"
	os.WriteFile(path, []byte(src), 0o644)
	mustRun(t, dir, "2026-10-14T09:10:00Z", "incident", "update", "flow", "-m", "y", "--component", "web=partial_outage")
	mustRun(t, dir, "2026-10-14T09:20:00Z", "incident", "resolve", "flow", "-m", "z")
	got, _ := os.ReadFile(path)
	for _, want := range []string{"components: [dns, web] # keep\n", "resolved: 2026-10-14T09:20:00Z\n", "- {at: 2026-10-14T09:00:00Z, status: investigating, body: x}\n- at: 2026-10-14T09:10:00Z\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("want %q in\n%s", want, got)
		}
	}
}

// snapshotDir returns every file under dir with its bytes.
func snapshotDir(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func TestBadArgumentsChangeNothing(t *testing.T) {
	dir := oncallSiteDir(t)
	const now = "2026-10-14T10:00:00Z"
	mustRun(t, dir, "2026-10-14T09:00:00Z", "incident", "new", "Open one", "--impact", "major", "--components", "dns", "--slug", "open")
	mustRun(t, dir, "2026-10-14T09:00:00Z", "incident", "new", "Done one", "--impact", "minor", "--components", "web", "--slug", "done")
	mustRun(t, dir, "2026-10-14T09:30:00Z", "incident", "resolve", "done", "-m", "fixed")
	tomlPath := filepath.Join(dir, "content/incidents/toml.md")
	os.WriteFile(tomlPath, []byte("+++\ntitle = \"T\"\nimpact = \"minor\"\nstarted = 2026-10-14T09:00:00Z\n\n[[updates]]\nat = 2026-10-14T09:00:00Z\nstatus = \"investigating\"\n+++\n"), 0o644)

	tests := []struct {
		name string
		args []string
		want string
		// code is 2 for a bad command line, 1 when the site's files
		// refuse a well-formed request.
		code int
	}{
		{"unknown slug", []string{"incident", "update", "nope", "-m", "x"}, `unknown incident "nope"`, exitFailure},
		{"typo in slug", []string{"incident", "update", "opne", "-m", "x"}, `did you mean "open"?`, exitFailure},
		{"slug suggestion", []string{"incident", "resolve", "don", "-m", "x"}, `did you mean "done"?`, exitFailure},
		{"unknown component", []string{"incident", "update", "open", "-m", "x", "--component", "dns2=major_outage"}, `unknown component "dns2" (known: db, dns, web)`, exitUsage},
		{"unknown component on new", []string{"incident", "new", "X", "--impact", "minor", "--components", "dns,mail"}, `unknown component "mail"`, exitUsage},
		{"unknown status", []string{"incident", "update", "open", "-m", "x", "--status", "fixing"}, `--status "fixing": want one of investigating, identified, monitoring, resolved, postmortem`, exitUsage},
		{"unknown component status", []string{"incident", "update", "open", "-m", "x", "--component", "dns=down"}, `unknown component status "down" for dns`, exitUsage},
		{"resolving twice", []string{"incident", "resolve", "done", "-m", "again"}, "incident done is already resolved (at 2026-10-14T09:30:00Z)", exitFailure},
		{"update on resolved", []string{"incident", "update", "done", "-m", "x", "--status", "monitoring"}, "incident done was resolved at 2026-10-14T09:30:00Z; only --status postmortem may follow", exitFailure},
		{"postmortem on open", []string{"incident", "update", "open", "-m", "x", "--status", "postmortem"}, "a postmortem follows a resolved incident", exitFailure},
		{"resolve through update", []string{"incident", "update", "open", "-m", "x", "--status", "resolved"}, "to resolve, run: bulletin incident resolve open", exitUsage},
		{"invalid impact", []string{"incident", "new", "X", "--impact", "huge"}, `--impact "huge": want one of none, minor, major, critical`, exitUsage},
		{"missing impact", []string{"incident", "new", "X"}, `--impact "": want one of`, exitUsage},
		{"missing -m on update", []string{"incident", "update", "open"}, `-m "message" is required`, exitUsage},
		{"missing -m on resolve", []string{"incident", "resolve", "open"}, `-m "message" is required`, exitUsage},
		{"resolved status on new", []string{"incident", "new", "X", "--impact", "minor", "--status", "resolved"}, "a new incident is investigating, identified or monitoring", exitUsage},
		{"bad slug", []string{"incident", "new", "X", "--impact", "minor", "--slug", "Bad Slug"}, `--slug "Bad Slug" is not URL-safe`, exitUsage},
		{"update before last", []string{"incident", "update", "open", "-m", "x", "--at", "2026-10-14T08:00:00Z"}, "--at 2026-10-14T08:00:00Z is before the incident's last update (2026-10-14T09:00:00Z)", exitFailure},
		{"bad --at", []string{"incident", "update", "open", "-m", "x", "--at", "soon"}, `--at: "soon" is not a date`, exitUsage},
		{"update in the future", []string{"incident", "update", "open", "-m", "x", "--at", "2062-01-01T00:00:00Z"}, "--at 2062-01-01T00:00:00Z is in the future (now is 2026-10-14T10:00:00Z): give the time the event happened", exitUsage},
		{"resolve in the future", []string{"incident", "resolve", "open", "-m", "x", "--at", "2026-10-14T10:06:00Z"}, "--at 2026-10-14T10:06:00Z is in the future (now is 2026-10-14T10:00:00Z)", exitUsage},
		{"new in the future", []string{"incident", "new", "X", "--impact", "minor", "--components", "dns", "--at", "2031-03-01T12:00:00Z"}, "--at 2031-03-01T12:00:00Z is in the future", exitUsage},
		{"toml refused", []string{"incident", "update", "toml", "-m", "x"}, "has TOML front matter: bulletin edits YAML front matter only", exitFailure},
		{"no title", []string{"incident", "new", "--impact", "minor"}, "want one title", exitUsage},
		{"unknown subcommand", []string{"incident", "close", "open"}, `unknown subcommand "close"`, exitUsage},
		{"maintenance ends before it starts", []string{"maintenance", "new", "W", "--start", "2026-12-01T22:00", "--end", "2026-12-01T21:00", "--components", "db"}, "the window ends (2026-12-01T20:00:00Z) before it starts (2026-12-01T21:00:00Z)", exitUsage},
		{"maintenance unknown component", []string{"maintenance", "new", "W", "--start", "2026-12-01T22:00", "--end", "2026-12-01T23:00", "--components", "dbx"}, `unknown component "dbx"`, exitUsage},
		{"maintenance without end", []string{"maintenance", "new", "W", "--start", "2026-12-01T22:00"}, "--start and --end are required", exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshotDir(t, dir)
			r := bulletin(t, dir, now, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stdout %q", r.code, tt.code, r.stdout)
			}
			if usage := strings.Contains(r.stderr, ": usage: "); usage != (tt.code == exitUsage) {
				t.Errorf("stderr %q: a usage error is %v, want %v", r.stderr, usage, tt.code == exitUsage)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tt.want)
			}
			after := snapshotDir(t, dir)
			if len(after) != len(before) {
				t.Errorf("files changed: %d before, %d after", len(before), len(after))
			}
			for p, b := range before {
				if after[p] != b {
					t.Errorf("%s changed", p)
				}
			}
		})
	}
}

func TestMaintenanceCommands(t *testing.T) {
	dir := oncallSiteDir(t)
	path := mustRun(t, dir, "2026-10-14T10:00:00Z", "maintenance", "new", "DB upgrade", "--start", "2026-12-01T22:00", "--end", "2026-12-02T01:00", "--components", "db", "-m", "Read-only for up to three hours.")
	if filepath.Base(path) != "2026-12-01-db-upgrade.md" {
		t.Errorf("path %s", path)
	}
	ms, err := content.LoadMaintenance(filepath.Join(dir, "content/maintenance"), loadCfg(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	m := ms[0]
	if m.ScheduledFor.UTC().Format(time.RFC3339) != "2026-12-01T21:00:00Z" || m.CountsAgainstAvailability || len(m.Updates) != 1 || m.Updates[0].Status != "scheduled" || m.Updates[0].Body != "Read-only for up to three hours." {
		t.Errorf("window %+v", m)
	}
	// An overlapping window on db that would count against availability
	// contradicts the first: refused, nothing written.
	before := snapshotDir(t, dir)
	r := bulletin(t, dir, "2026-10-14T10:00:00Z", "maintenance", "new", "Disk swap", "--start", "2026-12-01T23:00", "--end", "2026-12-02T00:00", "--components", "db", "--counts-against-availability")
	if r.code == 0 || !strings.Contains(r.stderr, "counts_against_availability differs") {
		t.Errorf("overlap: %d %s", r.code, r.stderr)
	}
	if after := snapshotDir(t, dir); len(after) != len(before) {
		t.Error("a refused window was written")
	}
	mustRun(t, dir, "2026-10-14T10:00:00Z", "maintenance", "new", "Old work", "--start", "2026-10-01T22:00", "--end", "2026-10-01T23:00")
	list := mustRun(t, dir, "2026-12-01T21:30:00Z", "maintenance", "list")
	lines := strings.Split(list, "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "2026-12-01-db-upgrade  in_progress  2026-12-01 22:00 CET") || !strings.HasPrefix(lines[2], "2026-10-01-old-work    completed") {
		t.Errorf("list:\n%s", list)
	}
}

// TestListNegativeCount: a negative -n is a usage error, not a panic.
func TestListNegativeCount(t *testing.T) {
	dir := oncallSiteDir(t)
	for _, cmd := range []string{"incident", "maintenance", "silence"} {
		r := bulletin(t, dir, "2026-10-14T10:00:00Z", cmd, "list", "-n", "-1")
		if want := "bulletin " + cmd + ": usage: -n must not be negative\n"; r.code != exitUsage || r.stderr != want || r.stdout != "" {
			t.Errorf("%s list -n -1: exit %d, stdout %q, stderr %q; want exit %d, stderr %q", cmd, r.code, r.stdout, r.stderr, exitUsage, want)
		}
	}
}

// TestAtWithinClockError: --at a few minutes ahead of the clock is a
// clock's error, taken as given; the next update still follows it.
func TestAtWithinClockError(t *testing.T) {
	dir := oncallSiteDir(t)
	mustRun(t, dir, "2026-10-14T09:00:00Z", "incident", "new", "Open one", "--impact", "major", "--components", "dns", "--slug", "open")
	mustRun(t, dir, "2026-10-14T10:00:00Z", "incident", "update", "open", "-m", "x", "--at", "2026-10-14T10:04:00Z")
	mustRun(t, dir, "2026-10-14T10:05:00Z", "incident", "resolve", "open", "-m", "fixed")
}
