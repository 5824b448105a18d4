// Package content reads a site's markdown files (monthly reports, incidents,
// maintenance windows) into typed, validated values. Every problem is
// reported as "path:line: message", and a load reports all problems of all
// files in one pass.
package content

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"

	"github.com/bulletin-dev/bulletin/internal/diag"
	"github.com/bulletin-dev/bulletin/internal/digest"
	"github.com/bulletin-dev/bulletin/internal/tomlpos"
)

// Format names of front matter.
const (
	YAML = "yaml"
	TOML = "toml"
)

// Document is a content file split into front matter and markdown body.
type Document struct {
	Path string
	// Format is YAML or TOML.
	Format string
	// Body is the markdown after the front matter; BodyLine is the line
	// of the file on which it starts.
	Body     []byte
	BodyLine int
	// FrontLine is the line of the file on which the front matter's first
	// key stands (one past the opening delimiter).
	FrontLine int
	// Source is the digest of the file's bytes: what a value made from
	// the document depends on besides the site's config, for caches of
	// what is rendered from it.
	Source digest.Key
	// lines are the file lines of the front matter's keys.
	lines keyLines
}

// keyLines maps front matter keys to file lines. keys holds the keys
// sorted and concatenated; refs[i] is where key i ends in keys and its
// line. A warm load (see Loader) decodes the table of every content file
// from the cache: a string and a slice without pointers take one
// allocation, no hashing and no work for the garbage collector, where a
// map of ~50 strings took all three.
type keyLines struct {
	keys string
	refs []keyRef
}

// keyRef is where a key ends in keyLines.keys, and its line.
type keyRef struct {
	end  uint32
	line int32
}

// newKeyLines returns the table of the lines in m.
func newKeyLines(m map[string]int) keyLines {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	t := keyLines{refs: make([]keyRef, len(keys))}
	for i, k := range keys {
		b.WriteString(k)
		t.refs[i] = keyRef{end: uint32(b.Len()), line: int32(m[k])}
	}
	t.keys = b.String()
	return t
}

// key returns key i.
func (t *keyLines) key(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.refs[i-1].end
	}
	return t.keys[start:t.refs[i].end]
}

// line returns the file line of key, and false when key has none.
func (d *Document) line(key string) (int, bool) {
	t := &d.lines
	lo, hi := 0, len(t.refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.key(m) < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.refs) && t.key(lo) == key {
		return int(t.refs[lo].line), true
	}
	return 0, false
}

