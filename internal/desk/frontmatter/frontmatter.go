// Package frontmatter edits the YAML front matter of a markdown file as
// text, so that everything the writer wrote — comments, quoting, blank
// lines, the markdown body — stays byte for byte. yaml.v3 nodes locate the
// keys; edits insert or replace whole lines. Re-encoding the YAML would
// reflow all of it.
//
// It knows nothing of incidents or maintenance: the on-call desk builds its
// operations on an Editor, and a new kind of file (announcements, silences)
// can do the same.
package frontmatter

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Editor is the front matter of one file, open for line edits. Each edit
// changes the lines only; parse Bytes again before a further edit that
// must see the result of the last one.
type Editor struct {
	path string
	// lines are the file's lines with their line endings.
	lines []string
	// open and close index the --- lines.
	open, close int
	eol         string
	root        *yaml.Node
}

// Parse reads the YAML front matter of src; path names the file in errors.
// TOML front matter is refused: BurntSushi/toml cannot write a file back
// with its comments.
func Parse(path string, src []byte) (*Editor, error) {
	text := string(src)
	f := &Editor{path: path, eol: "\n", open: -1, close: -1}
	if strings.Contains(text, "\r\n") {
		f.eol = "\r\n"
	}
	f.lines = strings.SplitAfter(text, "\n")
	if f.lines[len(f.lines)-1] == "" {
		f.lines = f.lines[:len(f.lines)-1]
	}
	for i, l := range f.lines {
		t := strings.TrimSpace(strings.TrimPrefix(l, "\ufeff"))
		if t == "" {
			continue
		}
		switch t {
		case "+++":
			return nil, fmt.Errorf("%s has TOML front matter: bulletin edits YAML front matter only, since rewriting TOML would lose its comments; edit it by hand or convert it to YAML (between --- lines)", path)
		case "---":
			f.open = i
		}
		break
	}
	if f.open < 0 {
		return nil, fmt.Errorf("%s: no YAML front matter (the file must start with a --- line)", path)
	}
	for i := f.open + 1; i < len(f.lines); i++ {
		if strings.TrimRight(f.lines[i], " \t\r\n") == "---" {
			f.close = i
			break
		}
	}
	if f.close < 0 {
		return nil, fmt.Errorf("%s: front matter is not closed by a --- line", path)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(f.lines[f.open+1:f.close], "")), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: front matter is not a mapping of keys", path)
	}
	f.root = doc.Content[0]
	return f, nil
}

// Bytes returns the whole file with the edits made so far.
func (f *Editor) Bytes() []byte { return []byte(strings.Join(f.lines, "")) }

// idx returns the file line index of a node.
func (f *Editor) idx(n *yaml.Node) int { return f.open + n.Line }

// key returns the key and value nodes of a top-level key and the pair's
// position in the mapping; nil when absent.
func (f *Editor) key(name string) (k, v *yaml.Node, pos int) {
	for i := 0; i+1 < len(f.root.Content); i += 2 {
		if f.root.Content[i].Value == name {
			return f.root.Content[i], f.root.Content[i+1], i
		}
	}
	return nil, nil, -1
}

// insert places lines (without endings) before file line index at.
func (f *Editor) insert(at int, lines ...string) {
	add := make([]string, len(lines))
	for i, l := range lines {
		add[i] = l + f.eol
	}
	f.lines = append(f.lines[:at], append(add, f.lines[at:]...)...)
}

// replace rewrites file line i.
func (f *Editor) replace(i int, line string) { f.lines[i] = line + f.eol }

// valueEnd returns the file line index just past the value of the key at
// pos: up to the next key, less trailing blank lines and the comments at or
// left of indent (those belong to what follows). Deeper lines, even ones
// that look like comments, may be inside a block scalar and stay.
func (f *Editor) valueEnd(pos int, indent string) int {
	k := f.root.Content[pos]
	limit := f.close
	if pos+2 < len(f.root.Content) {
		limit = f.idx(f.root.Content[pos+2])
	}
	end := limit - 1
	for end > f.idx(k) {
		l := strings.TrimRight(f.lines[end], "\r\n")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") && len(indentOf(l)) <= len(indent) {
			end--
			continue
		}
		break
	}
	return end + 1
}

// dashIndent returns the indentation of a block sequence's "-" markers.
func (f *Editor) dashIndent(k, seq *yaml.Node) string {
	for i := f.idx(seq.Content[0]); i > f.idx(k); i-- {
		if strings.HasPrefix(strings.TrimSpace(f.lines[i]), "-") {
			return indentOf(f.lines[i])
		}
	}
	return indentOf(f.lines[f.idx(k)]) + "  "
}

// emptyValueLine rewrites "key: []" or "key:" (no value) as "key:" so that
// block items can follow, keeping a trailing comment.
func (f *Editor) emptyValueLine(k, v *yaml.Node) {
	line := f.lines[f.idx(k)]
	s := indentOf(line) + k.Value + ":"
	if c := lineComment(k, v); c != "" {
		s += " " + c
	}
	f.replace(f.idx(k), s)
}

func lineComment(k, v *yaml.Node) string {
	if v != nil && v.LineComment != "" {
		return v.LineComment
	}
	return k.LineComment
}

