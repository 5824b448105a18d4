package cli

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"

	"github.com/bulletin-dev/bulletin/internal/publish/s3test"
)

// TestStatusSitePublishesToItsOwnBucket: the example site with
// status.base_url set builds its status side as a site of its own and
// publishes it to a bucket of its own, at the bucket's root, as a
// Statuspage page is served: /index.html is the status page, the JSON API
// is at /api/v2/ (with CORS, as Statuspage sends it), incident pages at
// /incidents/. The main site's bucket gets the rest, and at status/ only a
// page sending readers to the status site. A second publish of each
// uploads nothing.
func TestStatusSitePublishesToItsOwnBucket(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	srv := s3test.Start(t)
	mainURL, statusURL := srv.NewBucket(t), srv.NewBucket(t)
	cfg, err := os.ReadFile("../../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(cfg)
	src = strings.Replace(src, "[status]\n", "[status]\nbase_url = \"https://status.orbit.example/\"\n", 1)
	src = regexp.MustCompile(`(?s)\[publish\.targets\.production\].*`).ReplaceAllString(src,
		"[publish.targets.production]\nurl = \""+mainURL+"\"\n\n[publish.targets.status]\nurl = \""+statusURL+"\"\nsite = \"status\"\n")
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(config, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	ciRun := ciRunner(t)
	run := func(args ...string) string {
		t.Helper()
		return ciRun(append(args, "--source", "../..", "--config", config)...)
	}
	if got := run("build", "-o", out, "--no-cache"); !strings.Contains(got, "the status site for https://status.orbit.example/ is in "+filepath.Join(out, "_status")) {
		t.Errorf("build does not say where the status site is:\n%s", got)
	}
	metrics := filepath.Join(dir, "bulletin.prom")
	run("publish", "--dir", out, "--target", "status,production", "-q", "--metrics-file", metrics)
	if m := readFile(t, metrics); !strings.Contains(m, `bulletin_publish_last_success_timestamp_seconds{target="status"}`) ||
		!strings.Contains(m, `bulletin_publish_last_success_timestamp_seconds{target="production"}`) {
		t.Errorf("the metrics file lacks one of the two targets:\n%s", m)
	}

	ctx := context.Background()
	keys := func(u string) map[string]bool {
		b, err := blob.OpenBucket(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		got := map[string]bool{}
		it := b.List(nil)
		for {
			obj, err := it.Next(ctx)
			if err == io.EOF {
				return got
			}
			if err != nil {
				t.Fatal(err)
			}
			got[obj.Key] = true
		}
	}
	status, main := keys(statusURL), keys(mainURL)
	for _, k := range []string{"index.html", "api/v2/summary.json", "api/v2/components.json", "incidents/2026-10-14-dns-resolution-failing/index.html",
		"history/index.html", "components/web/index.html", "feed.xml", "404.html", "sitemap.xml"} {
		if !status[k] {
			t.Errorf("the status bucket has no %s", k)
		}
	}
	for k := range status {
		if strings.HasPrefix(k, "_status/") || strings.HasPrefix(k, "status/") || strings.HasPrefix(k, "reports/") {
			t.Errorf("the status bucket has %s", k)
		}
	}
	for k := range main {
		if strings.HasPrefix(k, "_status/") || strings.HasPrefix(k, "incidents/") || k != "status/index.html" && strings.HasPrefix(k, "status/") {
			t.Errorf("the main bucket has %s", k)
		}
	}
	if !main["index.html"] || !main["reports/2026/10/index.html"] || !main["status/index.html"] {
		t.Errorf("the main bucket lacks its pages: %d objects", len(main))
	}

	// Read as a Statuspage client does, /api/v2/summary.json at the root,
	// and as a widget on another origin's page may: CORS allows it.
	name := strings.TrimPrefix(strings.SplitN(statusURL, "?", 2)[0], "s3://")
	obj, err := srv.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(name), Key: aws.String("api/v2/summary.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Body.Close()
	var summary struct {
		Page struct {
			URL string `json:"url"`
		} `json:"page"`
		Components []struct {
			Name, Status string
		} `json:"components"`
	}
	if err := json.NewDecoder(obj.Body).Decode(&summary); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if summary.Page.URL != "https://status.orbit.example/" || len(summary.Components) == 0 {
		t.Errorf("summary.json: page.url %q, %d components", summary.Page.URL, len(summary.Components))
	}
	if got := aws.ToString(obj.CacheControl); got != "public, max-age=30" {
		t.Errorf("summary.json Cache-Control %q", got)
	}
	h := srv.Preflight(t, name, "api/v2/summary.json", "https://widgets.example.com")
	if got := h.Get("Access-Control-Allow-Origin"); got == "" {
		t.Errorf("a preflight from another origin got no Access-Control-Allow-Origin (headers %v)", h)
	}

	for _, target := range []string{"status", "production"} {
		if got := run("publish", "--dir", out, "--target", target); !strings.Contains(got, "uploaded 0 (") {
			t.Errorf("second publish of %s uploaded something:\n%s", target, got)
		}
	}
}
