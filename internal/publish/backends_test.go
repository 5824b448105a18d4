package publish

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob"
)

// versitygwVersion is the release of the S3-compatible server the tests run
// against; .ci/versitygw.version holds the same string for CI to install.
const versitygwVersion = "v1.8.0"

// backend opens fresh, empty buckets of one kind. open returns the bucket
// as a whole and the same bucket seen through prefix (which may be empty).
type backend struct {
	name string
	open func(tb testing.TB, prefix string) (root, site *blob.Bucket)
	// racyCreate is set for stores whose conditional create checks and
	// writes in two steps (fileblob: stat, then rename), so two creates at
	// the same instant can both succeed.
	racyCreate bool
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

// versity is a versitygw server with a posix backend, started by the test.
type versity struct {
	endpoint string
	client   *s3.Client
}

// versityBackend starts versitygw for the duration of tb. It skips when the
// binary is missing, except in CI where that is a failure.
func versityBackend(tb testing.TB) (backend, bool) {
	tb.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		if gp, gerr := exec.Command("go", "env", "GOPATH").Output(); gerr == nil {
			cand := filepath.Join(strings.TrimSpace(string(gp)), "bin", "versitygw")
			if _, serr := os.Stat(cand); serr == nil {
				bin, err = cand, nil
			}
		}
	}
	if err != nil {
		msg := "versitygw not installed: go install github.com/versity/versitygw/cmd/versitygw@" + versitygwVersion
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Log("skipping the S3 backend: " + msg)
		return backend{}, false
	}
	v := startVersity(tb, bin)
	return backend{name: "versitygw", open: v.open}, true
}

func startVersity(tb testing.TB, bin string) *versity {
	tb.Helper()
	const access, secret = "bulletin-test-key", "bulletin-test-secret"
	// The s3blob driver reads credentials the standard way, from the
	// environment; keep any real AWS configuration of the machine out.
	tb.Setenv("AWS_ACCESS_KEY_ID", access)
	tb.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	tb.Setenv("AWS_SESSION_TOKEN", "")
	tb.Setenv("AWS_PROFILE", "")
	tb.Setenv("AWS_CONFIG_FILE", filepath.Join(tb.TempDir(), "none"))
	tb.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(tb.TempDir(), "none"))
	tb.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	root := tb.TempDir()
	var out strings.Builder
	cmd := exec.Command(bin, "--access", access, "--secret", secret, "--port", addr, "--quiet", "posix", root)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	v := &versity{endpoint: "http://" + addr}
	v.client = s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(v.endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(access, secret, ""),
	})
	// Wait until it answers: a readiness poll, bounded, not a timing test.
	for i := 0; ; i++ {
		select {
		case err := <-exited:
			tb.Fatalf("versitygw exited: %v\n%s", err, out.String())
		default:
		}
		resp, err := http.Get(v.endpoint)
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 300 {
			tb.Fatalf("versitygw did not answer on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return v
}

// open creates a new bucket and opens it the way a user would: with a
// gocloud URL, the prefix passed as the URL's prefix parameter.
func (v *versity) open(tb testing.TB, prefix string) (*blob.Bucket, *blob.Bucket) {
	tb.Helper()
	ctx := context.Background()
	suffix := make([]byte, 4)
	rand.Read(suffix)
	name := "site-" + hex.EncodeToString(suffix)
	if _, err := v.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("create bucket: %v", err)
	}
	base := fmt.Sprintf("s3://%s?endpoint=%s&region=us-east-1&use_path_style=true&disable_https=true", name, v.endpoint)
	root, err := blob.OpenBucket(ctx, base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { root.Close() })
	if prefix == "" {
		return root, root
	}
	site, err := blob.OpenBucket(ctx, base+"&prefix="+prefix)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { site.Close() })
	return root, site
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
