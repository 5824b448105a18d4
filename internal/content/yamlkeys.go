package content

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Unknown YAML keys are found by walking the parsed node tree against the
// Go type it decodes into: yaml.v3 rejects them only in a Decoder with
// KnownFields, which parses the text again, while a Node's Decode silently
// drops them. The walk follows yaml.v3's decoder step by step (field names,
// inlining, Unmarshalers, where it stops descending) so that it reports
// exactly the keys the decoder would, in its wording ("line 3: field x not
// found in type content.y"), for yamlMessages to translate like the rest.
//
// A few YAML features make the decoder's path hard to follow (anchors and
// aliases, merge keys, tagged keys and collections, maps with keys other
// than strings); the walk then says it cannot tell, and decodeYAML leaves
// the document to the decoder.

// yamlShape says how yaml.v3 decodes a node into a Go type.
type yamlShape int

const (
	// shapeOpaque types take a node without looking at mapping keys:
	// scalars, interfaces, yaml.Node and types with an UnmarshalYAML
	// method, which check their own keys (Goal, Timestamp).
	shapeOpaque yamlShape = iota
	shapeStruct
	shapeSeq
	shapeMap
)

// yamlType is what the walk needs to know about a Go type.
type yamlType struct {
	shape yamlShape
	// name is the type as the decoder prints it in its messages.
	name string
	// fields maps a struct's keys, inlined structs' included, to their
	// types; inlineMap is the value type of an ",inline" map field, which
	// takes every other key.
	fields    map[string]*yamlType
	inlineMap *yamlType
	// elem is the element type of a sequence or map; stringKeys tells
	// whether a map's keys decode as plain strings.
	elem       *yamlType
	stringKeys bool
	// checks is false when no key inside a value of this type can be
	// unknown (strings, []string, map[string]string, Unmarshalers), so the
	// walk need not descend.
	checks bool
	// bad marks a struct the decoder rejects (bad yaml tags), to be left to
	// the decoder.
	bad bool
}

// yamlTypes caches the walk's view of the front matter types; it only ever
// grows with the few types Decode is called with.
var yamlTypes sync.Map // reflect.Type -> *yamlType

var (
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	obsoleteType    = reflect.TypeFor[obsoleteUnmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// obsoleteUnmarshaler is the yaml.v2-style interface yaml.v3 still honours.
type obsoleteUnmarshaler interface {
	UnmarshalYAML(unmarshal func(any) error) error
}

func yamlTypeOf(t reflect.Type) *yamlType {
	if yt, ok := yamlTypes.Load(t); ok {
		return yt.(*yamlType)
	}
	yt := typeBuilder{}.build(t)
	actual, _ := yamlTypes.LoadOrStore(t, yt)
	return actual.(*yamlType)
}

// typeBuilder builds the yamlType of a type and of the types in it; the map
// ties recursive types into a cycle instead of recursing forever.
type typeBuilder map[reflect.Type]*yamlType

func (b typeBuilder) build(t reflect.Type) *yamlType {
	if yt, ok := b[t]; ok {
		return yt
	}
	// Until it is built, a type counts as one to look into: a recursive
	// type refers to itself before its shape is known.
	yt := &yamlType{checks: true}
	b[t] = yt
	if t == nodeType {
		yt.shape, yt.checks = shapeOpaque, false
		return yt
	}
	// The decoder dereferences pointers, then looks for an Unmarshaler on
	// the pointer to the value.
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if pt := reflect.PointerTo(t); pt.Implements(unmarshalerType) || pt.Implements(obsoleteType) {
		yt.shape, yt.checks = shapeOpaque, false
		return yt
	}
	yt.name = t.String()
	switch t.Kind() {
	case reflect.Struct:
		yt.shape = shapeStruct
		yt.fields = map[string]*yamlType{}
		yt.bad = !b.addFields(yt, t)
	case reflect.Slice, reflect.Array:
		yt.shape = shapeSeq
		yt.elem = b.build(t.Elem())
		yt.checks = yt.elem.checks
	case reflect.Map:
		yt.shape = shapeMap
		key := t.Key()
		pk := reflect.PointerTo(key)
		yt.stringKeys = key.Kind() == reflect.String && !pk.Implements(unmarshalerType) && !pk.Implements(obsoleteType) && !pk.Implements(textType)
		// A key that is not a plain string may be a struct of its own.
		keyChecks := !yt.stringKeys && b.build(key).checks
		yt.elem = b.build(t.Elem())
		yt.checks = yt.elem.checks || keyChecks
	default:
		yt.shape, yt.checks = shapeOpaque, false
	}
	return yt
}

// addFields adds the keys of struct t to yt as yaml.v3's getStructInfo
// reads them, and reports false where getStructInfo fails.
func (b typeBuilder) addFields(yt *yamlType, t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.PkgPath != "" && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "" && !strings.Contains(string(f.Tag), ":") {
			tag = string(f.Tag)
		}
		if tag == "-" {
			continue
		}
		inline := false
		parts := strings.Split(tag, ",")
		for _, flag := range parts[1:] {
			switch flag {
			case "omitempty", "flow":
			case "inline":
				inline = true
			default:
				return false
			}
		}
		key := parts[0]
		if inline {
			switch f.Type.Kind() {
			case reflect.Map:
				if yt.inlineMap != nil || f.Type.Key() != reflect.TypeFor[string]() {
					return false
				}
				yt.inlineMap = b.build(f.Type.Elem())
			case reflect.Struct, reflect.Pointer:
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() != reflect.Struct {
					return false
				}
				// An inlined Unmarshaler reads the whole mapping itself
				// and adds no keys; an inlined struct adds its keys (but
				// not its own inline map, as in yaml.v3).
				if reflect.PointerTo(ft).Implements(unmarshalerType) {
					continue
				}
				inner := &yamlType{fields: map[string]*yamlType{}}
				if !b.addFields(inner, ft) {
					return false
				}
				for k, v := range inner.fields {
					if _, dup := yt.fields[k]; dup {
						return false
					}
					yt.fields[k] = v
				}
			default:
				return false
			}
			continue
		}
		if key == "" {
			key = strings.ToLower(f.Name)
		}
		if _, dup := yt.fields[key]; dup {
			return false
		}
		yt.fields[key] = b.build(f.Type)
	}
	return true
}

// keyWalk collects the unknown keys of one document.
type keyWalk struct {
	// unknown are the decoder's messages for unknown keys, in its order.
	unknown []string
	// unsure is set when the walk cannot follow the decoder.
	unsure bool
}

// unknownYAMLKeys returns yaml.v3's messages for the unknown keys of doc
// decoded into v, in the decoder's order, and false when it cannot tell.
func unknownYAMLKeys(doc *yaml.Node, v any) ([]string, bool) {
	rv := reflect.ValueOf(v)
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, false
	}
	var w keyWalk
	w.value(doc.Content[0], yamlTypeOf(rv.Type().Elem()))
	return w.unknown, !w.unsure
}

