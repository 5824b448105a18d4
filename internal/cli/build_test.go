package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// reportSite is a small site for the build, check and serve commands: two
// published reports, a draft and a report scheduled after the tests' clock.
const reportSite = `
-- config.toml --
title = "Tiny Ops"
base_url = "https://ops.example.org/"
timezone = "Europe/Berlin"

[env.staging]
base_url = "https://staging.example.org/"

[[components]]
id = "api"
name = "API"
slo = 99.9
-- content/reports/2026-09.md --
---
title: September 2026
date: 2026-10-02
summary: [Quiet.]
next_goals:
  - title: Faster releases
    owner: Mei
    issue: acme/web#42
  - Retire the old DNS provider
---
Nothing happened.
-- content/reports/2026-10.md --
---
title: October 2026
date: 2026-11-03T09:00:00
goals:
  - title: Faster releases
    status: pushed
next_goals:
  - "Write the runbook: part 1"
---
The API finished at {{< figure "uptime.api" >}}.
-- content/reports/2026-11.md --
---
title: November draft
date: 2026-11-20
draft: true
---
Draft.
-- content/reports/2026-12.md --
---
title: December scheduled
date: 2027-01-04
---
Scheduled.
-- data/2026-10.json --
{"schema": 1, "month": "2026-10", "frozen": true, "sources": {}, "issues": [], "releases": [],
 "availability": [{"component": "api", "ratio": 0.9995, "coverage": 1, "slo": 0.999, "error_budget_remaining": 0.5, "excluded": [], "daily": []}],
 "goals": []}
`

// testNow is the clock of these command tests.
const testNow = "2026-11-22T12:00:00Z"

// writeSite writes a txtar archive of site files into a new directory.
func writeSite(tb testing.TB, archive string) string {
	tb.Helper()
	dir := tb.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// readFile returns the content of a file, failing the test if it is missing.
func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestBuildCommand(t *testing.T) {
	dir := writeSite(t, reportSite)
	out := filepath.Join(t.TempDir(), "out")
	r := bulletin(t, dir, testNow, "build", "-o", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "built 2 reports, ") || !strings.Contains(r.stdout, " files into "+out+" in ") {
		t.Errorf("stdout %q", r.stdout)
	}
	for _, name := range []string{"index.html", "reports/index.html", "reports/2026/09/index.html", "reports/2026/10/index.html", "feed.xml", "atom.xml", "feed.json", "sitemap.xml", "404.html"} {
		if !exists(filepath.Join(out, name)) {
			t.Errorf("%s not built", name)
		}
	}
	for _, name := range []string{"reports/2026/11/index.html", "reports/2026/12/index.html"} {
		if exists(filepath.Join(out, name)) {
			t.Errorf("%s built without --drafts/--future", name)
		}
	}
	if page := readFile(t, filepath.Join(out, "index.html")); !strings.Contains(page, `<link rel="canonical" href="https://ops.example.org/">`) {
		t.Errorf("production base URL not used:\n%s", page)
	}
	if exists(filepath.Join(dir, "public")) {
		t.Error("-o ignored: public/ created")
	}

	t.Run("default output is public/ in the site", func(t *testing.T) {
		r := bulletin(t, dir, testNow, "build", "-q")
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("exit %d, stdout %q (-q prints nothing)\n%s", r.code, r.stdout, r.stderr)
		}
		if !exists(filepath.Join(dir, "public", "index.html")) {
			t.Error("public/index.html not built")
		}
	})

	t.Run("flags", func(t *testing.T) {
		tests := []struct {
			name    string
			args    []string
			getenv  map[string]string
			present []string
			absent  []string
			base    string
		}{
			{"drafts", []string{"--drafts"}, nil, []string{"reports/2026/11/index.html"}, []string{"reports/2026/12/index.html"}, "https://ops.example.org/"},
			{"future", []string{"--future"}, nil, []string{"reports/2026/12/index.html"}, []string{"reports/2026/11/index.html"}, "https://ops.example.org/"},
			{"env staging", []string{"--env", "staging"}, nil, nil, []string{"reports/2026/11/index.html"}, "https://staging.example.org/"},
			{"BULLETIN_ENV", nil, map[string]string{"BULLETIN_ENV": "staging"}, nil, nil, "https://staging.example.org/"},
			{"--env wins over BULLETIN_ENV", []string{"--env", "development"}, map[string]string{"BULLETIN_ENV": "staging"}, nil, nil, "https://ops.example.org/"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "public")
				r := bulletinEnv(t, dir, testNow, tt.getenv, append([]string{"build", "-o", out}, tt.args...)...)
				if r.code != 0 {
					t.Fatalf("exit %d\n%s", r.code, r.stderr)
				}
				for _, name := range tt.present {
					if !exists(filepath.Join(out, name)) {
						t.Errorf("%s not built", name)
					}
				}
				for _, name := range tt.absent {
					if exists(filepath.Join(out, name)) {
						t.Errorf("%s built", name)
					}
				}
				home := readFile(t, filepath.Join(out, "index.html"))
				if want := `<link rel="canonical" href="` + tt.base + `">`; !strings.Contains(home, want) {
					t.Errorf("home lacks %s", want)
				}
				if feed := readFile(t, filepath.Join(out, "feed.xml")); !strings.Contains(feed, "<link>"+tt.base+"reports/2026/10/</link>") {
					t.Errorf("feed does not link to %s", tt.base)
				}
			})
		}
	})
}

