package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
)

// benchSite writes a site shaped like a large status site: benchIncidents
// incident pages, each in its own directory, 120 reports with a chart, and a
// handful of status, feed and API files. It returns the files' keys.
func benchSite(tb testing.TB, dir string) []string {
	tb.Helper()
	var keys []string
	write := func(key, body string) {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
		keys = append(keys, key)
	}
	para := strings.Repeat("The primary database failed over to its replica; traffic resumed within minutes. ", 30)
	for i := range benchIncidents {
		write(fmt.Sprintf("incidents/2026-%05d-db-failover/index.html", i),
			fmt.Sprintf("<!doctype html><title>Incident %d</title><p>%s</p>", i, para[:1000+i%1000]))
	}
	for i := range 120 {
		month := fmt.Sprintf("reports/%d/%02d/", 2016+i/12, i%12+1)
		write(month+"index.html", "<!doctype html><title>Report</title>"+strings.Repeat(para, 10))
		write(month+"uptime.svg", `<svg xmlns="http://www.w3.org/2000/svg">`+para+`</svg>`)
	}
	write("index.html", "<!doctype html><title>Ops</title>"+para)
	write("status/index.html", "<!doctype html><title>Status</title>"+strings.Repeat(para, 50))
	write("status/feed.xml", `<?xml version="1.0"?><rss version="2.0"><channel>`+para+`</channel></rss>`)
	write("status/api/v2/summary.json", `{"page":{"id":"ops"},"status":"`+para+`"}`)
	write("css/style.3f2a9c1b.css", "body{margin:0}")
	return keys
}

const benchIncidents = 10_000

// benchChanged are the files an incident update rewrites.
var benchChanged = []string{
	"incidents/2026-09999-db-failover/index.html",
	"status/index.html",
	"status/feed.xml",
	"status/api/v2/summary.json",
	"index.html",
}

// benchFixture is a generated site published to a file:// bucket twice: the
// first run uploads everything, the second finds it all in place and
// records so in the manifest and the digest cache (the state after any run
// that found nothing to do).
type benchFixture struct {
	dir     string
	bucket  *blob.Bucket
	digests string
}

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	f := &benchFixture{dir: filepath.Join(b.TempDir(), "public"), digests: filepath.Join(b.TempDir(), "digests")}
	benchSite(b, f.dir)
	var err error
	if f.bucket, err = fileblob.OpenBucket(b.TempDir(), nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.bucket.Close() })
	p := f.publisher(b, nil)
	for range 2 {
		if _, err := p.Run(context.Background(), f.dir); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// publisher returns a publisher of the fixture, with options changed by mod.
func (f *benchFixture) publisher(b *testing.B, mod func(*Options)) *Publisher {
	b.Helper()
	opts := Options{
		MaxDeletes:  DefaultMaxDeletes,
		DigestCache: f.digests,
		// As if the site had been built a minute before: files and
		// objects changed within racyWindow of a run are not trusted.
		Now: func() time.Time { return time.Now().Add(time.Minute) },
	}
	if mod != nil {
		mod(&opts)
	}
	p, err := New(f.bucket, opts)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// benchVariants are the ways a run can find the bucket and the site:
// everything known; the site just rebuilt, so that every file is new to the
// digest cache; no manifest, so that every object's attributes are read;
// neither, as before there was either. The ones that use the manifest come
// first: the others leave it behind.
var benchVariants = []struct {
	name string
	mod  func(*Options)
}{
	{"manifest+cache", nil},
	{"manifest", func(o *Options) { o.DigestCache = "" }},
	{"cache", func(o *Options) { o.NoManifest = true }},
	{"neither", func(o *Options) { o.DigestCache, o.NoManifest = "", true }},
}

// BenchmarkPlan plans a publish of ~10k files none of which changed.
func BenchmarkPlan(b *testing.B) {
	f := newBenchFixture(b)
	for _, v := range benchVariants {
		b.Run(v.name, func(b *testing.B) {
			p := f.publisher(b, v.mod)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				plan, err := p.Plan(ctx, f.dir)
				if err != nil {
					b.Fatal(err)
				}
				if len(plan.Uploads) != 0 {
					b.Fatalf("%d uploads planned, want none", len(plan.Uploads))
				}
			}
		})
	}
}

// BenchmarkRun publishes ~10k files of which five changed since the last
// run, as after an incident update.
func BenchmarkRun(b *testing.B) {
	f := newBenchFixture(b)
	for _, v := range benchVariants {
		b.Run(v.name, func(b *testing.B) {
			p := f.publisher(b, v.mod)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				for _, k := range benchChanged {
					w, err := os.OpenFile(filepath.Join(f.dir, filepath.FromSlash(k)), os.O_APPEND|os.O_WRONLY, 0)
					if err != nil {
						b.Fatal(err)
					}
					fmt.Fprintf(w, "<!-- %s update %d -->", v.name, i)
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				sum, err := p.Run(ctx, f.dir)
				if err != nil {
					b.Fatal(err)
				}
				if sum.Uploaded != len(benchChanged) {
					b.Fatalf("uploaded %d, want %d", sum.Uploaded, len(benchChanged))
				}
			}
		})
	}
}
