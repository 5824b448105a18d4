package cli

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/bulletin-dev/bulletin/internal/publish"
	"github.com/bulletin-dev/bulletin/internal/publish/s3test"
)

// ciRunner returns a function running bulletin as a CI job would ($USER
// ci, the clock at 22 November 2026 12:00 UTC), failing the test on a
// non-zero exit, and returning what the command printed.
func ciRunner(t *testing.T) func(args ...string) string {
	var stdout, stderr bytes.Buffer
	env := Env{
		Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string {
			if k == "USER" {
				return "ci"
			}
			return ""
		},
		Now: func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
	}
	return func(args ...string) string {
		t.Helper()
		stdout.Reset()
		stderr.Reset()
		if code := Run(context.Background(), args, env); code != 0 {
			t.Fatalf("bulletin %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
		return stdout.String() + stderr.String()
	}
}

// The example site at the repository root, built and published to a real
// S3 server, reads back as the same site: every file byte for byte with a
// sensible content type, nothing else in the bucket, and a second publish
// uploads nothing.
func TestExampleSitePublishesToS3(t *testing.T) {
	srv := s3test.Start(t)
	bucketURL := srv.NewBucket(t)
	out := filepath.Join(t.TempDir(), "public")
	run := ciRunner(t)
	run("build", "--source", "../..", "-o", out, "-q")
	run("publish", "--source", "../..", "--dir", out, "--to", bucketURL)

	local := map[string][]byte{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		b, err := os.ReadFile(p)
		local[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"index.html", "reports/2026/10/index.html", "feed.xml", "sitemap.xml", "404.html"} {
		if _, ok := local[must]; !ok {
			t.Errorf("build wrote no %s", must)
		}
	}

	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var remote []string
	it := b.List(nil)
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		remote = append(remote, obj.Key)
	}
	var want []string
	for k := range local {
		want = append(want, k)
	}
	sort.Strings(want)
	sort.Strings(remote)
	if strings.Join(remote, "\n") != strings.Join(want, "\n") {
		t.Errorf("bucket holds\n%s\nwant exactly the built files\n%s", strings.Join(remote, "\n"), strings.Join(want, "\n"))
	}
	for _, key := range want {
		attrs, err := b.Attributes(ctx, key)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		got, err := b.ReadAll(ctx, key)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		if attrs.ContentEncoding == "" && !bytes.Equal(got, local[key]) {
			t.Errorf("%s: bucket copy differs from public/ (%d vs %d bytes)", key, len(got), len(local[key]))
		}
		wantType := map[string]string{".html": "text/html", ".xml": "application/", ".json": "application/", ".css": "text/css", ".svg": "image/svg+xml", ".txt": "text/plain"}[filepath.Ext(key)]
		if wantType != "" && !strings.HasPrefix(attrs.ContentType, wantType) {
			t.Errorf("%s: Content-Type %q, want %s…", key, attrs.ContentType, wantType)
		}
		if attrs.CacheControl == "" {
			t.Errorf("%s: no Cache-Control", key)
		}
	}
	if _, err := b.Attributes(ctx, publish.LockKey); err == nil {
		t.Errorf("lock %s left in the bucket after publish", publish.LockKey)
	}

	if got := run("publish", "--source", "../..", "--dir", out, "--to", bucketURL); !strings.Contains(got, "uploaded 0 (") {
		t.Errorf("second publish of an unchanged site uploaded something:\n%s", got)
	}
}
