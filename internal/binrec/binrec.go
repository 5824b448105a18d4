// Package binrec reads the compact binary files bulletin keeps between
// runs (the markdown cache, the build's output manifest): uvarint-prefixed
// fields one after another, read through a Reader that remembers its first
// error, so a decoder reads every field and checks once at the end.
package binrec

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt is the error of a Reader that ran out of data or met a
// malformed number.
var ErrCorrupt = errors.New("corrupt data")

// Reader reads fields from b. The zero Reader reads nothing.
type Reader struct {
	b   []byte
	err error
}

// NewReader returns a Reader of b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err returns ErrCorrupt if a read failed.
func (r *Reader) Err() error { return r.err }

// Len returns the number of bytes left.
func (r *Reader) Len() int { return len(r.b) }

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = ErrCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = ErrCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Bytes reads n bytes; the result aliases the Reader's input.
func (r *Reader) Bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = ErrCorrupt
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if b := r.Bytes(1); len(b) == 1 {
		return b[0]
	}
	return 0
}

// String reads a uvarint length and that many bytes.
func (r *Reader) String() string { return string(r.Bytes(r.Uvarint())) }
