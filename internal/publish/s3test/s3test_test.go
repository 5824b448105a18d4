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
