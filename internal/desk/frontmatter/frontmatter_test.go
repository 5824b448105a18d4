package frontmatter

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .golden files")

// update is the item the tests append: a multi-line body shows that
// literal blocks are indented under the item.
func updateItem() Pair {
	return KV("updates", Map(
		KV("at", Timestamp("2026-10-14T10:00:00Z")),
		KV("status", Str("identified")),
		KV("body", Str("A cache node is down.\n\nWe are replacing it.")),
		KV("components", Map(KV("web", Str("degraded_performance")))),
	))
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

// TestEdits applies edits to each testdata/*.md file and compares the
// result with its .golden file. Each golden file must parse again, so a
// further edit can follow.
func TestEdits(t *testing.T) {
	tests := []struct {
		name, file string
		edit       func(*Editor) error
	}{
		{"append-item-block", "block-lists.md", func(e *Editor) error {
			p := updateItem()
			return e.AppendItem(p.Key, p.Value)
		}},
		{"append-scalars-block", "block-lists.md", func(e *Editor) error { return e.AppendScalars("components", []string{"dns", "yes"}, "started") }},
		{"set-scalar-missing", "block-lists.md", func(e *Editor) error { return e.SetScalar("resolved", "2026-10-14T11:00:00Z", "started") }},
		{"append-item-empty-flow", "flow-lists.md", func(e *Editor) error {
			p := updateItem()
			return e.AppendItem(p.Key, p.Value)
		}},
		{"append-scalars-flow", "flow-lists.md", func(e *Editor) error { return e.AppendScalars("components", []string{"web"}, "started") }},
		{"set-scalar-empty", "flow-lists.md", func(e *Editor) error { return e.SetScalar("resolved", "2026-10-14T11:00:00Z", "started") }},
		{"append-item-missing", "missing-keys.md", func(e *Editor) error {
			p := updateItem()
			return e.AppendItem(p.Key, p.Value)
		}},
		{"append-scalars-missing", "missing-keys.md", func(e *Editor) error { return e.AppendScalars("components", []string{"dns", "web"}, "impact") }},
		{"set-scalar-replace", "missing-keys.md", func(e *Editor) error { return e.SetScalar("impact", "minor", "") }},
		{"crlf", "crlf.md", func(e *Editor) error {
			p := updateItem()
			return e.AppendItem(p.Key, p.Value)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.file, readTestdata(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.edit(e); err != nil {
				t.Fatal(err)
			}
			got := e.Bytes()
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readTestdata(t, tt.name+".golden"); string(got) != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			if _, err := Parse(golden, got); err != nil {
				t.Errorf("the result does not parse again: %v", err)
			}
		})
	}
}

// TestEditsKeepEveryLine checks that edits only add or replace lines: every
// line of the original that an edit did not target survives, in order.
func TestEditsKeepEveryLine(t *testing.T) {
	src := readTestdata(t, "block-lists.md")
	e, err := Parse("block-lists.md", src)
	if err != nil {
		t.Fatal(err)
	}
	p := updateItem()
	if err := e.AppendItem(p.Key, p.Value); err != nil {
		t.Fatal(err)
	}
	orig := strings.SplitAfter(string(src), "\n")
	j := 0
	for _, l := range strings.SplitAfter(string(e.Bytes()), "\n") {
		if j < len(orig) && l == orig[j] {
			j++
		}
	}
	if j != len(orig) {
		t.Errorf("original line %d (%q) was changed or lost:\n%s", j+1, orig[j], e.Bytes())
	}
}

func TestRefusedEdits(t *testing.T) {
	src := readTestdata(t, "unappendable.md")
	tests := []struct {
		name string
		edit func(*Editor) error
		want string
	}{
		{"item to a mapping", func(e *Editor) error { return e.AppendItem("updates", Map()) }, "unappendable.md:5: updates is not written as a block list (- items), so bulletin cannot append to it; rewrite it as one"},
		{"item to a flow list", func(e *Editor) error { return e.AppendItem("components", Str("x")) }, "unappendable.md:3: components is not written as a block list"},
		{"scalars to a multi-line flow list", func(e *Editor) error { return e.AppendScalars("components", []string{"db"}, "") }, "unappendable.md:3: components spans several lines in [ ] form"},
		{"scalar over a block", func(e *Editor) error { return e.SetScalar("resolved", "2026-10-14T11:00:00Z", "") }, "unappendable.md:6: resolved must be a single value on its line"},
		{"scalar over a mapping", func(e *Editor) error { return e.SetScalar("updates", "x", "") }, "unappendable.md:5: updates must be a single value on its line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse("unappendable.md", src)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.edit(e)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want it to start with %q", err, tt.want)
			}
			if string(e.Bytes()) != string(src) {
				t.Errorf("a refused edit changed the file:\n%s", e.Bytes())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"toml", "+++\ntitle = \"T\"\n+++\n", "x.md has TOML front matter: bulletin edits YAML front matter only"},
		{"no front matter", "# Title\n", "x.md: no YAML front matter (the file must start with a --- line)"},
		{"not closed", "---\ntitle: T\n", "x.md: front matter is not closed by a --- line"},
		{"not a mapping", "---\n- a\n---\n", "x.md: front matter is not a mapping of keys"},
		{"empty", "---\n---\n", "x.md: front matter is not a mapping of keys"},
		{"bad yaml", "---\ntitle: [\n---\n", "x.md: yaml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.md", []byte(tt.src))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want it to start with %q", err, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	src, err := New(Map(
		KV("title", Str("DB: upgrade")),
		KV("started", Timestamp("2026-10-14T09:00:00Z")),
		KV("components", FlowList([]string{"db", "web"})),
		KV("public", Bool(false)),
		KV("updates", Seq(Map(KV("body", Str("two\nlines"))))),
	))
	if err != nil {
		t.Fatal(err)
	}
	want := "---\ntitle: 'DB: upgrade'\nstarted: 2026-10-14T09:00:00Z\ncomponents: [db, web]\npublic: false\nupdates:\n  - body: |-\n      two\n      lines\n---\n"
	if string(src) != want {
		t.Errorf("got:\n%s\nwant:\n%s", src, want)
	}
	if _, err := Parse("new.md", src); err != nil {
		t.Error(err)
	}
}