func TestBuildCommandFailureKeepsOutput(t *testing.T) {
	dir := writeSite(t, reportSite)
	if r := bulletin(t, dir, testNow, "build", "-q"); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	public := filepath.Join(dir, "public")
	before := snapshotDir(t, public)
	report := filepath.Join(dir, "content", "reports", "2026-10.md")
	src := readFile(t, report)
	if err := os.WriteFile(report, []byte(strings.Replace(src, "uptime.api", "uptime.web", 1)+"\nAnd {{< figure \"issues.acme/app\" >}}.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := bulletin(t, dir, testNow, "build")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	want := report + `:10: unknown figure "uptime.web": 2026-10 has no availability for component "web" (it has api)` + "\n" +
		report + `:12: unknown figure "issues.acme/app": 2026-10 has no issue counts for "acme/app"` + "\n" +
		"bulletin build: 2 problems found\n"
	if r.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, want)
	}
	after := snapshotDir(t, public)
	if len(after) != len(before) {
		t.Errorf("%d files before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed by a failed build", p)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "public.") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestBuildRefusesSourceDirectories: a build makes its output directory
// hold its own files only, so an -o that is (or holds, or is inside) the
// site's sources, or another site or repository, is refused before
// anything is touched.
func TestBuildRefusesSourceDirectories(t *testing.T) {
	dir := writeSite(t, reportSite)
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, dir)
	for _, out := range []string{".", "..", "content", "content/reports", "data", "templates/x", ".git", other} {
		r := bulletin(t, dir, testNow, "build", "-o", out)
		if r.code != 2 || !strings.Contains(r.stderr, "choose a directory of its own") {
			t.Errorf("-o %s: exit %d, stderr %q", out, r.code, r.stderr)
		}
	}
	if after := snapshotDir(t, dir); len(after) != len(before) {
		t.Errorf("%d files before, %d after", len(before), len(after))
	}
	if !exists(filepath.Join(other, "go.mod")) {
		t.Error("the other repository lost its go.mod")
	}
	// A directory of its own, even beside the sources, is fine.
	if r := bulletin(t, dir, testNow, "build", "-q", "-o", "site-out"); r.code != 0 {
		t.Errorf("-o site-out: exit %d\n%s", r.code, r.stderr)
	}
}

func TestBuildCommandUsage(t *testing.T) {
	dir := writeSite(t, reportSite)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"build", "extra"}, `bulletin build: usage: unexpected argument "extra"`},
		{[]string{"build", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"check", "extra"}, `bulletin check: usage: unexpected argument "extra"`},
		{[]string{"serve", "extra"}, `bulletin serve: usage: unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := bulletin(t, dir, testNow, tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q, want %q", r.stderr, tt.want)
			}
		})
	}
	if exists(filepath.Join(dir, "public")) {
		t.Error("a usage error built the site")
	}
}

// TestHelpOnEveryCommand runs --help on each command: exit 0, usage on
// stdout, nothing done.
func TestHelpOnEveryCommand(t *testing.T) {
	dir := writeSite(t, reportSite)
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			for _, flag := range []string{"--help", "-h"} {
				r := bulletin(t, dir, testNow, c.name, flag)
				if r.code != 0 {
					t.Errorf("%s: exit %d\n%s", flag, r.code, r.stderr)
				}
				if !strings.HasPrefix(r.stdout, "Usage: bulletin "+c.name) {
					t.Errorf("%s: stdout %q", flag, r.stdout)
				}
			}
		})
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		r := bulletin(t, dir, testNow, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Commands:") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
		for _, c := range commands() {
			if !strings.Contains(r.stdout, "  "+c.name+" ") {
				t.Errorf("%v: usage does not list %s", args, c.name)
			}
		}
	}
	if snapshot := snapshotDir(t, dir); len(snapshot) != 6 {
		t.Errorf("--help wrote files: %d files in the site", len(snapshot))
	}
	r := bulletin(t, dir, testNow, "frobnicate")
	if r.code != 2 || !strings.Contains(r.stderr, `bulletin: unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	want := "bulletin " + version(Version, info, ok) + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errOut})
		if code != 0 || out.String() != want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// TestVersionFromBuildInfo: without a version set by the Makefile's
