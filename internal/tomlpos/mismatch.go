package tomlpos

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Mismatch is a value of a TOML document that the field it is decoded into
// cannot hold.
type Mismatch struct {
	// Key is the indexed dotted path of the value: "components.2.slo".
	Key string
	// Got says what the value is ("text \"high\""); Want what the field
	// holds ("a number").
	Got, Want string
}

// FindMismatch walks doc (TOML decoded into generic maps) against the
// struct type of target, as Unknown does, and returns the first value, in
// key order, that its field's type cannot hold. BurntSushi/toml reports a
// mismatch at the line of the last key it read, which in an array of
// tables is the last element's: this finds the value itself. Fields that
// decode themselves (UnmarshalText, UnmarshalTOML) and interfaces take
// anything.
func FindMismatch(doc map[string]any, target any) (Mismatch, bool) {
	return mismatch(doc, reflect.TypeOf(target), "")
}

var tomlUnmarshaler = reflect.TypeOf((*interface{ UnmarshalTOML(any) error })(nil)).Elem()

func mismatch(v any, t reflect.Type, path string) (Mismatch, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface || decodesItself(t) {
		return Mismatch{}, false
	}
	bad := func() (Mismatch, bool) { return Mismatch{Key: path, Got: tomlKind(v), Want: goKind(t)}, true }
	switch val := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := structFields(t)
			for _, k := range sortedKeys(val) {
				ft, ok := fields[k]
				if !ok {
					ft, ok = fields[strings.ToLower(k)]
				}
				if ok {
					if m, found := mismatch(val[k], ft, join(path, k)); found {
						return m, true
					}
				}
			}
		case reflect.Map:
			for _, k := range sortedKeys(val) {
				if m, found := mismatch(val[k], t.Elem(), join(path, k)); found {
					return m, true
				}
			}
		default:
			return bad()
		}
	case []map[string]any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return bad()
		}
		for i, sub := range val {
			if m, found := mismatch(sub, t.Elem(), join(path, strconv.Itoa(i))); found {
				return m, true
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return bad()
		}
		for i, sub := range val {
			if m, found := mismatch(sub, t.Elem(), join(path, strconv.Itoa(i))); found {
				return m, true
			}
		}
	case string:
		if t.Kind() != reflect.String {
			return bad()
		}
	case bool:
		if t.Kind() != reflect.Bool {
			return bad()
		}
	case int64:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
		default:
			return bad()
		}
	case float64:
		if t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64 {
			return bad()
		}
	}
	return Mismatch{}, false
}

func decodesItself(t reflect.Type) bool {
	for _, i := range []reflect.Type{textUnmarshaler, tomlUnmarshaler} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// tomlKind describes a decoded TOML value for a message.
func tomlKind(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("text %q", v)
	case bool:
		return fmt.Sprintf("%v", v)
	case int64, float64:
		return fmt.Sprintf("the number %v", v)
	case map[string]any:
		return "a table"
	case []map[string]any, []any:
		return "a list"
	}
	return fmt.Sprintf("%v", v)
}

// goKind says what a field of type t holds.
func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a table"
	}
	return t.String()
}
