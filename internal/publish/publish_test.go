package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
)

// scenario is one publish story, run against every bucket kind.
type scenario struct {
	name string
	// prefix, when set, publishes under this key prefix of the bucket.
	prefix string
	run    func(t *testing.T, e *env)
}

var (
	errInjected = errors.New("injected upload failure")
	yes         = true
)

func scenarios() []scenario {
	return []scenario{
		{name: "first publish uploads everything", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			if got := e.log.String(); !strings.Contains(got, "upload index.html (") {
				t.Errorf("verbose log lacks a line for index.html:\n%s", got)
			}
		}},
		{name: "second publish uploads nothing", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			e.rec.reset()
			e.mustPublish(Summary{Unchanged: n})
			if up := e.rec.uploaded(); len(up) != 0 {
				t.Errorf("uploaded %v, want nothing", up)
			}
		}},
		{name: "one changed file uploads only it", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			// Same size, different bytes: only the MD5 tells.
			e.write("reports/2026/10/index.html", strings.Replace(baseSite()["reports/2026/10/index.html"], "99.95", "99.94", 1))
			e.rec.reset()
			e.mustPublish(Summary{Uploaded: 1, Unchanged: n - 1, Bytes: e.size("reports/2026/10/index.html")})
			if got := e.rec.uploaded(); !slices.Equal(got, []string{"reports/2026/10/index.html"}) {
				t.Errorf("uploaded %v", got)
			}
			e.write("status/index.html", `<!doctype html><title>Status</title><p>Partial outage: API</p>`)
			e.mustPublish(Summary{Uploaded: 1, Unchanged: n - 1, Bytes: e.size("status/index.html")})
		}},
		{name: "header rule change re-uploads the affected files", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			longer := func(o *Options) {
				o.Rules = mustRules(t, append(DefaultRules("/status/"), Rule{Pattern: "reports/**", CacheControl: "public, max-age=86400"}))
			}
			reports := []string{"reports/2026/09/index.html", "reports/2026/10/index.html", "reports/2026/10/uptime.svg"}
			e.mustPublish(Summary{Uploaded: 3, Unchanged: n - 3, Bytes: e.size(reports...)}, longer)
			// gzip changes Content-Encoding and the bytes stored; the
			// compressed stream is deterministic, so a rerun is a no-op.
			gz := func(o *Options) {
				o.Rules = mustRules(t, append(DefaultRules("/status/"),
					Rule{Pattern: "reports/**", CacheControl: "public, max-age=86400"},
					Rule{Pattern: "*.{html,css}", Gzip: &yes}))
			}
			got, err := e.publish(gz)
			if err != nil {
				t.Fatal(err)
			}
			const htmlAndCSS = 10
			if got.Uploaded != htmlAndCSS || got.Unchanged != n-htmlAndCSS || got.Deleted != 0 {
				t.Errorf("gzip rule: summary %+v, want %d uploads", got, htmlAndCSS)
			}
			e.assertMirror(e.publisher(gz).rules)
			e.mustPublish(Summary{Unchanged: n}, gz)
		}},
		{name: "deleted page is deleted", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			e.remove("reports/2026/09/index.html")
			e.mustPublish(Summary{Unchanged: n - 1, Deleted: 1})
		}},
		{name: "delete cap stops a run that would wipe the site", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			for k := range baseSite() {
				if k != "index.html" {
					e.remove(k)
				}
			}
			e.write("index.html", "<!doctype html><title>Oops</title>")
			before := e.snapshot()
			e.rec.reset()
			_, err := e.publish(func(o *Options) { o.MaxDeletes = 5 })
			var capErr *DeleteCapError
			if !errors.As(err, &capErr) || capErr.Deletes != n-1 || capErr.Max != 5 {
				t.Fatalf("err = %v, want a DeleteCapError for %d deletes", err, n-1)
			}
			e.assertUnchanged(before)
			if up := e.rec.uploaded(); len(up) != 0 {
				t.Errorf("uploaded %v before refusing", up)
			}
			e.mustPublish(Summary{Uploaded: 1, Deleted: n - 1, Bytes: e.size("index.html")},
				func(o *Options) { o.MaxDeletes = 5; o.Force = true })
		}},
		{name: "empty directory is refused", run: func(t *testing.T, e *env) {
			e.mustPublish(Summary{Uploaded: len(baseSite()), Bytes: e.size()})
			for k := range baseSite() {
				e.remove(k)
			}
			before := e.snapshot()
			_, err := e.publish(func(o *Options) { o.Force = true })
			if !errors.Is(err, ErrEmptySite) {
				t.Fatalf("err = %v, want ErrEmptySite", err)
			}
			e.assertUnchanged(before)
		}},
		{name: "upload failure part-way keeps old pages and a re-run converges", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			oldHome, oldStatus := e.read("index.html"), e.read("status/index.html")
			changed := []string{"css/print.css", "reports/2026/10/index.html", "index.html", "status/index.html"}
			for _, k := range changed {
				e.write(k, baseSite()[k]+"<!-- v2 -->")
			}
			e.remove("reports/2026/09/index.html")
			var attempts int
			e.rec.setHook(func(key string) error {
				if key == "reports/2026/10/index.html" {
					attempts++
					return errInjected
				}
				return nil
			})
			sum, err := e.publish()
			if !errors.Is(err, errInjected) {
				t.Fatalf("err = %v, want the injected failure", err)
			}
			if attempts != 3 {
				t.Errorf("the failing upload was tried %d times, want 3", attempts)
			}
			if want := (Summary{Uploaded: 1, Unchanged: n - 1 - len(changed), Bytes: e.size("css/print.css")}); sum != want {
				t.Errorf("summary = %+v, want %+v", sum, want)
			}
			if e.read("css/print.css") != baseSite()["css/print.css"]+"<!-- v2 -->" {
				t.Error("the assets phase did not complete")
			}
			if e.read("index.html") != oldHome || e.read("status/index.html") != oldStatus {
				t.Error("home or status page replaced although an earlier phase failed")
			}
			if !e.exists("reports/2026/09/index.html") {
				t.Error("deleted a page although the run failed")
			}
			if e.exists(LockKey) {
				t.Error("a failed run left its lock behind")
			}
			e.rec.setHook(nil)
			e.mustPublish(Summary{Uploaded: 3, Unchanged: n - 4, Deleted: 1, Bytes: e.size(changed[1:]...)})
		}},
		{name: "transient errors are retried", run: func(t *testing.T, e *env) {
			failed := map[string]bool{}
			var mu sync.Mutex
			e.rec.setHook(func(key string) error {
				mu.Lock()
				defer mu.Unlock()
				if !failed[key] {
					failed[key] = true
					return fmt.Errorf("connection reset by peer")
				}
				return nil
			})
			e.mustPublish(Summary{Uploaded: len(baseSite()), Bytes: e.size()})
		}},
		{name: "phases run in order", run: func(t *testing.T, e *env) {
			e.mustPublish(Summary{Uploaded: len(baseSite()), Bytes: e.size()}, func(o *Options) { o.Workers = 3 })
			assertPhaseOrder(t, e.rec.events, []string{
				"css/style.3f2a9c1b.css", "css/print.css", "img/logo.svg", "reports/2026/10/uptime.svg", "robots.txt",
			}, []string{
				"404.html", "reports/2026/09/index.html", "reports/2026/10/index.html", "incidents/db-outage/index.html", "errors/503.html",
			}, []string{
				"index.html", "status/index.html", "status/history/index.html",
			}, []string{
				"index.xml", "atom.xml", "feed.json", "sitemap.xml", "api/v2/summary.json",
			})
		}},
		{name: "concurrent second publish is refused", run: func(t *testing.T, e *env) {
			held, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			// Hold every upload of the first publish until released.
			e.rec.setHook(func(string) error {
				once.Do(func() { close(held) })
				<-release
				return nil
			})
			first := make(chan error, 1)
			go func() {
				_, err := e.publish(func(o *Options) { o.Host, o.PID = "cron-1", 4242 })
				first <- err
			}()
			<-held
			before := e.snapshot()
			_, err := e.publish(func(o *Options) { o.Host, o.PID = "laptop", 77 })
			var le *LockedError
			if !errors.As(err, &le) {
				t.Fatalf("second publish: err = %v, want a LockedError", err)
			}
			if le.Lock.Host != "cron-1" || le.Lock.PID != 4242 {
				t.Errorf("lock names %s pid %d, want cron-1 pid 4242", le.Lock.Host, le.Lock.PID)
			}
			if msg := err.Error(); !strings.Contains(msg, "target locked by host cron-1 (pid 4242, test) since ") || !strings.Contains(msg, "--force-unlock") {
				t.Errorf("message %q", msg)
			}
			e.assertUnchanged(before)
			close(release)
			if err := <-first; err != nil {
				t.Fatalf("first publish: %v", err)
			}
			e.rec.setHook(nil)
			e.mustPublish(Summary{Unchanged: len(baseSite())})
		}},
		{name: "simultaneous lock attempts have one winner", run: func(t *testing.T, e *env) {
			if e.backend.racyCreate {
				t.Skip("conditional create is check-then-write in this store; see docs/publishing.md")
			}
			const n = 6
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, n)
			locks := make([]*lock, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					p := e.publisher(func(o *Options) { o.PID = 1000 + i; o.Host = fmt.Sprintf("host-%d", i) })
					<-start
					locks[i], errs[i] = p.acquire(context.Background())
				}()
			}
			close(start)
			wg.Wait()
			var won int
			for i, err := range errs {
				var le *LockedError
				switch {
				case err == nil:
					won++
					if err := locks[i].release(context.Background()); err != nil {
						t.Error(err)
					}
				case errors.As(err, &le):
				default:
					t.Errorf("attempt %d: %v", i, err)
				}
			}
			if won != 1 {
				t.Errorf("%d publishes took the lock, want exactly 1", won)
			}
			if e.exists(LockKey) {
				t.Error("lock left behind")
			}
		}},
		{name: "the store refuses a second conditional create", run: func(t *testing.T, e *env) {
			// The lock's race-freedom rests on this.
			ctx := context.Background()
			opts := &blob.WriterOptions{IfNotExist: true}
			if err := e.site.WriteAll(ctx, LockKey, []byte("first"), opts); err != nil {
				t.Fatal(err)
			}
			err := e.site.WriteAll(ctx, LockKey, []byte("second"), opts)
			if !isConflict(err) {
				t.Errorf("second conditional write: err = %v, want a precondition failure", err)
			}
			if got := e.read(LockKey); got != "first" {
				t.Errorf("lock holds %q, want the first write", got)
			}
			if err := e.site.Delete(ctx, LockKey); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "stale lock is taken over", run: func(t *testing.T, e *env) {
			ctx := context.Background()
			old := time.Now().Add(-2 * time.Hour)
			if err := e.site.WriteAll(ctx, LockKey, []byte(lockJSON("old-host", 42, old, old.Add(15*time.Minute))), nil); err != nil {
				t.Fatal(err)
			}
			e.mustPublish(Summary{Uploaded: len(baseSite()), Bytes: e.size()})
			if !strings.Contains(e.log.String(), "taking over stale lock held by host old-host (pid 42, other)") {
				t.Errorf("no takeover notice in:\n%s", e.log.String())
			}
		}},
		{name: "live lock is kept unless forced", run: func(t *testing.T, e *env) {
			ctx := context.Background()
			now := time.Now()
			lk := lockJSON("busy-host", 7, now, now.Add(time.Hour))
			if err := e.site.WriteAll(ctx, LockKey, []byte(lk), nil); err != nil {
				t.Fatal(err)
			}
			var le *LockedError
			if _, err := e.publish(); !errors.As(err, &le) {
				t.Fatalf("err = %v, want LockedError", err)
			}
			if e.read(LockKey) != lk {
				t.Error("someone else's lock was modified")
			}
			e.mustPublish(Summary{Uploaded: len(baseSite()), Bytes: e.size()}, func(o *Options) { o.ForceUnlock = true })
		}},
		{name: "lost lock stops before deleting", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			e.write("css/print.css", "/* v2 */")
			e.remove("reports/2026/09/index.html")
			thief := lockJSON("thief", 9, time.Now(), time.Now().Add(time.Hour))
			e.rec.setHook(func(key string) error {
				// Another publish takes over while this one uploads.
				return e.site.WriteAll(context.Background(), LockKey, []byte(thief), nil)
			})
			_, err := e.publish()
			if !errors.Is(err, errLockLost) {
				t.Fatalf("err = %v, want errLockLost", err)
			}
			if !e.exists("reports/2026/09/index.html") {
				t.Error("deleted although the lock was lost")
			}
			if e.read(LockKey) != thief {
				t.Error("removed the other publish's lock")
			}
		}},
		{name: "dry run changes nothing", run: func(t *testing.T, e *env) {
			n := len(baseSite())
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			e.write("reports/2026/11/index.html", "<!doctype html><title>November</title>")
			e.write("index.html", "<!doctype html><title>Ops</title><a href=/reports/2026/11/>November</a>")
			e.remove("reports/2026/09/index.html")
			before := e.snapshot()
			e.rec.reset()
			plan, err := e.publisher().Plan(context.Background(), e.dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range plan.Uploads {
				got = append(got, fmt.Sprintf("%s %s %s", u.Phase, u.Key, u.Reason))
			}
			want := []string{"pages reports/2026/11/index.html new", "home index.html changed"}
			if !slices.Equal(got, want) {
				t.Errorf("plan uploads %q, want %q", got, want)
			}
			if !slices.Equal(plan.Deletes, []string{"reports/2026/09/index.html"}) || plan.Unchanged != n-2 {
				t.Errorf("plan deletes %v, unchanged %d", plan.Deletes, plan.Unchanged)
			}
			if plan.Bytes() != e.size("reports/2026/11/index.html", "index.html") {
				t.Errorf("plan bytes %d", plan.Bytes())
			}
			e.assertUnchanged(before)
			if e.rec.writes != 0 {
				t.Errorf("plan wrote %d times to the bucket", e.rec.writes)
			}
		}},
		{name: "prefix and excluded paths are left alone", prefix: "site/", run: func(t *testing.T, e *env) {
			ctx := context.Background()
			for _, k := range []string{"other/keep.txt", "site/downloads/big.zip", "sitemap.xml"} {
				if err := e.root.WriteAll(ctx, k, []byte("not the site's: "+k), nil); err != nil {
					t.Fatal(err)
				}
			}
			exclude := func(o *Options) { o.Exclude = []string{"downloads/**"} }
			got, err := e.publish(exclude)
			if err != nil {
				t.Fatal(err)
			}
			if want := (Summary{Uploaded: len(baseSite()), Bytes: e.size()}); got != want {
				t.Errorf("summary %+v, want %+v", got, want)
			}
			snap := e.snapshot()
			for _, k := range []string{"other/keep.txt", "site/downloads/big.zip", "sitemap.xml"} {
				if snap[k].Data != "not the site's: "+k {
					t.Errorf("%s: %q", k, snap[k].Data)
				}
			}
			if snap["site/index.html"].Data != baseSite()["index.html"] {
				t.Error("site not published under the prefix")
			}
			if len(snap) != len(baseSite())+3 {
				t.Errorf("bucket holds %v", keysOf(snap))
			}
			e.remove("404.html")
			got, err = e.publish(exclude)
			if err != nil || got.Deleted != 1 {
				t.Errorf("summary %+v, %v: want one delete", got, err)
			}
		}},
		{name: "large file compared by metadata, not ETag", run: func(t *testing.T, e *env) {
			// Above the S3 driver's 5 MiB part size: a multipart upload,
			// whose ETag is not the MD5 of the content.
			big := strings.Repeat("0123456789abcdef", 6<<20/16+1)
			e.write("downloads/report.pdf", big)
			n := len(baseSite()) + 1
			e.mustPublish(Summary{Uploaded: n, Bytes: e.size()})
			e.mustPublish(Summary{Unchanged: n})
		}},
	}
}

