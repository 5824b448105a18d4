package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// cloudModules are what previewing a site never calls and a fresh machine
// would spend minutes downloading and compiling: the bucket drivers of
// publish and the clients of collect.
var cloudModules = []string{"gocloud.dev", "github.com/aws/", "cloud.google.com/", "github.com/Azure/", "google.golang.org/api", "google.golang.org/grpc",
	"github.com/google/go-github/", "github.com/prometheus/client_golang", "google.golang.org/protobuf", "golang.org/x/oauth2"}

// deps lists the packages the bulletin binary links with these go build
// flags.
func deps(tb testing.TB, flags ...string) []string {
	tb.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("go is not on PATH")
		}
		tb.Skip("go is not on PATH")
	}
	args := append(append([]string{"list", "-deps"}, flags...), ".")
	out, err := exec.Command(goBin, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}

// TestPreviewBinaryLeavesOutClouds: the binary `make run` builds
// (-tags preview) links no object storage code, while the full one still
// has every bucket kind publish documents.
func TestPreviewBinaryLeavesOutClouds(t *testing.T) {
	for _, p := range deps(t, "-tags", "preview") {
		for _, m := range cloudModules {
			if strings.HasPrefix(p, m) {
				t.Errorf("the preview binary links %s", p)
			}
		}
	}
	full := strings.Join(deps(t), "\n") + "\n"
	for _, p := range []string{"gocloud.dev/blob/s3blob", "gocloud.dev/blob/gcsblob", "gocloud.dev/blob/azureblob", "gocloud.dev/blob/fileblob",
		"github.com/bulletin-dev/bulletin/collectors/github", "github.com/bulletin-dev/bulletin/collectors/prometheus"} {
		if !strings.Contains(full, "\n"+p+"\n") {
			t.Errorf("the full binary does not link %s", p)
		}
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "build -tags preview") {
		t.Error("make run does not build the preview binary (-tags preview)")
	}
}
