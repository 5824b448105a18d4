package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// browser is headless Chromium driven through the DevTools protocol over
// --remote-debugging-pipe. The protocol, unlike --dump-dom and
// --screenshot, works with JavaScript disabled (those evaluate script in
// the page), and it reports every request the page makes.
type browser struct {
	cmd    *exec.Cmd
	in     io.WriteCloser // commands, read by Chromium on fd 3
	stderr bytes.Buffer

	mu      sync.Mutex
	nextID  int
	pending map[int]chan message
	events  chan message
	done    chan struct{}
	readErr error
}

// message is a protocol command response or event.
type message struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// startBrowser launches Chromium; it is closed when the test ends.
func startBrowser(tb testing.TB, bin string) *browser {
	tb.Helper()
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	b := &browser{in: cmdW, pending: map[int]chan message{}, events: make(chan message, 1024), done: make(chan struct{})}
	b.cmd = exec.Command(bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--disable-component-update", "--disable-sync", "--no-default-browser-check", "--hide-scrollbars",
		// Nothing may leave 127.0.0.1; should the page try, the request is
		// logged by the protocol and fails here instead of going out.
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--user-data-dir="+tb.TempDir(),
		"--remote-debugging-pipe",
		"about:blank",
	)
	b.cmd.ExtraFiles = []*os.File{cmdR, outW} // fd 3: commands in, fd 4: messages out
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	cmdR.Close()
	outW.Close()
	go b.read(outR)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = b.call(ctx, "", "Browser.close", nil)
		b.in.Close()
		waited := make(chan error, 1)
		go func() { waited <- b.cmd.Wait() }()
		select {
		case <-waited:
		case <-ctx.Done():
			_ = b.cmd.Process.Kill()
			<-waited
		}
	})
	return b
}

// read dispatches Chromium's NUL-separated messages.
func (b *browser) read(r io.Reader) {
	defer close(b.done)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			b.mu.Unlock()
			return
		}
		var m message
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.pending[m.ID]
			delete(b.pending, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default: // a test that stopped listening must not block the reader
		}
	}
}

// call sends a command (to a page session when session is set) and waits
// for its result.
func (b *browser) call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan message, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if _, err := b.in.Write(append(raw, 0)); err != nil {
		return nil, fmt.Errorf("send %s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		return m.Result, nil
	case <-b.done:
		return nil, fmt.Errorf("%s: chromium closed the pipe: %v\n%s", method, b.readErr, tail(b.stderr.String(), 20))
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
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
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	must := func(raw json.RawMessage, err error) json.RawMessage {
		tb.Helper()
		if err != nil {
			tb.Fatalf("chromium: %v", err)
		}
		return raw
	}
	var target struct {
		TargetID string `json:"targetId"`
	}
	json.Unmarshal(must(b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"})), &target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	json.Unmarshal(must(b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})), &attached)
	s := attached.SessionID
	defer b.call(ctx, "", "Target.closeTarget", map[string]any{"targetId": target.TargetID})

	must(b.call(ctx, s, "Emulation.setScriptExecutionDisabled", map[string]any{"value": true}))
	must(b.call(ctx, s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}))
	must(b.call(ctx, s, "Network.enable", nil))
	must(b.call(ctx, s, "Page.enable", nil))
	must(b.call(ctx, s, "Page.navigate", map[string]any{"url": url}))

	var v pageVisit
	for loaded := false; !loaded; {
		select {
		case ev := <-b.events:
			if ev.SessionID != s {
				continue
			}
			switch ev.Method {
			case "Network.requestWillBeSent":
				var p struct {
					Request struct {
						URL string `json:"url"`
					} `json:"request"`
				}
				json.Unmarshal(ev.Params, &p)
				v.Requests = append(v.Requests, p.Request.URL)
			case "Page.loadEventFired":
				loaded = true
			}
		case <-ctx.Done():
			tb.Fatalf("%s did not load: %v", url, ctx.Err())
		}
	}
	var doc struct {
		Root struct {
			NodeID int `json:"nodeId"`
		} `json:"root"`
	}
	json.Unmarshal(must(b.call(ctx, s, "DOM.getDocument", map[string]any{"depth": 0})), &doc)
	var html struct {
		OuterHTML string `json:"outerHTML"`
	}
	json.Unmarshal(must(b.call(ctx, s, "DOM.getOuterHTML", map[string]any{"nodeId": doc.Root.NodeID})), &html)
	v.DOM = html.OuterHTML
	var shot struct {
		Data string `json:"data"`
	}
	json.Unmarshal(must(b.call(ctx, s, "Page.captureScreenshot", map[string]any{"format": "png"})), &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		tb.Fatalf("screenshot of %s: %v", url, err)
	}
	v.Screenshot = png
	return v
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