// Line returns the file line of a front matter key given as a dotted path
// with sequence indexes ("goals.2.status"), falling back to the closest
// parent, then to the first line of the front matter.
func (d *Document) Line(key string) int {
	for key != "" {
		if l, ok := d.line(key); ok {
			return l
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return max(d.FrontLine-1, 1)
}

// Errorf returns a diagnostic at the line of key.
func (d *Document) Errorf(key, format string, args ...any) *diag.Error {
	return diag.Errorf(d.Path, d.Line(key), format, args...)
}

type captured struct {
	format string
	data   []byte
}

// Decode splits src into front matter and body and decodes the front matter
// into v (a pointer to a struct). Unknown keys are errors. The front matter
// may be YAML (between --- lines) or TOML (between +++ lines). A file without
// front matter is an error: every content file needs at least a title.
func Decode(path string, src []byte, v any) (*Document, error) {
	source := digest.Bytes(src)
	src = normalize(src)
	if err := checkText(path, src); err != nil {
		return nil, err
	}
	var c captured
	capture := func(format string) frontmatter.UnmarshalFunc {
		return func(data []byte, _ any) error {
			c = captured{format: format, data: append([]byte(nil), data...)}
			return nil
		}
	}
	// The frontmatter package copies everything it reads, body included,
	// a line at a time: it is given the file up to the closing delimiter
	// only. Its own rule for that line (any whitespace around the
	// delimiter) may end the front matter earlier, never later.
	region := src
	if delim, open, ok := openingDelimiter(src); ok {
		end, closed := closingEnd(src[open:], delim)
		if !closed {
			return nil, diag.Errorf(path, 1+bytes.Count(src[:open], []byte("\n")), "front matter is not closed: add a %s line after it", delim)
		}
		region = src[:open+end]
	}
	body, err := frontmatter.MustParse(bytes.NewReader(region), &c,
		frontmatter.NewFormat("---", "---", capture(YAML)),
		frontmatter.NewFormat("+++", "+++", capture(TOML)),
	)
	if errors.Is(err, frontmatter.ErrNotFound) {
		return nil, diag.Errorf(path, 1, "no front matter: start the file with a --- (YAML) or +++ (TOML) line")
	}
	if err != nil {
		return nil, diag.Errorf(path, 1, "read front matter: %v", err)
	}
	// The body is what followed the closing line within region, then the
	// rest of the file, in a buffer of its own: what the frontmatter
	// package returns is the end of its whole read buffer, which a body of
	// a line or none (most incidents) would otherwise keep alive.
	rest := src[len(region):]
	body = append(append(make([]byte, 0, len(body)+len(rest)), body...), rest...)
	d := &Document{Path: path, Format: c.format, Body: body, Source: source}
	// The front matter starts on the line after the first delimiter.
	delim := "---"
	if c.format == TOML {
		delim = "+++"
	}
	open := bytes.Index(src, []byte(delim))
	d.FrontLine = 2 + bytes.Count(src[:open], []byte("\n"))
	d.BodyLine = 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n"))

	switch c.format {
	case TOML:
		err = d.decodeTOML(c.data, v)
	default:
		err = d.decodeYAML(c.data, v)
	}
	if err != nil {
		return d, err
	}
	return d, nil
}

// normalize returns src without a byte order mark and with Unix line ends:
// the text Decode reads, lines and body included. Only a file with Windows
// line ends is copied.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	return src
}

// checkText returns a problem at the first line of src that is not text:
// invalid UTF-8 makes feeds ill-formed XML and a NUL is no character of
// XML at all, so neither may reach a page or a feed.
func checkText(path string, src []byte) error {
	if utf8.Valid(src) && bytes.IndexByte(src, 0) < 0 {
		return nil
	}
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		for col := 0; col < len(line); {
			r, size := utf8.DecodeRune(line[col:])
			switch {
			case r == 0:
				return diag.Errorf(path, i+1, "NUL byte in column %d: the file must be UTF-8 text", col+1)
			case r == utf8.RuneError && size == 1:
				return diag.Errorf(path, i+1, "invalid UTF-8 byte 0x%02x in column %d: save the file as UTF-8", line[col], col+1)
			}
			col += size
		}
	}
	return nil
}

// openingDelimiter returns the front matter delimiter the file opens with
// (its first line that is not blank) and the offset of that line. It reads
// no further than that line.
func openingDelimiter(src []byte) (delim string, at int, ok bool) {
	for rest := src; len(rest) > 0; {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		switch string(bytes.TrimRight(line, " \t")) {
		case "":
			rest = next
			continue
		case "---":
			return "---", len(src) - len(rest), true
		case "+++":
			return "+++", len(src) - len(rest), true
		}
		return "", 0, false
	}
	return "", 0, false
}

// closingEnd returns the offset just past the line that closes the front
// matter opened by the first line of fm (a delim line), and false when no
// line is delim. It reads no further than that line.
func closingEnd(fm []byte, delim string) (int, bool) {
	_, rest, _ := bytes.Cut(fm, []byte("\n"))
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimRight(line, " \t")) == delim {
			return len(fm) - len(next), true
		}
		rest = next
	}
	return 0, false
}

var yamlLineErr = regexp.MustCompile(`^line (\d+): (.*)$`)

