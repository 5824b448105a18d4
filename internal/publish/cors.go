package publish

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"gocloud.dev/blob"
)

// CORS: pages on other origins may read the published files from a
// browser (a status widget reading the Statuspage JSON API). Object stores
// keep this as bucket configuration, not as headers of each object, so a
// publish sets it on the bucket; `bulletin serve` sends the same headers.

// corsMaxAge is how long browsers may keep a preflight's answer, in seconds.
const corsMaxAge = 3600

// corsRule is the bucket's one rule for origins: read-only, any object.
func corsRule(origins []string) s3types.CORSRule {
	return s3types.CORSRule{
		ID:             aws.String("bulletin"),
		AllowedMethods: []string{"GET", "HEAD"},
		AllowedOrigins: slices.Clone(origins),
		AllowedHeaders: []string{"*"},
		ExposeHeaders:  []string{"ETag", "Last-Modified"},
		MaxAgeSeconds:  aws.Int32(corsMaxAge),
	}
}

// ApplyCORS makes the bucket at bucketURL answer browsers on origins (see
// config.Publish.CORSOrigins) and reports whether it changed anything. An
// S3 bucket gets one read-only CORS rule, replacing its CORS configuration
// when that differs; a file:// or mem:// bucket has no HTTP to configure.
// Other clouds keep CORS outside the bucket API bulletin uses (GCS bucket
// metadata, Azure account properties): they get an error saying so, before
// anything is uploaded. No origins leaves the bucket as it is.
func ApplyCORS(ctx context.Context, bucket *blob.Bucket, bucketURL string, origins []string) (bool, error) {
	if len(origins) == 0 {
		return false, nil
	}
	u, err := url.Parse(bucketURL)
	if err != nil {
		return false, fmt.Errorf("cors: %w", err)
	}
	switch u.Scheme {
	case "file", "mem":
		return false, nil
	case "s3":
	default:
		return false, fmt.Errorf("publish.cors_origins: bulletin sets CORS on s3:// buckets only; set it on this %s:// bucket with its cloud's tools (gsutil cors set, az storage cors add), or remove cors_origins", u.Scheme)
	}
	var client *s3.Client
	if !bucket.As(&client) {
		return false, errors.New("cors: the s3 driver gave no client")
	}
	want := corsRule(origins)
	got, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(u.Host)})
	var apiErr smithy.APIError
	switch {
	case err == nil:
		if len(got.CORSRules) == 1 && sameRule(got.CORSRules[0], want) {
			return false, nil
		}
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchCORSConfiguration":
	default:
		return false, fmt.Errorf("read the bucket's CORS configuration: %w", err)
	}
	_, err = client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket:            aws.String(u.Host),
		CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{want}},
	})
	if err != nil {
		return false, fmt.Errorf("set the bucket's CORS configuration: %w", err)
	}
	return true, nil
}

// sameRule reports whether two CORS rules allow the same, in any order.
func sameRule(a, b s3types.CORSRule) bool {
	set := func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	}
	return slices.Equal(set(a.AllowedMethods), set(b.AllowedMethods)) &&
		slices.Equal(set(a.AllowedOrigins), set(b.AllowedOrigins)) &&
		slices.Equal(set(a.AllowedHeaders), set(b.AllowedHeaders)) &&
		slices.Equal(set(a.ExposeHeaders), set(b.ExposeHeaders)) &&
		aws.ToInt32(a.MaxAgeSeconds) == aws.ToInt32(b.MaxAgeSeconds)
}