// AppendItem adds item, rendered as block YAML, to the end of the block
// sequence under key, creating the key at the end of the front matter when
// it is missing. A flow sequence ([...]) or any other value is an error
// naming the key's line.
func (f *Editor) AppendItem(key string, item *yaml.Node) error {
	body, err := encodeBlock(item)
	if err != nil {
		return err
	}
	k, v, pos := f.key(key)
	switch {
	case k == nil:
		f.insert(f.close, append([]string{key + ":"}, listItem("  ", body)...)...)
	case isEmptyValue(k, v):
		f.emptyValueLine(k, v)
		f.insert(f.idx(k)+1, listItem(indentOf(f.lines[f.idx(k)])+"  ", body)...)
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0:
		ind := f.dashIndent(k, v)
		f.insert(f.valueEnd(pos, ind), listItem(ind, body)...)
	default:
		return fmt.Errorf("%s:%d: %s is not written as a block list (- items), so bulletin cannot append to it; rewrite it as one", f.path, f.idx(k)+1, key)
	}
	return nil
}

// AppendScalars adds plain items to the list under key: to a block list as
// "- item" lines, to a one-line flow list by rewriting that line. A missing
// key is created as a flow list after the one-line key named after, or at
// the end of the front matter. A flow list over several lines is an error.
func (f *Editor) AppendScalars(key string, items []string, after string) error {
	k, v, pos := f.key(key)
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = scalar(it)
	}
	switch {
	case k == nil:
		line := key + ": [" + strings.Join(quoted, ", ") + "]"
		at := f.close
		if ak, av, _ := f.key(after); ak != nil && av.Kind == yaml.ScalarNode && av.Line == ak.Line {
			at = f.idx(ak) + 1
		}
		f.insert(at, line)
	case isEmptyValue(k, v) || v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle != 0 && f.oneLine(k, v):
		var all []string
		if v.Kind == yaml.SequenceNode {
			for _, n := range v.Content {
				all = append(all, scalar(n.Value))
			}
		}
		s := indentOf(f.lines[f.idx(k)]) + key + ": [" + strings.Join(append(all, quoted...), ", ") + "]"
		if c := lineComment(k, v); c != "" {
			s += " " + c
		}
		f.replace(f.idx(k), s)
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0:
		ind := f.dashIndent(k, v)
		lines := make([]string, len(quoted))
		for i, q := range quoted {
			lines[i] = ind + "- " + q
		}
		f.insert(f.valueEnd(pos, ind), lines...)
	default:
		return fmt.Errorf("%s:%d: %s spans several lines in [ ] form; write it as a block list (- items) or on one line", f.path, f.idx(k)+1, key)
	}
	return nil
}

// SetScalar sets a top-level key to value, written as given (it must be a
// valid plain YAML scalar): on the key's own line when it exists with an
// empty or one-line value, keeping a trailing comment, else inserted after
// the one-line key named after (or at the end of the front matter). A
// block or multi-line value is an error naming the key's line.
func (f *Editor) SetScalar(key, value, after string) error {
	k, v, _ := f.key(key)
	if k == nil {
		at := f.close
		if ak, av, _ := f.key(after); ak != nil && av.Kind == yaml.ScalarNode && av.Line == ak.Line {
			at = f.idx(ak) + 1
		}
		f.insert(at, key+": "+value)
		return nil
	}
	if v.Kind != yaml.ScalarNode || v.Line != k.Line && !isEmptyValue(k, v) || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return fmt.Errorf("%s:%d: %s must be a single value on its line", f.path, f.idx(k)+1, key)
	}
	s := indentOf(f.lines[f.idx(k)]) + key + ": " + value
	if c := lineComment(k, v); c != "" {
		s += " " + c
	}
	f.replace(f.idx(k), s)
	return nil
}

func (f *Editor) oneLine(k, v *yaml.Node) bool {
	line := f.lines[f.idx(k)]
	return v.Line == k.Line && strings.Contains(line, "]")
}

// isEmptyValue reports a key with no value, null, or an empty flow list.
func isEmptyValue(k, v *yaml.Node) bool {
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
		return true
	case v.Kind == yaml.SequenceNode && len(v.Content) == 0 && v.Style&yaml.FlowStyle != 0 && v.Line == k.Line:
		return true
	}
	return false
}

// listItem prefixes the lines of a block as one "- " item at indent.
func listItem(indent string, block []string) []string {
	out := make([]string, len(block))
	for i, l := range block {
		switch {
		case i == 0:
			out[i] = indent + "- " + l
		case l == "":
			out[i] = ""
		default:
			out[i] = indent + "  " + l
		}
	}
	return out
}

// New returns a new file whose front matter is doc, a mapping rendered as
// block YAML between --- lines, and which has no body.
func New(doc *yaml.Node) ([]byte, error) {
	lines, err := encodeBlock(doc)
	if err != nil {
		return nil, err
	}
	return []byte("---\n" + strings.Join(lines, "\n") + "\n---\n"), nil
}

// encodeBlock renders a node as block YAML lines, two-space indented.
func encodeBlock(n *yaml.Node) ([]string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return strings.Split(strings.TrimRight(buf.String(), "\n"), "\n"), nil
}

// scalar renders s as a one-line YAML scalar, quoted only when needed.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimRight(string(out), "\n")
}

func indentOf(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}
