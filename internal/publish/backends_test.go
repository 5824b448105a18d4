package publish

import (
	"context"
	"os"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/bulletin-dev/bulletin/internal/publish/s3test"
)

// backend opens fresh, empty buckets of one kind. open returns the bucket
// as a whole and the same bucket seen through prefix (which may be empty).
type backend struct {
	name string
	open func(tb testing.TB, prefix string) (root, site *blob.Bucket)
	// racyCreate is set for stores whose conditional create checks and
	// writes in two steps (fileblob: stat, then rename), so two creates at
	// the same instant can both succeed.
	racyCreate bool
	// coarseModTime is set for stores that keep ModTime to the second.
	coarseModTime bool
}

func memBackend() backend {
	return backend{name: "memblob", open: func(tb testing.TB, prefix string) (*blob.Bucket, *blob.Bucket) {
		tb.Helper()
		if prefix != "" {
			// A memblob bucket cannot be opened twice, so there is no
			// seeing it both whole and through a prefix.
			tb.Skip("memblob has no prefixed view of a bucket")
		}
		root := memblob.OpenBucket(nil)
		tb.Cleanup(func() { root.Close() })
		return root, root
	}}
}

func fileBackend() backend {
	return backend{name: "fileblob", racyCreate: true, open: func(tb testing.TB, prefix string) (*blob.Bucket, *blob.Bucket) {
		tb.Helper()
		dir := tb.TempDir()
		open := func() *blob.Bucket {
			b, err := fileblob.OpenBucket(dir, nil)
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
		root := open()
		tb.Cleanup(func() { root.Close() })
		if prefix == "" {
			return root, root
		}
		// PrefixedBucket takes over the bucket it wraps: open it again.
		site := blob.PrefixedBucket(open(), prefix)
		tb.Cleanup(func() { site.Close() })
		return root, site
	}}
}

// versityBackend starts versitygw for the duration of tb. It skips when the
// binary is missing, except in CI where that is a failure.
func versityBackend(tb testing.TB) (backend, bool) {
	tb.Helper()
	if s3test.Binary() == "" && os.Getenv("CI") != "true" {
		tb.Log("skipping the S3 backend: versitygw not installed: go install github.com/versity/versitygw/cmd/versitygw@" + s3test.Version)
		return backend{}, false
	}
	srv := s3test.Start(tb)
	return backend{name: "versitygw", coarseModTime: true, open: func(tb testing.TB, prefix string) (*blob.Bucket, *blob.Bucket) {
		tb.Helper()
		ctx := context.Background()
		base := srv.NewBucket(tb)
		root, err := blob.OpenBucket(ctx, base)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { root.Close() })
		if prefix == "" {
			return root, root
		}
		// Opened the way a user would: the prefix as the URL's parameter.
		site, err := blob.OpenBucket(ctx, base+"&prefix="+prefix)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { site.Close() })
		return root, site
	}}, true
}

// backendKind is a kind of bucket; start readies it for one test.
type backendKind struct {
	name  string
	start func(testing.TB) (backend, bool)
}

// backendKinds lists every bucket kind: the in-memory and file buckets
// always available, versitygw when installed.
func backendKinds() []backendKind {
	return []backendKind{
		{"memblob", func(testing.TB) (backend, bool) { return memBackend(), true }},
		{"fileblob", func(testing.TB) (backend, bool) { return fileBackend(), true }},
		{"versitygw", versityBackend},
	}
}
