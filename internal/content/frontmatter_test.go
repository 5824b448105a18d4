package content

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Types that exercise every path of the unknown-key walk: inlined and
// embedded structs, pointers, sequences and maps of structs, arrays,
// recursion, and the types the walk must not look into.
type (
	walkLeaf struct {
		X    int       `yaml:"x"`
		Next *walkLeaf `yaml:"next,omitempty"`
	}
	// Embedded types are exported: yaml.v3 cannot set unexported ones.
	WalkBase struct {
		Base string `yaml:"base"`
	}
	WalkLeaf  walkLeaf
	walkInner struct {
		*WalkBase `yaml:",inline"`
		A         string     `yaml:"a"`
		Leaves    []walkLeaf `yaml:"leaves"`
	}
	walkTarget struct {
		WalkBase `yaml:",inline"`
		// Embedded without ",inline": yaml.v3 decodes it under its
		// lowercased name, not into the parent's keys.
		WalkLeaf
		Ptr      *walkInner           `yaml:"ptr"`
		Items    []walkInner          `yaml:"items"`
		Grid     [][]walkLeaf         `yaml:"grid"`
		Pair     [2]walkLeaf          `yaml:"pair"`
		ByName   map[string]walkLeaf  `yaml:"by_name"`
		ByPtr    map[string]*walkLeaf `yaml:"by_ptr"`
		ByInt    map[int]walkLeaf     `yaml:"by_int"`
		Labels   map[string]string    `yaml:"labels"`
		Any      any                  `yaml:"any"`
		Node     yaml.Node            `yaml:"node"`
		When     Timestamp            `yaml:"when"`
		Goals    []Goal               `yaml:"goals"`
		Skipped  string               `yaml:"-"`
		Untagged string
		private  string
	}
	walkInlineMap struct {
		A    string              `yaml:"a"`
		Rest map[string]walkLeaf `yaml:",inline"`
	}
	walkInlineUnmarshaler struct {
		Goal  `yaml:",inline"`
		Extra string `yaml:"extra"`
	}
)

// yamlDocs are front matters, broken and not, that the differential tests
// decode into every target.
var yamlDocs = []string{
	"",
	"# only a comment\n",
	"~\n",
	"[a, b]\n",
	"just text\n",
	"base: b\nx: 1\n",
	"bogus: 1\nbase: b\n",
	"walkleaf: {x: 1, bogus: 2}\n",
	"x: 1\n",
	"untagged: u\nskipped: s\nprivate: p\n",
	"ptr:\n  a: a\n  base: b\n  bogus: 1\n  leaves:\n    - x: 1\n    - {x: 2, y: 3}\n    - next: {x: 3, next: {bogus: 4}}\n",
	"ptr: ~\nitems: ~\n",
	"items:\n  - a: 1\n    b: 2\n  - leaves: [{x: 1}, {z: 2}]\n",
	"items: {a: 1}\n",
	"items: [1, [2]]\n",
	"grid:\n  - [{x: 1}, {q: 1}]\n  - - w: 1\n",
	"pair: [{x: 1}, {y: 2}]\n",
	"pair: [{x: 1}]\n",
	"by_name:\n  one: {x: 1, nope: 2}\n  two: {x: abc}\n",
	"by_ptr: {one: {x: 1, nope: 2}, ~: {bad: 1}}\n",
	"by_int: {1: {x: 1}, 2: {bad: 1}}\n",
	"labels: {a: b, c: {d: e}}\n",
	"any: {a: {b: c}}\n",
	"node: {a: {b: c}}\n",
	"when: 2026-10-01\nbogus: 1\n",
	"bogus: 1\nwhen: yesterday\n",
	"when: {a: 1}\n",
	"goals:\n  - title: a\n    state: done\n  - just a title\n  - [x]\n",
	"a: x\nrest1: {x: 1}\nrest2: {x: 1, bad: 2}\n",
	"title: t\nextra: e\nbogus: 1\n",
	"x: abc\nbogus: 1\n",
	"{x: abc, bogus: 1}\n",
	"{bogus: 1, x: abc}\n",
	"x: 1\nx: 2\nbogus: 1\n",
	"walkleaf: {x: 1, x: 2, bogus: 3}\nother: 1\n",
	"bad key: 1\n",
	"\"quoted\\nkey\": 1\n",
	"~: 1\nnull: 2\n\"~\": 3\n",
	"1: 1\ntrue: 2\n2026-10-01: 3\n",
	"? [a, b]\n: 1\n",
	"!!str tagged: 1\n",
	"ptr: !!map {a: 1, bogus: 2}\n",
	"leaf: &l {x: 1, bogus: 2}\nwalkleaf: *l\nptr: {leaves: [*l, *l]}\n",
	"base: &b b\nx: *b\n",
	"walkleaf:\n  <<: {x: 1, bogus: 2}\n  next: {x: 2}\n",
	"\"<<\": 1\n",
	"ptr:\n  a: [x]\n  bogus: 1\n  leaves: {x: 1}\n",
	"items:\n  - {a: [x], bogus: 1}\n",
	"by_name: {a: {x: [1], bad: 2}}\n",
	"x: 1\n  y: 2\n",
	"authors: [a\n",
	"title: x\ndate: 2026-11-01\nsumary: [a]\ngoals:\n  - title: a\n    status: done\n    bogus: 1\nnext_goals:\n  - {title: b, owner: c, due: soon}\n",
	"title: DNS\nupdates:\n  - at: 2026-10-14T09:00:00Z\n    status: investigating\n    severity: high\n    components: {dns: {status: down}}\n  - {at: 2026-10-14T10:00:00Z, status: resolved, note: x}\ncomponents: [dns]\nseverity: 1\n",
	"title: W\nupdates:\n  - at: 2026-12-01T22:00:00Z\n    status: started\n    by: ops\nexcluded: true\n",
}

