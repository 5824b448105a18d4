package content

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/bulletin-dev/bulletin/internal/digest"
)

// filler sets every field of a value to a non-zero value of its own, so
// that a field the encoding forgets shows as a difference.
type filler struct{ n int }

func (f *filler) fill(tb testing.TB, v reflect.Value) {
	tb.Helper()
	f.n++
	switch v.Type() {
	case reflect.TypeFor[Timestamp]():
		// Alternately an instant with an offset and a wall-clock time.
		t := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(f.n) * 1234567891 * time.Millisecond)
		ts := Timestamp{Raw: fmt.Sprintf("raw %d", f.n), t: t.Add(time.Duration(f.n)), local: f.n%2 == 0}
		v.Set(reflect.ValueOf(ts))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("value %d ünïcode\n", f.n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(int64(f.n))
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(tb, v.Field(i))
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 3, 3)
		for i := range 3 {
			f.fill(tb, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 3 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(tb, k)
			f.fill(tb, e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		tb.Fatalf("filler: no value for %s: teach the filler, and the encoding (codec.go), this type", v.Type())
	}
}

// empties sets every slice and map below v to an empty one, not nil.
func empties(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Timestamp]() {
			return
		}
		for i := range v.NumField() {
			empties(v.Field(i))
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	}
}

// TestCodecEveryField: every field of every front matter type survives
// the encoding, whatever its value, and nil slices and maps stay nil while
// empty ones stay empty. A field added to a front matter type without
// being added to the encoding fails here.
func TestCodecEveryField(t *testing.T) {
	src := []byte("---\ntitle: x\n---\nThe body.\n")
	doc := &Document{Path: "x.md", Format: YAML, Body: []byte("The body.\n"), BodyLine: 4, FrontLine: 2,
		Source: digest.Bytes(src), lines: newKeyLines(map[string]int{"title": 2, "updates.0.components.api": 7, "ü": 9})}
	targets := []func() (any, func() any){
		func() (any, func() any) { return new(reportMeta), func() any { return new(reportMeta) } },
		func() (any, func() any) { return new(incidentMeta), func() any { return new(incidentMeta) } },
		func() (any, func() any) { return new(maintenanceMeta), func() any { return new(maintenanceMeta) } },
		func() (any, func() any) { return new(announcementMeta), func() any { return new(announcementMeta) } },
	}
	for _, target := range targets {
		for _, variant := range []string{"filled", "zero", "empty"} {
			m, fresh := target()
			t.Run(fmt.Sprintf("%T/%s", m, variant), func(t *testing.T) {
				switch variant {
				case "filled":
					(&filler{}).fill(t, reflect.ValueOf(m).Elem())
				case "empty":
					empties(reflect.ValueOf(m).Elem())
				}
				b, ok := encodeEntry(doc, src, m.(interface{ encode(*encoder) }))
				if !ok {
					t.Fatal("not encoded")
				}
				got := fresh()
				gotDoc, ok := decodeEntry(string(b), doc.Path, src, got.(interface{ decode(*decoder) }))
				if !ok {
					t.Fatal("entry does not decode")
				}
				if !reflect.DeepEqual(got, m) {
					t.Errorf("front matter:\n got %+v\nwant %+v", got, m)
				}
				if !reflect.DeepEqual(gotDoc, doc) {
					t.Errorf("document:\n got %+v\nwant %+v", gotDoc, doc)
				}
			})
		}
	}
}

// TestDecodeEntryMalformed: an entry cut short anywhere, or with a byte
// changed, never panics, and a cut one never decodes.
func TestDecodeEntryMalformed(t *testing.T) {
	src := []byte(goodIncident)
	var m incidentMeta
	doc, err := Decode("content/incidents/dns.md", src, &m)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := encodeEntry(doc, src, &m)
	if !ok {
		t.Fatal("not encoded")
	}
	for n := range len(b) {
		if _, ok := decodeEntry(string(b[:n]), doc.Path, src, new(incidentMeta)); ok {
			t.Errorf("entry cut to %d of %d bytes decodes", n, len(b))
		}
	}
	if _, ok := decodeEntry(string(b)+"\x00", doc.Path, src, new(incidentMeta)); ok {
		t.Error("entry with a trailing byte decodes")
	}
	for i := range b {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			c := []byte(string(b))
			c[i] ^= x
			decodeEntry(string(c), doc.Path, src, new(incidentMeta)) // must not panic
		}
	}
	// A body offset beyond the file (another file's entry) does not decode.
	if _, ok := decodeEntry(string(b), doc.Path, src[:10], new(incidentMeta)); ok {
		t.Error("entry of a longer file decodes")
	}
}

// The digest of the encoding of a few known documents, and the cache
// version it was taken under.
const (
	goldenVersion = "bulletin content documents 3"
	goldenDigest  = "28b666eb911836a531d523bd96f7e11d070ef52e0ef0ea17df2588fa0a31b060"
)

// TestEncodingNeedsVersionBump: the encoding of known documents changes
// only together with cacheVersion, so that entries in the old encoding are
// never decoded by new code whose binary identity did not change.
func TestEncodingNeedsVersionBump(t *testing.T) {
	h := sha256.New()
	for _, c := range []struct {
		src string
		m   interface {
			encode(*encoder)
		}
	}{
		{goodIncident, new(incidentMeta)},
		{goodMaintenance, new(maintenanceMeta)},
		{goodYAML, new(reportMeta)},
		{"+++\ntitle = \"T\"\ndate = 2026-11-03T10:00:00\n[[goals]]\ntitle = \"G\"\nstatus = \"done\"\n+++\nBody\n", new(reportMeta)},
	} {
		doc, err := Decode("x.md", []byte(c.src), c.m)
		if err != nil {
			t.Fatal(err)
		}
		b, ok := encodeEntry(doc, []byte(c.src), c.m)
		if !ok {
			t.Fatal("not encoded")
		}
		h.Write(b)
	}
	got := hex.EncodeToString(h.Sum(nil))
	switch {
	case got == goldenDigest && cacheVersion == goldenVersion:
	case got != goldenDigest && cacheVersion == goldenVersion:
		t.Errorf("the cache encoding changed (digest %s): bump cacheVersion in cache.go, then set goldenVersion and goldenDigest here", got)
	default:
		t.Errorf("cacheVersion is %q: set goldenVersion to it and goldenDigest to %s", cacheVersion, got)
	}
}
