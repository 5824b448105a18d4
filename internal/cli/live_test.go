package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// liveRules adds live rules to reportSite's config.
const liveRules = `
[prometheus]
url = "http://127.0.0.1:1"

[[live.rules]]
component = "api"
alerts = 'alertname="APIDown"'
`

func liveSite(t *testing.T) string {
	t.Helper()
	dir := writeSite(t, reportSite)
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(readFile(t, cfg)+liveRules), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBuildCorruptLiveKeepsOutput(t *testing.T) {
	dir := liveSite(t)
	live := filepath.Join(dir, "data", "live.json")
	if err := os.WriteFile(live, []byte(`{"schema": 1, "checked_at": "2026-11-22T11:59:00Z", "last_check": "2026-11-22T11:59:00Z",
 "components": [{"component": "api", "status": "major_outage", "since": "2026-11-22T11:50:00Z", "signal": "API probes failing"}], "disruptions": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := bulletin(t, dir, testNow, "build", "-q"); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	public := filepath.Join(dir, "public")
	if page := readFile(t, filepath.Join(public, "status", "index.html")); !strings.Contains(page, "API probes failing") {
		t.Fatal("the status page does not show the detection")
	}
	before := snapshotDir(t, public)
	if err := os.WriteFile(live, []byte("{\"schema\": 1,\n\"checked_at\": \"2026-11-22T11:59:00Z\",\n\"components\": [}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := bulletin(t, dir, testNow, "build")
	if r.code != 1 || !strings.HasPrefix(r.stderr, live+":3: ") {
		t.Fatalf("exit %d, stderr %q; want 1 and an error at %s:3", r.code, r.stderr, live)
	}
	after := snapshotDir(t, public)
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed by a failed build", p)
		}
	}
}

func TestCollectLiveCommand(t *testing.T) {
	dir := liveSite(t)
	live := filepath.Join(dir, "data", "live.json")
	if err := os.MkdirAll(filepath.Dir(live), 0o755); err != nil {
		t.Fatal(err)
	}
	old := []byte(`{"schema": 1, "checked_at": "2026-11-22T11:59:00Z", "last_check": "2026-11-22T11:59:00Z", "components": [], "disruptions": []}` + "\n")
	if err := os.WriteFile(live, old, 0o644); err != nil {
		t.Fatal(err)
	}
	// Nothing answers on 127.0.0.1:1: the check fails loudly, even with
	// -q, and leaves the previous file as it was.
	r := bulletin(t, dir, testNow, "collect", "--only", "live", "-q")
	if r.code != 1 || !strings.Contains(r.stderr, "live check failed; "+live+" left as it was") || !strings.Contains(r.stderr, "live rule 1 (component api)") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := readFile(t, live); got != string(old) {
		t.Error("a failed check changed live.json")
	}
	for _, args := range [][]string{
		{"collect", "--only", "live,prometheus"},
		{"collect", "--only", "live", "--month", "2026-10"},
		{"collect", "--only", "live", "--dry-run"},
	} {
		if r := bulletin(t, dir, testNow, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	// A site without rules is told how to add them.
	plain := writeSite(t, reportSite)
	if r := bulletin(t, plain, testNow, "collect", "--only", "live"); r.code != 2 || !strings.Contains(r.stderr, "[[live.rules]]") {
		t.Errorf("no rules: exit %d\n%s", r.code, r.stderr)
	}
}

func TestSilenceCommands(t *testing.T) {
	dir := liveSite(t)
	r := bulletin(t, dir, testNow, "silence", "new", "api", "--for", "2h", "-m", "Probe misconfigured.", "--author", "Sam")
	want := filepath.Join(dir, "content", "silences", "2026-11-22-api.md")
	if r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("new: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if r := bulletin(t, dir, testNow, "build", "-q"); r.code != 0 {
		t.Fatalf("build: %s", r.stderr)
	}
	if r := bulletin(t, dir, testNow, "silence", "list"); r.code != 0 || !strings.Contains(r.stdout, "2026-11-22-api  api        active") {
		t.Errorf("list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := bulletin(t, dir, "2026-11-22T13:00:00Z", "silence", "lift", "2026-11-22-api"); r.code != 0 {
		t.Errorf("lift: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(readFile(t, want), "until: 2026-11-22T13:00:00Z") {
		t.Errorf("lift did not set until:\n%s", readFile(t, want))
	}
	for _, args := range [][]string{
		{"silence", "new", "api", "-m", "no duration"},
		{"silence", "new", "api", "--for", "1h", "--until", "2026-11-22T15:00", "-m", "both"},
		{"silence", "new", "api", "--for", "1h"},
		{"silence", "frobnicate"},
	} {
		if r := bulletin(t, dir, "2026-11-22T14:00:00Z", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	// Refusals by the site's files are failures, not usage errors.
	for args, want := range map[[2]string]string{
		{"lift", "2026-11-22-api"}: "already ended",
		{"lift", "2026-11-22-apj"}: `did you mean "2026-11-22-api"?`,
	} {
		r := bulletin(t, dir, "2026-11-22T14:00:00Z", "silence", args[0], args[1])
		if r.code != 1 || strings.Contains(r.stderr, "usage:") || !strings.Contains(r.stderr, want) {
			t.Errorf("silence %v: exit %d, want 1 saying %q without usage:\n%s", args, r.code, want, r.stderr)
		}
	}
}
