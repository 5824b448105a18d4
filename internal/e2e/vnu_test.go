package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// vnuJar returns the W3C Nu Html Checker that .ci/run installs from the
// npm registry (BULLETIN_VNU_JAR overrides it) and the java that runs it,
// or skips the test without them (fails on CI, where they must be
// installed).
func vnuJar(tb testing.TB) (java, jar string) {
	tb.Helper()
	jar = os.Getenv("BULLETIN_VNU_JAR")
	if jar == "" {
		jar = filepath.Join("..", "..", ".ci", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	}
	java, err := exec.LookPath("java")
	if err == nil {
		_, err = os.Stat(jar)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("the Nu Html Checker is required on CI: %v (.ci/run installs a JRE and vnu-jar)", err)
		}
		tb.Skipf("no Nu Html Checker: %v (run npm ci --prefix .ci, with a JRE installed)", err)
	}
	return java, jar
}

// vnuMessage is one message of the checker's JSON output.
type vnuMessage struct {
	Type     string `json:"type"`    // "error", "info" (a warning with subType "warning"), "non-document-error"
	SubType  string `json:"subType"` // "warning", "fatal"
	URL      string `json:"url"`
	LastLine int    `json:"lastLine"`
	FirstCol int    `json:"firstColumn"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// TestPagesPassNuHtmlChecker runs the W3C Nu Html Checker over every HTML
// page of the example site (home, the reports index, reports with charts,
// the status page, its history, component pages, incident and maintenance
// pages, planned changes, the 404 and the CDN error pages) and wants no
// error and no warning.
func TestPagesPassNuHtmlChecker(t *testing.T) {
	java, jar := vnuJar(t)
	dir := exampleSite(t, "http://127.0.0.1:1/")
	var pages []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".html") {
			pages = append(pages, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every page type is there to be checked.
	for _, want := range []string{"index.html", "reports/index.html", "reports/2026/10/index.html",
		"status/index.html", "status/history/index.html", "status/history/2026/10/index.html",
		"status/components/web/index.html", "incidents/2026-10-14-dns-resolution-failing/index.html",
		"incidents/2027-01-12-second-dns-provider/index.html", "announcements/index.html", "404.html", "errors/503.html"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("page type missing from the example site: %v", err)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(java, append([]string{"-jar", jar, "--format", "json", "--exit-zero-always"}, pages...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("vnu: %v\n%s", err, stderr.String())
	}
	var out struct {
		Messages []vnuMessage `json:"messages"`
	}
	// The checker writes its JSON report to stderr.
	if err := json.Unmarshal(stderr.Bytes(), &out); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, stderr.String())
	}
	var problems []string
	for _, m := range out.Messages {
		if m.Type == "info" && m.SubType != "warning" {
			continue // plain information, not a finding
		}
		kind := m.Type
		if m.SubType != "" {
			kind += " (" + m.SubType + ")"
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(m.URL, "file:"), dir+string(filepath.Separator))
		problems = append(problems, fmt.Sprintf("%s:%d:%d: %s: %s\n\t%s", rel, m.LastLine, m.FirstCol, kind, m.Message, m.Extract))
	}
	if len(problems) > 0 {
		t.Errorf("the Nu Html Checker found %d problems in %d pages:\n%s", len(problems), len(pages), strings.Join(problems, "\n"))
	}
	t.Logf("checked %d pages", len(pages))
}
