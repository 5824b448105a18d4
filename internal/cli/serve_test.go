package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveTimeout bounds each wait in the serve test. It only keeps a broken
// test from hanging; nothing here measures speed.
const serveTimeout = 30 * time.Second

// lockedBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func httpGet(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// startServe runs bulletin serve on the site in dir until the test ends
// and returns the preview's address, its context and its output.
func startServe(t *testing.T, dir string) (base string, ctx context.Context, stdout, stderr *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	at, _ := time.Parse(time.RFC3339, testNow)
	env := Env{Stdout: stdout, Stderr: stderr, Now: func() time.Time { return at }}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, []string{"serve", "--port", "0", "--source", dir}, env) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d after Ctrl+C\n%s", code, stderr.String())
			}
		case <-time.After(serveTimeout):
			t.Error("serve did not stop")
		}
	})

	addrLine := regexp.MustCompile(`Serving the site at (http://127\.0\.0\.1:\d+/) \(drafts shown\)`)
	deadline := time.Now().Add(serveTimeout)
	for base == "" {
		if m := addrLine.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d\n%s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no address: %q", stdout.String())
		}
	}
	return base, ctx, stdout, stderr
}

func TestServeCommand(t *testing.T) {
	dir := writeSite(t, reportSite)
	base, ctx, _, stderr := startServe(t, dir)

	code, home := httpGet(t, base)
	if code != http.StatusOK {
		t.Fatalf("GET /: %d\n%s", code, home)
	}
	for _, want := range []string{
		`<script src="/_bulletin/livereload.js"></script>`,
		// Links point at the preview, not at production.
		`<link rel="canonical" href="` + base + `">`,
		// Drafts are shown in preview.
		"November draft",
	} {
		if !strings.Contains(home, want) {
			t.Errorf("preview home lacks %s", want)
		}
	}

	// Subscribe to reloads as the page's script does.
	ectx, ecancel := context.WithCancel(ctx)
	defer ecancel()
	req, _ := http.NewRequestWithContext(ectx, http.MethodGet, base+"_bulletin/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || sc.Text() != "retry: 1000" {
		t.Fatalf("event stream opened with %q", sc.Text())
	}
	reloads := make(chan struct{}, 16)
	go func() {
		for sc.Scan() {
			if sc.Text() == "data: reload" {
				reloads <- struct{}{}
			}
		}
	}()

	report := filepath.Join(dir, "content", "reports", "2026-10.md")
	src := readFile(t, report)
	// edit writes the report until the page shows want: the watcher starts
	// asynchronously, so early writes may go unseen. Each round waits for a
	// reload event first, as the browser does.
	edit := func(text string, check func(code int, body string) bool) (int, string) {
		t.Helper()
		deadline := time.After(serveTimeout)
		for {
			if err := os.WriteFile(report, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			select {
			case <-reloads:
				code, body := httpGet(t, base+"reports/2026/10/")
				if check(code, body) {
					return code, body
				}
			case <-deadline:
				code, body := httpGet(t, base+"reports/2026/10/")
				t.Fatalf("no reload to the expected page; last: %d\n%s", code, body)
			case <-time.After(250 * time.Millisecond):
			}
		}
	}

	edit(strings.Replace(src, "title: October 2026", "title: October 2026, edited", 1), func(code int, body string) bool {
		return code == http.StatusOK && strings.Contains(body, "<h1>October 2026, edited</h1>")
	})
	code, body := edit(strings.Replace(src, `"uptime.api"`, `"uptime.web"`, 1), func(code int, _ string) bool {
		return code == http.StatusInternalServerError
	})
	if want := report + `:10: unknown figure &#34;uptime.web&#34;`; !strings.Contains(body, want) {
		t.Errorf("error page (%d) lacks %s:\n%s", code, want, body)
	}
	edit(src, func(code int, body string) bool {
		return code == http.StatusOK && strings.Contains(body, "<h1>October 2026</h1>")
	})
	if !strings.Contains(stderr.String(), "build failed:\n"+report+":10: unknown figure") {
		t.Errorf("the failed build is not logged:\n%s", stderr.String())
	}
}

// TestServeStatusSite: with status.base_url, the preview shows the status
// site below /_status/, where the build puts it, with links that stay in
// the preview.
func TestServeStatusSite(t *testing.T) {
	dir := writeSite(t, strings.Replace(reportSite, "[env.staging]", "[status]\nbase_url = \"https://status.example.org/\"\n\n[env.staging]", 1))
	base, _, stdout, _ := startServe(t, dir)
	status := base + "_status/"
	if want := "The status site (status.base_url) is at " + status + "."; !strings.Contains(stdout.String(), want) {
		t.Errorf("serve did not say %q:\n%s", want, stdout.String())
	}
	code, page := httpGet(t, status)
	if code != http.StatusOK || !strings.Contains(page, `class="kind-status"`) || !strings.Contains(page, `<link rel="canonical" href="`+status+`">`) {
		t.Errorf("GET %s: %d, not the status page at its preview address:\n%s", status, code, page)
	}
	code, api := httpGet(t, status+"api/v2/summary.json")
	if code != http.StatusOK || !strings.Contains(api, `"url": "`+status+`"`) {
		t.Errorf("GET %sapi/v2/summary.json: %d\n%s", status, code, api)
	}
	_, home := httpGet(t, base)
	if !strings.Contains(home, `href="`+status+`"`) || strings.Contains(home, "https://status.example.org/") {
		t.Errorf("the preview's home page does not link the previewed status site:\n%s", home)
	}
	if _, alias := httpGet(t, base+"status/"); !strings.Contains(alias, "url="+status) {
		t.Errorf("/status/ of the preview does not send readers to %s:\n%s", status, alias)
	}
}

func TestServeCommandPortInUse(t *testing.T) {
	dir := writeSite(t, reportSite)
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	r := bulletin(t, dir, testNow, "serve", "--port", port)
	if r.code != 1 || !strings.Contains(r.stderr, "is another bulletin serve running? try --port") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
