package publish

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/bulletin-dev/bulletin/internal/publish/s3test"
)

// TestPublishSetsCORS: with publish.cors_origins, a publish to an S3
// bucket (versitygw) sets one read-only CORS rule on it, so that a
// browser's preflight from another origin is answered as Statuspage
// answers its API's; a second publish leaves it alone, and a bucket left
// without cors_origins keeps no CORS configuration.
func TestPublishSetsCORS(t *testing.T) {
	srv := s3test.Start(t)
	ctx := context.Background()
	bucketURL := srv.NewBucket(t)
	u, err := url.Parse(bucketURL)
	if err != nil {
		t.Fatal(err)
	}
	name := u.Host

	preflight := func() http.Header {
		t.Helper()
		return srv.Preflight(t, name, "status/index.html", "https://widgets.example.com")
	}

	// Without cors_origins the bucket has none.
	s, _, _ := newSiteFixture(t, "")
	if _, err := s.Publish(ctx, Request{Dir: "public", To: bucketURL}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(name)}); err == nil {
		t.Error("a publish without cors_origins set a CORS configuration")
	}
	if got := preflight().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("before cors_origins, a preflight got Access-Control-Allow-Origin %q", got)
	}

	var log bytes.Buffer
	s, _, _ = newSiteFixture(t, "cors_origins = [\"*\"]\n")
	s.opts.Log = &log
	for round := 1; round <= 2; round++ {
		log.Reset()
		if _, err := s.Publish(ctx, Request{Dir: "public", To: bucketURL}); err != nil {
			t.Fatalf("publish %d: %v", round, err)
		}
		said := strings.Contains(log.String(), "CORS set")
		if said != (round == 1) {
			t.Errorf("publish %d: log %q; want a CORS line on the first publish only", round, log.String())
		}
	}
	got, err := srv.Client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatalf("the bucket has no CORS configuration: %v", err)
	}
	if len(got.CORSRules) != 1 || !sameRule(got.CORSRules[0], corsRule([]string{"*"})) {
		t.Errorf("CORS rules %+v, want one read-only rule for *", got.CORSRules)
	}
	h := preflight()
	if got := h.Get("Access-Control-Allow-Origin"); got != "*" && got != "https://widgets.example.com" {
		t.Errorf("a preflight from another origin got Access-Control-Allow-Origin %q (headers %v)", got, h)
	}
	if got := h.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "GET") || strings.Contains(got, "PUT") {
		t.Errorf("Access-Control-Allow-Methods %q, want GET and HEAD only", got)
	}
}

// TestCORSOnOtherClouds: a target whose cloud keeps CORS outside the
// bucket API is refused before anything is uploaded, and a file:// target
// needs nothing.
func TestCORSOnOtherClouds(t *testing.T) {
	for _, tt := range []struct {
		url, want string
	}{
		{"gs://bucket", "bulletin sets CORS on s3:// buckets only; set it on this gs:// bucket"},
		{"azblob://container", "bulletin sets CORS on s3:// buckets only; set it on this azblob:// bucket"},
		{"file:///tmp/x", ""},
	} {
		changed, err := ApplyCORS(context.Background(), nil, tt.url, []string{"*"})
		if changed || (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, %v; want %q", tt.url, changed, err, tt.want)
		}
	}
}
