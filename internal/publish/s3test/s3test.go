// Package s3test runs a real S3-compatible server (versitygw with a posix
// backend) on 127.0.0.1 for the duration of a test.
//
// The binary comes from PATH or from $(go env GOPATH)/bin, where
// `go install github.com/versity/versitygw/cmd/versitygw@<Version>` puts it
// (.ci/run does). Without it the test is skipped, unless CI=true, where it
// fails: CI must run these tests.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Version is the versitygw release the tests run against; .ci/versitygw.version
// holds the same string for CI to install; a test pins it here.
const Version = "v1.8.0"

// Credentials the server is started with.
const (
	AccessKey = "bulletin-test-key"
	SecretKey = "bulletin-test-secret"
)

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's base URL, "http://127.0.0.1:PORT".
	Endpoint string
	// Client talks to the server directly, for checks beneath gocloud.
	Client *s3.Client
}

// Binary finds the versitygw binary, or returns "" when it is not installed.
func Binary() string {
	if bin, err := exec.LookPath("versitygw"); err == nil {
		return bin
	}
	if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		cand := filepath.Join(strings.TrimSpace(string(gp)), "bin", "versitygw")
		if _, err := os.Stat(cand); err == nil {
			return cand
		}
	}
	return ""
}

// Require returns the versitygw binary. When it is missing it skips tb, or
// fails it under CI=true.
func Require(tb testing.TB) string {
	tb.Helper()
	bin := Binary()
	if bin == "" {
		msg := "versitygw not installed: go install github.com/versity/versitygw/cmd/versitygw@" + Version
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return bin
}

// Start starts versitygw for the duration of tb, skipping (or failing under
// CI) when it is not installed. It points the AWS SDK's standard
// environment at the server's credentials, so gocloud's s3blob driver
// opens buckets the way it would for a user, and keeps any real AWS
// configuration of the machine out.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := Require(tb)
	tb.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	tb.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
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
	cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--port", addr, "--quiet", "posix", root)
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

	s := &Server{Endpoint: "http://" + addr}
	s.Client = s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
	})
	// Wait until it answers: a bounded readiness poll, not a timing test.
	for i := 0; ; i++ {
		select {
		case err := <-exited:
			tb.Fatalf("versitygw exited: %v\n%s", err, out.String())
		default:
		}
		resp, err := http.Get(s.Endpoint)
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 300 {
			tb.Fatalf("versitygw did not answer on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// NewBucket creates an empty bucket with a random name and returns its
// gocloud.dev/blob URL (without a prefix parameter).
func (s *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		tb.Fatal(err)
	}
	name := "site-" + hex.EncodeToString(suffix)
	if _, err := s.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("create bucket: %v", err)
	}
	return fmt.Sprintf("s3://%s?endpoint=%s&region=us-east-1&use_path_style=true&disable_https=true", name, s.Endpoint)
}

// Preflight sends the CORS preflight a browser on origin sends before it
// GETs key of bucket (a bucket name, not a URL), and returns the response's
// headers.
func (s *Server) Preflight(tb testing.TB, bucket, key, origin string) http.Header {
	tb.Helper()
	req, err := http.NewRequest(http.MethodOptions, s.Endpoint+"/"+bucket+"/"+key, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header
}

// Through serves the server's S3 API on another 127.0.0.1 port through mw,
// for tests that count or disturb requests, and returns bucketURL (from
// NewBucket) pointed at it. The proxy keeps the Host header the client
// signed.
func (s *Server) Through(tb testing.TB, bucketURL string, mw func(http.Handler) http.Handler) string {
	tb.Helper()
	target, err := url.Parse(s.Endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	proxy := httptest.NewServer(mw(httputil.NewSingleHostReverseProxy(target)))
	tb.Cleanup(proxy.Close)
	return strings.Replace(bucketURL, "endpoint="+s.Endpoint, "endpoint="+proxy.URL, 1)
}
