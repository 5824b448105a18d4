package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// publishSite is a site directory with a built public/ and a file://
// target.
type publishSite struct {
	dir, bucket    string
	stdout, stderr bytes.Buffer
	// now is the publish's clock; nil is a fixed time.
	now func() time.Time
}

// extraPublish is added to the [publish] section.
func newPublishSite(tb testing.TB, extraPublish string) *publishSite {
	tb.Helper()
	s := &publishSite{dir: tb.TempDir(), bucket: tb.TempDir()}
	s.write(tb, "config.toml", `title = "Ops"
base_url = "https://ops.example.org/"

[publish]
default = "production"
`+extraPublish+`
[publish.targets.production]
url = "file://`+filepath.ToSlash(s.bucket)+`"

[publish.targets.staging]
url = "file://`+filepath.ToSlash(s.bucket)+`?prefix=staging/"
`)
	for k, v := range map[string]string{
		"public/index.html":                 "<!doctype html><title>Ops</title>",
		"public/status/index.html":          "<!doctype html><title>Status</title>",
		"public/css/style.3f2a9c1b.css":     "body{margin:0}",
		"public/reports/2026/10/index.html": "<!doctype html><title>October</title>",
		"public/index.xml":                  `<?xml version="1.0"?><rss version="2.0"></rss>`,
	} {
		s.write(tb, k, v)
	}
	return s
}

func (s *publishSite) write(tb testing.TB, name, body string) {
	tb.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func (s *publishSite) run(tb testing.TB, args ...string) int {
	tb.Helper()
	s.stdout.Reset()
	s.stderr.Reset()
	env := Env{
		Stdout: &s.stdout, Stderr: &s.stderr,
		Getenv: func(k string) string {
			if k == "USER" {
				return "ops"
			}
			return ""
		},
		Now: func() time.Time { return time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) },
	}
	if s.now != nil {
		env.Now = s.now
	}
	code := Run(context.Background(), append([]string{"publish", "--source", s.dir}, args...), env)
	tb.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", code, s.stdout.String(), s.stderr.String())
	return code
}

func (s *publishSite) bucketFile(tb testing.TB, key string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(s.bucket, filepath.FromSlash(key)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestPublishCommand(t *testing.T) {
	s := newPublishSite(t, "")
	metrics := filepath.Join(t.TempDir(), "bulletin.prom")

	if code := s.run(t, "--dry-run"); code != 0 {
		t.Fatalf("dry run: exit %d", code)
	}
	if !strings.Contains(s.stdout.String(), "upload  assets css/style.3f2a9c1b.css (14 B, new; text/css; charset=utf-8; public, max-age=31536000, immutable)") ||
		!strings.Contains(s.stdout.String(), "publish production (dry run): would upload 5 (") {
		t.Errorf("dry run plan:\n%s", s.stdout.String())
	}
	if entries, _ := os.ReadDir(s.bucket); len(entries) != 0 {
		t.Fatalf("dry run wrote to the bucket: %v", entries)
	}

	if code := s.run(t, "--metrics-file", metrics); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := s.stdout.String(); !strings.HasPrefix(got, "publish production: uploaded 5 (") || strings.Count(got, "\n") != 1 {
		t.Errorf("stdout %q, want one summary line", got)
	}
	if s.stderr.Len() != 0 {
		t.Errorf("not quiet: %s", s.stderr.String())
	}
	if got := s.bucketFile(t, "status/index.html"); got != "<!doctype html><title>Status</title>" {
		t.Errorf("bucket status page %q", got)
	}
	f, err := os.Open(metrics)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatal(err)
	}
	ts := mfs["bulletin_publish_last_success_timestamp_seconds"]
	if ts == nil || ts.Metric[0].GetGauge().GetValue() != 1793512800 || ts.Metric[0].Label[0].GetValue() != "production" {
		t.Errorf("timestamp metric %v", ts)
	}
	if up := mfs["bulletin_publish_objects_uploaded"]; up == nil || up.Metric[0].GetGauge().GetValue() != 5 {
		t.Errorf("uploaded metric %v", up)
	}

	// Verbose: one line per file.
	s.write(t, "public/reports/2026/10/index.html", "<!doctype html><title>October, revised</title>")
	if err := os.Remove(filepath.Join(s.dir, "public/index.xml")); err != nil {
		t.Fatal(err)
	}
	if code := s.run(t, "-v", "--target", "production"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"upload reports/2026/10/index.html (", "delete index.xml"} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("verbose log lacks %q:\n%s", want, s.stderr.String())
		}
	}
	if got := s.stdout.String(); !strings.Contains(got, "uploaded 1 (") || !strings.Contains(got, "unchanged 3, deleted 1") {
		t.Errorf("summary %q", got)
	}

	// Quiet: nothing on success.
	if code := s.run(t, "-q"); code != 0 || s.stdout.Len() != 0 || s.stderr.Len() != 0 {
		t.Errorf("-q: exit %d, printed %q %q", code, s.stdout.String(), s.stderr.String())
	}

	// A second target under a prefix of the same bucket.
	if code := s.run(t, "--target", "staging"); code != 0 {
		t.Fatalf("staging: exit %d", code)
	}
	if got := s.bucketFile(t, "staging/index.html"); got != "<!doctype html><title>Ops</title>" {
		t.Errorf("staging home %q", got)
	}
	// Production again: staging's objects, lock and manifest are another
	// target's, not files production no longer has.
	s.write(t, "public/reports/2026/10/index.html", "<!doctype html><title>October, third</title>")
	if code := s.run(t, "-v", "--target", "production"); code != 0 {
		t.Fatalf("production after staging: exit %d", code)
	}
	if got := s.stdout.String(); !strings.Contains(got, "uploaded 1 (") || !strings.Contains(got, "deleted 0") {
		t.Errorf("production after staging: %q", got)
	}
	if strings.Contains(s.stderr.String(), "staging/") {
		t.Errorf("production touched staging:\n%s", s.stderr.String())
	}
	if got := s.bucketFile(t, "staging/index.html"); got != "<!doctype html><title>Ops</title>" {
		t.Errorf("staging home after production %q", got)
	}
}