// yamlTargets are the types the differential tests decode into.
var yamlTargets = []func() any{
	func() any { return new(walkTarget) },
	func() any { return new(walkInlineMap) },
	func() any { return new(walkInlineUnmarshaler) },
	func() any { return new(reportMeta) },
	func() any { return new(incidentMeta) },
	func() any { return new(maintenanceMeta) },
}

// checkLikeKnownFields decodes src into a new value of each target with
// decodeYAML and with yaml.v3's KnownFields decoder and fails unless both
// give the same error and the same value.
func checkLikeKnownFields(tb testing.TB, src string) {
	tb.Helper()
	for _, target := range yamlTargets {
		got, want := target(), target()
		gotDoc := &Document{Path: "x.md", FrontLine: 2}
		wantDoc := &Document{Path: "x.md", FrontLine: 2}
		gotErr := gotDoc.decodeYAML([]byte(src), got)
		wantErr := wantDoc.decodeYAMLStrict([]byte(src), want)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			tb.Errorf("%T from %q:\ngot error\n%v\nwant (KnownFields)\n%v", got, src, gotErr, wantErr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			tb.Errorf("%T from %q:\ngot  %+v\nwant %+v", got, src, got, want)
		}
	}
}

// TestDecodeYAMLLikeKnownFields proves that checking the parsed tree for
// unknown keys reports what yaml.v3's KnownFields decoder reports, byte for
// byte, and decodes the same values.
func TestDecodeYAMLLikeKnownFields(t *testing.T) {
	for _, src := range yamlDocs {
		t.Run(strings.ReplaceAll(src, "\n", `\n`), func(t *testing.T) {
			checkLikeKnownFields(t, src)
		})
	}
}

// FuzzDecodeYAML looks for documents where the single-parse decoding and
// yaml.v3's KnownFields decoder disagree.
func FuzzDecodeYAML(f *testing.F) {
	for _, src := range yamlDocs {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkLikeKnownFields(t, src)
	})
}

// frontMatter returns the YAML between the --- lines of src.
func frontMatter(tb testing.TB, src string) string {
	tb.Helper()
	fm, _, ok := strings.Cut(strings.TrimPrefix(src, "---\n"), "\n---\n")
	if !ok {
		tb.Fatalf("no front matter in %q", src)
	}
	return fm + "\n"
}

