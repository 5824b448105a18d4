package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bulletin-dev/bulletin/internal/config"
)

// consoleProblems loads url in a new tab of b, in the colour scheme
// given, and returns what a browser's console and network panel would
// show as wrong: console messages and log entries of level warning or
// error (a failed resource load, a blocked request, a deprecation),
// uncaught exceptions, responses of 400 and over, failed loads, and
// requests beyond origin. It waits a moment after the load event for the
// requests a browser makes on its own, such as /favicon.ico.
func consoleProblems(tb testing.TB, b *browser, url, origin, scheme string) []string {
	tb.Helper()
	ctx, cancel := b.newTab()
	defer cancel()

	var mu sync.Mutex
	var out []string
	add := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, fmt.Sprintf(format, args...))
	}
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	if err := chromedp.Listen(listenCtx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				add("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			add("uncaught exception: %s", ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				add("%s %s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, origin) && !strings.HasPrefix(u, "data:") {
				add("request beyond the test server: %s", u)
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				add("HTTP %d: %s", ev.Response.Status, ev.Response.URL)
			}
		case *network.EventLoadingFailed:
			add("load failed: %s (%s)", ev.ErrorText, ev.RequestID)
		}
	}); err != nil {
		tb.Fatalf("chromium: %v", err)
	}
	err := chromedp.Do(ctx,
		emulateScheme(scheme),
		emulateViewport(1280, 900),
		chromedp.Navigate(url),
		chromedp.Sleep(300*time.Millisecond),
	)
	if err != nil {
		tb.Fatalf("%s did not load: %v", url, err)
	}
	stopListening()
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), out...)
}

// TestNoConsoleErrors opens every page type of the example site, light
// and dark, and wants a clean console: no error or warning, no failed or
// 4xx/5xx request (a browser asks for /favicon.ico unless a page names
// its icon: before the inline icon, every page logged that 404), and
// nothing requested beyond 127.0.0.1.
func TestNoConsoleErrors(t *testing.T) {
	b, srv := browseExample(t)
	for _, scheme := range []string{"light", "dark"} {
		for _, p := range pageTypes {
			if got := consoleProblems(t, b, srv.URL+"/"+p, srv.URL+"/", scheme); len(got) > 0 {
				t.Errorf("/%s (%s): %q", p, scheme, got)
			}
		}
	}
}

// TestConsoleProblemsSeen proves the console check sees what it looks
// for: a page that asks for a missing stylesheet, logs an error and names
// no icon (so the browser asks for /favicon.ico, which is missing too).
func TestConsoleProblemsSeen(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv, setDir := serveDir(t)
	dir := t.TempDir()
	page := `<!doctype html><html lang="en"><title>t</title><link rel="stylesheet" href="/missing.css"><script>console.error("boom")</script><p>x</p>`
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	setDir(dir)
	got := strings.Join(consoleProblems(t, b, srv.URL+"/", srv.URL+"/", "light"), "\n")
	for _, want := range []string{srv.URL + "/missing.css", "console.error: boom", "HTTP 404: " + srv.URL + "/favicon.ico"} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it saw:\n%s", want, got)
		}
	}
}

// TestStatusSiteWithoutMainSite: a status site of its own (status.base_url)
// must work while the site it reports on is down. The main site's address
// here refuses connections; every page type of the status site, served
// alone from its own origin, must load cleanly and styled, with nothing
// requested from anywhere else.
func TestStatusSiteWithoutMainSite(t *testing.T) {
	b := startBrowser(t, chromium(t))
	srv, setDir := serveDir(t)
	down := "http://127.0.0.1:9/" // the discard port: nothing listens
	dir := exampleSiteWith(t, down, func(c *config.Config) { c.Status.BaseURL = srv.URL + "/" })
	setDir(filepath.Join(dir, config.StatusSiteDir))
	for _, p := range []string{"", "history/", "components/web/", "incidents/2026-10-14-dns-resolution-failing/", "404.html"} {
		if got := consoleProblems(t, b, srv.URL+"/"+p, srv.URL+"/", "light"); len(got) > 0 {
			t.Errorf("/%s: %q", p, got)
		}
		// The stylesheet (inline on the status page, the status site's
		// copy elsewhere) applies: the header is laid out as a flex row.
		if got := evalAt[string](t, b, srv.URL+"/"+p, 1280, 900, `getComputedStyle(document.querySelector(".site-header")).display`); got == "block" || got == "" {
			t.Errorf("/%s: header display %q: the page is unstyled", p, got)
		}
	}
}
