package cli

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/config"
	"github.com/bulletin-dev/bulletin/internal/content"
)

// readmeBlock returns the first fenced block of language lang after the
// heading in README.md.
func readmeBlock(t *testing.T, heading, lang string) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	_, rest, ok = strings.Cut(rest, "```"+lang+"\n")
	if !ok {
		t.Fatalf("README has no %s block under %q", lang, heading)
	}
	block, _, _ := strings.Cut(rest, "```")
	return block
}

// TestREADMEExamples: what the README tells users to write is accepted as
// written, so the reference cannot drift from the code.
func TestREADMEExamples(t *testing.T) {
	if _, err := config.Parse("config.toml", []byte(readmeBlock(t, "## Config reference", "toml")), "staging"); err != nil {
		t.Errorf("the config reference does not load:\n%v", err)
	}
	report := readmeBlock(t, "## A writer's month", "yaml")
	if _, err := content.ParseReport("content/reports/2026-10.md", []byte(report), time.UTC); err != nil {
		t.Errorf("the example report does not parse:\n%v", err)
	}
}
