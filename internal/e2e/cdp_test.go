package e2e

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browser is headless Chromium driven by chromedp over
// --remote-debugging-pipe. The DevTools protocol, unlike --dump-dom and
// --screenshot, works with JavaScript disabled (those evaluate script in
// the page), and it reports every request the page makes.
type browser struct {
	ctx context.Context // a chromedp context of the browser's first tab
}

// startBrowser launches Chromium; it is closed when the test ends.
func startBrowser(tb testing.TB, bin string) *browser {
	tb.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.NoDefaultBrowserCheck,
		// Nothing may leave 127.0.0.1; should the page try, the request is
		// logged by the protocol and fails here instead of going out.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(tb.TempDir()),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		closeCtx, cancelClose := context.WithTimeout(ctx, 10*time.Second)
		defer cancelClose()
		_ = chromedp.Cancel(closeCtx) // Browser.close, then wait for the process
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		tb.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: ctx}
}

// pageVisit is what loading one URL produced.
type pageVisit struct {
	// DOM is the document's HTML after load.
	DOM string
	// Requests are the URLs the page requested, in order.
	Requests []string
	// Screenshot is a PNG of the viewport.
	Screenshot []byte
}

// visit opens url in a new tab of width×height CSS pixels with JavaScript
// disabled, waits for the load event, and returns the DOM, the requests
// made and a screenshot.
func (b *browser) visit(tb testing.TB, url string, width, height int) pageVisit {
	tb.Helper()
	ctx, cancel := b.newTab()
	defer cancel()

	var mu sync.Mutex
	var requests []string
	loaded := false
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	if err := chromedp.Listen(listenCtx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if !loaded {
				requests = append(requests, ev.Request.URL)
			}
		case *page.EventLoadEventFired:
			// Navigate returns a little later, after the browser's own
			// request for /favicon.ico: that is not the page's.
			loaded = true
		}
	}); err != nil {
		tb.Fatalf("chromium: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		emulateViewport(width, height),
		chromedp.Navigate(url), // waits for the load event
	)
	if err != nil {
		tb.Fatalf("%s did not load: %v", url, err)
	}
	doc, err := chromedp.Call(ctx, dom.GetDocument, dom.GetDocumentParams{Depth: new(int64)})
	if err != nil {
		tb.Fatalf("chromium: %v", err)
	}
	// By backend id: chromedp asks for the document itself too, which
	// renumbers the node ids a call of ours was given.
	html, err := chromedp.Call(ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{BackendNodeID: doc.Root.BackendNodeID})
	if err != nil {
		tb.Fatalf("chromium: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.Fatalf("screenshot of %s: %v", url, err)
	}
	stopListening()
	mu.Lock()
	defer mu.Unlock()
	return pageVisit{DOM: html.OuterHTML, Requests: slices.Clone(requests), Screenshot: png}
}

// newTab opens a tab of b for at most a minute; cancel closes it.
func (b *browser) newTab() (context.Context, context.CancelFunc) {
	tab, closeTab := chromedp.NewContext(b.ctx)
	ctx, cancel := context.WithTimeout(tab, time.Minute)
	return ctx, func() {
		cancel()
		closeTab()
	}
}

// emulateScheme makes a tab prefer the "light" or "dark" colour scheme.
func emulateScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// emulateViewport sets a tab's viewport to width×height CSS pixels at
// scale 1, as a phone's (touch, mobile) below 500 px.
func emulateViewport(width, height int) chromedp.Action[chromedp.Void] {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if width < 500 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(int64(width), int64(height), opts...)
}

// offOrigin returns the requests not to origin (data: URLs aside).
func offOrigin(requests []string, origin string) []string {
	var out []string
	for _, r := range requests {
		if !strings.HasPrefix(r, origin) && !strings.HasPrefix(r, "data:") {
			out = append(out, r)
		}
	}
	return out
}
