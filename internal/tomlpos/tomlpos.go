// Package tomlpos finds the line on which a key of a TOML document is defined.
// BurntSushi/toml reports which keys were not decoded, but not where they
// are, and bulletin promises "path:line: message" for every mistake.
package tomlpos

import (
	"strconv"
	"strings"
)

// Index maps dotted key paths to 1-based line numbers. Elements of arrays of
// tables are addressed by index: "components.2.slo".
type Index map[string]int

// Line returns the line of key (a dotted path as toml.Key.String gives, or
// with array indexes), or of its closest defined parent, or 0.
func (ix Index) Line(key string) int {
	for key != "" {
		if l, ok := ix[key]; ok {
			return l
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// Build scans src and records the line of every table header and key. It is
// a line scanner, not a parser: it assumes src is valid TOML (decode it first)
// and handles the common layouts: [table], [[array]], key = value, dotted and
// quoted keys. Keys inside inline tables map to the line of their parent.
func Build(src string) Index {
	ix := Index{}
	counts := map[string]int{} // array-of-tables name -> elements seen
	prefix := ""
	depth := 0 // open brackets of a multi-line value
	inMultiline := ""
	for n, line := range strings.Split(src, "\n") {
		lineNo := n + 1
		t := strings.TrimSpace(line)
		if inMultiline != "" {
			if strings.Contains(t, inMultiline) {
				inMultiline = ""
			}
			continue
		}
		if depth > 0 {
			depth += bracketDelta(t)
			continue
		}
		if t == "" || t[0] == '#' {
			continue
		}
		if strings.HasPrefix(t, "[[") {
			name := normalize(strings.TrimSuffix(strings.TrimSpace(stripComment(t[2:])), "]]"))
			base := arrayBase(name, counts)
			i := counts[base]
			counts[base] = i + 1
			prefix = base + "." + strconv.Itoa(i)
			ix[base] = orFirst(ix, base, lineNo)
			ix[prefix] = lineNo
			continue
		}
		if t[0] == '[' {
			name := normalize(strings.TrimSuffix(strings.TrimSpace(stripComment(t[1:])), "]"))
			prefix = arrayBase(name, counts)
			ix[prefix] = lineNo
			continue
		}
		eq := keyEnd(t)
		if eq < 0 {
			continue
		}
		key := normalize(t[:eq])
		full := key
		if prefix != "" {
			full = prefix + "." + key
		}
		ix[full] = lineNo
		value := strings.TrimSpace(t[eq+1:])
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(value, q) && !strings.Contains(value[3:], q) {
				inMultiline = q
			}
		}
		depth = bracketDelta(value)
	}
	return ix
}

// arrayBase rewrites a table name so that segments naming an array of tables
// point at its latest element: [[a]] then [a.b] is "a.N.b".
func arrayBase(name string, counts map[string]int) string {
	parts := strings.Split(name, ".")
	out := make([]string, 0, len(parts))
	for i, p := range parts {
		out = append(out, p)
		sofar := strings.Join(out, ".")
		if c, ok := counts[sofar]; ok && i < len(parts)-1 {
			out = append(out, strconv.Itoa(c-1))
		}
	}
	return strings.Join(out, ".")
}

func orFirst(ix Index, key string, line int) int {
	if l, ok := ix[key]; ok {
		return l
	}
	return line
}

// keyEnd returns the index of the '=' that ends the key part of t, honoring
// quoted keys, or -1.
func keyEnd(t string) int {
	var quote byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		}
	}
	return -1
}

// normalize turns `a . "b.c" . d` into a.b.c.d-style dotted form, unquoted.
func normalize(k string) string {
	var parts []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, strings.TrimSpace(cur.String()))
	return strings.Join(parts, ".")
}

func stripComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// bracketDelta counts unclosed [ and { outside strings.
func bracketDelta(s string) int {
	d := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return d
		case c == '[' || c == '{':
			d++
		case c == ']' || c == '}':
			d--
		}
	}
	return d
}
