package digest

import (
	"errors"
	"html/template"
	"testing"
	"time"
)

type inner struct {
	Name  string
	hide  int
	When  time.Time
	when  time.Time
	Tags  []string
	Extra map[string]int
}

type outer struct {
	A    *inner
	B    []inner
	Any  any
	HTML template.HTML
	Raw  []byte
	Arr  [2]int
	F    float64
	On   bool
}

func base() outer {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	t := time.Date(2026, 10, 14, 10, 50, 0, 0, berlin)
	return outer{
		A:    &inner{Name: "a", hide: 1, When: t, when: t, Tags: []string{"x", "y"}, Extra: map[string]int{"k": 1, "l": 2}},
		B:    []inner{{Name: "b"}},
		Any:  "s",
		HTML: "<p>hi</p>",
		Raw:  []byte("raw"),
		Arr:  [2]int{1, 2},
		F:    1.5,
		On:   true,
	}
}

func mustOf(t *testing.T, v any) Key {
	t.Helper()
	k, err := Of(v)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestEveryChangeShows changes one reachable part of a value at a time,
// exported or not, and wants another key each time.
func TestEveryChangeShows(t *testing.T) {
	utc := time.Date(2026, 10, 14, 8, 50, 0, 0, time.UTC)
	changes := map[string]func(*outer){
		"pointer field":              func(o *outer) { o.A.Name = "b" },
		"unexported int":             func(o *outer) { o.A.hide = 2 },
		"time instant":               func(o *outer) { o.A.When = o.A.When.Add(time.Second) },
		"same instant, another zone": func(o *outer) { o.A.When = utc },
		"unexported time instant":    func(o *outer) { o.A.when = o.A.when.Add(time.Nanosecond) },
		"unexported time zone":       func(o *outer) { o.A.when = utc },
		"slice element":              func(o *outer) { o.A.Tags[1] = "z" },
		"string boundaries":          func(o *outer) { o.A.Tags = []string{"xy", ""} },
		"nil vs empty slice":         func(o *outer) { o.B = nil },
		"map value":                  func(o *outer) { o.A.Extra["k"] = 3 },
		"map key":                    func(o *outer) { delete(o.A.Extra, "k"); o.A.Extra["m"] = 1 },
		"nil pointer":                func(o *outer) { o.A = nil },
		"interface dynamic type":     func(o *outer) { o.Any = template.HTML("s") },
		"interface nil":              func(o *outer) { o.Any = nil },
		"html":                       func(o *outer) { o.HTML = "<p>ho</p>" },
		"bytes":                      func(o *outer) { o.Raw = []byte("rax") },
		"array":                      func(o *outer) { o.Arr[1] = 3 },
		"float":                      func(o *outer) { o.F = 1.25 },
		"bool":                       func(o *outer) { o.On = false },
	}
	want := mustOf(t, base())
	seen := map[Key]string{want: "base"}
	for name, change := range changes {
		o := base()
		change(&o)
		k := mustOf(t, o)
		if prev, dup := seen[k]; dup {
			t.Errorf("%s: same key as %s", name, prev)
		}
		seen[k] = name
	}
}

func TestStable(t *testing.T) {
	a, b := base(), base()
	// Maps iterate in random order; the key must not.
	for i := 0; i < 20; i++ {
		b.A.Extra = map[string]int{"l": 2, "k": 1}
		if mustOf(t, a) != mustOf(t, b) {
			t.Fatal("equal values digest differently")
		}
	}
	// Sharing a pointer is not a cycle.
	shared := &inner{Name: "s"}
	type two struct{ X, Y *inner }
	if _, err := Of(two{shared, shared}); err != nil {
		t.Fatalf("shared pointer: %v", err)
	}
}

func TestUndigestable(t *testing.T) {
	type node struct {
		Next *node
	}
	n := &node{}
	n.Next = n
	type withFunc struct{ F func() }
	for name, v := range map[string]any{
		"cycle": n,
		"func":  withFunc{F: func() {}},
		"chan":  struct{ C chan int }{make(chan int)},
	} {
		if _, err := Of(v); !errors.Is(err, ErrUndigestable) {
			t.Errorf("%s: err = %v, want ErrUndigestable", name, err)
		}
	}
}

func TestHasherSequence(t *testing.T) {
	seq := func(parts ...string) Key {
		d := New()
		for _, p := range parts {
			d.String(p)
		}
		return d.Sum()
	}
	if seq("ab", "c") == seq("a", "bc") {
		t.Error("string boundaries do not count")
	}
	d := New()
	d.String("x")
	first := d.Sum()
	d.Reset()
	d.String("x")
	if d.Sum() != first {
		t.Error("Reset does not start afresh")
	}
	if Bytes([]byte("a")) == Bytes([]byte("b")) || Bytes(nil).IsZero() {
		t.Error("Bytes")
	}
}

func BenchmarkOf(b *testing.B) {
	v := base()
	for range 50 {
		v.B = append(v.B, inner{Name: "some longer name", Tags: []string{"a", "b", "c"}, When: time.Now()})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Of(v); err != nil {
			b.Fatal(err)
		}
	}
}
