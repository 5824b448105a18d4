package binrec

import (
	"encoding/binary"
	"errors"
	"testing"
)

func TestReader(t *testing.T) {
	var b []byte
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -7)
	b = binary.AppendUvarint(b, 3)
	b = append(b, "abc"...)
	b = append(b, 9)
	r := NewReader(b)
	if got := r.Uvarint(); got != 300 {
		t.Errorf("Uvarint = %d", got)
	}
	if got := r.Varint(); got != -7 {
		t.Errorf("Varint = %d", got)
	}
	if got := r.String(); got != "abc" {
		t.Errorf("String = %q", got)
	}
	if got := r.Byte(); got != 9 || r.Err() != nil || r.Len() != 0 {
		t.Errorf("Byte = %d, err %v, %d left", got, r.Err(), r.Len())
	}
	// Past the end: zero values and, from then on, ErrCorrupt.
	if r.Byte() != 0 || r.Uvarint() != 0 || r.String() != "" || !errors.Is(r.Err(), ErrCorrupt) {
		t.Errorf("reading past the end: err %v", r.Err())
	}
	if r := NewReader([]byte{0x80}); r.Uvarint() != 0 || r.Err() == nil {
		t.Error("a cut varint reads")
	}
	if r := NewReader([]byte{5, 'a'}); r.String() != "" || r.Err() == nil {
		t.Error("a string longer than the data reads")
	}
}
