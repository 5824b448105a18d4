package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/snapshot"
)

func TestChooseTarget(t *testing.T) {
	two := config.Publish{Targets: map[string]config.Target{
		"production": {URL: "s3://site"},
		"staging":    {URL: "s3://site?prefix=staging/"},
	}}
	withDefault := two
	withDefault.Default = "production"
	one := config.Publish{Targets: map[string]config.Target{"only": {URL: "gs://only"}}}
	for _, tt := range []struct {
		name       string
		pc         config.Publish
		target, to string
		wantName   string
		wantURL    string
		wantErr    string
	}{
		{name: "--to, labelled without its query", pc: two, to: "s3://other?region=eu-west-1", wantName: "s3://other", wantURL: "s3://other?region=eu-west-1"},
		{name: "--target", pc: withDefault, target: "staging", wantName: "staging", wantURL: "s3://site?prefix=staging/"},
		{name: "default", pc: withDefault, wantName: "production", wantURL: "s3://site"},
		{name: "the only target", pc: one, wantName: "only", wantURL: "gs://only"},
		{name: "both", pc: two, target: "production", to: "s3://x", wantErr: "give --target or --to, not both"},
		{name: "credentials in --to", pc: two, to: "s3://key:secret@bucket", wantErr: "--to: the URL must not hold credentials; they come from the environment"},
		{name: "unknown target", pc: two, target: "nope", wantErr: `unknown target "nope" (configured: production, staging)`},
		{name: "no default among two", pc: two, wantErr: "no target: give --target NAME (configured: production, staging) or --to URL, or set publish.default"},
		{name: "none configured", wantErr: "no target: give --target NAME (none configured) or --to URL, or set publish.default"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name, u, err := chooseTarget(tt.pc, tt.target, tt.to)
			if tt.wantErr != "" {
				var re *RequestError
				if !errors.As(err, &re) || re.Msg != tt.wantErr {
					t.Fatalf("error %v, want a RequestError saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || name != tt.wantName || u != tt.wantURL {
				t.Errorf("got %q, %q, %v; want %q, %q", name, u, err, tt.wantName, tt.wantURL)
			}
		})
	}
}

func TestNestedTargets(t *testing.T) {
	pc := config.Publish{Targets: map[string]config.Target{
		"production": {URL: "s3://site"},
		"staging":    {URL: "s3://site/?prefix=staging/"},
		"preview":    {URL: "s3://site?prefix=staging/preview/&region=eu"},
		"elsewhere":  {URL: "s3://other?prefix=staging/"},
	}}
	for _, tt := range []struct {
		bucketURL string
		want      []string
	}{
		{"s3://site", []string{"staging/preview/", "staging/"}},
		{"s3://site?prefix=staging/", []string{"preview/"}},
		{"s3://site?prefix=staging/preview/", nil},
		{"s3://third", nil},
	} {
		got, err := nestedTargets(pc, tt.bucketURL)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, %v; want %q", tt.bucketURL, got, err, tt.want)
		}
	}
}

// newSiteFixture is a site directory with a built public/ and a
// configured file:// target, both in temporary directories.
func newSiteFixture(tb testing.TB, extraPublish string) (s *Site, dir, bucket string) {
	tb.Helper()
	dir, bucket = tb.TempDir(), tb.TempDir()
	src := "title = \"Ops\"\nbase_url = \"https://ops.example.org/\"\n\n[publish]\n" + extraPublish +
		"\n[publish.targets.production]\nurl = \"file://" + filepath.ToSlash(bucket) + "\"\n"
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), []byte(src), "production")
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range map[string]string{
		"public/index.html":        "<!doctype html><title>Ops</title>",
		"public/status/index.html": "<!doctype html><title>Status</title>",
		"public/index.xml":         `<?xml version="1.0"?><rss version="2.0"></rss>`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	now := func() time.Time { return time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) }
	return NewSite(SiteOptions{Config: cfg, Dir: dir, Owner: "ops", Now: now}), dir, bucket
}

