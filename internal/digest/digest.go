// Package digest computes 128-bit digests of byte strings and of Go values,
// for caches that must tell "the same input" from "a changed input":
// bulletin's build reuses a page's previous output when the data its
// template sees digests to the same key.
//
// Value digests walk everything reachable from a value, unexported fields
// included (a template can call methods that read them), so any change a
// template could observe changes the key. Values that cannot be digested —
// funcs, channels, cycles — are an error, and the caller renders as if
// there were no cache. The digest is xxh3-128: fast, and with no adversary
// in play (the site's own files are the input) collisions are not a
// practical concern.
package digest

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/zeebo/xxh3"
)

// Key is a 128-bit digest.
type Key [16]byte

// IsZero reports whether k is the zero key, which no input digests to in
// practice and callers use for "no key".
func (k Key) IsZero() bool { return k == Key{} }

// String returns k in hex.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Bytes returns the digest of b.
func Bytes(b []byte) Key { return xxh3.Hash128(b).Bytes() }

// Hasher accumulates a digest of a sequence of values. The zero value is
// not ready; use New.
type Hasher struct {
	h *xxh3.Hasher128
	// buf[:n] collects small writes: the hash costs per call, and a walk
	// writes mostly a few bytes at a time.
	buf [bufSize]byte
	n   int
	// path holds the pointers being walked, to refuse cycles.
	path map[uintptr]bool
	// keys digests map keys, reused from key to key.
	keys *Hasher
}

// New returns an empty Hasher.
func New() *Hasher {
	return &Hasher{h: xxh3.New128(), path: map[uintptr]bool{}}
}

const bufSize = 4096

// Reset empties the hasher for reuse.
func (d *Hasher) Reset() {
	d.h.Reset()
	d.n = 0
	clear(d.path)
}

// Sum returns the digest of everything added since New or Reset.
func (d *Hasher) Sum() Key {
	d.flush()
	return d.h.Sum128().Bytes()
}

func (d *Hasher) flush() {
	if d.n > 0 {
		d.h.Write(d.buf[:d.n])
		d.n = 0
	}
}

// String adds a string, length first, so that ("ab", "c") and ("a", "bc")
// differ.
func (d *Hasher) String(s string) {
	d.uint(uint64(len(s)))
	d.write(s)
}

func (d *Hasher) write(s string) {
	if d.n+len(s) > bufSize {
		d.flush()
		if len(s) > bufSize/2 {
			d.h.WriteString(s)
			return
		}
	}
	d.n += copy(d.buf[d.n:], s)
}

func (d *Hasher) writeBytes(b []byte) {
	if d.n+len(b) > bufSize {
		d.flush()
		if len(b) > bufSize/2 {
			d.h.Write(b)
			return
		}
	}
	d.n += copy(d.buf[d.n:], b)
}

// Key adds another digest.
func (d *Hasher) Key(k Key) { d.writeBytes(k[:]) }

func (d *Hasher) uint(u uint64) {
	if d.n+8 > bufSize {
		d.flush()
	}
	binary.LittleEndian.PutUint64(d.buf[d.n:], u)
	d.n += 8
}

func (d *Hasher) byte(b byte) {
	if d.n+1 > bufSize {
		d.flush()
	}
	d.buf[d.n] = b
	d.n++
}

// ErrUndigestable is returned for values holding funcs, channels, unsafe
// pointers or cycles.
var ErrUndigestable = errors.New("value cannot be digested")

// Value adds v and everything reachable from it.
func (d *Hasher) Value(v any) error {
	if v == nil {
		d.byte(0)
		return nil
	}
	rv := reflect.ValueOf(v)
	d.String(rv.Type().String())
	return d.value(rv)
}

// Of returns the digest of v (see Hasher.Value).
func Of(v any) (Key, error) {
	d := New()
	if err := d.Value(v); err != nil {
		return Key{}, err
	}
	return d.Sum(), nil
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	locationType = reflect.TypeFor[time.Location]()
)

func (d *Hasher) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			d.byte(1)
		} else {
			d.byte(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.uint(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		d.uint(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		d.uint(math.Float64bits(real(c)))
		d.uint(math.Float64bits(imag(c)))
	case reflect.String:
		d.String(v.String())
	case reflect.Slice:
		if v.IsNil() {
			d.byte(0)
			return nil
		}
		d.byte(1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			d.uint(uint64(v.Len()))
			d.writeBytes(v.Bytes())
			return nil
		}
		fallthrough
	case reflect.Array:
		n := v.Len()
		d.uint(uint64(n))
		for i := range n {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return d.time(v)
		}
		for i := range v.NumField() {
			if err := d.value(v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			d.byte(0)
			return nil
		}
		d.byte(1)
		if v.Type().Elem() == locationType {
			d.String(locationName(v))
			return nil
		}
		p := v.Pointer()
		if d.path[p] {
			return fmt.Errorf("%w: cycle through %s", ErrUndigestable, v.Type())
		}
		d.path[p] = true
		err := d.value(v.Elem())
		delete(d.path, p)
		return err
	case reflect.Interface:
		if v.IsNil() {
			d.byte(0)
			return nil
		}
		e := v.Elem()
		d.byte(1)
		d.String(e.Type().String())
		return d.value(e)
	case reflect.Map:
		return d.mapValue(v)
	default:
		return fmt.Errorf("%w: %s", ErrUndigestable, v.Type())
	}
	return nil
}

// time adds an instant and its location by name: templates print times in
// zones, and two equal instants in different zones print differently. It
// digests the fields time.Time is made of, which works for times reached
// through unexported fields too and boxes nothing. A time read from the
// clock also carries a monotonic reading there, which only makes its
// digest differ from run to run: a cache miss, never a wrong hit.
func (d *Hasher) time(v reflect.Value) error {
	d.uint(v.Field(0).Uint())
	d.uint(uint64(v.Field(1).Int()))
	if loc := v.Field(2); loc.IsNil() {
		d.String("UTC")
	} else {
		d.String(locationName(loc))
	}
	return nil
}

// locationName returns the name of the *time.Location in v, which may have
// been reached through unexported fields.
func locationName(v reflect.Value) string {
	if v.CanInterface() {
		return v.Interface().(*time.Location).String()
	}
	return v.Elem().FieldByIndex(locationNameField).String()
}

// locationNameField is the index of time.Location's name field.
var locationNameField = func() []int {
	f, ok := locationType.FieldByName("name")
	if !ok {
		panic("digest: time.Location has no name field")
	}
	return f.Index
}()

// mapValue adds a map's entries in the order of their keys' digests, so
// that iteration order does not matter.
func (d *Hasher) mapValue(v reflect.Value) error {
	if v.IsNil() {
		d.byte(0)
		return nil
	}
	d.byte(1)
	type kv struct {
		key Key
		val reflect.Value
	}
	entries := make([]kv, 0, v.Len())
	if d.keys == nil {
		d.keys = New()
	}
	iter := v.MapRange()
	for iter.Next() {
		d.keys.Reset()
		if err := d.keys.value(iter.Key()); err != nil {
			return err
		}
		entries = append(entries, kv{d.keys.Sum(), iter.Value()})
	}
	slices.SortFunc(entries, func(a, b kv) int { return bytes.Compare(a.key[:], b.key[:]) })
	d.uint(uint64(len(entries)))
	for _, e := range entries {
		d.Key(e.key)
		if err := d.value(e.val); err != nil {
			return err
		}
	}
	return nil
}