func mustRules(tb testing.TB, rules []Rule) *Rules {
	tb.Helper()
	r, err := NewRules(rules)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// assertPhaseOrder checks that every upload of a group started after every
// upload of the groups before it had completed.
func assertPhaseOrder(tb testing.TB, events []event, groups ...[]string) {
	tb.Helper()
	pos := map[event]int{}
	for i, ev := range events {
		pos[ev] = i
	}
	for g := 1; g < len(groups); g++ {
		for _, earlier := range groups[g-1] {
			end, ok := pos[event{earlier, false}]
			if !ok {
				tb.Fatalf("%s was not uploaded", earlier)
			}
			for _, later := range groups[g] {
				start, ok := pos[event{later, true}]
				if !ok {
					tb.Fatalf("%s was not uploaded", later)
				}
				if start < end {
					tb.Errorf("%s started before %s was uploaded", later, earlier)
				}
			}
		}
	}
}

func TestScenarios(t *testing.T) { runScenarios(t, 0) }

// TestScenariosAged runs the scenarios with the digest cache and the
// manifest in play: as if every file and object had been written a minute
// before, so that runs after the first take them in and trust them.
func TestScenariosAged(t *testing.T) { runScenarios(t, time.Minute) }

func runScenarios(t *testing.T, age time.Duration) {
	for _, kind := range backendKinds() {
		t.Run(kind.name, func(t *testing.T) {
			b, ok := kind.start(t)
			if !ok {
				t.Skip("backend not available")
			}
			for _, sc := range scenarios() {
				t.Run(sc.name, func(t *testing.T) {
					e := newEnv(t, b, sc.prefix)
					e.age = age
					sc.run(t, e)
					if e.exists(LockKey) && !strings.Contains(sc.name, "lost lock") {
						t.Error("lock object left behind")
					}
				})
			}
		})
	}
}

// TestBucketInterface keeps *blob.Bucket usable as a Bucket.
func TestBucketInterface(t *testing.T) {
	var _ Bucket = (*blob.Bucket)(nil)
}
