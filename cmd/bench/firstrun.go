package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// firstRun measures `make run` on a fresh machine: a copy of the module's
// files (those git tracks or would track) with empty module and build
// caches, from `make run` to the first answer of the preview server. The
// modules come through the configured proxy, so the figure includes the
// download; it is one run, not a median.
func (b *bench) firstRun() error {
	b.logf("make run from empty module and build caches (downloads modules)")
	dir := filepath.Join(b.work, "firstrun")
	src := filepath.Join(dir, "src")
	if err := copyTracked(b.r.ctx, b.root, src); err != nil {
		return fmt.Errorf("copy the module: %w", err)
	}
	modCache, buildCache := filepath.Join(dir, "gomodcache"), filepath.Join(dir, "gocache")
	port, err := freePort()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(b.r.ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.Command("make", "run", "PORT="+strconv.Itoa(port))
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOMODCACHE="+modCache, "GOCACHE="+buildCache, "GOFLAGS=-modcacherw")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // make, go and the server go together
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("make run: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	var took time.Duration
	for took == 0 {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("make run exited before serving (%v):\n%s", err, tail(out.String(), 2000))
		case <-ctx.Done():
			return fmt.Errorf("make run: no answer on %s after 10 minutes:\n%s", url, tail(out.String(), 2000))
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				took = time.Since(start)
			}
		}
	}
	modBytes, buildBytes := duBytes(modCache), duBytes(buildCache)
	fmt.Fprintln(b.out, "## `make run` on a fresh machine (empty GOMODCACHE and GOCACHE, modules through the proxy; one run)")
	fmt.Fprintln(b.out)
	fmt.Fprintf(b.out, "until the first page answers: %s; caches filled: %.0f MB of modules, %.0f MB of builds\n\n",
		ms(took), float64(modBytes)/(1<<20), float64(buildBytes)/(1<<20))
	b.checks = append(b.checks, check{"`make run` on a fresh machine: first page < 60 s", ms(took), took < time.Minute})
	return nil
}

// copyTracked copies the files of the module that git tracks or would
// track (untracked but not ignored) from root into dst.
func copyTracked(ctx context.Context, root, dst string) error {
	list, err := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, name := range bytes.Split(list, []byte{0}) {
		if len(name) == 0 {
			continue
		}
		from := filepath.Join(root, string(name))
		fi, err := os.Lstat(from)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or not a file
		}
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, string(name))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(to, data, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// duBytes is the size of the files below dir.
func duBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
