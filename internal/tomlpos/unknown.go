package tomlpos

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Unknown walks doc (TOML decoded into generic maps) against the struct type
// of target and returns the indexed dotted paths of keys that no field takes,
// sorted. Fields are matched by their `toml` tag, else case-insensitively by
// name, as BurntSushi/toml does. Map-typed fields accept any key.
func Unknown(doc map[string]any, target any) []string {
	var out []string
	walk(doc, reflect.TypeOf(target), "", &out)
	sort.Strings(out)
	return out
}

func walk(v any, t reflect.Type, path string, out *[]string) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return
	}
	switch val := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			if t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
				return
			}
			fields := structFields(t)
			for k, sub := range val {
				ft, ok := fields[k]
				if !ok {
					ft, ok = fields[strings.ToLower(k)]
				}
				if !ok {
					*out = append(*out, join(path, k))
					continue
				}
				walk(sub, ft, join(path, k), out)
			}
		case reflect.Map:
			for k, sub := range val {
				walk(sub, t.Elem(), join(path, k), out)
			}
		}
	case []map[string]any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, sub := range val {
				walk(sub, t.Elem(), join(path, strconv.Itoa(i)), out)
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, sub := range val {
				walk(sub, t.Elem(), join(path, strconv.Itoa(i)), out)
			}
		}
	}
}

var textUnmarshaler = reflect.TypeOf((*interface{ UnmarshalText([]byte) error })(nil)).Elem()

func structFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("toml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range structFields(ft) {
					m[k] = v
				}
				continue
			}
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
