package frontmatter

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Builders of the YAML nodes bulletin writes: values come out as a writer
// would type them, strings quoted only when needed and multi-line ones as
// literal blocks.

// Pair is one key and its value in a mapping built with Map.
type Pair struct {
	Key   string
	Value *yaml.Node
}

// KV returns the pair key: value.
func KV(key string, value *yaml.Node) Pair { return Pair{Key: key, Value: value} }

// Map returns a block mapping of pairs, in order.
func Map(pairs ...Pair) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, p := range pairs {
		n.Content = append(n.Content, Str(p.Key), p.Value)
	}
	return n
}

// Seq returns a block sequence of items.
func Seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// FlowList returns a one-line list of strings: [a, b].
func FlowList(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, it := range items {
		n.Content = append(n.Content, Str(it))
	}
	return n
}

// Str returns a string, as a literal block when it spans lines.
func Str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// Timestamp returns the timestamp s (e.g. 2026-10-14T09:00:00Z) unquoted,
// as a writer would type it.
func Timestamp(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: s}
}

// Bool returns true or false.
func Bool(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}
