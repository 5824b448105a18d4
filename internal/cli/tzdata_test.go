package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// noZoneinfoEnv marks the test process that TestWithoutZoneinfo starts in
// a mount namespace where no time zone database is left to read.
const noZoneinfoEnv = "BULLETIN_TEST_NO_ZONEINFO"

// zoneSources are the places Go's time package reads time zones from on
// Linux, besides ZONEINFO and the data embedded by time/tzdata.
func zoneSources() []string {
	return []string{
		"/usr/share/zoneinfo",
		"/usr/share/lib/zoneinfo",
		"/usr/lib/locale/TZ",
		"/etc/zoneinfo",
		filepath.Join(runtime.GOROOT(), "lib", "time"),
	}
}

// TestWithoutZoneinfo runs check and build on the example site (timezone =
// "Europe/Berlin") on a host without a time zone database, as a scratch or
// distroless container is: it starts this test again under unshare(1) with
// an empty directory mounted over every place Go looks for zoneinfo (and
// ZONEINFO pointing nowhere). The CLI must carry its own time zone data. A
// mount namespace needs root; the test skips without it, except under
// CI=true.
func TestWithoutZoneinfo(t *testing.T) {
	if os.Getenv(noZoneinfoEnv) == "1" {
		buildWithoutZoneinfo(t)
		return
	}
	unshare, err := exec.LookPath("unshare")
	if os.Geteuid() != 0 || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: this test needs root and unshare(1) for a host without zoneinfo")
		}
		t.Skip("a mount namespace needs root and unshare(1)")
	}
	// In the new namespace: hide each zoneinfo source that exists, then
	// run this test alone in the child mode.
	script := `set -e
empty=$1; shift
for d in "$@"; do if [ -d "$d" ]; then mount --bind "$empty" "$d"; fi; done
exec "$TESTBIN" -test.run='^TestWithoutZoneinfo$' -test.count=1 -test.v`
	args := append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh", t.TempDir()}, zoneSources()...)
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), noZoneinfoEnv+"=1", "ZONEINFO=/nonexistent", "TESTBIN="+os.Args[0])
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("without zoneinfo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestWithoutZoneinfo") {
		t.Fatalf("the child run did not pass:\n%s", out)
	}
}

// buildWithoutZoneinfo is TestWithoutZoneinfo's child: it first makes
// sure no zoneinfo is readable, so that a pass means the embedded data.
func buildWithoutZoneinfo(t *testing.T) {
	for _, d := range zoneSources() {
		entries, _ := os.ReadDir(d)
		if len(entries) > 0 {
			t.Fatalf("%s still has time zone data", d)
		}
	}
	root := exCopyExample(t)
	if !strings.Contains(readFile(t, filepath.Join(root, "config.toml")), `timezone = "Europe/Berlin"`) {
		t.Fatal("the example site no longer sets a time zone other than UTC")
	}
	now := time.Now().UTC().Format(time.RFC3339)
	for _, args := range [][]string{{"check"}, {"build", "-q"}} {
		if r := bulletin(t, root, now, args...); r.code != 0 {
			t.Fatalf("bulletin %v without zoneinfo: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "public", "status", "index.html")); err != nil {
		t.Errorf("the build wrote no status page: %v", err)
	}
}