// TestUnknownKeyWalkerIsSure checks that the common front matter is decided
// by the walk, without a second parse.
func TestUnknownKeyWalkerIsSure(t *testing.T) {
	tests := []struct {
		name, src string
		target    any
		sure      bool
		unknown   int
	}{
		{"report", frontMatter(t, goodYAML), new(reportMeta), true, 0},
		{"incident", frontMatter(t, goodIncident), new(incidentMeta), true, 0},
		{"maintenance", frontMatter(t, goodMaintenance), new(maintenanceMeta), true, 0},
		{"nested unknown keys", "updates:\n  - at: 2026-10-14T09:00:00Z\n    severity: high\nseverity: 1\n", new(incidentMeta), true, 2},
		{"alias of text", "title: &t x\nimpact: *t\n", new(incidentMeta), true, 0},
		{"alias of an update", "updates:\n  - &u {at: 2026-10-14T09:00:00Z}\n  - *u\n", new(incidentMeta), false, 0},
		{"merge key", "updates:\n  - <<: {at: 2026-10-14T09:00:00Z}\n", new(incidentMeta), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var root yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &root); err != nil {
				t.Fatal(err)
			}
			unknown, sure := unknownYAMLKeys(&root, tt.target)
			if sure != tt.sure || len(unknown) != tt.unknown {
				t.Errorf("sure %v with %d unknown keys %q, want %v with %d", sure, len(unknown), unknown, tt.sure, tt.unknown)
			}
		})
	}
}

func TestDecodeFrontMatterRegion(t *testing.T) {
	tests := []struct {
		name, src string
		frontLine int
		bodyLine  int
		body      string
		err       string
	}{
		{"plain", "---\ntitle: x\n---\nBody\n", 2, 4, "Body\n", ""},
		{"blank lines first", "\n  \n---\ntitle: x\n---\nBody\n", 4, 6, "Body\n", ""},
		{"crlf", "---\r\ntitle: x\r\n---\r\nBody\r\n", 2, 4, "Body\n", ""},
		{"bom", "\ufeff---\ntitle: x\n---\nBody", 2, 4, "Body", ""},
		{"trailing blanks on delimiters", "--- \ntitle: x\n---\t\nBody\n", 2, 4, "Body\n", ""},
		{"closed by an indented delimiter", "---\ntitle: x\n  ---\nmid\n---\nBody\n", 2, 4, "mid\n---\nBody\n", ""},
		{"toml", "+++\ntitle = \"x\"\n+++\n", 2, 4, "", ""},
		{"unclosed after blank lines", "\n\n---\ntitle: x\n", 0, 0, "", "x.md:3: front matter is not closed: add a --- line after it"},
		{"unclosed toml", "+++\ntitle = \"x\"\n", 0, 0, "", "x.md:1: front matter is not closed: add a +++ line after it"},
		{"closed by the other delimiter only", "---\ntitle: x\n+++\n", 0, 0, "", "x.md:1: front matter is not closed: add a --- line after it"},
		{"no front matter", "# Title\n---\n", 0, 0, "", "x.md:1: no front matter: start the file with a --- (YAML) or +++ (TOML) line"},
		{"delimiter alone", "---", 0, 0, "", "x.md:1: front matter is not closed: add a --- line after it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				Title string `yaml:"title" toml:"title"`
			}
			d, err := Decode("x.md", []byte(tt.src), &v)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.FrontLine != tt.frontLine || d.BodyLine != tt.bodyLine || string(d.Body) != tt.body || v.Title != "x" {
				t.Errorf("front line %d, body line %d, body %q, title %q; want %d, %d, %q, x", d.FrontLine, d.BodyLine, d.Body, v.Title, tt.frontLine, tt.bodyLine, tt.body)
			}
		})
	}
}

// TestDocumentLine: lines are found by key, then by the closest parent,
// then fall back to the front matter's first line.
func TestDocumentLine(t *testing.T) {
	src := "---\ntitle: x\nupdates:\n  - at: 2026-10-14T09:12:00Z\n    status: investigating\n  - status: resolved\n    components:\n      dns: operational\n---\n"
	var m incidentMeta
	doc, err := Decode("x.md", []byte(src), &m)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{
		"title": 2, "updates": 3, "updates.0": 4, "updates.0.at": 4, "updates.0.status": 5, "updates.1": 6,
		"updates.1.components.dns": 8, "updates.1.components.web": 7, "updates.1.body": 6, "updates.9": 3, "nope": 1, "": 1,
	} {
		if got := doc.Line(key); got != want {
			t.Errorf("Line(%q) = %d, want %d", key, got, want)
		}
	}
	if n := len(doc.lines.refs); n != 9 || doc.lines.key(0) != "title" || doc.lines.key(n-1) != "updates.1.status" {
		t.Errorf("lines not sorted: %+v", doc.lines)
	}
}