// decodeYAML decodes data into v, reporting unknown keys as yaml.v3's
// KnownFields does, from a single parse: the tree that gives the key lines
// is checked for unknown keys (see unknownYAMLKeys) and then decoded.
func (d *Document) decodeYAML(data []byte, v any) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return d.yamlError(err)
	}
	if root.Kind == 0 {
		return nil // empty front matter: no document at all
	}
	// About one key per line: sized so that indexing rarely regrows it.
	idx := make(map[string]int, bytes.Count(data, []byte("\n")))
	d.indexYAML(idx, root.Content[0], "")
	d.lines = newKeyLines(idx)
	unknown, ok := unknownYAMLKeys(&root, v)
	if !ok {
		return d.decodeYAMLStrict(data, v)
	}
	err := root.Decode(v)
	te, isType := err.(*yaml.TypeError)
	switch {
	case err == nil && len(unknown) == 0:
		return nil
	case len(unknown) == 0 || err != nil && !isType:
		// The decoder stops at an error that is not a type error and
		// reports it alone, dropping the unknown keys found before it.
		return d.yamlError(err)
	case err == nil:
		return d.yamlMessages(unknown)
	}
	// Problems come out sorted by line, so the order in which the decoder
	// would have interleaved unknown keys and type errors only shows when
	// both are on one line (a flow mapping): ask the decoder then.
	keyLines := map[int]bool{}
	for _, m := range unknown {
		line, _ := d.yamlMessage(m)
		keyLines[line] = true
	}
	for _, m := range te.Errors {
		if line, _ := d.yamlMessage(m); keyLines[line] {
			reflect.ValueOf(v).Elem().SetZero()
			return d.decodeYAMLStrict(data, v)
		}
	}
	return d.yamlMessages(append(unknown, te.Errors...))
}

// decodeYAMLStrict decodes data into v with yaml.v3's own unknown-key
// check, which parses data again: for the few documents whose unknown keys
// unknownYAMLKeys cannot tell.
func (d *Document) decodeYAMLStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil || errors.Is(err, errEOF(err)) {
		return nil
	}
	return d.yamlError(err)
}

// errEOF treats an empty front matter as valid.
func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not eof")
}

// yamlError converts yaml.v3's messages ("yaml: line 3: ...", or a
// TypeError listing "line 3: field x not found in type y") to diagnostics at
// file lines.
func (d *Document) yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return d.yamlMessages(te.Errors)
	}
	return d.yamlMessages([]string{strings.TrimPrefix(err.Error(), "yaml: ")})
}

// yamlMessages converts yaml.v3's messages to diagnostics sorted by line.
func (d *Document) yamlMessages(msgs []string) error {
	var list diag.List
	for _, m := range msgs {
		line, msg := d.yamlMessage(m)
		list.Addf(d.Path, line, "%s", msg)
	}
	return list.Err()
}

// yamlMessage returns the file line and the friendly text of one of
// yaml.v3's messages.
func (d *Document) yamlMessage(m string) (int, string) {
	line := 0
	if g := yamlLineErr.FindStringSubmatch(m); g != nil {
		line, _ = strconv.Atoi(g[1])
		m = g[2]
		// yaml.v3 prints parser (not scanner) errors with the 0-based
		// line of the construct that failed.
		if strings.HasPrefix(m, "did not find expected") || strings.HasPrefix(m, "found undefined tag") || strings.HasPrefix(m, "found a tab character that violates indentation") {
			line++
		}
	}
	m = friendlyYAML(m)
	if line > 0 {
		line += d.FrontLine - 1
	} else {
		line = d.FrontLine - 1
	}
	return line, m
}

var (
	fieldNotFound = regexp.MustCompile(`^field (\S+) not found in type .*$`)
	cannotDecode  = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (.*)$")
	// A list or mapping is given without its value.
	cannotDecodeNode = regexp.MustCompile(`^cannot unmarshal !!(\w+) into (.*)$`)
)

func friendlyYAML(m string) string {
	if g := fieldNotFound.FindStringSubmatch(m); g != nil {
		return fmt.Sprintf("unknown key %q", g[1])
	}
	g := cannotDecode.FindStringSubmatch(m)
	if n := cannotDecodeNode.FindStringSubmatch(m); n != nil {
		g = []string{n[0], n[1], "", n[2]}
	}
	if g != nil {
		want := g[3]
		switch {
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case strings.Contains(want, "int"), strings.Contains(want, "float"):
			want = "a number"
		case want == "bool":
			want = "true or false"
		case want == "string":
			want = "text"
		case strings.HasPrefix(want, "map"), strings.HasPrefix(want, "content."):
			want = "a mapping"
		}
		if g[2] == "" {
			return fmt.Sprintf("%s where %s is expected", yamlKind(g[1]), want)
		}
		return fmt.Sprintf("%s %q where %s is expected", yamlKind(g[1]), g[2], want)
	}
	return m
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "int", "float":
		return "number"
	}
	return tag
}

