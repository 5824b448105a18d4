package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// lighthouse returns node and Lighthouse's command-line script, which
// .ci/run installs from the npm registry (BULLETIN_LIGHTHOUSE overrides
// the script's path), or skips the test without them (fails on CI, where
// they must be installed).
func lighthouse(tb testing.TB) (node, cli string) {
	tb.Helper()
	cli = os.Getenv("BULLETIN_LIGHTHOUSE")
	if cli == "" {
		cli = filepath.Join("..", "..", ".ci", "node_modules", "lighthouse", "cli", "index.js")
	}
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(cli)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Lighthouse is required on CI: %v (.ci/run installs node and lighthouse)", err)
		}
		tb.Skipf("no Lighthouse: %v (run npm ci --prefix .ci, with node installed)", err)
	}
	return node, cli
}

// lhReport is the part of Lighthouse's JSON report the test reads.
type lhReport struct {
	RuntimeError *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"runtimeError"`
	Categories map[string]struct {
		Title     string   `json:"title"`
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Title            string   `json:"title"`
		Score            *float64 `json:"score"`
		ScoreDisplayMode string   `json:"scoreDisplayMode"`
		Details          struct {
			Items []json.RawMessage `json:"items"`
		} `json:"details"`
	} `json:"audits"`
}

// TestLighthouse runs Lighthouse in the Debian Chromium over home, a
// report and the status page, as a phone and as a desktop, and wants
// Accessibility, Best Practices and SEO at 100; each audit that fails is
// named with what it found. Lighthouse's own requests must stay on the
// test server: none goes beyond 127.0.0.1.
func TestLighthouse(t *testing.T) {
	bin := chromium(t)
	node, cli := lighthouse(t)
	srv, setDir := serveDir(t)
	setDir(exampleSite(t, srv.URL+"/"))
	for _, formFactor := range []string{"mobile", "desktop"} {
		for _, p := range []string{"", "reports/2026/10/", "status/"} {
			t.Run(formFactor+"/"+p, func(t *testing.T) {
				t.Parallel() // Lighthouse mostly waits on the page: two at a time
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				args := []string{cli, srv.URL + "/" + p,
					"--quiet", "--output=json", "--output-path=stdout",
					"--only-categories=accessibility,best-practices,seo",
					"--only-audits=network-requests", // with the categories' audits
					"--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run",
					"--disable-full-page-screenshot",
				}
				if formFactor == "desktop" {
					args = append(args, "--preset=desktop")
				}
				cmd := exec.CommandContext(ctx, node, args...)
				cmd.Env = append(os.Environ(), "CHROME_PATH="+bin)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("lighthouse: %v\n%s", err, stderr.String())
				}
				var r lhReport
				if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
					t.Fatalf("lighthouse's report: %v", err)
				}
				if r.RuntimeError != nil && r.RuntimeError.Code != "" {
					t.Fatalf("lighthouse: %s: %s", r.RuntimeError.Code, r.RuntimeError.Message)
				}
				for _, cat := range []string{"accessibility", "best-practices", "seo"} {
					c, ok := r.Categories[cat]
					if !ok || c.Score == nil {
						t.Errorf("no %s score in the report", cat)
						continue
					}
					if *c.Score < 1 {
						t.Errorf("%s: %.0f, want 100; failed: %s", c.Title, *c.Score*100, failedAudits(r, c.AuditRefs))
					}
				}
				checkLighthouseRequests(t, r, srv.URL)
			})
		}
	}
}

// failedAudits names the weighted audits of a category that did not pass,
// each with the first items it found.
func failedAudits(r lhReport, refs []struct {
	ID     string  `json:"id"`
	Weight float64 `json:"weight"`
}) string {
	var out []string
	for _, ref := range refs {
		a := r.Audits[ref.ID]
		if ref.Weight == 0 || a.Score == nil || *a.Score >= 1 {
			continue
		}
		s := fmt.Sprintf("%s (%s)", ref.ID, a.Title)
		for i, it := range a.Details.Items {
			if i == 3 {
				s += fmt.Sprintf(" … %d in all", len(a.Details.Items))
				break
			}
			s += " " + lhItem(it)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// lhItem is what an audit's item names: the element's markup, the URL, or
// the item itself, cut short.
func lhItem(raw json.RawMessage) string {
	var it struct {
		Node struct {
			Snippet string `json:"snippet"`
		} `json:"node"`
		URL         string `json:"url"`
		Description string `json:"description"`
	}
	_ = json.Unmarshal(raw, &it)
	s := string(raw)
	switch {
	case it.Node.Snippet != "":
		s = it.Node.Snippet
	case it.URL != "":
		s = it.URL
	case it.Description != "":
		s = it.Description
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return "[" + s + "]"
}

// checkLighthouseRequests fails on any request of the page's load (as
// Lighthouse's network-requests audit lists them) not to the test server.
func checkLighthouseRequests(t *testing.T, r lhReport, origin string) {
	t.Helper()
	items := r.Audits["network-requests"].Details.Items
	if len(items) == 0 {
		t.Error("the report lists no network requests: the check is broken")
	}
	for _, raw := range items {
		var it struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal(raw, &it); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(it.URL, origin+"/") && !strings.HasPrefix(it.URL, "data:") {
			t.Errorf("a request beyond the test server: %s", it.URL)
		}
	}
}