func TestSitePublish(t *testing.T) {
	ctx := context.Background()
	intp := func(n int) *int { return &n }

	t.Run("bad requests change nothing", func(t *testing.T) {
		s, dir, bucket := newSiteFixture(t, "")
		for _, tt := range []struct {
			req  Request
			want string
		}{
			{Request{Dir: "public", MaxDeletes: intp(-1)}, "--max-deletes must not be negative"},
			{Request{Dir: "public", Workers: intp(0)}, "--workers must be at least 1"},
			{Request{Dir: "public", Target: "nope"}, `unknown target "nope" (configured: production)`},
		} {
			res, err := s.Publish(ctx, tt.req)
			var re *RequestError
			if res != nil || !errors.As(err, &re) || re.Msg != tt.want {
				t.Errorf("%+v: %+v, %v; want a RequestError saying %q", tt.req, res, err, tt.want)
			}
		}
		if entries, _ := os.ReadDir(bucket); len(entries) != 0 {
			t.Errorf("bad requests wrote to the bucket: %v", entries)
		}
		if _, err := os.Stat(filepath.Join(dir, ".cache")); !os.IsNotExist(err) {
			t.Errorf("bad requests made .cache: %v", err)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		s, _, bucket := newSiteFixture(t, "")
		res, err := s.Publish(ctx, Request{Dir: "public", DryRun: true})
		if err != nil || res.Target != "production" || res.Plan == nil || len(res.Plan.Uploads) != 3 || res.Done {
			t.Fatalf("%+v, %v; want a plan of 3 uploads to production", res, err)
		}
		if entries, _ := os.ReadDir(bucket); len(entries) != 0 {
			t.Errorf("dry run wrote to the bucket: %v", entries)
		}
	})

	t.Run("metrics with the live checks' state", func(t *testing.T) {
		s, dir, _ := newSiteFixture(t, "metrics_file = \"bulletin.prom\"\n")
		checked := time.Date(2026, 11, 1, 5, 59, 0, 0, time.UTC)
		live := &snapshot.Live{CheckedAt: checked, LastCheck: checked, Components: []snapshot.LiveComponent{
			{Component: "api", Status: "operational", Since: checked},
			{Component: "web", Status: "major_outage", Since: checked, Signal: "probes failing"},
		}}
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := snapshot.WriteLive(filepath.Join(dir, "data"), live); err != nil {
			t.Fatal(err)
		}
		res, err := s.Publish(ctx, Request{Dir: "public"})
		if err != nil || !res.Done || res.Summary.Uploaded != 3 || res.Plan != nil {
			t.Fatalf("%+v, %v; want 3 uploads, done", res, err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "bulletin.prom"))
		if err != nil {
			t.Fatalf("the config's metrics file, relative to the site: %v", err)
		}
		for _, want := range []string{
			`bulletin_publish_objects_uploaded{target="production"} 3`,
			`bulletin_live_components_detected{target="production"} 1`,
		} {
			if !strings.Contains(string(b), want) {
				t.Errorf("metrics lack %q:\n%s", want, b)
			}
		}
	})

	t.Run("delete cap", func(t *testing.T) {
		s, dir, bucket := newSiteFixture(t, "max_deletes = 0\n")
		if _, err := s.Publish(ctx, Request{Dir: "public"}); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, "public", "index.xml")); err != nil {
			t.Fatal(err)
		}
		res, err := s.Publish(ctx, Request{Dir: "public", DryRun: true})
		var ce *DeleteCapError
		if !errors.As(err, &ce) || res == nil || res.Plan == nil || !slices.Equal(res.Plan.Deletes, []string{"index.xml"}) {
			t.Errorf("dry run: %+v, %v; want the plan and a DeleteCapError", res, err)
		}
		res, err = s.Publish(ctx, Request{Dir: "public"})
		if !errors.As(err, &ce) || res == nil || res.Done {
			t.Errorf("run: %+v, %v; want a DeleteCapError, not done", res, err)
		}
		if _, err := os.Stat(filepath.Join(bucket, "index.xml")); err != nil {
			t.Errorf("deleted although refused: %v", err)
		}
		if res, err = s.Publish(ctx, Request{Dir: "public", MaxDeletes: intp(1)}); err != nil || res.Summary.Deleted != 1 {
			t.Errorf("a request's cap over the config's: %+v, %v", res, err)
		}
	})
}
