package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBinaryWithoutZoneinfo builds the real binary and runs bulletin build
// on the example site (timezone = "Europe/Berlin") in a chroot that holds
// nothing but the binary and the site, as a scratch or distroless
// container would: no /usr/share/zoneinfo, and ZONEINFO pointing nowhere.
// The binary must carry its own time zone data. A chroot needs root; the
// test skips without it, except under CI=true.
func TestBinaryWithoutZoneinfo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: this test needs root for a chroot without zoneinfo")
		}
		t.Skip("a chroot needs root")
	}
	root := exCopyExample(t) // the chroot: the example site and the binary
	if !strings.Contains(readFile(t, filepath.Join(root, "config.toml")), `timezone = "Europe/Berlin"`) {
		t.Fatal("the example site no longer sets a time zone other than UTC")
	}
	build := exec.Command("go", "build", "-o", filepath.Join(root, "bulletin"), "github.com/bulletin-dev/bulletin/cmd/bulletin")
	// A static binary: the chroot has no libc either.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"check"}, {"build", "-q"}} {
		cmd := exec.Command("/bulletin", args...)
		cmd.Dir = "/"
		cmd.Env = []string{"ZONEINFO=/nonexistent", "PATH=/"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bulletin %v without zoneinfo: %v\n%s", args, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "public", "status", "index.html")); err != nil {
		t.Errorf("the build wrote no status page: %v", err)
	}
}
