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
	root := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(root, "bulletin"), "github.com/bulletin-dev/bulletin/cmd/bulletin")
	// A static binary: the chroot has no libc either.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	site := filepath.Join(root, "site")
	for _, d := range []string{"content", "data"} {
		if err := os.CopyFS(filepath.Join(site, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := os.ReadFile(filepath.Join("..", "..", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), `timezone = "Europe/Berlin"`) {
		t.Fatal("the example site no longer sets a time zone other than UTC")
	}
	if err := os.WriteFile(filepath.Join(site, "config.toml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"build", "-q"}} {
		cmd := exec.Command("/bulletin", args...)
		cmd.Dir = "/site"
		cmd.Env = []string{"ZONEINFO=/nonexistent", "PATH=/"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bulletin %v without zoneinfo: %v\n%s", args, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(site, "public", "status", "index.html")); err != nil {
		t.Errorf("the build wrote no status page: %v", err)
	}
}