func TestPublishCommandExitCodes(t *testing.T) {
	t.Run("locked", func(t *testing.T) {
		s := newPublishSite(t, "")
		lock := `{"host":"cron-1","pid":4242,"created":"2026-11-01T05:59:00Z","expires":"2026-11-01T06:14:00Z","token":"abc"}`
		if err := os.WriteFile(filepath.Join(s.bucket, ".bulletin-publish.lock"), []byte(lock), 0o644); err != nil {
			t.Fatal(err)
		}
		if code := s.run(t); code != exitLocked {
			t.Fatalf("exit %d, want %d", code, exitLocked)
		}
		want := "bulletin publish: target locked by host cron-1 (pid 4242) since 2026-11-01T05:59:00Z; expires 2026-11-01T06:14:00Z"
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr %q, want %q", s.stderr.String(), want)
		}
		if code := s.run(t, "--force-unlock"); code != 0 {
			t.Fatalf("--force-unlock: exit %d", code)
		}
	})
	t.Run("locked, one of several targets", func(t *testing.T) {
		// The first target's lock does not keep the second from
		// publishing; the exit code still says "locked".
		s := newPublishSite(t, "")
		lock := `{"host":"cron-1","pid":4242,"created":"2026-11-01T05:59:00Z","expires":"2099-11-01T06:14:00Z","token":"abc"}`
		if err := os.WriteFile(filepath.Join(s.bucket, ".bulletin-publish.lock"), []byte(lock), 0o644); err != nil {
			t.Fatal(err)
		}
		if code := s.run(t, "--target", "production,staging"); code != exitLocked {
			t.Fatalf("exit %d, want %d\n%s", code, exitLocked, s.stderr.String())
		}
		if !strings.Contains(s.stderr.String(), "publish production: target locked by host cron-1") {
			t.Errorf("stderr %q does not name the locked target", s.stderr.String())
		}
		if s.bucketFile(t, "staging/index.html") == "" {
			t.Error("the second target was not published")
		}
	})
	t.Run("delete cap", func(t *testing.T) {
		s := newPublishSite(t, "max_deletes = 2\n")
		if code := s.run(t); code != 0 {
			t.Fatalf("exit %d", code)
		}
		for _, k := range []string{"public/status/index.html", "public/index.xml", "public/reports/2026/10/index.html"} {
			if err := os.Remove(filepath.Join(s.dir, k)); err != nil {
				t.Fatal(err)
			}
		}
		if code := s.run(t, "--dry-run"); code != exitDeleteCap {
			t.Errorf("dry run: exit %d, want %d", code, exitDeleteCap)
		}
		if code := s.run(t); code != exitDeleteCap {
			t.Fatalf("exit %d, want %d", code, exitDeleteCap)
		}
		if !strings.Contains(s.stderr.String(), "refusing to delete 3 objects (more than the cap of 2)") {
			t.Errorf("stderr %q", s.stderr.String())
		}
		if s.bucketFile(t, "index.xml") == "" {
			t.Error("deleted although refused")
		}
		if code := s.run(t, "--max-deletes", "3"); code != 0 {
			t.Fatalf("--max-deletes 3: exit %d", code)
		}
	})
	t.Run("usage", func(t *testing.T) {
		s := newPublishSite(t, "")
		for _, args := range [][]string{
			{"--target", "production", "--to", "file:///tmp/x"},
			{"--target", "nope"},
			{"--target", "production,nope"},
			{"--target", "production,production", "--to", "file:///tmp/x"},
			{"--to", "s3://key:secret@bucket"},
			{"--workers", "0"},
			{"extra"},
		} {
			if code := s.run(t, args...); code != exitUsage {
				t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
			}
		}
	})
	t.Run("failure", func(t *testing.T) {
		s := newPublishSite(t, "")
		if err := os.RemoveAll(filepath.Join(s.dir, "public")); err != nil {
			t.Fatal(err)
		}
		if code := s.run(t); code != exitFailure {
			t.Errorf("missing public/: exit %d, want %d", code, exitFailure)
		}
	})
}