func (w *keyWalk) value(n *yaml.Node, t *yamlType) {
	if w.unsure || !t.checks {
		return
	}
	if n.Kind == yaml.AliasNode || n.Kind != yaml.ScalarNode && n.Style&yaml.TaggedStyle != 0 {
		w.unsure = true
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if t.shape != shapeStruct && t.shape != shapeMap {
			return // a type error the decoder reports
		}
		if t.bad || !plainKeys(n) {
			w.unsure = true
			return
		}
		if duplicateKeys(n) {
			return // the decoder reports them and decodes nothing below
		}
		if t.shape == shapeStruct {
			w.mappingStruct(n, t)
		} else {
			w.mapping(n, t)
		}
	case yaml.SequenceNode:
		if t.shape == shapeSeq {
			for _, item := range n.Content {
				w.value(item, t.elem)
			}
		}
	}
}

func (w *keyWalk) mappingStruct(n *yaml.Node, t *yamlType) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isNullKey(k) {
			continue // the decoder cannot name a field by null and skips it
		}
		if ft, ok := t.fields[k.Value]; ok {
			w.value(v, ft)
		} else if t.inlineMap != nil {
			w.value(v, t.inlineMap)
		} else {
			w.unknown = append(w.unknown, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, t.name))
		}
	}
}

func (w *keyWalk) mapping(n *yaml.Node, t *yamlType) {
	if !t.stringKeys {
		w.unsure = true
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isNullKey(n.Content[i]) {
			continue // a null key does not decode into a string: value skipped
		}
		w.value(n.Content[i+1], t.elem)
	}
}

// plainKeys reports whether every key of mapping n is an untagged scalar
// other than the merge key "<<": a key the decoder reads as its text.
func plainKeys(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || k.Style&yaml.TaggedStyle != 0 || k.Value == "<<" {
			return false
		}
	}
	return true
}

func isNullKey(k *yaml.Node) bool { return k.ShortTag() == "!!null" }

// duplicateKeys reports whether mapping n repeats a key, which the decoder
// reports instead of decoding the mapping.
func duplicateKeys(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		for j := i + 2; j < len(n.Content); j += 2 {
			if n.Content[i].Kind == n.Content[j].Kind && n.Content[i].Value == n.Content[j].Value {
				return true
			}
		}
	}
	return false
}
