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

// TestREADMEAnnounce runs the README's announcement how-to, command by
// command, against a site with an api component: a new user can follow it.
func TestREADMEAnnounce(t *testing.T) {
	dir := t.TempDir()
	cfg := oncallConfig + "\n[[components]]\nid = \"api\"\nname = \"API\"\n"
	if err := os.WriteFile(dir+"/config.toml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// One day apart, so that each update comes after the last.
	at := time.Date(2026, 11, 16, 13, 0, 0, 0, time.UTC)
	var printed string
	ran := 0
	for _, line := range strings.Split(readmeBlock(t, "### Announcing a planned change", "sh"), "\n") {
		if want, ok := strings.CutPrefix(line, "# prints "); ok {
			if !strings.HasSuffix(printed, "/"+want) {
				t.Errorf("printed %q, the README says %s", printed, want)
			}
			continue
		}
		args, ok := strings.CutPrefix(line, "bulletin ")
		if !ok {
			continue
		}
		printed = mustRun(t, dir, at.Format(time.RFC3339), shellWords(t, args)...)
		at = at.Add(24 * time.Hour)
		ran++
	}
	if ran < 3 {
		t.Errorf("ran %d README commands, want new, update and list at least", ran)
	}
}

// shellWords splits a command line as sh would for the README's commands:
// words separated by spaces, double quotes around words with spaces.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var word strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				out = append(out, word.String())
				word.Reset()
			}
			in = false
		default:
			word.WriteRune(r)
			in = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if in {
		out = append(out, word.String())
	}
	return out
}

// TestAnnouncementsDocExample: the file docs/announcements.md shows is
// accepted as written.
func TestAnnouncementsDocExample(t *testing.T) {
	b, err := os.ReadFile("../../docs/announcements.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(b), "```yaml\n")
	src, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("docs/announcements.md has no yaml block")
	}
	cfg, err := config.Parse("config.toml", []byte(oncallConfig+"\n[[components]]\nid = \"api\"\nname = \"API\"\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := content.ParseAnnouncement("content/announcements/v1-removal.md", []byte(src), cfg)
	if err != nil {
		t.Fatalf("the documented example does not parse:\n%v", err)
	}
	if len(a.APIs) != 2 || len(a.Updates) != 2 || a.StagingURL == "" {
		t.Errorf("parsed %+v", a)
	}
}