// TestPublishCommandCaches: publish keeps a digest cache in .cache/publish
// and a manifest in the bucket, and --no-cache does without both.
func TestPublishCommandCaches(t *testing.T) {
	// A minute on, so that the files and objects count as written long
	// enough before to be cached and entered in the manifest.
	later := func() time.Time { return time.Now().Add(time.Minute) }
	manifest := func(s *publishSite) string {
		b, err := os.ReadFile(filepath.Join(s.bucket, ".bulletin-publish.manifest"))
		if err != nil {
			return ""
		}
		return string(b)
	}
	t.Run("cached", func(t *testing.T) {
		s := newPublishSite(t, "")
		s.now = later
		for range 2 {
			if code := s.run(t); code != 0 {
				t.Fatalf("exit %d", code)
			}
		}
		caches, _ := filepath.Glob(filepath.Join(s.dir, ".cache", "publish", "digests-*"))
		if len(caches) != 1 {
			t.Errorf("digest caches %v, want one", caches)
		}
		written := manifest(s)
		if !strings.HasPrefix(written, "bulletin publish manifest 1\n") || strings.Count(written, "\n") != 2+5 {
			t.Fatalf("manifest %q, want one line for each of the 5 files", written)
		}
		if code := s.run(t, "-v"); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if want := "plan: 5 files; 5 objects vouched for by the manifest, 0 objects' attributes read"; !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, s.stderr.String())
		}
		s.write(t, "public/index.html", "<!doctype html><title>Ops, v2</title>")
		if code := s.run(t, "--dry-run"); code != 0 {
			t.Fatalf("dry run: exit %d", code)
		}
		if manifest(s) != written {
			t.Error("a dry run changed the manifest")
		}
		if code := s.run(t); code != 0 || !strings.Contains(s.stdout.String(), "uploaded 1 (") {
			t.Fatalf("exit %d", code)
		}
	})
	t.Run("no cache", func(t *testing.T) {
		s := newPublishSite(t, "")
		s.now = later
		for range 2 {
			if code := s.run(t, "--no-cache", "-v"); code != 0 {
				t.Fatalf("exit %d", code)
			}
		}
		if !strings.Contains(s.stderr.String(), "plan: 5 files; 0 objects vouched for by the manifest, 5 objects' attributes read") {
			t.Errorf("stderr:\n%s", s.stderr.String())
		}
		if _, err := os.Stat(filepath.Join(s.dir, ".cache")); !os.IsNotExist(err) {
			t.Errorf("--no-cache made .cache: %v", err)
		}
		if manifest(s) != "" {
			t.Error("--no-cache wrote a manifest")
		}
	})
}

// TestPublishToMissingDirectory: a file:// target that does not exist is
// an error that says how to have it made.
func TestPublishToMissingDirectory(t *testing.T) {
	s := newPublishSite(t, "")
	missing := filepath.Join(t.TempDir(), "nowhere")
	if code := s.run(t, "--to", "file://"+filepath.ToSlash(missing)); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(s.stderr.String(), "add ?create_dir=true to the URL") {
		t.Errorf("stderr %q", s.stderr.String())
	}
	if code := s.run(t, "--to", "file://"+filepath.ToSlash(missing)+"?create_dir=true"); code != 0 {
		t.Errorf("with create_dir: exit %d", code)
	}
}