// indexYAML adds the file lines of the keys below n to idx; a key given
// twice has the line of the last.
func (d *Document) indexYAML(idx map[string]int, n *yaml.Node, path string) {
	off := d.FrontLine - 1
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := join(path, k.Value)
			idx[p] = k.Line + off
			d.indexYAML(idx, n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := join(path, strconv.Itoa(i))
			idx[p] = item.Line + off
			d.indexYAML(idx, item, p)
		}
	}
}

func (d *Document) decodeTOML(data []byte, v any) error {
	off := d.FrontLine - 1
	ix := tomlpos.Build(string(data))
	for k, l := range ix {
		ix[k] = l + off
	}
	d.lines = newKeyLines(ix)
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return d.tomlError(err)
	}
	if _, err := toml.Decode(string(data), v); err != nil {
		return d.tomlError(err)
	}
	var list diag.List
	for _, k := range tomlpos.Unknown(raw, v) {
		list.Addf(d.Path, d.Line(k), "unknown key %q", k)
	}
	return list.Err()
}

func (d *Document) tomlError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return diag.Errorf(d.Path, pe.Position.Line+d.FrontLine-1, "%s", pe.Message)
	}
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	line := 0
	if _, scanErr := fmt.Sscanf(msg, "line %d", &line); scanErr == nil {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		line += d.FrontLine - 1
	}
	return diag.Errorf(d.Path, max(line, d.FrontLine-1), "%s", msg)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// Timestamp is a front matter date or date-time. Without an offset it is a
// wall-clock time in the site's zone, resolved by In.
type Timestamp struct {
	// Raw is the text as written.
	Raw string
	// t is the instant in UTC when an offset was given (only the instant
	// matters to In, and time.Parse would otherwise pick the process's
	// local zone for an offset that matches it), else the wall-clock time
	// as if in UTC.
	t time.Time
	// local is true when no offset was given.
	local bool
}

var timeLayouts = []struct {
	layout string
	local  bool
}{
	{time.RFC3339Nano, false},
	{"2006-01-02T15:04:05", true},
	{"2006-01-02 15:04:05Z07:00", false},
	{"2006-01-02 15:04:05", true},
	{"2006-01-02T15:04Z07:00", false},
	{"2006-01-02T15:04", true},
	{"2006-01-02 15:04Z07:00", false},
	{"2006-01-02 15:04", true},
	{"2006-01-02", true},
}

// ParseTimestamp parses the formats accepted in front matter: RFC 3339, or a
// date, or a date and time without offset (site zone).
func ParseTimestamp(s string) (Timestamp, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return Timestamp{Raw: s, t: t.UTC(), local: l.local}, nil
		}
	}
	return Timestamp{Raw: s}, fmt.Errorf("%q is not a date (2026-10-31) or time (2026-10-31T09:30:00+01:00)", s)
}

// MustTimestamp returns t as a Timestamp with its offset.
func MustTimestamp(t time.Time) Timestamp {
	return Timestamp{Raw: t.Format(time.RFC3339), t: t.UTC()}
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (ts *Timestamp) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a date or time", n.Line)
	}
	p, err := ParseTimestamp(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*ts = p
	return nil
}

// UnmarshalTOML implements toml.Unmarshaler for TOML dates, date-times and strings.
func (ts *Timestamp) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		p, err := ParseTimestamp(x)
		if err != nil {
			return err
		}
		*ts = p
	case time.Time:
		// BurntSushi/toml marks values without offset with these zones.
		name := x.Location().String()
		local := name == "datetime-local" || name == "date-local"
		*ts = Timestamp{Raw: x.Format(time.RFC3339), t: x.UTC(), local: local}
		if local {
			ts.Raw = x.Format("2006-01-02T15:04:05")
			ts.t = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
		}
	default:
		return fmt.Errorf("want a date or time, got %T", v)
	}
	return nil
}

// IsZero reports whether no time was given.
func (ts Timestamp) IsZero() bool { return ts.Raw == "" }

// In returns the instant, reading a time without offset as wall-clock time in loc.
func (ts Timestamp) In(loc *time.Location) time.Time {
	if ts.IsZero() {
		return time.Time{}
	}
	if ts.local {
		t := ts.t
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	return ts.t.In(loc)
}
