package s3test

import (
	"os"
	"strings"
	"testing"
)

// CI installs the version named in .ci/versitygw.version; the tests must
// pin the same one.
func TestVersionMatchesCI(t *testing.T) {
	b, err := os.ReadFile("../../../.ci/versitygw.version")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != Version {
		t.Errorf(".ci/versitygw.version = %q, s3test.Version = %q", got, Version)
	}
}

// TestStartKeepsSDKLocal: after Start the AWS SDK finds the test server's
// credentials and never asks the EC2 metadata address for others.
func TestStartKeepsSDKLocal(t *testing.T) {
	s := Start(t)
	if got := os.Getenv("AWS_EC2_METADATA_DISABLED"); got != "true" {
		t.Errorf("AWS_EC2_METADATA_DISABLED = %q, want true", got)
	}
	if got := os.Getenv("AWS_ACCESS_KEY_ID"); got != AccessKey {
		t.Errorf("AWS_ACCESS_KEY_ID = %q, want the server's", got)
	}
	if !strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") {
		t.Errorf("endpoint %s is not on 127.0.0.1", s.Endpoint)
	}
}