// -ldflags, the version is what go build recorded: the module's version
// (a tag, or a pseudo-version naming the commit) or the VCS revision.
func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-buildmode", Value: "exe"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-02T22:00:12Z"}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "2ed2a6e041f135bf9030f8b62887e647f47590c6"
	tests := []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		ok     bool
		want   string
	}{
		{"set by the Makefile", "v1.4.0-3-g2ed2a6e", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true, "v1.4.0-3-g2ed2a6e"},
		{"go install of a tag", "devel", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true, "v1.4.0"},
		{"go build in a clone", "devel", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202220012-2ed2a6e041f1"}, Settings: vcs(rev, "false")}, true,
			"v0.0.0-20261202220012-2ed2a6e041f1"},
		{"go build with local changes", "devel", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202220012-2ed2a6e041f1+dirty"}, Settings: vcs(rev, "true")}, true,
			"v0.0.0-20261202220012-2ed2a6e041f1+dirty"},
		{"revision without a module version", "devel", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, true,
			"devel (revision 2ed2a6e041f1, modified)"},
		{"no vcs", "devel", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "devel"},
		{"no build info", "devel", nil, false, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := version(tt.linked, tt.info, tt.ok); got != tt.want {
				t.Errorf("version = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHelpCommand: bulletin help <command> is <command> --help, not the
// top-level help; an unknown command is a usage error.
func TestHelpCommand(t *testing.T) {
	for _, name := range []string{"build", "collect", "incident"} {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), []string{"help", name}, Env{Stdout: &out, Stderr: &errOut})
		if code != 0 || !strings.HasPrefix(out.String(), "Usage: bulletin "+name) || strings.Contains(out.String(), "bulletin publishes monthly") {
			t.Errorf("help %s: exit %d, stdout %q, stderr %q", name, code, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"help", "frobnicate"}, Env{Stdout: &out, Stderr: &errOut}); code != exitUsage ||
		!strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Errorf("help frobnicate: exit %d, stderr %q", code, errOut.String())
	}
}

// bulletinEnv is bulletin with environment variables.
func bulletinEnv(tb testing.TB, dir, now string, vars map[string]string, args ...string) runResult {
	tb.Helper()
	at, err := time.Parse(time.RFC3339, now)
	if err != nil {
		tb.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errOut, Now: func() time.Time { return at }, Getenv: func(k string) string { return vars[k] }}
	code := Run(context.Background(), append(args, "--source", dir), env)
	return runResult{code, out.String(), errOut.String()}
}

// TestProfiles: --cpuprofile and --memprofile write profiles pprof reads;
// a profile that cannot be written is an error.
func TestProfiles(t *testing.T) {
	dir := writeSite(t, reportSite)
	cpu, mem := filepath.Join(t.TempDir(), "cpu.prof"), filepath.Join(t.TempDir(), "mem.prof")
	if r := bulletin(t, dir, testNow, "build", "-q", "--cpuprofile", cpu, "--memprofile", mem); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, p := range []string{cpu, mem} {
		if b, err := os.ReadFile(p); err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s is not a gzipped pprof profile: %v", p, err)
		}
	}
	bad := filepath.Join(dir, "no", "such", "dir", "cpu.prof")
	for _, args := range [][]string{{"build", "--cpuprofile", bad}, {"publish", "--to", "file://" + t.TempDir(), "--cpuprofile", bad}} {
		if r := bulletin(t, dir, testNow, args...); r.code != 1 || !strings.Contains(r.stderr, "cpu profile:") {
			t.Errorf("%s: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
	}
}
